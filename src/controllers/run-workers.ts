// SPDX-License-Identifier: Apache-2.0
import { RetryAfterError } from '../cloud/errors.ts';
import { findInCauses } from '../lib/errors.ts';
import type { WorkQueue } from './work-queue.ts';

/** One failed sync, as reported to `onError`. */
export interface SyncFailure {
  readonly key: string;
  readonly error: unknown;
  /** Failures of this key the queue's backoff remembers (a `RetryAfterError` does not count). */
  readonly requeues: number;
  /** The explicit delay asked for by a `RetryAfterError`; `undefined` for a backoff retry. */
  readonly retryAfterMs: number | undefined;
}

export interface RunWorkersOptions {
  readonly queue: WorkQueue;
  /** Concurrent workers (`--concurrent-*-syncs`); at least 1. */
  readonly workers: number;
  /**
   * Brings the object named `key` to its desired state. Resolving means done (its failure history
   * is forgotten); rejecting with a `RetryAfterError` (anywhere in the cause chain) requeues it
   * after that delay; any other rejection requeues it with the queue's backoff.
   */
  readonly sync: (key: string, signal: AbortSignal) => Promise<void>;
  /** Aborting it shuts the queue down at once; in-flight syncs see it through their signal. */
  readonly signal: AbortSignal;
  /** Called once per failed sync (typically logs it). Whatever it throws is swallowed. */
  readonly onError: (failure: SyncFailure) => void;
  /** When set, each sync gets a signal that also aborts after this many milliseconds. */
  readonly syncTimeoutMs?: number;
}

function isRetryAfter(e: unknown): e is RetryAfterError {
  return e instanceof RetryAfterError;
}

/**
 * Runs `workers` loops that take keys from `queue` and sync them, until the queue is shut down
 * (by `signal` or by its owner). Resolves when every worker has exited; never rejects.
 */
export async function runWorkers(options: RunWorkersOptions): Promise<void> {
  const { queue, signal } = options;
  const stop = (): void => {
    queue.shutdown();
  };
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  try {
    const count = Math.max(1, Math.floor(options.workers));
    await Promise.all(Array.from({ length: count }, () => workerLoop(options)));
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

async function workerLoop(options: RunWorkersOptions): Promise<void> {
  for (;;) {
    const key = await options.queue.get();
    if (key === undefined) return;
    try {
      await processKey(options, key);
    } finally {
      options.queue.done(key);
    }
  }
}

async function processKey(options: RunWorkersOptions, key: string): Promise<void> {
  const { queue } = options;
  const signal =
    options.syncTimeoutMs === undefined
      ? options.signal
      : AbortSignal.any([options.signal, AbortSignal.timeout(options.syncTimeoutMs)]);
  try {
    await options.sync(key, signal);
    queue.forget(key);
  } catch (error) {
    const retryAfter = findInCauses(error, isRetryAfter);
    if (retryAfter !== undefined) queue.addAfter(key, retryAfter.retryAfterMs);
    else queue.addRateLimited(key);
    report(options, {
      key,
      error,
      requeues: queue.numRequeues(key),
      retryAfterMs: retryAfter?.retryAfterMs,
    });
  }
}

function report(options: RunWorkersOptions, failure: SyncFailure): void {
  try {
    options.onError(failure);
  } catch {
    // A failing logger must not kill the worker.
  }
}
