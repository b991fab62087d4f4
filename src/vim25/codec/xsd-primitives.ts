// SPDX-License-Identifier: Apache-2.0
import type { XsdPrimitive } from './schema.ts';

/** Namespace of the XML Schema datatypes (`xsd:string`, `xsd:int`, ...). */
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
/** Namespace of `xsi:type`, whatever prefix a server binds it to. */
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * How a primitive's text becomes a JavaScript value. Small integers rather than strings so that
 * the decoder's per-element switch stays cheap. 0 means "not a primitive".
 */
export const P_NONE = 0;
export const P_STRING = 1;
export const P_BOOLEAN = 2;
export const P_INTEGER = 3;
export const P_FLOAT = 4;
export const P_DATETIME = 5;
export const P_ANY = 6;

const CODES: Readonly<Record<XsdPrimitive, number>> = {
  string: P_STRING,
  anyURI: P_STRING,
  base64Binary: P_STRING,
  boolean: P_BOOLEAN,
  byte: P_INTEGER,
  short: P_INTEGER,
  int: P_INTEGER,
  long: P_INTEGER,
  float: P_FLOAT,
  double: P_FLOAT,
  dateTime: P_DATETIME,
  anyType: P_ANY,
};

/** Inclusive value range of each integer primitive, checked when encoding. */
export const INTEGER_RANGES: Readonly<Partial<Record<XsdPrimitive, readonly [number, number]>>> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  int: [-2147483648, 2147483647],
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** True when `name` is one of the XML Schema primitives vim25 uses (see {@link XsdPrimitive}). */
export function isXsdPrimitive(name: string): name is XsdPrimitive {
  return Object.hasOwn(CODES, name);
}

/** The `P_*` decoding code of a primitive type name, or `P_NONE` for any other name. */
export function primitiveCode(name: string): number {
  return isXsdPrimitive(name) ? CODES[name] : P_NONE;
}

const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATETIME_RE = /^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(Z|[+-]\d\d:\d\d)?$/;

/**
 * Converts the text of an element typed with primitive `code` into its JavaScript value:
 * strings verbatim (never trimmed or guessed: a VM named `007` stays a string), booleans from
 * `true/false/1/0`, numbers, and `Date` for dateTime (treated as UTC when the server omits the
 * zone). Returns `undefined` when the text is not a valid lexical form for the type; the caller
 * turns that into a decode error naming the element.
 */
export function parsePrimitive(code: number, text: string): unknown {
  switch (code) {
    case P_STRING:
    case P_ANY:
      return text;
    case P_BOOLEAN:
      return parseBoolean(text.trim());
    case P_INTEGER:
      return parseInteger(text.trim());
    case P_FLOAT:
      return parseFloatText(text.trim());
    case P_DATETIME:
      return parseDateTime(text.trim());
    default:
      return undefined;
  }
}

function parseBoolean(t: string): boolean | undefined {
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return undefined;
}

function parseInteger(t: string): number | undefined {
  const n = t.length;
  if (n === 0) return undefined;
  let i = t.charCodeAt(0) === 0x2d || t.charCodeAt(0) === 0x2b ? 1 : 0;
  if (i === n) return undefined;
  for (; i < n; i++) {
    const c = t.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  return Number(t);
}

function parseFloatText(t: string): number | undefined {
  if (t === 'INF' || t === '+INF') return Infinity;
  if (t === '-INF') return -Infinity;
  if (t === 'NaN') return NaN;
  return FLOAT_RE.test(t) ? Number(t) : undefined;
}

function parseDateTime(t: string): Date | undefined {
  const m = DATETIME_RE.exec(t);
  if (m === null) return undefined;
  const d = new Date(m[1] === undefined ? `${t}Z` : t);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
