// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { abortableDelay, withTimeout } from '../lib/abort.ts';

/** Most readings taken to see a changed file settle before reporting the last one. */
const MAX_SETTLE_READS = 5;

function readKey(read: ConfigFileRead): string {
  return read.kind === 'content' ? `sha256:${read.sha256}` : `error:${read.errno ?? read.error.message}`;
}

/** One observation of the config file: its bytes, or why they could not be read. */
export type ConfigFileRead =
  | { readonly kind: 'content'; readonly text: string; readonly sha256: string }
  | { readonly kind: 'unreadable'; readonly error: Error; readonly errno: string | undefined };

/** What a `ConfigFileWatcher` watches and whom it tells. */
export interface ConfigFileWatcherOptions {
  readonly path: string;
  /**
   * Called with the first read and then after every read whose outcome differs from the
   * previous one (other bytes, or another error code); never for a rewrite with the same bytes.
   * Must not throw.
   */
  readonly onChange: (read: ConfigFileRead) => void;
  /** Backstop re-read period (default 5 s); changes the watch misses apply within it. */
  readonly rereadIntervalMs?: number;
  /**
   * Quiet time after a change notification, so a burst of events costs one read, and the wait
   * before a changed reading is confirmed by a second one (default 100 ms).
   */
  readonly debounceMs?: number;
  /** Bound on one read (default 5 s). */
  readonly readTimeoutMs?: number;
  /** Use `fs.watch` on the file's directory for prompt updates (default true). */
  readonly fsWatch?: boolean;
}

/**
 * Watches the cloud-config file. A ConfigMap volume replaces its files by swapping the `..data`
 * symlink in the file's directory, so the file's own inode never changes: the watch is on the
 * directory (re-created when the directory is replaced), every read follows the symlinks, and a
 * periodic re-read catches whatever the watch misses. Reads are compared by SHA-256, so `touch`
 * or rewriting the same bytes reports nothing, and a changed reading is confirmed by a second
 * one, so a file caught half-written is not reported.
 */
export class ConfigFileWatcher {
  readonly #opts: ConfigFileWatcherOptions;
  #stop: AbortController | undefined;
  #watcher: { readonly fsw: FSWatcher; readonly ino: number } | undefined;
  #interval: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #reading: Promise<void> | undefined;
  #readAgain = false;
  #lastKey: string | undefined;

  constructor(options: ConfigFileWatcherOptions) {
    this.#opts = options;
  }

  /**
   * Reads the file once (reporting it through `onChange`), then keeps watching until `signal`
   * aborts or `close` is called. Resolves after the first read; a second call does nothing.
   */
  async start(options: { readonly signal: AbortSignal }): Promise<void> {
    options.signal.throwIfAborted();
    if (this.#stop !== undefined) return;
    const stop = new AbortController();
    this.#stop = stop;
    options.signal.addEventListener('abort', () => void this.close(), { once: true, signal: stop.signal });
    await this.#readNow();
    await this.#ensureWatcher();
    if (stop.signal.aborted) return;
    this.#interval = setInterval(() => {
      void this.#ensureWatcher().then(() => this.#readNow());
    }, this.#opts.rereadIntervalMs ?? 5_000);
    this.#interval.unref();
  }

  /** Stops watching; resolves once a read in progress has finished. */
  close(): Promise<void> {
    this.#stop?.abort();
    clearInterval(this.#interval);
    clearTimeout(this.#debounce);
    this.#watcher?.fsw.close();
    this.#watcher = undefined;
    return this.#reading ?? Promise.resolve();
  }

  #stopped(): boolean {
    return this.#stop?.signal.aborted !== false;
  }

  /** Reads now, or once more after the read in progress, so no change is lost. */
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
    do {
      this.#readAgain = false;
      if (this.#stopped()) return;
      const read = await this.#settledRead();
      if (read === undefined || this.#stopped()) return;
      if (read.key === this.#lastKey) continue;
      this.#lastKey = read.key;
      this.#opts.onChange(read.read);
    } while (this.#readRequested());
  }

  /**
   * A reading that differs from the last reported one is confirmed by reading again after the
   * debounce time: a writer that truncates and then writes (an editor, `cp`) shows an empty or
   * partial file for a moment, which must not be reported. Bounded by `MAX_SETTLE_READS`.
   */
  async #settledRead(): Promise<{ readonly read: ConfigFileRead; readonly key: string } | undefined> {
    let read = await this.#readOnce();
    for (let i = 0; read !== undefined && i < MAX_SETTLE_READS; i++) {
      const key = readKey(read);
      if (key === this.#lastKey || this.#lastKey === undefined) return { read, key };
      try {
        await abortableDelay(this.#opts.debounceMs ?? 100, this.#stop?.signal);
      } catch {
        return undefined;
      }
      const again = await this.#readOnce();
      if (again === undefined || readKey(again) === key) return again && { read: again, key };
      read = again;
    }
    return read && { read, key: readKey(read) };
  }

  /** A method, not the field, so the loop sees requests made while it awaited the read. */
  #readRequested(): boolean {
    return this.#readAgain;
  }

  async #readOnce(): Promise<ConfigFileRead | undefined> {
    const signal = this.#stop?.signal;
    try {
      const bytes = await readFile(this.#opts.path, {
        signal: withTimeout(signal, this.#opts.readTimeoutMs ?? 5_000),
      });
      return {
        kind: 'content',
        text: bytes.toString('utf8'),
        sha256: createHash('sha256').update(bytes).digest('hex'),
      };
    } catch (err) {
      if (signal?.aborted !== false) return undefined;
      const error = err instanceof Error ? err : new Error(String(err));
      const errno = (error as NodeJS.ErrnoException).code;
      return { kind: 'unreadable', error, errno: typeof errno === 'string' ? errno : undefined };
    }
  }

  /** (Re)creates the directory watch when it is missing or its directory was replaced. */
  async #ensureWatcher(): Promise<void> {
    if (this.#opts.fsWatch === false || this.#stopped()) return;
    const dir = dirname(this.#opts.path);
    const ino = await stat(dir).then(
      (s) => s.ino,
      () => undefined,
    );
    if (this.#watcher !== undefined && this.#watcher.ino === ino) return;
    this.#watcher?.fsw.close();
    this.#watcher = undefined;
    if (ino === undefined || this.#stopped()) return;
    try {
      const fsw = watch(dir, { persistent: false }, () => {
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
    if (this.#stopped()) return;
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.#readNow(), this.#opts.debounceMs ?? 100);
    this.#debounce.unref();
  }
}
