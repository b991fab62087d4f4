// SPDX-License-Identifier: Apache-2.0
/** Pure client-go rules for the Lease record a candidate writes at each step of an election. */
import type { LeaseRecord, ObservedLease } from './lease-client.ts';

/** What `identity` writes when it (re)takes the lease at `now` (epoch ms). */
export function desiredRecord(identity: string, leaseMs: number, now: number): LeaseRecord {
  return {
    holderIdentity: identity,
    leaseDurationSeconds: Math.max(1, Math.round(leaseMs / 1000)),
    acquireTime: new Date(now),
    renewTime: new Date(now),
    leaseTransitions: 0,
  };
}

/**
 * The record replacing `current`: a renewal by the same holder keeps `acquireTime` and the
 * transition count; a takeover (from another or no holder) counts one more transition.
 */
export function nextRecord(desired: LeaseRecord, current: LeaseRecord): LeaseRecord {
  if (current.holderIdentity === desired.holderIdentity) {
    return {
      ...desired,
      acquireTime: current.acquireTime ?? desired.acquireTime,
      leaseTransitions: current.leaseTransitions,
    };
  }
  return { ...desired, leaseTransitions: current.leaseTransitions + 1 };
}

/** client-go's ReleaseOnCancel record: no holder, 1 s duration, transitions unchanged. */
export function releaseRecord(current: LeaseRecord, now: number): LeaseRecord {
  return {
    holderIdentity: '',
    leaseDurationSeconds: 1,
    acquireTime: new Date(now),
    renewTime: new Date(now),
    leaseTransitions: current.leaseTransitions,
  };
}

/** Whether two observations are the same version of the same record. */
export function sameLease(a: ObservedLease, b: ObservedLease | undefined): boolean {
  return (
    b !== undefined &&
    a.resourceVersion === b.resourceVersion &&
    JSON.stringify(a.record) === JSON.stringify(b.record)
  );
}
