// SPDX-License-Identifier: Apache-2.0
// Test-only: label and field selectors as the list and watch endpoints parse them.
import { badRequest } from './status.ts';
import type { ResourceType } from './resources.ts';

type Obj = Record<string, unknown>;

/** Tells whether an object matches. */
export type Matcher = (obj: Obj) => boolean;

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

type Req = (labels: Readonly<Record<string, string>>) => boolean;

function parseRequirement(term: string, raw: string): Req {
  const set = /^([^\s!=]+)\s+(in|notin)\s+\((.*)\)$/.exec(term);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = new Set(list.split(',').map((v) => v.trim()));
    return op === 'in'
      ? (l) => key in l && values.has(l[key] ?? '')
      : (l) => !(key in l) || !values.has(l[key] ?? '');
  }
  const cmp = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s]*)$/.exec(term);
  if (cmp) {
    const [, key = '', op, value = ''] = cmp;
    return op === '!=' ? (l) => l[key] !== value : (l) => key in l && l[key] === value;
  }
  const exists = /^(!?)([^\s!=(),]+)$/.exec(term);
  if (exists) {
    const [, not, key = ''] = exists;
    return not === '!' ? (l) => !(key in l) : (l) => key in l;
  }
  throw badRequest(
    `unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt (${raw})`,
  );
}

/** Parses a `labelSelector` query value; an empty one matches everything. */
export function parseLabelSelector(raw: string | null): Matcher {
  if (raw === null || raw.trim() === '') return () => true;
  const reqs = splitTopLevel(raw).map((t) => parseRequirement(t, raw));
  return (obj) => {
    const meta = (obj['metadata'] ?? {}) as Obj;
    const labels = (meta['labels'] ?? {}) as Record<string, string>;
    return reqs.every((r) => r(labels));
  };
}

const FIELDS: Readonly<Record<string, readonly string[]>> = {
  Node: ['spec.unschedulable'],
  Secret: ['type'],
  Event: [
    'involvedObject.kind',
    'involvedObject.name',
    'involvedObject.namespace',
    'involvedObject.uid',
    'reason',
    'source',
    'type',
    'regarding.name',
    'regarding.kind',
  ],
  Namespace: ['status.phase'],
};

function fieldValue(obj: Obj, field: string): string {
  let cur: unknown = obj;
  for (const p of field.split('.'))
    cur = cur !== null && typeof cur === 'object' ? (cur as Obj)[p] : undefined;
  if (cur === undefined || cur === null) return field === 'spec.unschedulable' ? 'false' : '';
  return typeof cur === 'string' ? cur : JSON.stringify(cur);
}

/** Parses a `fieldSelector` for `t`; unsupported fields are a 400 as on the real server. */
export function parseFieldSelector(t: ResourceType, raw: string | null): Matcher {
  if (raw === null || raw.trim() === '') return () => true;
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(FIELDS[t.kind] ?? [])]);
  const reqs = splitTopLevel(raw).map((term) => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${raw}'; can't understand '${term}'`);
    const [, field = '', op, value = ''] = m;
    if (!allowed.has(field)) throw badRequest(`field label not supported: ${field}`);
    return (obj: Obj) => (fieldValue(obj, field) === value) !== (op === '!=');
  });
  return (obj) => reqs.every((r) => r(obj));
}
