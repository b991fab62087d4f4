// SPDX-License-Identifier: Apache-2.0
// Test-only: what the real registry does to an object between decode and storage beyond the
// generic checks: Secret and Service defaulting (and allocation), and the finalizer rules of graceful deletion.
import type { ResourceType } from './resources.ts';
import { defaultService, serviceErrors } from './services.ts';
import type { FieldError } from './status.ts';
import { namespaceOf, type ObjectStore } from './store.ts';

type Obj = Record<string, unknown>;

/** An object ready to validate and store, with the errors found while preparing it. */
export interface PreparedWrite {
  readonly obj: Obj;
  readonly errors: readonly FieldError[];
}

function metaOf(o: Obj): Obj {
  const m = o['metadata'];
  return m !== null && typeof m === 'object' && !Array.isArray(m) ? (m as Obj) : {};
}

/** `metadata.finalizers` as strings (empty when absent). */
export function finalizersOf(o: Obj): string[] {
  const f = metaOf(o)['finalizers'];
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === 'string') : [];
}

/** Whether a delete has been requested and is waiting for finalizers. */
export function isTerminating(o: Obj): boolean {
  return typeof metaOf(o)['deletionTimestamp'] === 'string';
}

function finalizerErrors(next: Obj, old: Obj | undefined): FieldError[] {
  if (old === undefined || !isTerminating(old)) return [];
  const before = new Set(finalizersOf(old));
  const added = finalizersOf(next).filter((f) => !before.has(f));
  if (added.length === 0) return [];
  const list = added.map((f) => JSON.stringify(f)).join(', ');
  return [
    {
      reason: 'FieldValueForbidden',
      field: 'metadata.finalizers',
      detail: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${list}}`,
    },
  ];
}

/**
 * Applies the kind's defaulting and allocation to `next` (the storage form of a create when `old`
 * is undefined, else of an update/patch) and collects kind-specific validation errors.
 */
export function prepareWrite(
  store: ObjectStore,
  t: ResourceType,
  next: Obj,
  old: Obj | undefined,
): PreparedWrite {
  const errors = finalizerErrors(next, old);
  if (t.kind === 'Secret' && (next['type'] === undefined || next['type'] === '')) {
    return { obj: { ...next, type: 'Opaque' }, errors };
  }
  if (t.kind !== 'Service' || t.group !== '') return { obj: next, errors };
  const name = metaOf(next)['name'];
  const ns = namespaceOf(next);
  const others = store
    .list(t, undefined)
    .filter((o) => !(namespaceOf(o) === ns && metaOf(o)['name'] === name));
  const obj = defaultService(next, old, others);
  return { obj, errors: [...errors, ...serviceErrors(obj, others)] };
}
