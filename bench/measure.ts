// SPDX-License-Identifier: Apache-2.0
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * The engine's full garbage collection, without `--expose-gc` on the command line: the flag is
 * set at run time and `gc` is picked up from a fresh context, where V8 then installs it.
 */
export function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc !== 'function') throw new TypeError('could not expose the garbage collector');
  return gc as () => void;
}

/** Median of `values` (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Largest of `values`; NaN for none. */
export function maximum(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.max(...values);
}

/** Heap and RSS peaks seen by a {@link MemorySampler}, relative to its baseline. */
export interface MemoryPeaks {
  readonly extraHeapBytes: number;
  readonly extraRssBytes: number;
}

/** Tracks the highest `heapUsed` and `rss` seen since it started. */
export interface MemorySampler {
  /** Records the current heap and RSS. */
  sample(): void;
  /** Bytes above the baseline at the highest points sampled so far. */
  peaks(): MemoryPeaks;
  /** `heapUsed` now minus the baseline heap. */
  heapDelta(): number;
}

/**
 * Starts a sampler whose baseline is the heap and RSS now (take it right after a full GC).
 * Sampling is explicit: the decoder runs without giving timers a chance, so the caller samples
 * between chunks.
 */
export function startMemorySampler(): MemorySampler {
  const base = process.memoryUsage();
  let peakHeap = base.heapUsed;
  let peakRss = base.rss;
  return {
    sample(): void {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakRss = Math.max(peakRss, m.rss);
    },
    peaks: () => ({ extraHeapBytes: peakHeap - base.heapUsed, extraRssBytes: peakRss - base.rss }),
    heapDelta: () => process.memoryUsage().heapUsed - base.heapUsed,
  };
}

/**
 * Yields `body` in slices of `size` bytes (views, no copies), as a socket would deliver it,
 * calling `onChunk` before each slice. Stops early if `signal` aborts.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- the body is in memory already; the decoder needs an async source
export async function* chunksOf(
  body: Uint8Array,
  size: number,
  options: { readonly signal: AbortSignal; readonly onChunk?: () => void },
): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < body.length; at += size) {
    options.signal.throwIfAborted();
    options.onChunk?.();
    yield body.subarray(at, Math.min(at + size, body.length));
  }
}

/** Seconds elapsed since `start` (a `performance.now()` value). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
