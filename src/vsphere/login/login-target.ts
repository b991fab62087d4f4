// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../../lib/errors.ts';
import type { ManagedObjectReference } from '../../vim25/generated/data-objects.ts';
import type { RoundTripper } from '../../vim25/round-tripper.ts';

/** Where a login happens: the session's own transport (it keeps the cookie) and SessionManager. */
export interface LoginTarget {
  readonly transport: RoundTripper;
  readonly sessionManager: ManagedObjectReference;
}

/** The credentials name a login mode this authenticator or transport was not set up for. */
export class UnsupportedLoginModeError extends CcmError {
  readonly code = 'VCENTER_LOGIN_MODE_UNSUPPORTED';
}
