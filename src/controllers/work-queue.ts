// SPDX-License-Identifier: Apache-2.0
import {
  defaultControllerRateLimiter,
  monotonicClock,
  type Clock,
  type RetryRateLimiter,
} from '../kube/rate-limiter.ts';

/** Runs `fn` after `delayMs`; returns a function that cancels it. */
export type Schedule = (fn: () => void, delayMs: number) => () => void;

/** Real timers. */
export const realSchedule: Schedule = (fn, delayMs) => {
  const timer = setTimeout(fn, delayMs);
  return () => {
    clearTimeout(timer);
  };
};

export interface WorkQueueOptions {
  /** Delay policy of `addRateLimited`; default client-go's (5 ms·2ⁿ up to 1000 s, 10 qps / 100 burst). */
  readonly rateLimiter?: RetryRateLimiter;
  readonly clock?: Clock;
  readonly schedule?: Schedule;
}

interface Delayed {
  readonly readyAt: number;
  readonly cancel: () => void;
}

/**
 * A rate-limited work queue of string keys with client-go `RateLimitingQueue` semantics:
 * - a key waiting in the queue is there once, however often it is added;
 * - a key is never handed to two workers at once: added while processing, it is queued again
 *   only when `done(key)` is called;
 * - `addAfter` and `addRateLimited` add a key later; of several pending delays for one key the
 *   earliest wins;
 * - after shutdown, adds are ignored.
 *
 * Every `get()` that yields a key must be followed by `done(key)`.
 */
export class WorkQueue {
  readonly #rateLimiter: RetryRateLimiter;
  readonly #clock: Clock;
  readonly #schedule: Schedule;
  readonly #queue: string[] = [];
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #delayed = new Map<string, Delayed>();
  readonly #waiters: ((key: string | undefined) => void)[] = [];
  #state: 'running' | 'draining' | 'stopped' = 'running';
  #drained: (() => void) | undefined;

  constructor(options: WorkQueueOptions = {}) {
    this.#clock = options.clock ?? monotonicClock;
    this.#rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter(this.#clock);
    this.#schedule = options.schedule ?? realSchedule;
  }

  /** Queues `key` unless it is already waiting; ignored after shutdown. */
  add(key: string): void {
    if (this.#state !== 'running' || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    this.#queue.push(key);
    this.#wake();
  }

  /** Queues `key` after `delayMs` (at once when ≤ 0); an earlier pending delay for it is kept. */
  addAfter(key: string, delayMs: number): void {
    if (this.#state !== 'running') return;
    if (!(delayMs > 0)) {
      this.add(key);
      return;
    }
    const readyAt = this.#clock() + delayMs;
    const pending = this.#delayed.get(key);
    if (pending !== undefined) {
      if (pending.readyAt <= readyAt) return;
      pending.cancel();
    }
    const cancel = this.#schedule(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.#delayed.set(key, { readyAt, cancel });
  }

  /** Queues `key` after the rate limiter's delay for one more failure of it. */
  addRateLimited(key: string): void {
    if (this.#state !== 'running') return;
    this.addAfter(key, this.#rateLimiter.when(key));
  }

  /** Clears the failure history of `key` (call after it synced, or when it no longer exists). */
  forget(key: string): void {
    this.#rateLimiter.forget(key);
  }

  /** How many failures of `key` the rate limiter remembers. */
  numRequeues(key: string): number {
    return this.#rateLimiter.numRequeues(key);
  }

  /**
   * The next key, waiting until there is one. Resolves `undefined` once the queue is shut down
   * (immediately) or drained (after a draining shutdown): the caller's worker should then exit.
   */
  get(): Promise<string | undefined> {
    const key = this.#take();
    if (key !== undefined || this.#finished()) return Promise.resolve(key);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Marks `key` as processed; a key re-added meanwhile is queued again now. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#state !== 'stopped' && this.#dirty.has(key)) this.#queue.push(key);
    this.#wake();
    this.#checkDrained();
  }

  /** Keys waiting to be handed out (the workqueue `depth` metric). */
  get length(): number {
    return this.#queue.length;
  }

  /** Keys handed out and not yet `done`. */
  get processingCount(): number {
    return this.#processing.size;
  }

  /** Keys waiting for their `addAfter` delay. */
  get delayedCount(): number {
    return this.#delayed.size;
  }

  get isShutDown(): boolean {
    return this.#state !== 'running';
  }

  /**
   * Stops at once: waiting and queued keys are dropped, pending delays cancelled, and `get()`
   * resolves `undefined`. Keys being processed still need their `done`.
   */
  shutdown(): void {
    this.#state = 'stopped';
    this.#cancelDelayed();
    this.#queue.length = 0;
    this.#dirty.clear();
    this.#wake();
    this.#checkDrained();
  }

  /**
   * Stops accepting keys (and cancels pending delays) but lets workers take the queued ones, and
   * keys re-added before the shutdown while being processed; resolves once nothing is queued or
   * being processed. Until then `get()` keeps waiting, so no worker exits while work can appear.
   */
  shutdownWithDrain(): Promise<void> {
    if (this.#state === 'running') this.#state = 'draining';
    this.#cancelDelayed();
    const drained = new Promise<void>((resolve) => {
      const previous = this.#drained;
      this.#drained = () => {
        previous?.();
        resolve();
      };
    });
    this.#wake();
    this.#checkDrained();
    return drained;
  }

  #take(): string | undefined {
    const key = this.#queue.shift();
    if (key === undefined) return undefined;
    this.#dirty.delete(key);
    this.#processing.add(key);
    return key;
  }

  #wake(): void {
    while (this.#waiters.length > 0) {
      const key = this.#take();
      if (key === undefined && !this.#finished()) return;
      this.#waiters.shift()?.(key);
    }
  }

  #cancelDelayed(): void {
    for (const d of this.#delayed.values()) d.cancel();
    this.#delayed.clear();
  }

  /** Whether a worker asking for a key should exit: nothing is or can be queued any more. */
  #finished(): boolean {
    if (this.#state === 'stopped') return true;
    return this.#state === 'draining' && this.#queue.length === 0 && this.#processing.size === 0;
  }

  #checkDrained(): void {
    if (this.#state === 'running' || this.#queue.length > 0 || this.#processing.size > 0) return;
    const drained = this.#drained;
    this.#drained = undefined;
    drained?.();
  }
}
