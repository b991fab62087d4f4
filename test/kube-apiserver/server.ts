// SPDX-License-Identifier: Apache-2.0
// Test-only: an in-memory kube-apiserver on 127.0.0.1 that @kubernetes/client-node and kubectl
// work against unchanged (discovery, CRUD, /status, list, watch, patch, Table output), with a
// request log. Not modelled: server-side apply (415), deletecollection (405), grace periods
// (finalizers are: see registry.ts), namespace termination, authn/authz, and admission.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createObject,
  deleteObject,
  listObjects,
  parseBody,
  patchObject,
  updateObject,
  type Target,
} from './registry.ts';
import { decodeProtobufBody } from './protobuf-body.ts';
import { RequestLog, type KubeVerb } from './request-log.ts';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersionOf,
  coreVersions,
  findResourceType,
  RESOURCE_TYPES,
} from './resources.ts';
import { KubeStatusError, methodNotSupported, notFound, unsupportedBodyType } from './status.ts';
import { ObjectStore } from './store.ts';
import { toView } from './events-view.ts';
import { includeObjectOf, negotiate, toTable } from './table.ts';
import { serveWatch, type WatchTiming } from './watch.ts';

/** Options of {@link startKubeApiServer}. */
export interface KubeApiServerOptions {
  /** Changes kept replayable for watches before compaction (default 1000). */
  readonly historyLimit?: number;
  /** BOOKMARK period for watches that allow them (default 1000 ms). */
  readonly bookmarkIntervalMs?: number;
  /** Server-side watch limit (default 60 000 ms). */
  readonly maxWatchMs?: number;
  /** Clock for creationTimestamp (default `new Date()`). */
  readonly now?: () => Date;
}

/** A running fake API server. */
export interface KubeApiServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly store: ObjectStore;
  readonly requestLog: RequestLog;
  /** Ends open watches and connections, then stops listening. */
  close(): Promise<void>;
}

interface Route {
  readonly target: Target;
  readonly verb: KubeVerb;
}

const NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function parseRoute(method: string, segs: readonly string[], query: URLSearchParams): Route | undefined {
  const [root, a, b] = segs;
  const group = root === 'api' ? '' : (a ?? '');
  const version = root === 'api' ? (a ?? '') : (b ?? '');
  const rest = segs.slice(root === 'api' ? 2 : 3);
  let namespace = '';
  let parts = rest;
  const nsType = findResourceType(group, version, rest[2] ?? '');
  if (rest[0] === 'namespaces' && rest.length >= 3 && nsType?.namespaced === true) {
    namespace = rest[1] ?? '';
    parts = rest.slice(2);
  }
  const [resource = '', name = '', sub = '', ...extra] = parts;
  const type = findResourceType(group, version, resource);
  if (type === undefined || extra.length > 0) return undefined;
  if (sub !== '' && !(sub === 'status' && type.hasStatus)) return undefined;
  if (type.namespaced && namespace === '' && (name !== '' || method === 'POST')) return undefined;
  const verbs: Record<string, KubeVerb> = { POST: 'create', PUT: 'update', PATCH: 'patch' };
  let verb: KubeVerb = verbs[method] ?? 'unknown';
  if (method === 'GET')
    verb = name !== '' ? 'get' : ['true', '1'].includes(query.get('watch') ?? '') ? 'watch' : 'list';
  if (method === 'DELETE') verb = name !== '' ? 'delete' : 'unknown';
  const target: Target = { type, namespace, name, subresource: sub === 'status' ? 'status' : '' };
  return { target, verb };
}

function discovery(segs: readonly string[], url: string): object | undefined {
  const [root, a, b, ...rest] = segs;
  if (rest.length > 0) return undefined;
  if (root === 'version' && a === undefined) return { major: '1', minor: '34', gitVersion: 'v1.34.0-fake' };
  if (root === 'api')
    return a === undefined ? coreVersions(url) : b === undefined ? apiResourceList('', a) : undefined;
  if (root !== 'apis') return undefined;
  if (a === undefined) return apiGroupList();
  return b === undefined ? apiGroup(a) : apiResourceList(a, b);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The JSON text of a create/update/delete body; protobuf is decoded for the kinds kubectl sends so. */
function jsonBody(verb: KubeVerb, contentType: string, body: Buffer): string {
  const type = contentType.split(';')[0]?.trim() ?? '';
  if (!['create', 'update', 'delete'].includes(verb) || body.length === 0) return body.toString('utf8');
  if (type === 'application/vnd.kubernetes.protobuf') {
    const decoded = decodeProtobufBody(body);
    if (decoded === undefined) throw unsupportedBodyType(type);
    return JSON.stringify(decoded);
  }
  if (!/^(application\/json|\*\/\*|)$/.test(type)) throw unsupportedBodyType(type);
  return body.toString('utf8');
}

/** Starts the fake on 127.0.0.1 with an ephemeral port, with the usual namespaces already present. */
export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const store = new ObjectStore(options.historyLimit ?? 1000);
  const requestLog = new RequestLog();
  const now = options.now ?? (() => new Date());
  const timing: WatchTiming = {
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000,
    maxWatchMs: options.maxWatchMs ?? 60_000,
  };
  const closing = new AbortController();
  const nsType = RESOURCE_TYPES.find((t) => t.kind === 'Namespace');
  for (const name of NAMESPACES) {
    if (nsType)
      createObject(
        store,
        { type: nsType, namespace: '', name: '', subresource: '' },
        { metadata: { name } },
        now(),
      );
  }
  const svcType = findResourceType('', 'v1', 'services');
  if (svcType) {
    // Every real cluster has it, holding the first address of the service range.
    const spec = { ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] };
    const meta = { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } };
    const target = { type: svcType, namespace: 'default', name: '', subresource: '' } as const;
    createObject(store, target, { metadata: meta, spec }, now());
  }
  let url = '';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const parsed = new URL(req.url ?? '/', 'http://fake');
    const segs = parsed.pathname.split('/').filter((s) => s !== '');
    const query = parsed.searchParams;
    const body = await readBody(req);
    const route = parseRoute(method, segs, query);
    const log = (code: number): void => {
      requestLog.add({
        method,
        path: parsed.pathname,
        query: Object.fromEntries(query),
        verb: route?.verb ?? (method === 'GET' && discovery(segs, url) ? 'discovery' : 'unknown'),
        resource: route?.target.type.resource ?? '',
        subresource: route?.target.subresource ?? '',
        namespace: route?.target.namespace ?? '',
        name: route?.target.name ?? '',
        patchType: method === 'PATCH' ? (req.headers['content-type'] ?? '') : '',
        code,
      });
    };
    const reply = (code: number, body: unknown): void => {
      log(code);
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      if (route === undefined) {
        const doc = method === 'GET' ? discovery(segs, url) : undefined;
        if (doc !== undefined) {
          reply(200, doc);
          return;
        }
        log(404);
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('404 page not found\n');
        return;
      }
      const { target, verb } = route;
      const t = target.type;
      const raw = jsonBody(verb, req.headers['content-type'] ?? '', body);
      const asTable = negotiate(req.headers.accept) === 'table';
      const tableOf = (objects: Record<string, unknown>[], listMeta: Record<string, unknown>): object =>
        toTable(objects, {
          kind: t.kind,
          apiVersion: apiVersionOf(t),
          includeObject: includeObjectOf(query),
          now: now(),
          listMeta,
        });
      switch (verb) {
        case 'get': {
          const obj = store.get(t, target.namespace, target.name);
          if (obj === undefined) throw notFound({ group: t.group, resource: t.resource }, target.name);
          const viewed = toView(t, obj);
          reply(200, asTable ? tableOf([viewed], {}) : viewed);
          return;
        }
        case 'list': {
          const list = listObjects(store, t, target.namespace, query);
          const items = list['items'] as Record<string, unknown>[];
          reply(200, asTable ? tableOf(items, list['metadata'] as Record<string, unknown>) : list);
          return;
        }
        case 'watch':
          log(200);
          serveWatch(
            store,
            {
              type: t,
              namespace: target.namespace,
              query,
              view: (o) => toView(t, o),
              ...(asTable ? { present: (o: Record<string, unknown>) => tableOf([o], {}) } : {}),
            },
            res,
            { timing, closeSignal: closing.signal },
          );
          return;
        case 'create':
          reply(201, createObject(store, target, parseBody(t, raw), now()));
          return;
        case 'update':
          reply(200, updateObject(store, target, parseBody(t, raw)));
          return;
        case 'patch':
          reply(200, patchObject(store, target, req.headers['content-type'] ?? '', raw));
          return;
        case 'delete':
          reply(200, deleteObject(store, target, raw === '' ? {} : parseBody(t, raw), now()));
          return;
        default:
          throw methodNotSupported({ group: t.group, resource: t.resource }, method.toLowerCase());
      }
    } catch (err) {
      if (!(err instanceof KubeStatusError)) throw err;
      reply(err.status.code, err.status);
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // An unexpected throw is a bug in the fake: make it loud in the test that hit it.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return {
    url,
    store,
    requestLog,
    close: async () => {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
