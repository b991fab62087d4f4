// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../lib/errors.ts';

/** No machine matches the Node (authoritative answer from every place it could be). */
export class InstanceNotFoundError extends CcmError {
  readonly code = 'INSTANCE_NOT_FOUND';
}

/** The provider cannot answer now (outage, unsynced inventory); retry later, never act on it. */
export class ProviderUnavailableError extends CcmError {
  readonly code = 'PROVIDER_UNAVAILABLE';
}
