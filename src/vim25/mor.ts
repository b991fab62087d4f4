// SPDX-License-Identifier: Apache-2.0
import type { ManagedObjectReference } from './generated/data-objects.ts';

/** Formats a MoRef as `Type:value`, the form used in logs, CLI output and map keys. */
export function formatMor(ref: ManagedObjectReference): string {
  return `${ref.type}:${ref.value}`;
}

/**
 * Parses `Type:value` back into a MoRef. Returns `undefined` for anything else (expected absence,
 * not an error: callers decide whether a malformed key is fatal).
 */
export function parseMor(text: string): ManagedObjectReference | undefined {
  const i = text.indexOf(':');
  if (i <= 0 || i === text.length - 1) return undefined;
  return { type: text.slice(0, i), value: text.slice(i + 1) };
}

/** Builds a MoRef; a small helper so call sites read as `mor('Folder', 'group-d1')`. */
export function mor(type: string, value: string): ManagedObjectReference {
  return { type, value };
}

/** True when both refer to the same managed object. */
export function sameMor(a: ManagedObjectReference, b: ManagedObjectReference): boolean {
  return a.type === b.type && a.value === b.value;
}
