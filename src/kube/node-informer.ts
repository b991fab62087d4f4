// SPDX-License-Identifier: Apache-2.0
import { ListWatchLoop, describeListWatchFailure, type WatchOutcome } from './list-watch-loop.ts';
import type { KubeNode } from '../controllers/node/kube-node.ts';
import type { NodeReader } from '../controllers/node/node-ports.ts';
import { CcmError } from '../lib/errors.ts';
import {
  isHttpStatus,
  isInactivityTimeout,
  resourceVersionOf,
  statusCode,
  statusText,
} from './api-status.ts';
import type { KubeClient } from './kube-client.ts';

/** Listing or watching Nodes failed; the informer keeps retrying with backoff. */
export class NodeInformerError extends CcmError {
  readonly code = 'NODE_INFORMER_FAILED';
  /** The HTTP status (or in-stream Status code), when the API server answered. */
  readonly status: number | undefined;

  constructor(message: string, options?: ErrorOptions & { readonly status?: number | undefined }) {
    super(message, options);
    this.status = options?.status;
  }
}

/** Change callbacks; they run synchronously and should only enqueue keys. */
export interface NodeHandlers {
  readonly onAdd?: (node: KubeNode) => void;
  readonly onUpdate?: (oldNode: KubeNode, newNode: KubeNode) => void;
  readonly onDelete?: (node: KubeNode) => void;
}

export interface NodeInformerOptions {
  readonly client: KubeClient;
  /** Called on each failure; the informer goes on retrying. */
  readonly onError?: (error: NodeInformerError) => void;
  /** Bound of each list page (default 30 s). */
  readonly listTimeoutMs?: number;
  /** Items per list page (default 500). */
  readonly pageSize?: number;
  /** Server-side lifetime of each watch request (default 300 s); the watch then resumes. */
  readonly watchTimeoutSeconds?: number;
  /** Retry delays after failures: doubling from `initialMs` up to `maxMs` (default 1 s → 30 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

const GONE = 410;
const NODES_PATH = '/api/v1/nodes';

/**
 * Drops what the controllers never read and what makes Nodes large: `metadata.managedFields`
 * and `status.images` (a long list on every Node). Returns a new object; `node` is untouched.
 */
export function trimNode(node: unknown): KubeNode {
  const out: Record<string, unknown> = { ...(node as Record<string, unknown>) };
  for (const [part, field] of [
    ['metadata', 'managedFields'],
    ['status', 'images'],
  ] as const) {
    const value = out[part];
    if (typeof value === 'object' && value !== null && field in value) {
      const copy = { ...(value as Record<string, unknown>) };
      Reflect.deleteProperty(copy, field);
      out[part] = copy;
    }
  }
  return out;
}

/**
 * The shared Node informer: lists every Node (paged), then watches from the list's
 * resourceVersion with bookmarks, resuming from the last resourceVersion seen, re-listing on
 * 410 Gone (HTTP or in-stream) and retrying other failures with exponential backoff. Nodes are
 * cached trimmed (see `trimNode`) and served as `NodeReader`; a re-list diffs against the cache
 * so handlers see the deletions a broken watch missed. No I/O before `start()`.
 */
export class NodeInformer implements NodeReader {
  readonly #opts: NodeInformerOptions;
  readonly #cache = new Map<string, KubeNode>();
  readonly #handlers: NodeHandlers[] = [];
  #synced = false;
  readonly #loop: ListWatchLoop;

  constructor(options: NodeInformerOptions) {
    this.#opts = options;
    this.#loop = new ListWatchLoop(
      {
        list: (signal) => this.#relist(signal),
        watch: (rv, signal) => this.#watchOnce(rv, signal),
        onError: (err) => {
          this.#opts.onError?.(toInformerError(err));
        },
      },
      { backoff: options.backoff },
    );
  }

  /** True once a full list has been applied to the cache. */
  get synced(): boolean {
    return this.#synced;
  }

  /** Registers change callbacks; register before `start()` to see the initial adds. */
  addHandlers(handlers: NodeHandlers): void {
    this.#handlers.push(handlers);
  }

  getNode(name: string): KubeNode | undefined {
    return this.#cache.get(name);
  }

  listNodes(): readonly KubeNode[] {
    return [...this.#cache.values()];
  }

  /**
   * Starts the list+watch loop and resolves after the first list attempt, whether it succeeded
   * (see `synced`) or failed (the loop keeps retrying). Aborting `signal` stops the informer.
   * A second call does nothing.
   */
  async start(options: { readonly signal: AbortSignal }): Promise<void> {
    await this.#loop.start(options.signal);
  }

  /** Stops the loop and its open watch, and waits for both. Never reports an error. */
  stop(): Promise<void> {
    return this.#loop.stop();
  }

  async #relist(signal: AbortSignal): Promise<string> {
    const { client } = this.#opts;
    const fresh = new Map<string, KubeNode>();
    let next: string | undefined;
    let rv: string | undefined;
    do {
      const timeout = AbortSignal.any([signal, AbortSignal.timeout(this.#opts.listTimeoutMs ?? 30_000)]);
      const page = await client.rest.request<NodeListPage>({
        method: 'GET',
        path: '/api/v1/nodes',
        query: { limit: this.#opts.pageSize ?? 500, continue: next },
        signal: timeout,
      });
      for (const item of page.items) {
        const name = item.metadata?.name;
        if (name !== undefined) fresh.set(name, trimNode(item));
      }
      rv = page.metadata?.resourceVersion;
      next = page.metadata?.continue === '' ? undefined : page.metadata?.continue;
    } while (next !== undefined);
    if (rv === undefined || rv === '') throw new NodeInformerError('the Node list has no resourceVersion');
    this.#replace(fresh);
    this.#synced = true;
    return rv;
  }

  #replace(fresh: Map<string, KubeNode>): void {
    const old = new Map(this.#cache);
    this.#cache.clear();
    for (const [name, node] of fresh) this.#cache.set(name, node);
    for (const [name, node] of fresh) {
      const before = old.get(name);
      if (before === undefined) this.#emit((h) => h.onAdd?.(node));
      else if (before.metadata?.resourceVersion !== node.metadata?.resourceVersion)
        this.#emit((h) => h.onUpdate?.(before, node));
    }
    for (const [name, node] of old) if (!fresh.has(name)) this.#emit((h) => h.onDelete?.(node));
  }

  async #watchOnce(resourceVersion: string, signal: AbortSignal): Promise<WatchOutcome> {
    await this.#opts.client.throttle(signal);
    return new Promise((resolve, reject) => {
      let rv: string | undefined = resourceVersion;
      let events = 0;
      let streamError: NodeInformerError | undefined;
      let controller: AbortController | undefined;
      const onAbort = (): void => controller?.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (err: unknown): void => {
        signal.removeEventListener('abort', onAbort);
        if (streamError !== undefined) reject(streamError);
        else if (rv === undefined || isHttpStatus(err, GONE)) resolve({ resourceVersion: undefined, events });
        else if (err === null || err === undefined || signal.aborted || isInactivityTimeout(err))
          resolve({ resourceVersion: rv, events });
        else
          reject(err instanceof Error ? err : new NodeInformerError(`watch ended: ${JSON.stringify(err)}`));
      };
      const onEvent = (type: string, obj: unknown): void => {
        if (type === 'ERROR') {
          if (statusCode(obj) === GONE) rv = undefined;
          else
            streamError = new NodeInformerError(`watch of nodes: ${statusText(obj)}`, {
              status: statusCode(obj),
            });
          controller?.abort();
          return;
        }
        const next = resourceVersionOf(obj);
        if (next === undefined) return;
        rv = next;
        events++;
        if (type !== 'BOOKMARK') this.#apply(type, trimNode(obj));
      };
      const query = {
        resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: this.#opts.watchTimeoutSeconds ?? 300,
      };
      this.#opts.client.watch(NODES_PATH, query, onEvent, done).then((c) => {
        controller = c;
        if (signal.aborted) c.abort();
      }, done);
    });
  }

  #apply(type: string, node: KubeNode): void {
    const name = node.metadata?.name;
    if (name === undefined) return;
    const before = this.#cache.get(name);
    if (type === 'DELETED') {
      this.#cache.delete(name);
      this.#emit((h) => h.onDelete?.(before ?? node));
      return;
    }
    this.#cache.set(name, node);
    if (before === undefined) this.#emit((h) => h.onAdd?.(node));
    else this.#emit((h) => h.onUpdate?.(before, node));
  }

  #emit(call: (h: NodeHandlers) => void): void {
    for (const h of this.#handlers) call(h);
  }
}

/** Reads the flag afresh (an await may have passed since the last check). */
function toInformerError(err: unknown): NodeInformerError {
  if (err instanceof NodeInformerError) return err;
  const { message, status } = describeListWatchFailure(err, 'nodes');
  return new NodeInformerError(message, { cause: err, status });
}

/** A page of `GET /api/v1/nodes` as the API server sends it. */
interface NodeListPage {
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
  readonly items: readonly { readonly metadata?: { readonly name?: string } }[];
}
