// SPDX-License-Identifier: Apache-2.0
// Test-only: the subset of kube-apiserver validation a CCM trips over, with the real messages.
import { badRequest, invalid, type FieldError, type KubeStatusError } from './status.ts';
import type { ResourceType } from './resources.ts';

type Obj = Record<string, unknown>;

const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const NAME_PART_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MICRO_TIME_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)$/;

const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const PREFIX_MSG =
  "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** Messages of `IsValidLabelValue` for `value` (empty when valid). */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE_RE.test(value)) errs.push(LABEL_VALUE_MSG);
  return errs;
}

/** Messages of `IsQualifiedName` for `key` (empty when valid). */
export function qualifiedNameErrors(key: string): string[] {
  const parts = key.split('/');
  const name = parts.length === 2 ? (parts[1] ?? '') : (parts[0] ?? '');
  const errs: string[] = [];
  if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else if (prefix.length > 253) errs.push('prefix part must be no more than 253 characters');
    else if (!DNS1123_SUBDOMAIN_RE.test(prefix)) errs.push(PREFIX_MSG);
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !NAME_PART_RE.test(name)) errs.push(NAME_PART_MSG);
  return errs;
}

function labelErrors(labels: unknown): FieldError[] {
  if (labels === null || typeof labels !== 'object') return [];
  const out: FieldError[] = [];
  for (const [k, v] of Object.entries(labels as Obj)) {
    for (const m of qualifiedNameErrors(k)) {
      out.push({
        reason: 'FieldValueInvalid',
        field: 'metadata.labels',
        detail: `Invalid value: ${JSON.stringify(k)}: ${m}`,
      });
    }
    const value = typeof v === 'string' ? v : '';
    const msgs = labelValueErrors(value);
    if (msgs.length > 0) {
      out.push({
        reason: 'FieldValueInvalid',
        field: 'metadata.labels',
        detail: `Invalid value: ${JSON.stringify(value)}: ${msgs.join('; ')}`,
      });
    }
  }
  return out;
}

function nodeAddressErrors(node: Obj): FieldError[] {
  const status = node['status'] as Obj | undefined;
  const addresses = status?.['addresses'];
  if (!Array.isArray(addresses)) return [];
  const seen = new Set<string>();
  const out: FieldError[] = [];
  addresses.forEach((a: unknown, i) => {
    const { type, address } = (a ?? {}) as { type?: unknown; address?: unknown };
    const key = JSON.stringify([type, address]);
    if (seen.has(key)) {
      out.push({
        reason: 'FieldValueDuplicate',
        field: `status.addresses[${i}]`,
        detail: `Duplicate value: ${JSON.stringify({ type, address })}`,
      });
    }
    seen.add(key);
  });
  return out;
}

function nameErrors(meta: Obj): FieldError[] {
  const name = meta['name'];
  if (typeof name === 'string' && name !== '') return [];
  return [
    {
      reason: 'FieldValueRequired',
      field: 'metadata.name',
      detail: 'Required value: name or generateName is required',
    },
  ];
}

/**
 * 422 Invalid for an object the real server would reject (labels, names, node addresses, plus
 * `extra` errors found by the caller), else `undefined`.
 */
export function validateObject(
  t: ResourceType,
  obj: Obj,
  extra: readonly FieldError[] = [],
): KubeStatusError | undefined {
  const meta = (obj['metadata'] ?? {}) as Obj;
  const errs = [...nameErrors(meta), ...labelErrors(meta['labels']), ...extra];
  if (t.kind === 'Node') errs.push(...nodeAddressErrors(obj));
  if (errs.length === 0) return undefined;
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  return invalid(t.kind, t.group, name, errs);
}

const MICRO_TIME_FIELDS: Readonly<Record<string, readonly string[][]>> = {
  'coordination.k8s.io/Lease': [
    ['spec', 'acquireTime'],
    ['spec', 'renewTime'],
  ],
  'events.k8s.io/Event': [['eventTime'], ['series', 'lastObservedTime']],
  '/Event': [['eventTime']],
};

const INT32_FIELDS: Readonly<Record<string, readonly string[][]>> = {
  'coordination.k8s.io/Lease': [
    ['spec', 'leaseDurationSeconds'],
    ['spec', 'leaseTransitions'],
  ],
};

function at(obj: Obj, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) cur = cur !== null && typeof cur === 'object' ? (cur as Obj)[p] : undefined;
  return cur;
}

/** 400 BadRequest when the body could not be decoded by the real server (MicroTime, int32), else `undefined`. */
export function decodeError(t: ResourceType, obj: Obj): KubeStatusError | undefined {
  const key = `${t.group}/${t.kind}`;
  const prefix = `${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}`;
  for (const path of MICRO_TIME_FIELDS[key] ?? []) {
    const v = at(obj, path);
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || !MICRO_TIME_RE.test(v)) {
      return badRequest(
        `${prefix}: parsing time ${JSON.stringify(v)} as "2006-01-02T15:04:05.000000Z07:00": cannot parse as ".000000"`,
      );
    }
  }
  for (const path of INT32_FIELDS[key] ?? []) {
    const v = at(obj, path);
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > 2 ** 31 - 1) {
      const struct = `${t.kind}${path[0] === 'spec' ? 'Spec' : ''}`;
      return badRequest(
        `${prefix}: json: cannot unmarshal ${typeof v === 'number' ? `number ${v}` : typeof v} into Go struct field ${struct}.${path.join('.')} of type int32`,
      );
    }
  }
  return undefined;
}

const TIME_RE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

function truncateTime(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const m = TIME_RE.exec(v);
  if (!m) return v;
  const d = new Date(`${m[1] ?? ''}${m[3] ?? ''}`);
  return Number.isNaN(d.getTime()) ? v : `${d.toISOString().slice(0, 19)}Z`;
}

function truncateIn(list: unknown, fields: readonly string[]): void {
  if (!Array.isArray(list)) return;
  for (const item of list) {
    if (item === null || typeof item !== 'object') continue;
    for (const f of fields) if (f in item) (item as Obj)[f] = truncateTime((item as Obj)[f]);
  }
}

/**
 * Rewrites `metav1.Time` fields to second precision in UTC, as the real server's decode and
 * encode do (client-node sends `Date`s with milliseconds). Mutates and returns `obj`.
 */
export function normalizeTimes(t: ResourceType, obj: Obj): Obj {
  const meta = obj['metadata'];
  if (meta !== null && typeof meta === 'object') {
    for (const f of ['creationTimestamp', 'deletionTimestamp']) {
      if (f in meta) (meta as Obj)[f] = truncateTime((meta as Obj)[f]);
    }
  }
  const spec = obj['spec'] as Obj | undefined;
  const status = obj['status'] as Obj | undefined;
  if (t.kind === 'Node') {
    truncateIn(spec?.['taints'], ['timeAdded']);
    truncateIn(status?.['conditions'], ['lastHeartbeatTime', 'lastTransitionTime']);
  }
  if (t.kind === 'Namespace') truncateIn(status?.['conditions'], ['lastTransitionTime']);
  if (t.kind === 'Event' && t.group === '') {
    for (const f of ['firstTimestamp', 'lastTimestamp']) if (f in obj) obj[f] = truncateTime(obj[f]);
  }
  if (t.kind === 'Event' && t.group === 'events.k8s.io') {
    for (const f of ['deprecatedFirstTimestamp', 'deprecatedLastTimestamp'])
      if (f in obj) obj[f] = truncateTime(obj[f]);
  }
  return obj;
}
