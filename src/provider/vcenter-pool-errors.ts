// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../lib/errors.ts';

/** `get()` named a tenant the configuration does not have. A programming or config error. */
export class UnknownVCenterError extends CcmError {
  readonly code = 'VCENTER_UNKNOWN';
}

/** The pool was closed; no connection is opened any more. */
export class VCenterPoolClosedError extends CcmError {
  readonly code = 'VCENTER_POOL_CLOSED';
}

/** Connecting (CA file, credentials, login, datacenter lookup) took longer than allowed. */
export class VCenterConnectTimeoutError extends CcmError {
  readonly code = 'VCENTER_CONNECT_TIMEOUT';
}

/**
 * A vCenter could not be connected: either the attempt just made failed, or an earlier one did
 * and the retry backoff has not ended (then nothing was attempted). `cause` is the failure of
 * the attempt (e.g. `DatacenterNotFoundError`, `InvalidLoginError`, `SoapTransportError`); match
 * it with `findInCauses`. The message names the tenant, the server and the cause.
 */
export class VCenterUnavailableError extends CcmError {
  readonly code = 'VCENTER_UNAVAILABLE';
  readonly tenantRef: string;
  /** Epoch ms before which the pool will not try again. */
  readonly retryAt: number;

  constructor(
    message: string,
    details: { readonly tenantRef: string; readonly retryAt: number; readonly cause: unknown },
  ) {
    super(message, { cause: details.cause });
    this.tenantRef = details.tenantRef;
    this.retryAt = details.retryAt;
  }
}
