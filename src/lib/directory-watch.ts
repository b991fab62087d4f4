// SPDX-License-Identifier: Apache-2.0
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';

/** What a {@link DirectoryWatch} watches and what it runs. */
export interface DirectoryWatchOptions {
  /** The directory whose changes trigger a read (a mounted ConfigMap's or Secret's directory). */
  readonly dir: string;
  /**
   * One read of what is watched, run once at start, after each (debounced) change notification
   * and every `rereadIntervalMs`; never two at once. Must not throw; `signal` aborts on `close`.
   */
  readonly read: (signal: AbortSignal) => Promise<void>;
  /** Backstop re-read period (default 5 s): changes the notifications miss apply within it. */
  readonly rereadIntervalMs?: number | undefined;
  /** Quiet time after a notification, so a burst of events costs one read (default 100 ms). */
  readonly debounceMs?: number | undefined;
  /** Use `fs.watch` for prompt reads (default true); the periodic re-read runs either way. */
  readonly fsWatch?: boolean | undefined;
}

/**
 * Keeps something read from a directory current, the way Kubernetes volumes change: files are
 * replaced by swapping the `..data` symlink inside the directory, so only a watch on the
 * directory sees it (re-created when the directory itself is replaced or appears later), and a
 * periodic re-read catches whatever the notifications miss. A read requested while one runs is
 * run once more afterwards, so no change is lost. No I/O before `start`.
 */
export class DirectoryWatch {
  readonly #opts: DirectoryWatchOptions;
  #stop: AbortController | undefined;
  #watcher: { readonly fsw: FSWatcher; readonly ino: number } | undefined;
  #interval: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #reading: Promise<void> | undefined;
  #readAgain = false;

  constructor(options: DirectoryWatchOptions) {
    this.#opts = options;
  }

  /** True before `start` and after `close` (a method: the answer changes across awaits). */
  isStopped(): boolean {
    return this.#stop?.signal.aborted !== false;
  }

  /**
   * Reads once, then watches until `signal` aborts or `close` is called. Resolves after the first
   * read; a second call does nothing but wait for a read in progress.
   */
  async start(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#stop !== undefined) {
      await this.#reading;
      return;
    }
    const stop = new AbortController();
    this.#stop = stop;
    signal?.addEventListener('abort', () => void this.close(), { once: true, signal: stop.signal });
    await this.#readNow();
    await this.#ensureWatcher();
    if (this.isStopped()) return;
    this.#interval = setInterval(() => {
      void this.#ensureWatcher().then(() => this.#readNow());
    }, this.#opts.rereadIntervalMs ?? 5_000);
    this.#interval.unref();
  }

  /** Stops watching; resolves once a read in progress has finished. Safe to call twice. */
  close(): Promise<void> {
    this.#stop?.abort();
    clearInterval(this.#interval);
    clearTimeout(this.#debounce);
    this.#watcher?.fsw.close();
    this.#watcher = undefined;
    return this.#reading ?? Promise.resolve();
  }

  /** Reads now, or once more after the read in progress. */
  #readNow(): Promise<void> {
    if (this.#reading !== undefined) {
      this.#readAgain = true;
      return this.#reading;
    }
    this.#reading = this.#readLoop().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  async #readLoop(): Promise<void> {
    const stop = this.#stop;
    if (stop === undefined) return;
    do {
      this.#readAgain = false;
      if (stop.signal.aborted) return;
      await this.#opts.read(stop.signal);
    } while (this.#readRequested());
  }

  /** A method, not the field, so the loop sees requests made while it awaited the read. */
  #readRequested(): boolean {
    return this.#readAgain;
  }

  /** (Re)creates the watch when it is missing or its directory was replaced. */
  async #ensureWatcher(): Promise<void> {
    if (this.#opts.fsWatch === false || this.isStopped()) return;
    const ino = await stat(this.#opts.dir).then(
      (s) => s.ino,
      () => undefined,
    );
    if (this.#watcher !== undefined && this.#watcher.ino === ino) return;
    this.#watcher?.fsw.close();
    this.#watcher = undefined;
    if (ino === undefined || this.isStopped()) return;
    try {
      const fsw = watch(this.#opts.dir, { persistent: false }, () => {
        this.#scheduleRead();
      });
      fsw.on('error', () => {
        // The next periodic tick re-creates it; meanwhile the periodic re-read covers changes.
        fsw.close();
        if (this.#watcher?.fsw === fsw) this.#watcher = undefined;
      });
      this.#watcher = { fsw, ino };
    } catch {
      // Same as above: the periodic re-read still notices every change.
    }
  }

  #scheduleRead(): void {
    if (this.isStopped()) return;
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.#readNow(), this.#opts.debounceMs ?? 100);
    this.#debounce.unref();
  }
}
