// SPDX-License-Identifier: Apache-2.0
// Test-only: RFC 7386 JSON merge patch and RFC 6902 JSON patch, failing as kube-apiserver does.
import { badRequest, patchNotApplied, type KubeStatusError } from './status.ts';

type Json = unknown;
type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Applies an RFC 7386 merge patch: maps merge, `null` deletes, every list is replaced whole. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) Reflect.deleteProperty(out, k);
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

/** One RFC 6902 operation. */
interface Op {
  readonly op: string;
  readonly path: string;
  readonly from?: string;
  readonly value?: Json;
}

function decodePointer(ptr: string): string[] {
  if (ptr === '') return [];
  if (!ptr.startsWith('/')) throw patchNotApplied(`invalid JSON pointer ${JSON.stringify(ptr)}`);
  return ptr
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function missing(op: string, ptr: string): KubeStatusError {
  return patchNotApplied(`${op} operation does not apply: doc is missing path: "${ptr}": missing value`);
}

/** Finds the container of the pointer's last token. */
function parentOf(doc: Json, tokens: readonly string[], op: string, ptr: string): Obj | Json[] {
  let cur: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObj(cur)) cur = cur[t];
    else throw missing(op, ptr);
  }
  if (!Array.isArray(cur) && !isObj(cur)) throw missing(op, ptr);
  return cur;
}

function arrayIndex(arr: readonly Json[], token: string, forAdd: boolean, op: string, ptr: string): number {
  if (forAdd && token === '-') return arr.length;
  const i = /^(0|[1-9]\d*)$/.test(token) ? Number(token) : -1;
  if (i < 0 || i > arr.length || (!forAdd && i === arr.length)) throw missing(op, ptr);
  return i;
}

function getAt(doc: Json, ptr: string, op: string): Json {
  const tokens = decodePointer(ptr);
  if (tokens.length === 0) return doc;
  const parent = parentOf(doc, tokens, op, ptr);
  const last = tokens.at(-1) ?? '';
  if (Array.isArray(parent)) return parent[arrayIndex(parent, last, false, op, ptr)];
  if (!(last in parent)) throw missing(op, ptr);
  return parent[last];
}

function removeAt(doc: Json, ptr: string, op: string): Json {
  const tokens = decodePointer(ptr);
  const parent = parentOf(doc, tokens, op, ptr);
  const last = tokens.at(-1) ?? '';
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, last, false, op, ptr), 1)[0];
  if (!(last in parent)) throw missing(op, ptr);
  const old = parent[last];
  Reflect.deleteProperty(parent, last);
  return old;
}

function addAt(doc: Json, ptr: string, value: Json, op: string, replace: boolean): Json {
  const tokens = decodePointer(ptr);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, op, ptr);
  const last = tokens.at(-1) ?? '';
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, last, !replace, op, ptr);
    parent.splice(i, replace ? 1 : 0, value);
  } else {
    if (replace && !(last in parent)) throw missing(op, ptr);
    parent[last] = value;
  }
  return doc;
}

function deepEqual(a: Json, b: Json): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return a === b;
}

function decodeOps(patch: Json): Op[] {
  if (!Array.isArray(patch)) {
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  return patch.map((raw) => {
    if (!isObj(raw) || typeof raw['op'] !== 'string' || typeof raw['path'] !== 'string') {
      throw badRequest('invalid JSON patch operation');
    }
    return raw as unknown as Op;
  });
}

function applyOp(doc: Json, o: Op): Json {
  switch (o.op) {
    case 'add':
      return addAt(doc, o.path, structuredClone(o.value), 'add', false);
    case 'replace':
      return addAt(doc, o.path, structuredClone(o.value), 'replace', true);
    case 'remove':
      removeAt(doc, o.path, 'remove');
      return doc;
    case 'move': {
      const v = removeAt(doc, o.from ?? '', 'move');
      return addAt(doc, o.path, v, 'move', false);
    }
    case 'copy':
      return addAt(doc, o.path, structuredClone(getAt(doc, o.from ?? '', 'copy')), 'copy', false);
    case 'test': {
      let actual: Json;
      try {
        actual = getAt(doc, o.path, 'test');
      } catch {
        actual = undefined;
      }
      if (!deepEqual(actual, o.value ?? null)) {
        throw patchNotApplied(`testing value ${o.path} failed: test failed`);
      }
      return doc;
    }
    default:
      throw patchNotApplied(`Unexpected kind: ${o.op}`);
  }
}

/** Applies an RFC 6902 patch to a copy of `target`; a failed op (including `test`) throws a 422 Status. */
export function applyJsonPatch(target: Json, patch: Json): Json {
  let doc = structuredClone(target);
  for (const o of decodeOps(patch)) doc = applyOp(doc, o);
  return doc;
}
