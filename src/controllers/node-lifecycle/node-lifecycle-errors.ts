// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../../lib/errors.ts';

/** The cloud could not say whether a NotReady Node's machine is shut down or gone; nothing was changed. */
export class NodeLifecycleError extends CcmError {
  readonly code = 'NODE_LIFECYCLE_CHECK_FAILED';
}
