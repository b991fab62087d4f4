// SPDX-License-Identifier: Apache-2.0
import type { CloudConfig } from '../config/config.ts';

/**
 * The key paths (`vcenters.east.port`, `global.password`, `labels.zone`) where two validated
 * configs differ in meaning, sorted. The input syntax (`format`), comments, key order and map
 * order do not count; list order does (`ipFamilies` order picks the primary family). A vCenter,
 * class or tag added or removed is reported by its own path (`vcenters.west`). Only paths are
 * returned, never values, so the result may be logged even when a secret changed.
 */
export function changedConfigKeys(running: CloudConfig, next: CloudConfig): string[] {
  const out: string[] = [];
  diff({ ...running, format: undefined }, { ...next, format: undefined }, '', out);
  return out.sort();
}

function diff(a: unknown, b: unknown, path: string, out: string[]): void {
  if (Object.is(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length || a.some((v, i) => !equal(v, b[i]))) out.push(path);
    return;
  }
  const ea = entriesOf(a);
  const eb = entriesOf(b);
  if (ea === undefined || eb === undefined) {
    out.push(path);
    return;
  }
  for (const key of new Set([...ea.keys(), ...eb.keys()])) {
    const child = path === '' ? key : `${path}.${key}`;
    if (!ea.has(key) || !eb.has(key)) {
      // `undefined` and a missing key mean the same in the validated shape.
      if (ea.get(key) !== undefined || eb.get(key) !== undefined) out.push(child);
      continue;
    }
    diff(ea.get(key), eb.get(key), child, out);
  }
}

function equal(a: unknown, b: unknown): boolean {
  const out: string[] = [];
  diff(a, b, '', out);
  return out.length === 0;
}

/** A Map or a plain object as keyed entries; `undefined` for primitives and arrays. */
function entriesOf(value: unknown): Map<string, unknown> | undefined {
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [String(k), v as unknown]));
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return new Map(Object.entries(value));
  }
  return undefined;
}
