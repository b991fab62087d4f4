// SPDX-License-Identifier: Apache-2.0
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import type { ConfigIssue } from './config.ts';
import { computedVcenterYamlKeys, sectionSpecs, type SectionSpec } from './config-keys.ts';
import {
  emptyRawConfig,
  type RawConfig,
  type RawEntry,
  type RawScalar,
  type RawSection,
  type RawValue,
} from './raw-config.ts';
import { suggestKey } from './suggest-key.ts';

/**
 * Result of reading text as YAML: a mapping (the config), a document of another shape, or syntax
 * errors. Only a `mapping` means "this file is YAML".
 */
export type YamlParseResult =
  | { readonly kind: 'mapping'; readonly raw: RawConfig }
  | { readonly kind: 'not-mapping'; readonly found: string }
  | { readonly kind: 'syntax-error'; readonly errors: readonly ConfigIssue[] };

/**
 * Parses a YAML cloud config the way Go's yaml.v2 reads it: YAML 1.1 (`yes`/`on` are booleans,
 * `0755` is octal), `<<` merge keys, case-sensitive keys, a scalar in a string field keeps its
 * source text (`lbServiceId: 4711` is `"4711"`). Unlike yaml.v2 it reports what it ignores: an
 * unknown key is a warning with a suggestion (`insecure-flag` → `insecureFlag`). A duplicate key
 * is an error. Messages never quote values, which may be secrets.
 */
export function parseYaml(text: string): YamlParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    merge: true,
    uniqueKeys: false,
    prettyErrors: false,
    lineCounter,
  });
  if (doc.errors.length > 0) {
    return {
      kind: 'syntax-error',
      errors: doc.errors.map((e) => {
        const at = lineCounter.linePos(e.pos[0]);
        return {
          path: `line ${String(at.line)}, column ${String(at.col)}`,
          message: `not valid YAML: ${withoutQuotedSource(e.message)}`,
        };
      }),
    };
  }
  const contents = doc.contents;
  if (contents !== null && !isMap(contents)) {
    return { kind: 'not-mapping', found: isSeq(contents) ? 'a list' : 'a single value' };
  }
  const walker = new YamlWalker(doc, lineCounter);
  const raw = contents === null ? emptyRawConfig('yaml') : walker.top(contents);
  return { kind: 'mapping', raw };
}

/** yaml's messages may quote a stretch of the source (`…: "password: x"`); keep only the reason. */
function withoutQuotedSource(message: string): string {
  const cut = message.indexOf(': "');
  return (cut === -1 ? message : message.slice(0, cut)).trim();
}

interface KeyedNode {
  readonly key: string;
  readonly node: unknown;
}

class YamlWalker {
  readonly #doc: Document;
  readonly #lines: LineCounter;
  readonly #errors: ConfigIssue[] = [];
  readonly #warnings: ConfigIssue[] = [];

  constructor(doc: Document, lines: LineCounter) {
    this.#doc = doc;
    this.#lines = lines;
  }

  top(map: YAMLMap): RawConfig {
    const singles = new Map<string, RawSection>();
    const named = new Map<string, Map<string, RawSection>>();
    for (const { key, node } of this.#pairs(map, '')) {
      const spec = sectionSpecs.find((s) => s.yaml === key);
      if (spec === undefined) {
        this.#unknown(
          key,
          key,
          sectionSpecs.map((s) => s.yaml),
        );
        continue;
      }
      if (node === null || (isScalar(node) && node.value === null)) continue;
      if (!spec.named) {
        const section = this.#section(node, spec, key);
        if (section !== undefined) singles.set(spec.id, section);
        continue;
      }
      const entries = new Map<string, RawSection>();
      named.set(spec.id, entries);
      if (!isMap(node)) {
        this.#errors.push({
          path: key,
          message: `expected a mapping of names to sections, got ${shape(node)}`,
        });
        continue;
      }
      for (const item of this.#pairs(node, key)) {
        const section = this.#section(item.node, spec, `${key}.${item.key}`);
        if (section !== undefined) entries.set(item.key, section);
      }
    }
    return {
      ...emptyRawConfig('yaml'),
      global: singles.get('global'),
      vcenters: named.get('vcenter') ?? new Map(),
      labels: singles.get('labels'),
      nodes: singles.get('nodes'),
      nsxt: singles.get('nsxt'),
      loadBalancer: singles.get('loadBalancer'),
      loadBalancerClasses: named.get('loadBalancerClass') ?? new Map(),
      route: singles.get('route'),
      errors: this.#errors,
      warnings: [...this.#doc.warnings.map((w) => ({ path: 'yaml', message: w.message })), ...this.#warnings],
    };
  }

  #section(node: unknown, spec: SectionSpec, path: string): RawSection | undefined {
    const entries = new Map<string, RawEntry>();
    if (node === null || (isScalar(node) && node.value === null)) return { path, entries, unknownKeys: 0 };
    if (!isMap(node)) {
      this.#errors.push({ path, message: `expected a mapping of keys, got ${shape(node)}` });
      return undefined;
    }
    let unknownKeys = 0;
    for (const { key, node: valueNode } of this.#pairs(node, path)) {
      const keyPath = `${path}.${key}`;
      const field = spec.fields.find((x) => x.key === key);
      if (field === undefined) {
        unknownKeys++;
        if (spec.id === 'vcenter' && computedVcenterYamlKeys.includes(key)) {
          this.#warnings.push({
            path: keyPath,
            message: 'is computed by the provider, not configurable; it is ignored',
          });
        } else {
          this.#unknown(
            keyPath,
            key,
            spec.fields.map((x) => x.key),
          );
        }
        continue;
      }
      const value = this.#value(valueNode, keyPath);
      if (value !== undefined) entries.set(field.key, { path: keyPath, value });
    }
    return { path, entries, unknownKeys };
  }

  #value(node: unknown, path: string): RawValue | undefined {
    const resolved = this.#resolve(node);
    if (resolved === null || resolved === undefined) return undefined;
    if (isScalar(resolved)) return rawScalar(resolved);
    if (isSeq(resolved)) {
      const items: RawScalar[] = [];
      resolved.items.forEach((item, i) => {
        const s = this.#resolve(item);
        if (isScalar(s)) items.push(rawScalar(s));
        else
          this.#errors.push({
            path: `${path}[${String(i)}]`,
            message: `expected a single value, got ${shape(s)}`,
          });
      });
      return { kind: 'list', items };
    }
    if (isMap(resolved)) {
      const entries: (readonly [string, RawScalar])[] = [];
      for (const { key, node: v } of this.#pairs(resolved, path)) {
        const s = this.#resolve(v);
        if (isScalar(s)) entries.push([key, rawScalar(s)]);
        else
          this.#errors.push({ path: `${path}.${key}`, message: `expected a single value, got ${shape(s)}` });
      }
      return { kind: 'map', entries };
    }
    this.#errors.push({ path, message: `unsupported YAML node, got ${shape(resolved)}` });
    return undefined;
  }

  /** The pairs of a mapping with `<<` merges applied (own keys win); duplicate own keys are errors. */
  #pairs(map: YAMLMap, path: string): KeyedNode[] {
    const own: KeyedNode[] = [];
    const merged: KeyedNode[] = [];
    const seenAt = new Map<string, number>();
    for (const pair of map.items) {
      const keyNode = this.#resolve(pair.key);
      if (!isScalar(keyNode)) {
        this.#errors.push({
          path: path || 'yaml',
          message: `a key must be a single value, got ${shape(keyNode)}`,
        });
        continue;
      }
      const key = scalarText(keyNode);
      if (key === '<<' && keyNode.value !== null) {
        merged.push(...this.#mergeSources(pair.value, path));
        continue;
      }
      const line = this.#lines.linePos(keyNode.range?.[0] ?? 0).line;
      const first = seenAt.get(key);
      if (first !== undefined) {
        this.#errors.push({
          path: path === '' ? key : `${path}.${key}`,
          message: `duplicate key (lines ${String(first)} and ${String(line)}); YAML keys must be unique`,
        });
        continue;
      }
      seenAt.set(key, line);
      own.push({ key, node: pair.value });
    }
    return [...own, ...merged.filter((m) => !seenAt.has(m.key))];
  }

  #mergeSources(node: unknown, path: string): KeyedNode[] {
    const source = this.#resolve(node);
    const maps = isSeq(source) ? source.items.map((i) => this.#resolve(i)) : [source];
    const out: KeyedNode[] = [];
    for (const m of maps) {
      if (isMap(m)) out.push(...this.#pairs(m, path).filter((p) => !out.some((o) => o.key === p.key)));
      else
        this.#errors.push({ path: path || 'yaml', message: `a << merge needs a mapping, got ${shape(m)}` });
    }
    return out;
  }

  #resolve(node: unknown): unknown {
    return isAlias(node) ? (node.resolve(this.#doc) ?? null) : node;
  }

  #unknown(path: string, key: string, known: readonly string[]): void {
    const hint = suggestKey(key, known);
    this.#warnings.push({
      path,
      message: `is not a YAML key; ${hint === undefined ? 'it is ignored' : `did you mean ${hint}?`}`,
    });
  }
}

function scalarText(node: Scalar): string {
  return typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
}

function rawScalar(node: Scalar): RawScalar {
  const v = node.value;
  const text = scalarText(node);
  const base = { kind: 'scalar', text, bare: false } as const;
  if (typeof v === 'string') return { ...base, type: 'string', value: undefined };
  if (v === null) return { ...base, type: 'null', value: undefined };
  if (typeof v === 'boolean') return { ...base, type: 'bool', value: v };
  if (typeof v === 'number') {
    const integral = Number.isSafeInteger(v) && (/^[-+]?0x/i.test(text) || !/[.eE]/.test(text));
    return { ...base, type: integral ? 'int' : 'float', value: v };
  }
  return { ...base, type: 'other', value: undefined };
}

function shape(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'nothing' : 'a single value';
  return 'nothing';
}
