// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../../lib/errors.ts';

/** An error as kept for readiness and metrics: stable code, operator message, when (epoch ms). */
export interface IndexErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly at: number;
}

/**
 * A lookup was asked of a vCenter's index before its first complete sync. The VM may well
 * exist: this is never "not found".
 */
export class IndexNotSyncedError extends CcmError {
  readonly code = 'INVENTORY_INDEX_NOT_SYNCED';
  readonly vcenter: string;

  constructor(vcenter: string, options?: ErrorOptions) {
    super(`the inventory of vCenter ${vcenter} is not loaded yet`, options);
    this.vcenter = vcenter;
  }
}

/** `waitForSync` gave up: no complete sync within the time allowed. */
export class IndexSyncTimeoutError extends CcmError {
  readonly code = 'INVENTORY_INDEX_SYNC_TIMEOUT';
}

/** The code and message of any thrown value, for `IndexErrorInfo`. */
export function errorInfo(err: unknown, at: number): IndexErrorInfo {
  const code = err instanceof CcmError ? err.code : 'UNKNOWN';
  const message = err instanceof Error ? err.message : String(err);
  return { code, message, at };
}
