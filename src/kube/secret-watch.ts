// SPDX-License-Identifier: Apache-2.0
import type { HttpLibrary, KubeConfig, V1Secret } from '@kubernetes/client-node';
import { CcmError } from '../lib/errors.ts';
import {
  isHttpStatus,
  isInactivityTimeout,
  resourceVersionOf,
  statusCode,
  statusText,
} from './api-status.ts';
import { Watch, createConfiguration } from './client-node.ts';
import { KubeRest } from './kube-rest.ts';
import { ListWatchLoop, describeListWatchFailure, type WatchOutcome } from './list-watch-loop.ts';
import { kubeErrorCode, type KubeRequestObserver } from './request-verb.ts';

/** What the watch knows about the Secret. `data` holds the API's base64 values, undecoded. */
export type SecretSnapshot =
  | {
      readonly exists: true;
      readonly resourceVersion: string;
      readonly data: Readonly<Record<string, string>>;
    }
  | {
      readonly exists: false;
      /** It existed earlier in this watch's life and was deleted (vs. never seen). */
      readonly deleted: boolean;
    };

/** Listing or watching the Secret failed (HTTP status, unreachable API server, bad reply). */
export class SecretWatchError extends CcmError {
  readonly code = 'SECRET_WATCH_FAILED';
  /** The HTTP status (or the in-stream Status code), when the API server answered. */
  readonly status: number | undefined;

  constructor(message: string, options?: ErrorOptions & { readonly status?: number | undefined }) {
    super(message, options);
    this.status = options?.status;
  }
}

export interface SecretWatchOptions {
  readonly kubeConfig: KubeConfig;
  /** The library list calls go through (default: client-node's own, one connection per call). */
  readonly httpApi?: HttpLibrary;
  readonly namespace: string;
  readonly name: string;
  /** Called on every change of the snapshot (not on bookmarks or re-lists that change nothing). */
  readonly onChange?: (snapshot: SecretSnapshot) => void;
  /** Called on each failure; the watch goes on retrying. */
  readonly onError?: (error: SecretWatchError) => void;
  /** Called when a list or watch succeeds after a failure. */
  readonly onRecover?: () => void;
  /**
   * Told about each watch request, as `KubeClient.watch` reports its own: verb `WATCH`, resource
   * `secrets`, status 200 once the stream is open or the status/`error` it failed with. (List
   * calls are seen by the observer of `httpApi`, when it has one.) An exception from it is ignored.
   */
  readonly onRequest?: KubeRequestObserver;
  /** Bound of each list call (default 30 s). */
  readonly listTimeoutMs?: number;
  /** Server-side lifetime of each watch request (default 300 s); the watch then resumes. */
  readonly watchTimeoutSeconds?: number;
  /** Retry delays after failures: doubling from `initialMs` up to `maxMs` (default 1 s → 30 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

const GONE = 410;

/**
 * Keeps ONE named Secret current: a list with `fieldSelector=metadata.name=<name>` in its
 * namespace (never every Secret), then a watch from the list's resourceVersion with bookmarks,
 * resuming from the last resourceVersion seen when the watch ends, re-listing on 410 Gone
 * (HTTP or in-stream), and retrying failures with exponential backoff. Stops when the start
 * signal aborts or `close()` is called. No I/O happens before `start()`.
 */
export class SecretWatch {
  readonly #opts: SecretWatchOptions;
  readonly #rest: KubeRest;
  readonly #path: string;
  readonly #fieldSelector: string;
  #snapshot: SecretSnapshot | undefined;
  #synced = false;
  #lastError: SecretWatchError | undefined;
  readonly #loop: ListWatchLoop;

  constructor(options: SecretWatchOptions) {
    this.#opts = options;
    this.#rest = new KubeRest({
      kubeConfig: options.kubeConfig,
      // Without the daemon's pooled library, client-node's own one (a connection per call) serves.
      http: options.httpApi ?? createConfiguration().httpApi,
    });
    this.#path = `/api/v1/namespaces/${encodeURIComponent(options.namespace)}/secrets`;
    this.#fieldSelector = `metadata.name=${options.name}`;
    this.#loop = new ListWatchLoop(
      {
        list: (signal) => this.#list(signal),
        watch: (rv, signal) => this.#watchOnce(rv, signal),
        onListed: () => {
          this.#recovered();
        },
        onError: (err) => {
          this.#fail(toWatchError(err, `${options.namespace}/${options.name}`));
        },
      },
      { backoff: options.backoff },
    );
  }

  /** True once a list has succeeded. */
  get synced(): boolean {
    return this.#synced;
  }

  /** The Secret as last seen; undefined before the first successful list. */
  get snapshot(): SecretSnapshot | undefined {
    return this.#snapshot;
  }

  /** The most recent failure; cleared by the next successful list or watch. */
  get lastError(): SecretWatchError | undefined {
    return this.#lastError;
  }

  /**
   * Starts the list+watch loop and resolves after the first list attempt, whether it succeeded
   * (see `synced`) or failed (see `lastError`; the loop keeps retrying). Rejects only if `signal`
   * aborts first. A second call does nothing.
   */
  async start(options?: { readonly signal?: AbortSignal }): Promise<void> {
    await this.#loop.start(options?.signal);
    options?.signal?.throwIfAborted();
  }

  /** Stops the loop, closes the open watch request and waits for both. Safe to call twice. */
  close(): Promise<void> {
    return this.#loop.stop();
  }

  async #list(signal: AbortSignal): Promise<string> {
    const timeout = AbortSignal.any([signal, AbortSignal.timeout(this.#opts.listTimeoutMs ?? 30_000)]);
    const list = await this.#rest.request<SecretList>({
      method: 'GET',
      path: this.#path,
      query: { fieldSelector: this.#fieldSelector },
      signal: timeout,
    });
    const rv = list.metadata?.resourceVersion;
    if (rv === undefined || rv === '')
      throw new SecretWatchError(
        `the Secret list for ${this.#opts.namespace}/${this.#opts.name} has no resourceVersion`,
      );
    const item = list.items.find((s) => s.metadata?.name === this.#opts.name);
    this.#apply(item);
    this.#synced = true;
    return rv;
  }

  #watchOnce(resourceVersion: string, signal: AbortSignal): Promise<WatchOutcome> {
    return new Promise<WatchOutcome>((resolve, reject) => {
      let rv: string | undefined = resourceVersion;
      let events = 0;
      let streamError: SecretWatchError | undefined;
      let controller: AbortController | undefined;
      const onAbort = (): void => controller?.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      let finished = false;
      const report = this.#watchReporter();
      const done = (err: unknown): void => {
        // Called before the watch promise settles when no stream was opened: that is the outcome.
        report(err === null || err === undefined ? '200' : kubeErrorCode(err));
        finished = true;
        signal.removeEventListener('abort', onAbort);
        if (streamError !== undefined) reject(streamError);
        else if (rv === undefined || isHttpStatus(err, GONE)) resolve({ resourceVersion: undefined, events });
        else if (err === null || err === undefined || signal.aborted || isInactivityTimeout(err))
          resolve({ resourceVersion: rv, events });
        else reject(err instanceof Error ? err : new SecretWatchError(`watch ended: ${JSON.stringify(err)}`));
      };
      const onEvent = (type: string, obj: unknown): void => {
        if (type === 'ERROR') {
          if (statusCode(obj) === GONE) rv = undefined;
          else
            streamError = new SecretWatchError(
              `watch of secret ${this.#opts.namespace}/${this.#opts.name}: ${statusText(obj)}`,
              { status: statusCode(obj) },
            );
          controller?.abort();
          return;
        }
        const next = resourceVersionOf(obj);
        if (next === undefined) return;
        rv = next;
        events++;
        this.#recovered();
        if (type === 'ADDED' || type === 'MODIFIED') this.#apply(obj as V1Secret);
        else if (type === 'DELETED') this.#apply(undefined);
      };
      const query = {
        fieldSelector: this.#fieldSelector,
        resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: this.#opts.watchTimeoutSeconds ?? 300,
      };
      new Watch(this.#opts.kubeConfig).watch(this.#path, query, onEvent, done).then((c) => {
        report('200');
        controller = c;
        if (signal.aborted) c.abort();
        // Resolved without `done` having run: the server accepted the watch.
        else if (!finished) this.#recovered();
      }, done);
    });
  }

  /** Reports one watch request once, timed from now to the first outcome. */
  #watchReporter(): (code: string) => void {
    const { onRequest } = this.#opts;
    const started = performance.now();
    let reported = false;
    return (code) => {
      if (reported || onRequest === undefined) return;
      reported = true;
      try {
        onRequest({ verb: 'WATCH', resource: 'secrets', code, durationMs: performance.now() - started });
      } catch {
        // Metrics must never change the outcome of a request.
      }
    };
  }

  #apply(secret: V1Secret | undefined): void {
    const next = nextSnapshot(this.#snapshot, secret);
    if (next === undefined) return;
    this.#snapshot = next;
    this.#opts.onChange?.(next);
  }

  #recovered(): void {
    if (this.#lastError === undefined) return;
    this.#lastError = undefined;
    this.#opts.onRecover?.();
  }

  #fail(error: SecretWatchError): void {
    this.#lastError = error;
    this.#opts.onError?.(error);
  }
}

/** The snapshot after seeing `secret` (undefined: absent), or undefined when nothing changed. */
function nextSnapshot(
  before: SecretSnapshot | undefined,
  secret: V1Secret | undefined,
): SecretSnapshot | undefined {
  if (secret === undefined) {
    const deleted = before !== undefined && (before.exists || before.deleted);
    if (before?.exists === false && before.deleted === deleted) return undefined;
    return { exists: false, deleted };
  }
  const resourceVersion = secret.metadata?.resourceVersion ?? '';
  if (before?.exists === true && before.resourceVersion === resourceVersion) return undefined;
  return { exists: true, resourceVersion, data: secret.data ?? {} };
}

/** Reads the flag afresh (an await may have passed since the last check). */
function toWatchError(err: unknown, secret: string): SecretWatchError {
  if (err instanceof SecretWatchError) return err;
  const { message, status } = describeListWatchFailure(err, `secret ${secret}`);
  return new SecretWatchError(message, { cause: err, status });
}

/** `GET …/secrets` as the API server sends it. */
interface SecretList {
  readonly metadata?: { readonly resourceVersion?: string };
  readonly items: readonly V1Secret[];
}
