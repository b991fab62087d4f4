// SPDX-License-Identifier: Apache-2.0
import { abortableDelay, withTimeout } from '../../lib/abort.ts';
import type { TaggingClient } from '../../vsphere/rest/tagging.ts';
import { readTagIndex } from '../../vsphere/inventory/read-tag-index.ts';
import type { TagIndex } from '../../vsphere/inventory/zone-resolver.ts';
import { errorInfo, type IndexErrorInfo } from './index-errors.ts';

/** Reads the current zone and region tags; rejects on any failure. */
export type TagSource = (signal: AbortSignal) => Promise<TagIndex>;

/**
 * The tag source of one vCenter's long-lived REST session (`readTagIndex`): the categories'
 * names resolved to ids, their tags listed and read, and ONE `list-attached-objects-on-tags`
 * for all of them. O(#categories + #tags) calls, whatever the number of VMs.
 */
export function categoryTagSource(
  tagging: TaggingClient,
  categories: { readonly zoneCategory: string; readonly regionCategory: string },
): TagSource {
  return (signal) => readTagIndex(tagging, categories, signal);
}

/** One complete read of the tags. */
export interface TagSnapshot {
  /** Object key (`Type:value`) → the name of its zone tag, and of its region tag. */
  readonly index: TagIndex;
  /** Epoch ms at which the read completed. */
  readonly loadedAt: number;
}

/** Tag freshness for readiness and metrics. */
export interface TagSnapshotState {
  /** When the snapshot in use was read; undefined before the first success. */
  readonly loadedAt: number | undefined;
  /** The latest failed refresh; kept after recovery (compare `at` with `loadedAt`). */
  readonly lastError: IndexErrorInfo | undefined;
  /** Completed reads, failed ones included. */
  readonly refreshes: number;
}

export interface TagSnapshotRefresherOptions {
  readonly source: TagSource;
  /** Time between successful reads. Default 5 min. */
  readonly periodMs?: number;
  /** Bound of one read (all its calls). Default 60 s. */
  readonly timeoutMs?: number;
  /** Wait after a failed read: doubled per consecutive failure, never beyond the period. Default 5 s. */
  readonly retryInitialMs?: number;
  readonly now?: () => number;
  /** Told of every read, for logs. Must not throw. */
  readonly onRefresh?: (outcome: { readonly ok: boolean; readonly error?: IndexErrorInfo }) => void;
}

/**
 * Keeps a snapshot of the zone and region tags, re-read every period. A failed read keeps the
 * previous snapshot (tags change rarely; a stale zone is better than none) and is retried
 * sooner. Nothing happens until `run` is called; lookups read `current()` and never call out.
 */
export class TagSnapshotRefresher {
  readonly #source: TagSource;
  readonly #periodMs: number;
  readonly #timeoutMs: number;
  readonly #retryInitialMs: number;
  readonly #now: () => number;
  readonly #onRefresh: NonNullable<TagSnapshotRefresherOptions['onRefresh']>;
  #current: TagSnapshot | undefined;
  #lastError: IndexErrorInfo | undefined;
  #refreshes = 0;

  constructor(options: TagSnapshotRefresherOptions) {
    this.#source = options.source;
    this.#periodMs = options.periodMs ?? 5 * 60_000;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#retryInitialMs = options.retryInitialMs ?? 5_000;
    this.#now = options.now ?? Date.now;
    this.#onRefresh = options.onRefresh ?? ((): void => undefined);
  }

  /** The latest successful read, or undefined before the first one. */
  current(): TagSnapshot | undefined {
    return this.#current;
  }

  state(): TagSnapshotState {
    return { loadedAt: this.#current?.loadedAt, lastError: this.#lastError, refreshes: this.#refreshes };
  }

  /**
   * Reads the tags once now and makes them current. Rejects (keeping the previous snapshot)
   * when the read fails, times out or `signal` aborts.
   */
  async refresh(signal: AbortSignal): Promise<TagSnapshot> {
    try {
      const index = await this.#source(withTimeout(signal, this.#timeoutMs));
      const snapshot = { index, loadedAt: this.#now() };
      this.#current = snapshot;
      this.#refreshes += 1;
      this.#onRefresh({ ok: true });
      return snapshot;
    } catch (err) {
      if (signal.aborted) throw err;
      this.#refreshes += 1;
      this.#lastError = errorInfo(err, this.#now());
      this.#onRefresh({ ok: false, error: this.#lastError });
      throw err;
    }
  }

  /** Reads at once, then every period (sooner after a failure), until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      const ok = await this.refresh(signal).then(
        () => true,
        () => false,
      );
      failures = ok ? 0 : failures + 1;
      const wait = ok ? this.#periodMs : Math.min(this.#retryInitialMs * 2 ** (failures - 1), this.#periodMs);
      await abortableDelay(wait, signal).catch(() => undefined);
    }
  }
}
