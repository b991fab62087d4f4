// SPDX-License-Identifier: Apache-2.0
import type { ManagedObjectReference } from '../../vim25/generated/data-objects.ts';

/** V8 makes substrings at least this long slices of their parent instead of copies. */
const SLICE_MIN_LENGTH = 13;

/**
 * A copy of `text` that shares no memory with the string it was cut from. V8 represents a
 * substring of 13 or more characters as a slice that keeps its whole parent alive; the SOAP
 * decoder's values are cut from the reply's chunks, so one kept UUID would pin a 16 KB chunk and
 * an index of thousands of VMs would pin the whole reply. Strings kept for the life of the index
 * go through here. Pure; shorter strings are returned as they are.
 */
export function detach(text: string): string {
  return text.length < SLICE_MIN_LENGTH ? text : (JSON.parse(JSON.stringify(text)) as string);
}

/** A MoRef whose strings are {@link detach}ed; undefined for anything that is not a MoRef. */
export function detachRef(value: unknown): ManagedObjectReference | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, value: id } = value as Partial<ManagedObjectReference>;
  return typeof type === 'string' && typeof id === 'string'
    ? { type: detach(type), value: detach(id) }
    : undefined;
}
