// SPDX-License-Identifier: Apache-2.0
// Test-only: one stored Event, two APIs. The real server keeps a single Event resource and converts
// it to and from events.k8s.io/v1 (pkg/apis/events/v1 conversion); the store here holds the
// core/v1 form and this module is the conversion.
import { apiVersionOf, findResourceType, type ResourceType } from './resources.ts';

type Obj = Record<string, unknown>;

/** events.k8s.io/v1 field ↔ core/v1 field, for the fields that are renamed. */
const RENAMED: readonly (readonly [string, string])[] = [
  ['note', 'message'],
  ['regarding', 'involvedObject'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedCount', 'count'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
];

/** Fields with the same name in both versions. */
const SHARED = [
  'metadata',
  'eventTime',
  'series',
  'reportingInstance',
  'action',
  'reason',
  'related',
  'type',
];

function isEventsV1(t: ResourceType): boolean {
  return t.group === 'events.k8s.io' && t.kind === 'Event';
}

function rename(obj: Obj, pairs: readonly (readonly [string, string])[], keep: readonly string[]): Obj {
  const out: Obj = {};
  for (const k of keep) if (k in obj) out[k] = obj[k];
  for (const [from, to] of pairs) if (from in obj) out[to] = obj[from];
  return out;
}

/** The type whose storage `t` shares, or `t` itself: what writes are validated and stored as. */
export function storageType(t: ResourceType): ResourceType {
  if (t.storage === undefined) return t;
  const s = findResourceType(t.storage.group, t.version, t.storage.resource);
  return s ?? t;
}

/**
 * A stored object as `t` presents it. Identity (same object) unless `t` is a view of another
 * storage; `kind`/`apiVersion` are set only when the stored object carries them.
 */
export function toView(t: ResourceType, stored: Obj): Obj {
  if (!isEventsV1(t)) return stored;
  const body = rename(
    stored,
    RENAMED.map(([v, c]) => [c, v] as const),
    SHARED,
  );
  const series = stored['series'];
  if (series !== null && typeof series === 'object') {
    // core's series also has a `state` the v1 API dropped.
    const { count, lastObservedTime } = series as Obj;
    body['series'] = { count, lastObservedTime };
  }
  return 'kind' in stored ? { kind: t.kind, apiVersion: apiVersionOf(t), ...body } : body;
}

/** An object written through `t`, in its storage form (kind/apiVersion of the storage type). */
export function fromView(t: ResourceType, viewed: Obj): Obj {
  if (!isEventsV1(t)) return viewed;
  const s = storageType(t);
  return { kind: s.kind, apiVersion: apiVersionOf(s), ...rename(viewed, RENAMED, SHARED) };
}
