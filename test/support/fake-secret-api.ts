// SPDX-License-Identifier: Apache-2.0
// A minimal Kubernetes API server for Secrets: list and watch of /api/v1/namespaces/{ns}/secrets,
// with the real server's semantics for what client code depends on (see
// ../shared/reference/kubernetes-api-facts.md "List and watch"). A full in-memory API server
// comes later; this one serves exactly the Secret subset.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/** A request as the fake saw it. */
export interface FakeApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

export interface FakeSecretApi extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: readonly FakeApiRequest[];
  /** A kubeconfig for this server with a bearer token it accepts. */
  kubeConfig(): KubeConfig;
  /** Creates or replaces a Secret; `data` values are plain text (stored base64, as the API does). Returns its resourceVersion. */
  putSecret(namespace: string, name: string, data: Readonly<Record<string, string>>): string;
  /** Deletes a Secret (no-op when absent). */
  deleteSecret(namespace: string, name: string): void;
  /** Forgets the event history: a watch from an older resourceVersion gets ERROR 410 Expired. */
  compact(): void;
  /** Sends a BOOKMARK with the current resourceVersion to every watch that allowed bookmarks. */
  bookmark(): void;
  /** Ends every open watch response, as when `timeoutSeconds` runs out. */
  endWatches(): void;
  /** Answers the next `count` requests with HTTP `status` (a Status object) instead. */
  failNext(count: number, status: number): void;
  /** Watch responses currently open. */
  openWatches(): number;
  close(): Promise<void>;
}

interface StoredSecret {
  readonly namespace: string;
  readonly name: string;
  readonly object: Record<string, unknown>;
}

interface WatchEvent {
  readonly rv: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly secret: StoredSecret;
}

interface OpenWatch {
  readonly res: ServerResponse;
  readonly namespace: string;
  readonly fields: ReadonlyMap<string, string>;
  readonly bookmarks: boolean;
}

const TOKEN = 'fake-secret-api-token';
const FIELD_LABELS = new Set(['metadata.name', 'metadata.namespace']);
const REASONS: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  410: 'Expired',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
};

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeSecretApi(): Promise<FakeSecretApi> {
  let rv = 100;
  let compactedBefore = 0;
  let failures: { count: number; status: number } = { count: 0, status: 0 };
  const secrets = new Map<string, StoredSecret>();
  const history: WatchEvent[] = [];
  const watches = new Set<OpenWatch>();
  const sockets = new Set<Socket>();
  const requests: FakeApiRequest[] = [];

  const record = (type: WatchEvent['type'], secret: StoredSecret): void => {
    const event = { rv, type, secret };
    history.push(event);
    for (const w of watches) if (matches(secret, w.namespace, w.fields)) send(w.res, type, secret.object);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ method: req.method ?? '', path: url.pathname, query });
    if (failures.count > 0) {
      failures = { count: failures.count - 1, status: failures.status };
      respondStatus(res, failures.status, REASONS[failures.status] ?? 'InternalError', 'injected failure');
      return;
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      respondStatus(res, 401, 'Unauthorized', 'Unauthorized');
      return;
    }
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets$/.exec(url.pathname);
    if (m === null) {
      respondStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
      return;
    }
    if (req.method !== 'GET') {
      respondStatus(res, 405, 'MethodNotAllowed', `${req.method} is not supported here`);
      return;
    }
    const namespace = decodeURIComponent(m[1]!);
    const fields = parseFieldSelector(query['fieldSelector'] ?? '');
    if (fields instanceof Error) {
      respondStatus(res, 400, 'BadRequest', fields.message);
      return;
    }
    if (query['watch'] === 'true' || query['watch'] === '1') serveWatch(req, res, namespace, fields, query);
    else serveList(res, namespace, fields);
  });

  const serveList = (res: ServerResponse, namespace: string, fields: ReadonlyMap<string, string>): void => {
    const items = [...secrets.values()].filter((s) => matches(s, namespace, fields)).map((s) => s.object);
    respondJson(res, 200, {
      kind: 'SecretList',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(rv) },
      items,
    });
  };

  const serveWatch = (
    req: IncomingMessage,
    res: ServerResponse,
    namespace: string,
    fields: ReadonlyMap<string, string>,
    query: Readonly<Record<string, string>>,
  ): void => {
    const from = query['resourceVersion'];
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const w: OpenWatch = { res, namespace, fields, bookmarks: query['allowWatchBookmarks'] === 'true' };
    if (from === undefined || from === '' || from === '0') {
      // "Any" version: the current state as synthetic ADDED events, then live events.
      for (const s of secrets.values()) if (matches(s, namespace, fields)) send(res, 'ADDED', s.object);
    } else {
      const since = Number(from);
      if (!Number.isInteger(since) || since < compactedBefore) {
        send(
          res,
          'ERROR',
          statusObject(410, 'Expired', `too old resource version: ${from} (${compactedBefore})`),
        );
        res.end();
        return;
      }
      for (const e of history)
        if (e.rv > since && matches(e.secret, namespace, fields)) send(res, e.type, e.secret.object);
    }
    watches.add(w);
    const timeout = Number(query['timeoutSeconds'] ?? '0');
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    timer?.unref();
    const forget = (): void => {
      clearTimeout(timer);
      watches.delete(w);
    };
    req.on('close', forget);
    res.on('close', forget);
  };

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const close = async (): Promise<void> => {
    for (const w of watches) w.res.destroy();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  };

  return {
    url,
    requests,
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        // client-node refuses plain http unless TLS verification is (vacuously) off.
        clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
        users: [{ name: 'fake', token: TOKEN }],
        contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
        currentContext: 'fake',
      });
      return kc;
    },
    putSecret(namespace, name, data) {
      rv += 1;
      const key = `${namespace}/${name}`;
      const existing = secrets.get(key);
      const meta = asRecord(existing?.object['metadata']);
      const secret: StoredSecret = {
        namespace,
        name,
        object: {
          kind: 'Secret',
          apiVersion: 'v1',
          metadata: {
            name,
            namespace,
            uid: typeof meta?.['uid'] === 'string' ? meta['uid'] : `uid-${rv}`,
            resourceVersion: String(rv),
          },
          type: 'Opaque',
          data: Object.fromEntries(
            Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
        },
      };
      secrets.set(key, secret);
      record(existing === undefined ? 'ADDED' : 'MODIFIED', secret);
      return String(rv);
    },
    deleteSecret(namespace, name) {
      const key = `${namespace}/${name}`;
      const existing = secrets.get(key);
      if (existing === undefined) return;
      rv += 1;
      secrets.delete(key);
      const meta = { ...asRecord(existing.object['metadata']), resourceVersion: String(rv) };
      record('DELETED', { ...existing, object: { ...existing.object, metadata: meta } });
    },
    compact() {
      compactedBefore = rv;
      history.length = 0;
    },
    bookmark() {
      for (const w of watches) {
        if (w.bookmarks)
          send(w.res, 'BOOKMARK', {
            kind: 'Secret',
            apiVersion: 'v1',
            metadata: { resourceVersion: String(rv) },
          });
      }
    },
    endWatches() {
      for (const w of watches) w.res.end();
      watches.clear();
    },
    failNext(count, status) {
      failures = { count, status };
    },
    openWatches: () => watches.size,
    close,
    [Symbol.asyncDispose]: close,
  };
}

function parseFieldSelector(selector: string): ReadonlyMap<string, string> | Error {
  const fields = new Map<string, string>();
  for (const term of selector.split(',').filter((t) => t !== '')) {
    const m = /^([^=!]+)==?(.*)$/.exec(term);
    if (m === null) return new Error(`invalid field selector term "${term}"`);
    const [, label, value] = m as unknown as [string, string, string];
    if (!FIELD_LABELS.has(label)) return new Error(`field label not supported: ${label}`);
    fields.set(label, value);
  }
  return fields;
}

function matches(s: StoredSecret, namespace: string, fields: ReadonlyMap<string, string>): boolean {
  if (s.namespace !== namespace) return false;
  const name = fields.get('metadata.name');
  const ns = fields.get('metadata.namespace');
  return (name === undefined || name === s.name) && (ns === undefined || ns === s.namespace);
}

function send(res: ServerResponse, type: string, object: unknown): void {
  res.write(`${JSON.stringify({ type, object })}\n`);
}

function statusObject(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function respondStatus(res: ServerResponse, code: number, reason: string, message: string): void {
  respondJson(res, code, statusObject(code, reason, message));
}

function respondJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
}
