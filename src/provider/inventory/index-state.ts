// SPDX-License-Identifier: Apache-2.0
import type { IndexErrorInfo } from './index-errors.ts';
import type { TagSnapshotState } from './tag-snapshot.ts';

/** What a vCenter's index did, for logs and metrics. */
export type IndexEvent =
  | {
      readonly type: 'synced';
      readonly vcenter: string;
      readonly generation: number;
      readonly vms: number;
    }
  | { readonly type: 'updated'; readonly vcenter: string; readonly objects: number }
  | {
      readonly type: 'resync';
      readonly vcenter: string;
      readonly error: IndexErrorInfo;
      readonly attempt: number;
    }
  | {
      readonly type: 'tags';
      readonly vcenter: string;
      readonly ok: boolean;
      readonly error?: IndexErrorInfo;
    };

/** A read-only snapshot of one vCenter's index, for readiness probes and metrics. */
export interface VCenterIndexState {
  readonly vcenter: string;
  /** A complete sync has been applied: lookups answer. Stays true while a resync runs. */
  readonly synced: boolean;
  /**
   * Synced, and the watch is current: no failure since the latest complete sync, and vCenter
   * answered within the long-poll time plus a grace period. Only a healthy index's "absent"
   * counts as evidence that a VM is gone.
   */
  readonly healthy: boolean;
  /** Complete syncs applied so far: 1 after the first, +1 after each resync. */
  readonly generation: number;
  /** Epoch ms of the latest applied sync or update. */
  readonly lastUpdate: number | undefined;
  /** Epoch ms of the latest successful call of the watch (empty long-poll returns included). */
  readonly lastContact: number | undefined;
  /** The latest watch failure; kept after recovery (compare `at` with `lastUpdate`). */
  readonly lastError: IndexErrorInfo | undefined;
  readonly vms: number;
  readonly topologyObjects: number;
  /** Undefined when no tag categories are configured. */
  readonly tags: TagSnapshotState | undefined;
}
