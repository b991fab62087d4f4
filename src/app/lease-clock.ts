// SPDX-License-Identifier: Apache-2.0
/** The time source of leader election, injectable so tests can drive it without waiting. */
import { abortableDelay } from '../lib/abort.ts';
import { CcmError } from '../lib/errors.ts';

/** Wall-clock milliseconds and cancellable sleeps. */
export interface ElectionClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** The real clock: `Date.now()` and unref'd timers. */
export const systemClock: ElectionClock = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number, signal: AbortSignal) => abortableDelay(ms, signal),
});

/** A bounded step of the election ran out of time (e.g. no renewal within the renew deadline). */
export class LeaseDeadlineError extends CcmError {
  readonly code = 'LEASE_DEADLINE_EXCEEDED';
}

/** A signal that aborts when `parent` does or after `ms` on `clock`; always call `dispose()`. */
export interface ClockDeadline {
  readonly signal: AbortSignal;
  /** Stops the timer and detaches from `parent`; the signal stays as it is. */
  dispose(): void;
}

/** Starts a {@link ClockDeadline} of `ms` on `clock`, described as `what` when it fires. */
export function clockDeadline(
  clock: ElectionClock,
  parent: AbortSignal,
  ms: number,
  what: string,
): ClockDeadline {
  const out = new AbortController();
  const timer = new AbortController();
  const onParent = (): void => {
    out.abort(parent.reason);
  };
  if (parent.aborted) out.abort(parent.reason);
  else parent.addEventListener('abort', onParent, { once: true });
  clock.sleep(ms, timer.signal).then(
    () => {
      out.abort(new LeaseDeadlineError(`${what}: no success within ${ms} ms`));
    },
    // Rejection only means dispose() stopped the timer.
    () => undefined,
  );
  return {
    signal: out.signal,
    dispose: () => {
      timer.abort();
      parent.removeEventListener('abort', onParent);
    },
  };
}
