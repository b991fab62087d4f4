// SPDX-License-Identifier: Apache-2.0
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Alias,
  type Document,
  type Pair,
  type Scalar,
  type YAMLSeq,
} from 'yaml';
import { CcmError } from '../../lib/errors.ts';
import { decodeGoBase64 } from './go-base64.ts';
import { readYamlBytes } from './go-yaml-reader.ts';
import { resolveScalarTag } from './go-yaml-tags.ts';

/**
 * The Go types the reference unmarshals cloud-init metadata into, described as data so that
 * decoding behaves like `yaml.v2.Unmarshal` into them: unknown keys ignored, `null` gives the zero
 * value, a later duplicate key wins, a node of the wrong kind is a type error naming the Go type
 * (`line 1: cannot unmarshal !!str \`not-val...\` into <type>`), collected and reported together.
 */
export type GoShape =
  | { readonly kind: 'string' }
  | { readonly kind: 'strings' }
  | { readonly kind: 'struct'; readonly goType: string; readonly fields: ReadonlyMap<string, GoShape> }
  | { readonly kind: 'map'; readonly goType: string; readonly value: GoShape };

/** A decoded value: string, []string (undefined for nil), or struct fields / map entries by key. */
export type GoValue = string | readonly string[] | undefined | GoFields;
export type GoFields = ReadonlyMap<string, GoValue>;

/** Narrows a decoded value to struct fields / map entries. */
export function isGoFields(value: GoValue): value is GoFields {
  return value instanceof Map;
}

/** The decoded value, or the error text `yaml.v2` would give (always starting with `yaml: `). */
export type GoYamlResult = { readonly value: GoValue } | { readonly error: string };

/** A failure `yaml.v2` raises by panic (bad merge, undecodable explicit tag): it stops decoding. */
class YamlFatalError extends CcmError {
  readonly code = 'YAML_FATAL';
}

interface Decoded {
  readonly good: boolean;
  readonly value: GoValue;
}

/**
 * Decodes the first YAML document of `input` (raw bytes, as Go's `yaml.Unmarshal` takes them) into
 * `shape` with `yaml.v2` semantics. Syntax errors keep `yaml.v2`'s form `yaml: line N: …` but the
 * wording is this parser's; type errors, reader errors and decode failures match `yaml.v2` exactly.
 */
export function decodeGoYaml(input: Uint8Array, shape: GoShape): GoYamlResult {
  const read = readYamlBytes(input);
  if ('error' in read) return read;
  const lines = new LineCounter();
  const docs = parseAllDocuments(read.text, {
    version: '1.1',
    uniqueKeys: false,
    merge: false,
    prettyErrors: false,
    lineCounter: lines,
  });
  const doc = docs[0];
  if (doc === undefined) return { value: zeroOf(shape) };
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    return { error: `yaml: line ${lineAt(lines, syntax.pos[0])}: ${syntax.message}` };
  }
  const decoder = new Decoder(doc, lines);
  try {
    const { value } = decoder.decode(doc.contents, shape, zeroOf(shape));
    if (decoder.typeErrors.length > 0) {
      return { error: `yaml: unmarshal errors:\n  ${decoder.typeErrors.join('\n  ')}` };
    }
    return { value };
  } catch (err) {
    if (err instanceof YamlFatalError) return { error: `yaml: ${err.message}` };
    throw err;
  }
}

function lineAt(lines: LineCounter, offset: number): number {
  return Math.max(1, lines.linePos(offset).line);
}

/** The Go zero value of a shape. */
export function zeroOf(shape: GoShape): GoValue {
  switch (shape.kind) {
    case 'string':
      return '';
    case 'strings':
      return undefined;
    default:
      return new Map<string, GoValue>();
  }
}

function goTypeName(shape: GoShape): string {
  switch (shape.kind) {
    case 'string':
      return 'string';
    case 'strings':
      return '[]string';
    default:
      return shape.goType;
  }
}

class Decoder {
  readonly typeErrors: string[] = [];
  readonly #doc: Document.Parsed;
  readonly #lines: LineCounter;
  readonly #resolving = new Set<unknown>();

  constructor(doc: Document.Parsed, lines: LineCounter) {
    this.#doc = doc;
    this.#lines = lines;
  }

  decode(node: unknown, shape: GoShape, current: GoValue): Decoded {
    if (isAlias(node)) return this.#alias(node, shape, current);
    if (isScalar(node)) return this.#scalar(node, shape);
    if (isSeq(node)) return this.#sequence(node, shape);
    if (isMap(node)) return this.#mapping(node.items, this.#line(node), shape, current);
    return { good: true, value: zeroOf(shape) };
  }

  #alias(node: Alias, shape: GoShape, current: GoValue): Decoded {
    if (this.#resolving.has(node)) throw new YamlFatalError(`anchor '${node.source}' value contains itself`);
    this.#resolving.add(node);
    try {
      return this.decode(node.resolve(this.#doc), shape, current);
    } finally {
      this.#resolving.delete(node);
    }
  }

  #scalar(node: Scalar, shape: GoShape): Decoded {
    const source = node.source ?? '';
    const { tag, mismatch } = resolveScalarTag(node);
    if (mismatch !== undefined) throw new YamlFatalError(mismatch);
    if (tag === '!!null') return { good: true, value: zeroOf(shape) };
    if (shape.kind !== 'string') {
      this.#typeError(this.#line(node), tag, source, shape);
      return { good: false, value: zeroOf(shape) };
    }
    if (tag !== '!!binary') return { good: true, value: source };
    const decoded = decodeGoBase64(source);
    if ('error' in decoded) throw new YamlFatalError('!!binary value contains invalid base64 data');
    return { good: true, value: Buffer.from(decoded.bytes).toString('utf8') };
  }

  #sequence(node: YAMLSeq, shape: GoShape): Decoded {
    if (shape.kind !== 'strings') {
      this.#typeError(this.#line(node), '!!seq', undefined, shape);
      return { good: false, value: zeroOf(shape) };
    }
    const out: string[] = [];
    for (const item of node.items) {
      const d = this.decode(item, { kind: 'string' }, '');
      if (d.good && typeof d.value === 'string') out.push(d.value);
    }
    return { good: true, value: out };
  }

  #mapping(pairs: readonly Pair[], line: number, shape: GoShape, current: GoValue): Decoded {
    if (shape.kind !== 'struct' && shape.kind !== 'map') {
      this.#typeError(line, '!!map', undefined, shape);
      return { good: false, value: zeroOf(shape) };
    }
    const out = new Map<string, GoValue>(isGoFields(current) ? current : []);
    for (const pair of pairs) {
      if (isMergeKey(pair.key)) {
        this.#merge(pair.value, shape, out);
        continue;
      }
      const key = this.decode(pair.key, { kind: 'string' }, '');
      if (!key.good || typeof key.value !== 'string') continue;
      this.#setField(out, key.value, pair.value, shape);
    }
    return { good: true, value: out };
  }

  #setField(out: Map<string, GoValue>, key: string, node: unknown, shape: GoShape): void {
    if (shape.kind === 'struct') {
      const field = shape.fields.get(key);
      if (field === undefined) return;
      out.set(key, this.decode(node, field, out.get(key) ?? zeroOf(field)).value);
    } else if (shape.kind === 'map') {
      // Go decodes each map value into a fresh zero value and stores it only when that worked.
      const d = this.decode(node, shape.value, zeroOf(shape.value));
      if (d.good) out.set(key, d.value);
    }
  }

  /** `<<: mapping`, `<<: *alias` or `<<: [*a, *b]` (earlier entries win, so applied last). */
  #merge(node: unknown, shape: GoShape, out: Map<string, GoValue>): void {
    const sources = isSeq(node) ? [...node.items].reverse() : [node];
    for (const src of sources) {
      const target = isAlias(src) ? src.resolve(this.#doc) : src;
      if (!isMap(target)) {
        throw new YamlFatalError('map merge requires map or sequence of maps as the value');
      }
      const merged = this.#mapping(target.items, this.#line(target), shape, out);
      if (isGoFields(merged.value)) for (const [k, v] of merged.value) out.set(k, v);
    }
  }

  #typeError(line: number, tag: string, value: string | undefined, shape: GoShape): void {
    let shown = '';
    if (value !== undefined) {
      const bytes = Buffer.from(value, 'utf8');
      shown = bytes.length > 10 ? ` \`${bytes.subarray(0, 7).toString('utf8')}...\`` : ` \`${value}\``;
    }
    this.typeErrors.push(`line ${line}: cannot unmarshal ${tag}${shown} into ${goTypeName(shape)}`);
  }

  #line(node: unknown): number {
    const range = (node as { range?: readonly number[] }).range;
    return lineAt(this.#lines, range?.[0] ?? 0);
  }
}

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key) || key.source !== '<<') return false;
  return key.type === 'PLAIN' && (key.tag === undefined || key.tag === 'tag:yaml.org,2002:merge');
}
