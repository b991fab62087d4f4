// SPDX-License-Identifier: Apache-2.0
import { CcmError, findInCauses } from '../lib/errors.ts';
import { VimFaultError } from '../vim25/faults.ts';
import type { DatacenterInfo } from '../vsphere/datacenters.ts';

/** An error as kept for readiness and metrics: stable code, operator message, when (epoch ms). */
export interface VCenterErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly at: number;
}

/** A read-only snapshot of one vCenter's connection, for readiness probes and metrics. */
export interface VCenterState {
  readonly tenantRef: string;
  readonly server: string;
  /**
   * True once a connect succeeded and as long as the latest call reached the vCenter; false
   * before the first connect, after a failed one, while calls fail for transport or login
   * reasons, and after `close()`.
   */
  readonly connected: boolean;
  /** The latest failure (connect or call); kept after recovery, compare `at` with lastSuccess. */
  readonly lastError: VCenterErrorInfo | undefined;
  /** Epoch ms of the latest successful connect or call that reached the vCenter. */
  readonly lastSuccess: number | undefined;
  /** Epoch ms of the latest connect attempt. */
  readonly lastAttempt: number | undefined;
  /** Epoch ms before which no new connect is attempted (after a failure); else undefined. */
  readonly nextAttempt: number | undefined;
  readonly consecutiveFailures: number;
  /** The resolved datacenter scope; undefined when not connected or not scoped (all). */
  readonly datacenters: readonly DatacenterInfo[] | undefined;
}

/**
 * The mutable record behind one `VCenterState`. Owned by one pool entry; the pool decides when
 * things happen, this class only records them.
 */
export class VCenterHealth {
  readonly #tenantRef: string;
  readonly #server: string;
  #connected = false;
  #lastError: VCenterErrorInfo | undefined;
  #lastSuccess: number | undefined;
  #lastAttempt: number | undefined;
  #nextAttempt: number | undefined;
  #failures = 0;
  #datacenters: readonly DatacenterInfo[] | undefined;

  constructor(tenantRef: string, server: string) {
    this.#tenantRef = tenantRef;
    this.#server = server;
  }

  get connected(): boolean {
    return this.#connected;
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }

  /** When the next connect may start, or undefined when it may start now. */
  get nextAttempt(): number | undefined {
    return this.#nextAttempt;
  }

  attempted(at: number): void {
    this.#lastAttempt = at;
  }

  connectSucceeded(at: number, datacenters: readonly DatacenterInfo[] | undefined): void {
    this.#connected = true;
    this.#lastSuccess = at;
    this.#failures = 0;
    this.#nextAttempt = undefined;
    this.#datacenters = datacenters;
  }

  connectFailed(err: unknown, at: number, nextAttempt: number): VCenterErrorInfo {
    this.#connected = false;
    this.#failures += 1;
    this.#nextAttempt = nextAttempt;
    this.#lastError = errorInfo(err, at);
    return this.#lastError;
  }

  /**
   * Records the outcome of a call made on the open connection. Returns true when `connected`
   * changed, so that the caller can report the transition once.
   */
  callSettled(err: unknown, at: number): boolean {
    const was = this.#connected;
    const kind = err === undefined ? 'reached' : classify(err);
    if (kind === 'reached') {
      this.#connected = true;
      this.#lastSuccess = at;
    } else if (kind === 'outage') {
      this.#connected = false;
      this.#lastError = errorInfo(err, at);
    }
    return was !== this.#connected;
  }

  /**
   * Records a keep-alive of the open session (it carries only an error code). Returns true when
   * `connected` changed.
   */
  keepAliveSettled(code: string | undefined, at: number): boolean {
    const was = this.#connected;
    if (code === undefined) {
      this.#connected = true;
      this.#lastSuccess = at;
    } else if (outageCodes.has(code)) {
      this.#connected = false;
      this.#lastError = { code, message: `keep-alive of the session failed (${code})`, at };
    }
    return was !== this.#connected;
  }

  closed(): void {
    this.#connected = false;
    this.#datacenters = undefined;
  }

  snapshot(): VCenterState {
    return {
      tenantRef: this.#tenantRef,
      server: this.#server,
      connected: this.#connected,
      lastError: this.#lastError,
      lastSuccess: this.#lastSuccess,
      lastAttempt: this.#lastAttempt,
      nextAttempt: this.#nextAttempt,
      consecutiveFailures: this.#failures,
      datacenters: this.#datacenters,
    };
  }
}

/** The code of the first `CcmError` in the cause chain (else `UNEXPECTED`) and its message. */
export function errorInfo(err: unknown, at: number): VCenterErrorInfo {
  const typed = findInCauses(err, (e): e is CcmError => e instanceof CcmError);
  const message = typed?.message ?? (err instanceof Error ? err.message : String(err));
  return { code: typed?.code ?? 'UNEXPECTED', message, at };
}

/** Codes of errors that mean the vCenter could not be reached or would not let us in. */
const outageCodes: ReadonlySet<string> = new Set([
  'SOAP_TRANSPORT',
  'SOAP_TIMEOUT',
  'SOAP_DECODE',
  'TLS_THUMBPRINT_MISMATCH',
  'VIM_INVALID_LOGIN',
  'VIM_LOGIN_SUPPRESSED',
]);

/**
 * `outage`: the vCenter could not be reached or would not let us in; `reached`: it answered
 * (a fault about an object is still an answer); `neutral`: says nothing about the vCenter (the
 * caller aborted, a programming error).
 */
function classify(err: unknown): 'outage' | 'reached' | 'neutral' {
  const outage = findInCauses(err, (e): e is CcmError => e instanceof CcmError && outageCodes.has(e.code));
  if (outage !== undefined) return 'outage';
  return err instanceof VimFaultError ? 'reached' : 'neutral';
}
