// SPDX-License-Identifier: Apache-2.0
import type { FieldSchema, TypeSchema } from './schema.ts';
import { P_NONE } from './xsd-primitives.ts';

/** What an open element is being decoded as. Plain numbers keep the per-element switch cheap. */
export const M_SKIP = 0;
export const M_ENVELOPE = 1;
export const M_BODY = 2;
export const M_RESPONSE = 3;
export const M_FAULT = 4;
export const M_DETAIL = 5;
/** Data object: children are looked up in `fields`. */
export const M_DATA = 6;
/** Primitive or enum: text parsed per `prim` at close. */
export const M_PRIM = 7;
export const M_MOREF = 8;
/** `ArrayOfX` wrapper: children are items of `itemType` ('' = unknown, decoded untyped). */
export const M_ARRAY = 9;
/** No schema: text-only decodes to a string, otherwise to an object of untyped children. */
export const M_UNTYPED = 10;

/** No fields: the field map of types the registry does not describe. */
export const NO_FIELDS: ReadonlyMap<string, FieldSchema> = new Map();

/**
 * Decoding state of one open element. Frames are pooled and reused by depth, so every field is
 * reset by {@link resetFrame}; keeping one fixed shape also keeps V8's property access fast.
 */
export class Frame {
  mode = M_SKIP;
  /** Local element name: the property name in the parent object. */
  name = '';
  /** The parent's schema declares this element as repeated: append to an array. */
  array = false;
  /** The parent's schema knows this element (otherwise repeated occurrences are merged). */
  known = false;
  /** `P_*` code for M_PRIM. */
  prim = P_NONE;
  /** Effective type name (data type, primitive, enum), for error messages and schemas. */
  typeName = '';
  /** The `_type` to report: the xsi:type when the registry does not know it, else typeName. */
  actualType = '';
  /** Item type of an M_ARRAY frame. */
  itemType = '';
  fields: ReadonlyMap<string, FieldSchema> = NO_FIELDS;
  obj: Record<string, unknown> | undefined = undefined;
  arr: unknown[] | undefined = undefined;
  /** Decoded child value kept by M_DETAIL and M_FAULT frames. */
  value: unknown = undefined;
  text = '';
  morType = '';
  /** M_DETAIL: its first element has been seen (later ones are ignored). */
  seenChild = false;
}

/** Clears `f` for reuse as a new element named `name` in `mode`. */
export function resetFrame(f: Frame, mode: number, name: string): void {
  f.mode = mode;
  f.name = name;
  f.array = false;
  f.known = false;
  f.prim = P_NONE;
  f.typeName = '';
  f.actualType = '';
  f.itemType = '';
  f.fields = NO_FIELDS;
  f.obj = undefined;
  f.arr = undefined;
  f.value = undefined;
  f.text = '';
  f.morType = '';
  f.seenChild = false;
}

/** The mode for an element of primitive code `prim` (P_NONE if not primitive) or `schema`. */
export function modeOf(prim: number, schema: TypeSchema | undefined): number {
  if (prim !== P_NONE) return M_PRIM;
  switch (schema?.kind) {
    case 'data':
      return M_DATA;
    case 'enum':
      return M_PRIM;
    case 'moref':
      return M_MOREF;
    case 'array':
      return M_ARRAY;
    default:
      return M_UNTYPED;
  }
}

/** The value of a closed M_UNTYPED frame: its object if it had children, else its text. */
export function untypedValue(f: Frame): unknown {
  if (f.obj !== undefined) return f.obj;
  // An unknown xsi:type with no content is an empty data object, not an empty string.
  if (f.actualType !== '' && f.text.trim() === '') return { _type: f.actualType };
  return f.text;
}

/**
 * Stores the decoded `value` of closed frame `child` into `parent`: appended for arrays and
 * repeated fields, set for single fields. Unknown elements that repeat keep every occurrence.
 */
export function assignChild(parent: Frame | undefined, child: Frame, value: unknown): void {
  if (parent === undefined) return;
  if (parent.mode === M_ARRAY) {
    parent.arr?.push(value);
    return;
  }
  if (parent.mode === M_DETAIL) {
    parent.value = value;
    return;
  }
  const obj = parent.obj;
  if (obj === undefined) return;
  const name = child.name;
  const current = obj[name];
  if (child.array) {
    if (current === undefined) obj[name] = [value];
    else (current as unknown[]).push(value);
  } else if (child.known || current === undefined) {
    obj[name] = value;
  } else {
    obj[name] = Array.isArray(current) ? [...(current as unknown[]), value] : [current, value];
  }
}
