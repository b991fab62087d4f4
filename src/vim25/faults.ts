// SPDX-License-Identifier: Apache-2.0
import { CcmError, findInCauses } from '../lib/errors.ts';

/**
 * A SOAP fault as decoded from the wire, before it becomes an error. `detail` is the decoded
 * fault data object (its `_type` is the vim25 fault name, e.g. `NotAuthenticated`) when the
 * server sent one.
 */
export interface SoapFault {
  readonly faultCode: string;
  readonly faultString: string;
  readonly detail?: { readonly _type: string } & Record<string, unknown>;
}

/**
 * A vSphere fault returned by the server (a `MethodFault` subtype). `faultName` is the vim25
 * type name; the subclasses below exist for the faults that callers branch on, so that matching
 * is `instanceof` or `code`, never message text.
 */
export class VimFaultError extends CcmError {
  readonly code: string = 'VIM_FAULT';
  readonly faultName: string;
  readonly fault: SoapFault;

  constructor(fault: SoapFault, options?: ErrorOptions) {
    const name = fault.detail?._type ?? fault.faultCode;
    super(`${name}: ${fault.faultString}`, options);
    this.faultName = name;
    this.fault = fault;
  }
}

/** The session cookie is missing, expired or was terminated: log in again. */
export class NotAuthenticatedError extends VimFaultError {
  override readonly code = 'VIM_NOT_AUTHENTICATED';
}
/** Wrong user name or password. Retrying with the same credentials risks an account lockout. */
export class InvalidLoginError extends VimFaultError {
  override readonly code = 'VIM_INVALID_LOGIN';
}
/** The referenced object no longer exists (deleted VM, destroyed view or collector). */
export class ManagedObjectNotFoundError extends VimFaultError {
  override readonly code = 'VIM_MANAGED_OBJECT_NOT_FOUND';
}
/** WaitForUpdatesEx was given a version the collector no longer knows: resync from scratch. */
export class InvalidCollectorVersionError extends VimFaultError {
  override readonly code = 'VIM_INVALID_COLLECTOR_VERSION';
}
/** A request argument was rejected by the server. */
export class InvalidArgumentError extends VimFaultError {
  override readonly code = 'VIM_INVALID_ARGUMENT';
}

const faultClasses: Readonly<Record<string, new (f: SoapFault, o?: ErrorOptions) => VimFaultError>> = {
  NotAuthenticated: NotAuthenticatedError,
  InvalidLogin: InvalidLoginError,
  ManagedObjectNotFound: ManagedObjectNotFoundError,
  InvalidCollectorVersion: InvalidCollectorVersionError,
  InvalidArgument: InvalidArgumentError,
};

/** Turns a decoded SOAP fault into the most specific error class for it. */
export function vimFaultError(fault: SoapFault): VimFaultError {
  const name = fault.detail?._type;
  const cls = name === undefined ? undefined : faultClasses[name];
  return cls === undefined ? new VimFaultError(fault) : new cls(fault);
}

/** HTTP-level failure: connection refused or reset, TLS failure, or a non-SOAP HTTP status. */
export class SoapTransportError extends CcmError {
  readonly code = 'SOAP_TRANSPORT';
  /** HTTP status when a response arrived; undefined for network and TLS failures. */
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

/** The call did not complete within its timeout. */
export class SoapTimeoutError extends CcmError {
  readonly code = 'SOAP_TIMEOUT';
  readonly timeoutMs: number;

  constructor(method: string, timeoutMs: number, options?: ErrorOptions) {
    super(`${method}: no response within ${String(timeoutMs)} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The reply was not a well-formed SOAP response for the method (truncated, not XML, wrong body).
 * Never treat this as "no result": a cut-off inventory must not look like missing VMs.
 */
export class SoapDecodeError extends CcmError {
  readonly code = 'SOAP_DECODE';
}

/** The server's certificate did not match the configured thumbprint. Nothing was sent. */
export class TlsThumbprintMismatchError extends CcmError {
  readonly code = 'TLS_THUMBPRINT_MISMATCH';
}

/**
 * True when `err` (or anything in its `cause` chain) is a vSphere fault named `faultName`,
 * e.g. `isVimFault(err, 'NotAuthenticated')`.
 */
export function isVimFault(err: unknown, faultName: string): boolean {
  return (
    findInCauses(err, (e): e is VimFaultError => e instanceof VimFaultError && e.faultName === faultName) !==
    undefined
  );
}
