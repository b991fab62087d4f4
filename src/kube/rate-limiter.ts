// SPDX-License-Identifier: Apache-2.0
/**
 * Rate limiters with client-go semantics: a token bucket (client QPS/burst, and the overall limit
 * of a work queue's retries) and the per-key exponential backoff a work queue applies to failing
 * keys. Time comes from an injected clock so that tests are deterministic.
 */

/** Milliseconds since some fixed origin; only differences matter. */
export type Clock = () => number;

/** Waits `ms` milliseconds; rejects with the signal's reason when aborted. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** The real clock: monotonic, so wall-clock jumps neither stall nor flood callers. */
export const monotonicClock: Clock = () => performance.now();

/** The real sleep (`setTimeout` that honours the signal). */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

export interface TokenBucketOptions {
  /** Tokens added per second; must be positive. */
  readonly qps: number;
  /** Bucket size (tokens available at once); at least 1. The bucket starts full. */
  readonly burst: number;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
}

/**
 * A token bucket like golang.org/x/time/rate's `Limiter` used by client-go: `reserve()` takes a
 * token now, possibly going into debt, and says how long the caller must wait before using it.
 * Reservations are first come, first served, so waiting callers are spaced 1/qps apart.
 */
export class TokenBucket {
  readonly qps: number;
  readonly burst: number;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  #tokens: number;
  #last: number | undefined;

  constructor(options: TokenBucketOptions) {
    if (!(options.qps > 0) || !Number.isFinite(options.qps))
      throw new RangeError('qps must be a positive number');
    if (!(options.burst >= 1) || !Number.isInteger(options.burst))
      throw new RangeError('burst must be an integer ≥ 1');
    this.qps = options.qps;
    this.burst = options.burst;
    this.#clock = options.clock ?? monotonicClock;
    this.#sleep = options.sleep ?? realSleep;
    this.#tokens = options.burst;
    this.#last = undefined;
  }

  /** Takes one token and returns the milliseconds to wait before it may be used (0: now). */
  reserve(): number {
    this.#refill();
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens * 1000) / this.qps);
  }

  /** Takes one token only if it is available now; never goes into debt. */
  tryTake(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /**
   * Waits for a token (for a client call). Rejects with the signal's reason when aborted; the
   * reservation is not given back, as with client-go, so an aborted caller still counts.
   */
  async take(options: { readonly signal: AbortSignal }): Promise<void> {
    options.signal.throwIfAborted();
    const wait = this.reserve();
    if (wait > 0) await this.#sleep(wait, options.signal);
  }

  #refill(): void {
    const now = this.#clock();
    if (this.#last !== undefined && now > this.#last) {
      this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) * this.qps) / 1000);
    }
    if (this.#last === undefined || now > this.#last) this.#last = now;
  }
}

/** How a work queue decides when a failed key may be retried. */
export interface RetryRateLimiter {
  /** Records one more failure of `key` and returns the delay in ms before its retry. */
  when(key: string): number;
  /** Forgets the failures of `key` (it succeeded or was deleted). */
  forget(key: string): void;
  /** How many failures of `key` are remembered. */
  numRequeues(key: string): number;
}

export interface ItemBackoffOptions {
  /** Delay after the first failure; doubles with each further failure. Default 5 ms. */
  readonly baseMs?: number;
  /** Upper bound of the delay. Default 1000 s. */
  readonly maxMs?: number;
}

/** Per-key exponential backoff (client-go `ItemExponentialFailureRateLimiter`): base·2ⁿ, capped. */
export class ItemExponentialBackoff implements RetryRateLimiter {
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #failures = new Map<string, number>();

  constructor(options: ItemBackoffOptions = {}) {
    this.#baseMs = options.baseMs ?? 5;
    this.#maxMs = options.maxMs ?? 1_000_000;
  }

  when(key: string): number {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    return Math.min(this.#maxMs, this.#baseMs * 2 ** n);
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.#failures.get(key) ?? 0;
  }
}

/** A token bucket as a retry limiter (client-go `BucketRateLimiter`): bounds the overall retry rate. */
export class BucketRetryLimiter implements RetryRateLimiter {
  readonly #bucket: TokenBucket;

  constructor(bucket: TokenBucket) {
    this.#bucket = bucket;
  }

  when(): number {
    return this.#bucket.reserve();
  }

  forget(): void {
    // A bucket has no per-key memory.
  }

  numRequeues(): number {
    return 0;
  }
}

/** The longest delay of several limiters (client-go `MaxOfRateLimiter`); every one records the failure. */
export class MaxOfRetryLimiters implements RetryRateLimiter {
  readonly #limiters: readonly RetryRateLimiter[];

  constructor(limiters: readonly RetryRateLimiter[]) {
    this.#limiters = limiters;
  }

  when(key: string): number {
    let max = 0;
    for (const l of this.#limiters) max = Math.max(max, l.when(key));
    return max;
  }

  forget(key: string): void {
    for (const l of this.#limiters) l.forget(key);
  }

  numRequeues(key: string): number {
    let max = 0;
    for (const l of this.#limiters) max = Math.max(max, l.numRequeues(key));
    return max;
  }
}

/**
 * client-go's `DefaultControllerRateLimiter`: per-key 5 ms·2ⁿ up to 1000 s, combined with an
 * overall 10 qps / 100 burst bucket.
 */
export function defaultControllerRateLimiter(clock: Clock = monotonicClock): RetryRateLimiter {
  return new MaxOfRetryLimiters([
    new ItemExponentialBackoff({ baseMs: 5, maxMs: 1_000_000 }),
    new BucketRetryLimiter(new TokenBucket({ qps: 10, burst: 100, clock })),
  ]);
}
