// SPDX-License-Identifier: Apache-2.0
import { abortableDelay } from '../lib/abort.ts';
import { httpStatusOf, parseBody, statusText } from './api-status.ts';
import { ApiException } from './client-node.ts';

/** How one watch request ended. */
export interface WatchOutcome {
  /** Where to resume; undefined after 410 Gone (re-list). */
  readonly resourceVersion: string | undefined;
  /** Events received (bookmarks included). */
  readonly events: number;
}

/** What a list+watch consumer supplies; the loop owns retries, backoff and stopping. */
export interface ListWatchSteps {
  /** Lists and replaces the consumer's state; resolves with the list's resourceVersion. */
  list(signal: AbortSignal): Promise<string>;
  /** One watch request from `resourceVersion`, until the server or `signal` ends it. */
  watch(resourceVersion: string, signal: AbortSignal): Promise<WatchOutcome>;
  /** A list or watch failed (never called for the stop itself); the loop retries with backoff. */
  onError(err: unknown): void;
  /** A list succeeded. */
  onListed?(): void;
}

export interface ListWatchLoopOptions {
  /** Retry delays after failures: doubling from `initialMs` up to `maxMs` (default 1 s → 30 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number } | undefined;
}

/** A watch that ends sooner than this without events counts as a failure for backoff. */
const MIN_HEALTHY_WATCH_MS = 1_000;

/**
 * client-go's reflector loop: list, then watch from the list's resourceVersion, resume each
 * ended watch from the last resourceVersion seen, re-list after 410 Gone (at once, but only once
 * in a row, so a server stuck on 410 cannot spin it), and back off exponentially after failures
 * and after watches that end at once with nothing in them. `start` resolves after the first list
 * attempt, successful or not; `stop` aborts the open request and waits for the loop.
 */
export class ListWatchLoop {
  readonly #steps: ListWatchSteps;
  readonly #backoff: { readonly initialMs: number; readonly maxMs: number };
  #stop: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(steps: ListWatchSteps, options: ListWatchLoopOptions = {}) {
    this.#steps = steps;
    this.#backoff = options.backoff ?? { initialMs: 1_000, maxMs: 30_000 };
  }

  /**
   * Starts the loop (a second call does nothing) and resolves after the first list attempt.
   * Aborting `signal` stops the loop as `stop` does.
   */
  async start(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#stop !== undefined) return;
    const stop = new AbortController();
    this.#stop = stop;
    signal?.addEventListener('abort', () => void this.stop(), { once: true, signal: stop.signal });
    const firstAttempt = Promise.withResolvers<undefined>();
    const done = (): void => {
      firstAttempt.resolve(undefined);
    };
    this.#loop = this.#run(stop.signal, done).finally(done);
    await firstAttempt.promise;
  }

  /** Stops the loop and its open request, and waits for both. Never rejects; safe to call twice. */
  async stop(): Promise<void> {
    this.#stop?.abort();
    await this.#loop;
  }

  async #run(signal: AbortSignal, firstAttemptDone: () => void): Promise<void> {
    const { initialMs, maxMs } = this.#backoff;
    let delay = initialMs;
    let resourceVersion: string | undefined;
    let relistedAfterGone = false;
    while (!signal.aborted) {
      let healthy = false;
      try {
        if (resourceVersion === undefined) {
          resourceVersion = await this.#steps.list(signal);
          this.#steps.onListed?.();
          firstAttemptDone();
        }
        const started = performance.now();
        const outcome = await this.#steps.watch(resourceVersion, signal);
        healthy = outcome.events > 0 || performance.now() - started >= MIN_HEALTHY_WATCH_MS;
        if (outcome.resourceVersion === undefined) {
          healthy = !relistedAfterGone;
          relistedAfterGone = true;
        } else relistedAfterGone = false;
        resourceVersion = outcome.resourceVersion;
      } catch (err) {
        // `stop()` aborts the open request: that is the end, not a failure to report.
        if (isAborted(signal)) break;
        this.#steps.onError(err);
        firstAttemptDone();
      }
      if (healthy) {
        delay = initialMs;
        continue;
      }
      await abortableDelay(delay, signal).catch(() => undefined);
      delay = Math.min(delay * 2, maxMs);
    }
  }
}

/** Reads the flag afresh (a loop condition narrows `signal.aborted` to false for the checker). */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

/**
 * What a failed list or watch of `what` (`nodes`, `secret kube-system/x`) says, and its HTTP
 * status when the API server answered: an `ApiException` is a failed list (with the Status
 * reason), an HTTP status on another error is a failed watch, anything else means the API server
 * could not be reached. Consumers wrap it in their own error class.
 */
export function describeListWatchFailure(
  err: unknown,
  what: string,
): { readonly message: string; readonly status: number | undefined } {
  if (err instanceof ApiException) {
    const status = (err as ApiException<unknown>).code;
    return { message: `list of ${what}: HTTP ${status}: ${statusText(parseBody(err.body))}`, status };
  }
  const status = httpStatusOf(err);
  const reason = err instanceof Error ? err.message : String(err);
  if (status !== undefined) return { message: `watch of ${what}: HTTP ${status} ${reason}`, status };
  return { message: `${what}: Kubernetes API unreachable: ${reason}`, status: undefined };
}
