// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { abortableDelay, withTimeout } from '../lib/abort.ts';
import { DirectoryWatch } from '../lib/directory-watch.ts';

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
  readonly #watch: DirectoryWatch;
  #lastKey: string | undefined;

  constructor(options: ConfigFileWatcherOptions) {
    this.#opts = options;
    this.#watch = new DirectoryWatch({
      dir: dirname(options.path),
      read: (signal) => this.#read(signal),
      rereadIntervalMs: options.rereadIntervalMs,
      debounceMs: options.debounceMs,
      fsWatch: options.fsWatch,
    });
  }

  /**
   * Reads the file once (reporting it through `onChange`), then keeps watching until `signal`
   * aborts or `close` is called. Resolves after the first read; a second call does nothing.
   */
  async start(options: { readonly signal: AbortSignal }): Promise<void> {
    await this.#watch.start(options.signal);
  }

  /** Stops watching; resolves once a read in progress has finished. */
  close(): Promise<void> {
    return this.#watch.close();
  }

  async #read(signal: AbortSignal): Promise<void> {
    const read = await this.#settledRead(signal);
    if (read === undefined || signal.aborted || read.key === this.#lastKey) return;
    this.#lastKey = read.key;
    this.#opts.onChange(read.read);
  }

  /**
   * A reading that differs from the last reported one is confirmed by reading again after the
   * debounce time: a writer that truncates and then writes (an editor, `cp`) shows an empty or
   * partial file for a moment, which must not be reported. Bounded by `MAX_SETTLE_READS`.
   */
  async #settledRead(
    signal: AbortSignal,
  ): Promise<{ readonly read: ConfigFileRead; readonly key: string } | undefined> {
    let read = await this.#readOnce(signal);
    for (let i = 0; read !== undefined && i < MAX_SETTLE_READS; i++) {
      const key = readKey(read);
      if (key === this.#lastKey || this.#lastKey === undefined) return { read, key };
      try {
        await abortableDelay(this.#opts.debounceMs ?? 100, signal);
      } catch {
        return undefined;
      }
      const again = await this.#readOnce(signal);
      if (again === undefined || readKey(again) === key) return again && { read: again, key };
      read = again;
    }
    return read && { read, key: readKey(read) };
  }

  async #readOnce(signal: AbortSignal): Promise<ConfigFileRead | undefined> {
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
      if (signal.aborted) return undefined;
      const error = err instanceof Error ? err : new Error(String(err));
      const errno = (error as NodeJS.ErrnoException).code;
      return { kind: 'unreadable', error, errno: typeof errno === 'string' ? errno : undefined };
    }
  }
}
