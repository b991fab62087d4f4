// SPDX-License-Identifier: Apache-2.0
import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DirectoryWatch } from '../lib/directory-watch.ts';
import { CcmError } from '../lib/errors.ts';
import type { CredentialSource, CredentialSourceEvent, CredentialSourceState } from './credential-source.ts';
import { SourceStateTracker } from './credential-source.ts';
import { decodeDirectoryFiles } from './secret-data-parser.ts';

/** The secrets directory (or a file in it) cannot be read. */
export class SecretsDirectoryError extends CcmError {
  readonly code = 'SECRETS_DIRECTORY_UNREADABLE';
}

export interface SecretsDirectoryOptions {
  /** `global.secretsDirectory` or `VSPHERE_SECRETS_DIRECTORY`. */
  readonly path: string;
  /** Backstop re-read period, also the retry period when the directory is missing (default 5 s). */
  readonly rereadIntervalMs?: number;
  /** Quiet time after a change notification before reading, so a burst costs one read (default 100 ms). */
  readonly debounceMs?: number;
  /** Use `fs.watch` for prompt updates (default true); the periodic re-read runs either way. */
  readonly fsWatch?: boolean;
  readonly onEvent?: (event: CredentialSourceEvent) => void;
}

/** Largest file read; a Kubernetes Secret is at most 1 MiB in total. */
const MAX_FILE_BYTES = 1024 * 1024;
/** Kubernetes' atomic writer: `..data` points at the current timestamped `..<date>` directory. */
const ATOMIC_DATA_LINK = '..data';
const MAX_CONSISTENT_READ_ATTEMPTS = 3;

/**
 * Reads the secrets directory: one file per key, the file name being the key and its content the
 * value. Subdirectories and the atomic writer's `..`-prefixed entries are skipped; symlinks are
 * followed (a mounted Secret's keys are links into `..data`). When `..data` is swapped during the
 * read, the read is repeated, so the result is never a mix of two versions.
 */
export async function readSecretsDirectory(
  path: string,
  options?: { readonly signal?: AbortSignal },
): Promise<Map<string, Uint8Array>> {
  for (let attempt = 1; ; attempt++) {
    const before = await dataLink(path);
    const files = await readAllFiles(path, options?.signal);
    if ((await dataLink(path)) === before || attempt >= MAX_CONSISTENT_READ_ATTEMPTS) return files;
  }
}

async function dataLink(path: string): Promise<string | undefined> {
  return readlink(join(path, ATOMIC_DATA_LINK)).catch(() => undefined);
}

async function readAllFiles(path: string, signal: AbortSignal | undefined): Promise<Map<string, Uint8Array>> {
  let names: string[];
  try {
    names = (await readdir(path)).filter((name) => !name.startsWith('..')).sort();
  } catch (err) {
    const what = isErrno(err, 'ENOENT') ? 'does not exist' : 'cannot be read';
    throw new SecretsDirectoryError(`secrets directory ${path} ${what}`, { cause: err });
  }
  const files = new Map<string, Uint8Array>();
  for (const name of names) {
    signal?.throwIfAborted();
    const file = join(path, name);
    try {
      const info = await stat(file);
      if (!info.isFile()) continue;
      if (info.size > MAX_FILE_BYTES) throw new SecretsDirectoryError(`${file} is larger than 1 MiB`);
      files.set(name, await readFile(file, signal === undefined ? {} : { signal }));
    } catch (err) {
      // A key removed between readdir and read is simply gone.
      if (isErrno(err, 'ENOENT')) continue;
      if (err instanceof SecretsDirectoryError || signal?.aborted === true) throw err;
      throw new SecretsDirectoryError(`cannot read ${file}`, { cause: err });
    }
  }
  return files;
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}

/**
 * Credentials from a secrets directory, kept current: `fs.watch` on the directory triggers a
 * (debounced) re-read, and a periodic re-read is the backstop for missed notifications, for a
 * directory that appears later or is replaced, and for the `..data` symlink swaps of Kubernetes
 * Secret volumes. The reference reads the directory once per process; here changes apply within
 * `rereadIntervalMs` at worst.
 */
export class SecretsDirectorySource implements CredentialSource {
  readonly name: string;
  readonly #opts: SecretsDirectoryOptions;
  readonly #tracker: SourceStateTracker;
  readonly #watch: DirectoryWatch;

  constructor(options: SecretsDirectoryOptions) {
    this.#opts = options;
    this.name = `directory ${options.path}`;
    this.#tracker = new SourceStateTracker(this.name, options.onEvent);
    this.#watch = new DirectoryWatch({
      dir: options.path,
      read: (signal) => this.#read(signal),
      rereadIntervalMs: options.rereadIntervalMs,
      debounceMs: options.debounceMs,
      fsWatch: options.fsWatch,
    });
  }

  state(): CredentialSourceState {
    return this.#tracker.state;
  }

  synced(options?: { readonly signal?: AbortSignal }): Promise<void> {
    return this.#tracker.synced(options?.signal);
  }

  async start(options?: { readonly signal?: AbortSignal }): Promise<void> {
    await this.#watch.start(options?.signal);
    options?.signal?.throwIfAborted();
    // Closed during the first read: nothing more will be read, so do not wait for a sync.
    if (this.#watch.isStopped()) return;
    return this.synced(options);
  }

  close(): Promise<void> {
    return this.#watch.close();
  }

  async #read(signal: AbortSignal): Promise<void> {
    try {
      const files = await readSecretsDirectory(this.#opts.path, { signal });
      this.#tracker.applyContent(decodeDirectoryFiles(files));
    } catch (err) {
      if (signal.aborted) return;
      const error =
        err instanceof CcmError
          ? err
          : new SecretsDirectoryError(`cannot read ${this.#opts.path}`, { cause: err });
      const gone = err instanceof SecretsDirectoryError && isErrno(err.cause, 'ENOENT');
      this.#tracker.fail(error, { contentGone: gone });
    }
    this.#tracker.markSynced();
  }
}
