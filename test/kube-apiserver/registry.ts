// SPDX-License-Identifier: Apache-2.0
// Test-only: create/update/patch/delete/list semantics of kube-apiserver's generic registry,
// including status-subresource rules, preconditions, no-op writes, finalizers (graceful deletion)
// and views of shared storage (events.k8s.io Events).
import { randomUUID } from 'node:crypto';
import { fromView, storageType, toView } from './events-view.ts';
import { applyJsonPatch, applyMergePatch } from './json-patch.ts';
import { apiVersionOf, findResourceType, type ResourceType } from './resources.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import {
  alreadyExists,
  badRequest,
  conflict,
  notFound,
  unsupportedMediaType,
  type GroupResource,
} from './status.ts';
import type { ObjectStore } from './store.ts';
import { applyStrategicMergePatch } from './strategic-merge.ts';
import { decodeError, normalizeTimes, validateObject } from './validation.ts';
import { finalizersOf, isTerminating, prepareWrite } from './write-rules.ts';

type Obj = Record<string, unknown>;

/** Which object a request addresses. */
export interface Target {
  readonly type: ResourceType;
  /** `''` for cluster-scoped types or an all-namespaces list. */
  readonly namespace: string;
  readonly name: string;
  readonly subresource: '' | 'status';
}

const NAMESPACES = findResourceType('', 'v1', 'namespaces');

function gr(t: ResourceType): GroupResource {
  return { group: t.group, resource: t.resource };
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function metaOf(o: Obj): Obj {
  return isObj(o['metadata']) ? o['metadata'] : {};
}

/** Parses a JSON request body; malformed JSON is a 400 as on the real server. */
export function parseBody(t: ResourceType, raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    throw badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: ${String(err)}`);
  }
}

/** Metav1.Time: RFC 3339 with second precision. */
export function nowSeconds(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from({ length: 5 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
}

function checkDecodable(t: ResourceType, body: unknown): Obj {
  if (!isObj(body)) throw badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}`);
  const kind = body['kind'];
  if (kind !== undefined && kind !== t.kind) {
    throw badRequest(
      `${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: wrong kind ${JSON.stringify(kind)}`,
    );
  }
  const err = decodeError(t, body);
  if (err) throw err;
  return normalizeTimes(t, structuredClone(body));
}

function withTypeMeta(t: ResourceType, o: Obj): Obj {
  return { kind: t.kind, apiVersion: apiVersionOf(t), ...o };
}

/** Handles `POST` on a collection: 201 with the stored object. */
export function createObject(store: ObjectStore, target: Target, body: unknown, now: Date): Obj {
  const t = target.type;
  const s = storageType(t);
  const obj = fromView(t, withTypeMeta(t, checkDecodable(t, body)));
  const meta = { ...metaOf(obj) };
  if (t.namespaced) {
    if (meta['namespace'] !== undefined && meta['namespace'] !== target.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    meta['namespace'] = target.namespace;
  } else delete meta['namespace'];
  if ((meta['name'] === undefined || meta['name'] === '') && typeof meta['generateName'] === 'string') {
    meta['name'] = `${meta['generateName']}${randomSuffix()}`;
  }
  for (const k of ['resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'])
    Reflect.deleteProperty(meta, k);
  const prepared = prepareWrite(store, s, { ...obj, metadata: meta }, undefined);
  const fresh: Obj = { ...prepared.obj };
  const invalidErr = validateObject(s, fresh, prepared.errors);
  if (invalidErr) throw invalidErr;
  const name = String(meta['name']);
  if (t.namespaced && NAMESPACES && store.get(NAMESPACES, '', target.namespace) === undefined) {
    throw notFound(gr(NAMESPACES), target.namespace);
  }
  if (store.get(s, target.namespace, name) !== undefined) throw alreadyExists(gr(t), name);
  meta['uid'] = randomUUID();
  meta['creationTimestamp'] = nowSeconds(now);
  fresh['metadata'] = meta;
  if (t.kind === 'Namespace') {
    fresh['spec'] = { finalizers: ['kubernetes'] };
    fresh['status'] = { phase: 'Active' };
  } else if (t.kind === 'Service') fresh['status'] = { loadBalancer: {} };
  else if (t.hasStatus && t.kind !== 'Node') delete fresh['status'];
  return toView(t, store.put(s, fresh, 'ADDED'));
}

/** Keeps what the endpoint may not change: status on the main resource, spec and metadata on /status. */
function restrict(target: Target, old: Obj, next: Obj): Obj {
  const oldMeta = metaOf(old);
  const meta: Obj = { ...metaOf(next) };
  const fixed = [
    'uid',
    'creationTimestamp',
    'name',
    'namespace',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'generateName',
  ];
  for (const k of fixed) {
    if (k in oldMeta) meta[k] = oldMeta[k];
    else Reflect.deleteProperty(meta, k);
  }
  if (target.subresource === 'status') {
    for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences']) {
      if (k in oldMeta) meta[k] = oldMeta[k];
      else Reflect.deleteProperty(meta, k);
    }
  }
  const out: Obj = { ...next, kind: old['kind'], apiVersion: old['apiVersion'], metadata: meta };
  if (!target.type.hasStatus) return out;
  const keep = target.subresource === 'status' ? 'spec' : 'status';
  if (keep in old) out[keep] = old[keep];
  else Reflect.deleteProperty(out, keep);
  return out;
}

function sameContent(a: Obj, b: Obj): boolean {
  const strip = (o: Obj): string => JSON.stringify({ ...o, metadata: { ...metaOf(o), resourceVersion: '' } });
  return strip(a) === strip(b);
}

/**
 * Stores `next` (storage form) over `old` after the checks every write shares; a no-op write keeps
 * the resourceVersion, and a write that drops the last finalizer of a terminating object deletes it.
 */
function commit(store: ObjectStore, target: Target, old: Obj, next: Obj): Obj {
  const t = target.type;
  const s = storageType(t);
  const name = target.name;
  const rv = metaOf(next)['resourceVersion'];
  if (rv !== undefined && rv !== '' && rv !== metaOf(old)['resourceVersion']) throw conflict(gr(t), name);
  const prepared = prepareWrite(store, s, restrict({ ...target, type: s }, old, next), old);
  const invalidErr = validateObject(s, prepared.obj, prepared.errors);
  if (invalidErr) throw invalidErr;
  if (sameContent(old, prepared.obj)) return toView(t, old);
  if (isTerminating(old) && finalizersOf(prepared.obj).length === 0) {
    return toView(t, store.remove(s, target.namespace, name, prepared.obj) ?? prepared.obj);
  }
  return toView(t, store.put(s, prepared.obj, 'MODIFIED'));
}

function existing(store: ObjectStore, target: Target): Obj {
  const old = store.get(target.type, target.namespace, target.name);
  if (old === undefined) throw notFound(gr(target.type), target.name);
  return old;
}

/** Handles `PUT` on an object or its `/status`. */
export function updateObject(store: ObjectStore, target: Target, body: unknown): Obj {
  const t = target.type;
  const next = fromView(t, withTypeMeta(t, checkDecodable(t, body)));
  const bodyName = metaOf(next)['name'];
  if (bodyName !== target.name) {
    throw badRequest(
      `the name of the object (${String(bodyName)}) does not match the name on the URL (${target.name})`,
    );
  }
  return commit(store, target, existing(store, target), next);
}

/** Handles `PATCH` with a JSON, merge or strategic merge patch; other content types are 415. */
export function patchObject(store: ObjectStore, target: Target, contentType: string, raw: string): Obj {
  const t = target.type;
  const old = existing(store, target);
  const viewed = toView(t, old);
  const patch = parseBody(t, raw);
  let next: unknown;
  const type = contentType.split(';')[0]?.trim() ?? '';
  if (type === 'application/json-patch+json') next = applyJsonPatch(viewed, patch);
  else if (type === 'application/merge-patch+json') next = applyMergePatch(viewed, patch);
  else if (type === 'application/strategic-merge-patch+json') {
    if (!isObj(patch)) throw badRequest('strategic merge patch body must be a JSON object');
    next = applyStrategicMergePatch(t.kind, viewed, patch);
  } else throw unsupportedMediaType(contentType);
  return commit(store, target, old, fromView(t, checkDecodable(t, next)));
}

/**
 * Handles `DELETE`, honouring `preconditions.uid` and `preconditions.resourceVersion`. An object
 * with finalizers is not removed: it gets `deletionTimestamp` (once) and is returned; it goes when
 * an update removes its last finalizer.
 */
export function deleteObject(store: ObjectStore, target: Target, body: unknown, now: Date): Obj {
  const t = target.type;
  const s = storageType(t);
  const old = existing(store, target);
  const pre = isObj(body) && isObj(body['preconditions']) ? body['preconditions'] : {};
  const meta = metaOf(old);
  for (const [field, label] of [
    ['uid', 'UID'],
    ['resourceVersion', 'ResourceVersion'],
  ] as const) {
    const want = pre[field];
    if (typeof want === 'string' && want !== meta[field]) {
      const why = `Precondition failed: ${label} in precondition: ${want}, ${label} in object meta: ${String(meta[field])}`;
      throw conflict(gr(t), target.name, why);
    }
  }
  if (finalizersOf(old).length > 0) {
    if (isTerminating(old)) return toView(t, old);
    const marked = { ...meta, deletionTimestamp: nowSeconds(now), deletionGracePeriodSeconds: 0 };
    return toView(t, store.put(s, { ...old, metadata: marked }, 'MODIFIED'));
  }
  const gone = store.remove(s, target.namespace, target.name) ?? old;
  if (t.kind === 'Namespace') return gone;
  const details = {
    name: target.name,
    ...(t.group === '' ? {} : { group: t.group }),
    kind: t.resource,
    uid: meta['uid'],
  };
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

interface ContinueToken {
  readonly rv: number;
  readonly start: number;
}

/** Handles a list: selectors, `limit`/`continue`, and the list resourceVersion to watch from. */
export function listObjects(
  store: ObjectStore,
  t: ResourceType,
  namespace: string,
  query: URLSearchParams,
): Obj {
  const byLabel = parseLabelSelector(query.get('labelSelector'));
  const byField = parseFieldSelector(t, query.get('fieldSelector'));
  const all = store
    .list(t, namespace === '' ? undefined : namespace)
    .map((o) => toView(t, o))
    .filter((o) => byLabel(o) && byField(o));
  let start = 0;
  let rv = store.resourceVersion;
  const cont = query.get('continue');
  if (cont !== null && cont !== '') {
    const tok = JSON.parse(Buffer.from(cont, 'base64url').toString('utf8')) as ContinueToken;
    start = tok.start;
    rv = tok.rv;
  }
  const limit = Number(query.get('limit') ?? '0');
  const end = limit > 0 ? start + limit : all.length;
  // Items of a list carry no kind/apiVersion on the real server.
  const items = all.slice(start, end).map((o) => {
    const item = { ...o };
    Reflect.deleteProperty(item, 'kind');
    Reflect.deleteProperty(item, 'apiVersion');
    return item;
  });
  const metadata: Obj = { resourceVersion: String(rv) };
  if (end < all.length) {
    metadata['continue'] = Buffer.from(JSON.stringify({ rv, start: end })).toString('base64url');
    metadata['remainingItemCount'] = all.length - end;
  }
  return { kind: `${t.kind}List`, apiVersion: apiVersionOf(t), metadata, items };
}
