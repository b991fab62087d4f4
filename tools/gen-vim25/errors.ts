// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../../src/lib/errors.ts';

/** The Go source does not have the shape the generator relies on (a govmomi layout change). */
export class GoSourceError extends CcmError {
  readonly code = 'GEN_GO_SOURCE';
}

/** The allow-list names a method, managed object, property or type that govmomi does not define. */
export class AllowListError extends CcmError {
  readonly code = 'GEN_ALLOW_LIST';
}

/** The govmomi sources differ from the pinned version and `--allow-version-drift` was not given. */
export class VersionDriftError extends CcmError {
  readonly code = 'GEN_VERSION_DRIFT';
}

/** The generated output would not compile: two exports share a name, or a referenced type is missing. */
export class EmitError extends CcmError {
  readonly code = 'GEN_EMIT';
}
