// SPDX-License-Identifier: Apache-2.0
// Test-only: the watch endpoint: newline-delimited events from a resourceVersion, bookmarks,
// timeoutSeconds, and the in-stream 410 Expired after compaction.
import type { ServerResponse } from 'node:http';
import { apiVersionOf, type ResourceType } from './resources.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { expired } from './status.ts';
import { namespaceOf, typeKeyOf, type ObjectStore, type StoredEvent } from './store.ts';

type Obj = Record<string, unknown>;

/** Timing of watches; the real server's limits are minutes, tests want milliseconds. */
export interface WatchTiming {
  /** How often a watch with `allowWatchBookmarks=true` gets a BOOKMARK. */
  readonly bookmarkIntervalMs: number;
  /** The server's own limit on a watch without `timeoutSeconds`. */
  readonly maxWatchMs: number;
}

/** What one watch request asks for. */
export interface WatchRequest {
  readonly type: ResourceType;
  /** `''` for every namespace. */
  readonly namespace: string;
  readonly query: URLSearchParams;
  /** The stored object as the watched API shows it (default: as stored); selectors see this. */
  readonly view?: (stored: Obj) => Obj;
  /** The event's `object` for a viewed object (default: itself), e.g. a one-row Table. */
  readonly present?: (viewed: Obj) => unknown;
}

/** Serves one watch on `res` until it times out, the client leaves, or `closeSignal` aborts. */
export function serveWatch(
  store: ObjectStore,
  request: WatchRequest,
  res: ServerResponse,
  opts: { readonly timing: WatchTiming; readonly closeSignal: AbortSignal },
): void {
  const { type: t, namespace, query } = request;
  const view = request.view ?? ((o: Obj) => o);
  const present = request.present ?? ((o: Obj) => o);
  const byLabel = parseLabelSelector(query.get('labelSelector'));
  const byField = parseFieldSelector(t, query.get('fieldSelector'));
  const matches = (o: Obj): boolean =>
    (namespace === '' || namespaceOf(o) === namespace) && byLabel(o) && byField(o);
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
  res.flushHeaders();
  const send = (type: string, object: unknown): void => {
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const sendStored = (type: string, stored: Obj): void => {
    const viewed = view(stored);
    if (matches(viewed)) send(type, present(viewed));
  };
  const rvParam = query.get('resourceVersion') ?? '';
  let lastRv = store.resourceVersion;
  if (rvParam === '' || rvParam === '0') {
    for (const o of store.list(t, namespace === '' ? undefined : namespace)) sendStored('ADDED', o);
  } else {
    const since = store.eventsSince(Number(rvParam));
    if (since === undefined) {
      send('ERROR', expired(rvParam, String(store.compactedResourceVersion)).status);
      res.end();
      return;
    }
    for (const e of since) if (e.typeKey === typeKeyOf(t)) sendStored(e.type, e.object);
  }
  const onChange = (e: StoredEvent): void => {
    lastRv = e.rv;
    if (e.typeKey === typeKeyOf(t)) sendStored(e.type, e.object);
  };
  const unsubscribe = store.subscribe(onChange);
  const timers: NodeJS.Timeout[] = [];
  const finish = (): void => {
    unsubscribe();
    for (const tm of timers) clearTimeout(tm);
    opts.closeSignal.removeEventListener('abort', finish);
    if (!res.writableEnded) res.end();
  };
  if (query.get('allowWatchBookmarks') === 'true') {
    const bookmark = setInterval(() => {
      send('BOOKMARK', {
        kind: t.kind,
        apiVersion: apiVersionOf(t),
        metadata: { resourceVersion: String(lastRv) },
      });
    }, opts.timing.bookmarkIntervalMs);
    timers.push(bookmark);
  }
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '0');
  const limitMs =
    timeoutSeconds > 0 ? Math.min(timeoutSeconds * 1000, opts.timing.maxWatchMs) : opts.timing.maxWatchMs;
  timers.push(setTimeout(finish, limitMs));
  res.on('close', finish);
  opts.closeSignal.addEventListener('abort', finish);
}
