// SPDX-License-Identifier: Apache-2.0
import type { Scalar } from 'yaml';

/**
 * The tag `yaml.v2` gives a scalar (YAML 1.1 style: `yes` is a bool, `08` a float, `2001-1-2` a
 * timestamp), which appears in its type-error messages, plus the failure text when an explicit tag
 * does not fit the value (`cannot decode !!str \`abc\` as a !!int`).
 */
export interface ScalarTag {
  /** Short form: `!!str`, `!!int`, ..., or a custom tag as written. */
  readonly tag: string;
  readonly mismatch?: string;
}

const LONG_PREFIX = 'tag:yaml.org,2002:';
const RESOLVABLE = new Set(['!!str', '!!bool', '!!int', '!!float', '!!null', '!!timestamp']);

const KNOWN_WORDS = new Map<string, string>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map(
    (w) => [w, '!!bool'] as const,
  ),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map(
    (w) => [w, '!!bool'] as const,
  ),
  ...['', '~', 'null', 'Null', 'NULL'].map((w) => [w, '!!null'] as const),
  ...['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF'].map((w) => [w, '!!float'] as const),
  ...['+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF'].map((w) => [w, '!!float'] as const),
]);

const GO_INT = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Resolves the tag of one parsed scalar as `yaml.v2` does. */
export function resolveScalarTag(node: Scalar): ScalarTag {
  const source = node.source ?? '';
  const explicit = node.tag === undefined ? undefined : shortTag(node.tag);
  if (explicit === undefined) {
    return { tag: node.type === 'PLAIN' || node.type === undefined ? plainTag(source, true) : '!!str' };
  }
  if (!RESOLVABLE.has(explicit) || explicit === '!!str') return { tag: explicit };
  const found = plainTag(source, explicit === '!!timestamp');
  if (found === explicit || (explicit === '!!float' && found === '!!int')) return { tag: explicit };
  return { tag: explicit, mismatch: `cannot decode ${found} \`${source}\` as a ${explicit}` };
}

function shortTag(tag: string): string {
  return tag.startsWith(LONG_PREFIX) ? `!!${tag.slice(LONG_PREFIX.length)}` : tag;
}

/** Content-based resolution of an untagged (or tag-checked) plain scalar. */
function plainTag(text: string, allowTimestamp: boolean): string {
  const known = KNOWN_WORDS.get(text);
  if (known !== undefined) return known;
  const first = text[0] ?? '';
  if (first === '.')
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) && isFinite(Number(text)) ? '!!float' : '!!str';
  if (!/[-+0-9]/.test(first)) return '!!str';
  if (allowTimestamp && isTimestamp(text)) return '!!timestamp';
  const plain = text.replaceAll('_', '');
  if (isGoInt(plain)) return '!!int';
  if (YAML_FLOAT.test(plain) && isFinite(Number(plain))) return '!!float';
  return '!!str';
}

/** Go `strconv.ParseInt(s, 0, 64)` or `ParseUint(s, 0, 64)` would accept it. */
function isGoInt(text: string): boolean {
  const m = GO_INT.exec(text);
  if (m === null) return false;
  const [, sign = '', digits = ''] = m;
  const literal = /^0[0-7]+$/.test(digits) ? `0o${digits.slice(1)}` : digits.toLowerCase();
  const value = BigInt(literal);
  if (sign === '-') return value <= INT64_MAX + 1n;
  if (sign === '+') return value <= INT64_MAX;
  return value <= UINT64_MAX;
}

const TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?(Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?))?$/;

/** One of the four layouts `yaml.v2` tries with Go's `time.Parse`, with its range checks. */
function isTimestamp(text: string): boolean {
  const m = TIMESTAMP.exec(text);
  if (m === null) return false;
  const [year, month, day] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  const [h = 0, min = 0, s = 0] = (m[4] === undefined ? [m[8], m[9], m[10]] : [m[4], m[5], m[6]]).map((v) =>
    Number(v ?? 0),
  );
  return h <= 23 && min <= 59 && s <= 59 && zoneInRange(m[7]);
}

/** Go accepts offsets up to 24 hours and 60 minutes. */
function zoneInRange(zone: string | undefined): boolean {
  if (zone === undefined || zone === 'Z') return true;
  return Number(zone.slice(1, 3)) <= 24 && Number(zone.slice(4, 6)) <= 60;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
