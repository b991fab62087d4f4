// SPDX-License-Identifier: Apache-2.0
import type { VCenterIndexState } from './index-state.ts';

/**
 * How far behind vCenter the index may be, in seconds: the time since vCenter last confirmed the
 * index current, i.e. since the latest of the last applied sync or update and the last
 * successful call of the watch (a WaitForUpdatesEx return, empty long polls included, or a
 * resync's retrieval). Undefined before the first complete sync. While the index is healthy it
 * stays below the long-poll wait (60 s by default) plus the round-trip time; larger values mean
 * the watch is failing or vCenter stopped answering. Never negative, even if the clock steps back.
 */
export function indexSyncLagSeconds(
  state: Pick<VCenterIndexState, 'synced' | 'lastUpdate' | 'lastContact'>,
  nowMs: number,
): number | undefined {
  if (!state.synced) return undefined;
  const confirmed = Math.max(state.lastUpdate ?? -Infinity, state.lastContact ?? -Infinity);
  if (!Number.isFinite(confirmed)) return undefined;
  return Math.max(0, nowMs - confirmed) / 1000;
}
