// SPDX-License-Identifier: Apache-2.0
// Test-only: strategic merge patch for the fields a CCM touches, with the real patch strategies.

type Obj = Record<string, unknown>;

/** How a list field merges: by a key, as a set of primitives, or (absent) replaced whole. */
type ListStrategy = { readonly mergeKey: string } | 'primitive-merge';

const METADATA: Readonly<Record<string, ListStrategy>> = {
  'metadata.finalizers': 'primitive-merge',
  'metadata.ownerReferences': { mergeKey: 'uid' },
};

/** List strategies by kind, from the Go struct tags (`patchStrategy`/`patchMergeKey`). */
const STRATEGIES: Readonly<Record<string, Readonly<Record<string, ListStrategy>>>> = {
  Node: {
    'status.addresses': { mergeKey: 'type' },
    'status.conditions': { mergeKey: 'type' },
    'spec.podCIDRs': 'primitive-merge',
    // spec.taints has no strategy: replaced whole.
  },
  Namespace: { 'status.conditions': { mergeKey: 'type' } },
  Service: {
    'spec.ports': { mergeKey: 'port' },
    'status.conditions': { mergeKey: 'type' },
    // status.loadBalancer.ingress, spec.externalIPs and spec.clusterIPs have no strategy: replaced whole.
  },
  // Endpoints subsets and EndpointSlice endpoints/ports are atomic as well.
};

const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function strategyFor(kind: string, path: string): ListStrategy | undefined {
  return METADATA[path] ?? STRATEGIES[kind]?.[path];
}

/** Removes `$…` directives so they never reach the stored object. */
function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((e) => !(isObj(e) && e['$patch'] === 'replace')).map(strip);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = strip(x);
  return out;
}

function sameKey(a: unknown, key: string, value: unknown): boolean {
  return isObj(a) && JSON.stringify(a[key]) === JSON.stringify(value);
}

function mergeKeyed(
  kind: string,
  path: string,
  orig: readonly unknown[],
  patch: readonly unknown[],
  key: string,
): unknown[] {
  const out: unknown[] = [...orig];
  for (const p of patch) {
    if (!isObj(p)) continue;
    if (p['$patch'] === 'delete') {
      for (let i = out.length - 1; i >= 0; i--) if (sameKey(out[i], key, p[key])) out.splice(i, 1);
      continue;
    }
    // The first element with the same key absorbs the patch element: two InternalIPs collapse.
    const i = out.findIndex((o) => sameKey(o, key, p[key]));
    if (i >= 0) out[i] = mergeMap(kind, path, out[i] as Obj, p);
    else out.push(strip(p));
  }
  return out;
}

function mergeList(kind: string, path: string, orig: unknown, patch: unknown[]): unknown[] {
  const strategy = strategyFor(kind, path);
  if (strategy === undefined || patch.some((e) => isObj(e) && e['$patch'] === 'replace')) {
    return strip(patch) as unknown[];
  }
  const base: readonly unknown[] = Array.isArray(orig) ? (orig as unknown[]) : [];
  if (strategy === 'primitive-merge') {
    const seen = new Set(base.map((e) => JSON.stringify(e)));
    return [...base, ...patch.filter((e) => !seen.has(JSON.stringify(e)))];
  }
  return mergeKeyed(kind, path, base, patch, strategy.mergeKey);
}

function reorder(kind: string, path: string, current: unknown, wanted: unknown): unknown {
  if (!Array.isArray(current) || !Array.isArray(wanted)) return current;
  const list = current as readonly unknown[];
  const order = wanted as readonly unknown[];
  const strategy = strategyFor(kind, path);
  const key = typeof strategy === 'object' ? strategy.mergeKey : undefined;
  const matches = (item: unknown, o: unknown): boolean =>
    key === undefined ? JSON.stringify(item) === JSON.stringify(o) : isObj(o) && sameKey(item, key, o[key]);
  const ordered = order.flatMap((o) => list.filter((item) => matches(item, o)));
  const rest = list.filter((item) => !ordered.includes(item));
  return [...ordered, ...rest];
}

function applyListDirectives(kind: string, prefix: string, out: Obj, patch: Obj): void {
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(DELETE_PRIMITIVE) && Array.isArray(v)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      const cur = out[field];
      if (Array.isArray(cur)) {
        const drop = new Set(v.map((e) => JSON.stringify(e)));
        out[field] = cur.filter((e) => !drop.has(JSON.stringify(e)));
      }
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(SET_ORDER)) {
      const field = k.slice(SET_ORDER.length);
      if (field in out) out[field] = reorder(kind, `${prefix}${field}`, out[field], v);
    }
  }
}

function mergeMap(kind: string, path: string, orig: Obj, patch: Obj): Obj {
  if (patch['$patch'] === 'replace') return strip(patch) as Obj;
  const prefix = path === '' ? '' : `${path}.`;
  let out: Obj = { ...orig };
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) {
    out = Object.fromEntries(Object.entries(out).filter(([k]) => retain.includes(k) || k in patch));
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    const childPath = `${prefix}${k}`;
    if (v === null || (isObj(v) && v['$patch'] === 'delete')) Reflect.deleteProperty(out, k);
    else if (isObj(v)) out[k] = mergeMap(kind, childPath, isObj(out[k]) ? out[k] : {}, v);
    else if (Array.isArray(v)) out[k] = mergeList(kind, childPath, out[k], v);
    else out[k] = v;
  }
  applyListDirectives(kind, prefix, out, patch);
  return out;
}

/**
 * Applies a strategic merge patch to `target` (an object of `kind`) and returns a new object.
 * Lists with a merge key merge element-wise (the first element with the same key absorbs a patch
 * element), primitive-merge lists take the union, every other list is replaced. Supports
 * `$patch: replace|delete`, `$setElementOrder/…`, `$deleteFromPrimitiveList/…` and `$retainKeys`.
 */
export function applyStrategicMergePatch(kind: string, target: Obj, patch: Obj): Obj {
  return mergeMap(kind, '', target, patch);
}
