// SPDX-License-Identifier: Apache-2.0
/** Errors of leader election (the Lease calls' own errors live in lease-client.ts). */
import { CcmError } from '../lib/errors.ts';
import { LeaseApiError } from './lease-client.ts';

/** The options are inconsistent (client-go's rules) or `run` was called twice at once. */
export class LeaderElectionConfigError extends CcmError {
  readonly code = 'LEADER_ELECTION_CONFIG_INVALID';
}

/** Leadership ended because the lease could not be renewed or another holder took it. */
export class LeadershipLostError extends CcmError {
  readonly code = 'LEADERSHIP_LOST';
}

/** `onStartedLeading` threw or rejected; leadership was given up because of it. */
export class LeaderCallbackError extends CcmError {
  readonly code = 'LEADER_CALLBACK_FAILED';
}

/** `err` as a CcmError: itself if it is one, else wrapped (e.g. an abort) as a LeaseApiError. */
export function toLeaseError(err: unknown): CcmError {
  if (err instanceof CcmError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new LeaseApiError(`lease call failed: ${msg}`, { cause: err });
}
