// SPDX-License-Identifier: Apache-2.0
// Test-only: cell helpers of the table printers, and the AGE text of kubectl tables as
// apimachinery's duration.HumanDuration prints it.

type Obj = Record<string, unknown>;

/** apimachinery's `duration.HumanDuration`: `42s`, `3m7s`, `5h2m`, `3d4h`, `400d`, `2y30d`. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${String(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${String(m)}m` : `${String(m)}m${String(s % 60)}s`;
  if (m < 180) return `${String(m)}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${String(h)}h` : `${String(h)}h${String(m % 60)}m`;
  if (h < 48) return `${String(h)}h`;
  if (h < 24 * 8)
    return h % 24 === 0 ? `${String(h / 24)}d` : `${String(Math.floor(h / 24))}d${String(h % 24)}h`;
  if (h < 24 * 365 * 2) return `${String(Math.floor(h / 24))}d`;
  const y = Math.floor(h / 24 / 365);
  if (h < 24 * 365 * 8) return `${String(y)}y${String(Math.floor(h / 24) % 365)}d`;
  return `${String(y)}y`;
}

/** Time since an RFC 3339 timestamp, `<unknown>` when absent. */
export function since(ts: unknown, now: Date): string {
  if (typeof ts !== 'string' || ts === '') return '<unknown>';
  return humanDuration(now.getTime() - new Date(ts).getTime());
}

/** The value at a dotted `path` of `obj`, or `undefined`. */
export function get(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const p of path.split('.'))
    cur = cur !== null && typeof cur === 'object' ? (cur as Obj)[p] : undefined;
  return cur;
}

/** Strings as they are, numbers as decimal text, anything else as `''`. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** The object elements of an array field (none when it is not an array). */
export function list(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter((x): x is Obj => x !== null && typeof x === 'object') : [];
}

/** `<none>` for an empty cell, as the real printers show it. */
export function orNone(s: string): string {
  return s === '' ? '<none>' : s;
}

/** The AGE cell: time since `metadata.creationTimestamp`. */
export function age(obj: Obj, now: Date): string {
  return since(get(obj, 'metadata.creationTimestamp'), now);
}

/** `metadata.name`. */
export function name(obj: Obj): string {
  return str(get(obj, 'metadata.name'));
}
