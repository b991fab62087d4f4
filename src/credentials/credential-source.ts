// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import type { CcmError } from '../lib/errors.ts';
import type { VCenterCredentials } from './credentials.ts';
import { SecretDataError, parseSecretData } from './secret-data-parser.ts';

/** What a credential source knows right now. */
export interface CredentialSourceState {
  /** The first read (or list) has finished, successfully or not. */
  readonly synced: boolean;
  /**
   * Credentials per vCenter server from the last content that parsed, kept when the source later
   * disappears (deleted Secret, unmounted directory) or cannot be read, as the reference does.
   */
  readonly entries: ReadonlyMap<string, VCenterCredentials> | undefined;
  /** The current content does not parse: lookups through this source fail with this error. */
  readonly invalid: SecretDataError | undefined;
  /** The most recent problem (invalid content, read or watch failure, deletion); cleared by a good read. */
  readonly lastError: CcmError | undefined;
}

/** Something a source did, for logs and metrics; carries server names and errors, never values. */
export type CredentialSourceEvent =
  | { readonly type: 'updated'; readonly source: string; readonly servers: readonly string[] }
  | { readonly type: 'error'; readonly source: string; readonly error: CcmError };

/**
 * A place credentials come from (a Kubernetes Secret, a secrets directory), kept current in the
 * background once started. `state()` is synchronous and cheap.
 */
export interface CredentialSource {
  /** For logs and `ResolvedCredentials.source`: `secret ns/name`, `directory /path`. */
  readonly name: string;
  state(): CredentialSourceState;
  /**
   * Starts keeping the source current and resolves after the first read has finished (its
   * failure is recorded in `state().lastError`, not thrown). Rejects only when `signal` aborts.
   * The source stops when `signal` aborts or `close()` is called.
   */
  start(options?: { readonly signal?: AbortSignal }): Promise<void>;
  /** Resolves once the first read has finished, or rejects when `signal` aborts first. */
  synced(options?: { readonly signal?: AbortSignal }): Promise<void>;
  /** Stops watching; the last state stays readable. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The bookkeeping both sources share: parse new content only when it changed, keep the last
 * good entries across disappearance and failures, report each change and each new error once.
 */
export class SourceStateTracker {
  readonly #source: string;
  readonly #onEvent: ((event: CredentialSourceEvent) => void) | undefined;
  #synced = false;
  #entries: ReadonlyMap<string, VCenterCredentials> | undefined;
  #invalid: SecretDataError | undefined;
  /** A lasting condition of the content: invalid, or gone. */
  #condition: CcmError | undefined;
  /** A failure to read or watch, cleared by the next success. */
  #transient: CcmError | undefined;
  #digest: string | undefined;
  readonly #syncedPromise: PromiseWithResolvers<void> = Promise.withResolvers();

  constructor(source: string, onEvent?: (event: CredentialSourceEvent) => void) {
    this.#source = source;
    this.#onEvent = onEvent;
  }

  get state(): CredentialSourceState {
    return {
      synced: this.#synced,
      entries: this.#entries,
      invalid: this.#invalid,
      lastError: this.#transient ?? this.#condition,
    };
  }

  /** Resolves once `markSynced` was called, or rejects with the signal's reason. */
  synced(signal?: AbortSignal): Promise<void> {
    if (signal === undefined || this.#synced) return this.#syncedPromise.promise;
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        reject(signal.reason as Error);
      };
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void this.#syncedPromise.promise.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  markSynced(): void {
    this.#synced = true;
    this.#syncedPromise.resolve();
  }

  /** New content (decoded key → value). Parses it unless it is identical to the last content. */
  applyContent(data: ReadonlyMap<string, string>): void {
    this.#transient = undefined;
    const digest = contentDigest(data);
    if (digest === this.#digest) return;
    this.#digest = digest;
    try {
      const entries = parseSecretData(data, this.#source);
      this.#entries = entries;
      this.#invalid = undefined;
      this.#condition = undefined;
      this.#onEvent?.({ type: 'updated', source: this.#source, servers: [...entries.keys()] });
    } catch (err) {
      if (!(err instanceof SecretDataError)) throw err;
      this.#invalid = err;
      this.#condition = err;
      this.#onEvent?.({ type: 'error', source: this.#source, error: err });
    }
  }

  /**
   * The source cannot be read (transient) or its content is gone (`contentGone`: a deleted
   * Secret, a missing directory); entries stay either way. Gone content is no longer invalid,
   * and the same content reappearing is parsed again. Each distinct message is reported once.
   */
  fail(error: CcmError, options?: { readonly contentGone?: boolean }): void {
    const repeated = this.state.lastError?.message === error.message;
    if (options?.contentGone === true) {
      this.#digest = undefined;
      this.#invalid = undefined;
      this.#condition = error;
      this.#transient = undefined;
    } else {
      this.#transient = error;
    }
    if (!repeated) this.#onEvent?.({ type: 'error', source: this.#source, error });
  }

  /** A read or watch succeeded again: clears the transient failure. */
  recovered(): void {
    this.#transient = undefined;
  }
}

/** A digest to notice changes; kept in memory only, never logged. */
function contentDigest(data: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const key of [...data.keys()].sort()) hash.update(`${key}\u0000${data.get(key) ?? ''}\u0000`);
  return hash.digest('hex');
}
