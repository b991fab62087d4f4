// SPDX-License-Identifier: Apache-2.0
import type { ConfigFormat, IpFamily } from './config.ts';
import { keyName, keyPath, type SectionId } from './config-keys.ts';
import type { IssueCollector } from './issues.ts';
import { parseCidr } from './parse-cidr.ts';
import type { RawEntry, RawScalar, RawSection, RawValue } from './raw-config.ts';

const trueWords = new Set(['true', 'yes', 'on', '1', 't', 'y']);
const falseWords = new Set(['false', 'no', 'off', '0', 'f', 'n']);

/**
 * Typed reads of one raw section. Every read returns `undefined` for "not set" (absent, null,
 * empty string, `0` for numbers: the zero values Go treats as unset) and records an error with
 * the entry's path for a value of the wrong type. Messages quote values only for keys that are
 * never secret (booleans, numbers, lists, CIDRs).
 */
export class SectionReader {
  readonly #format: ConfigFormat;
  readonly #issues: IssueCollector;
  readonly #id: SectionId;
  readonly #section: RawSection | undefined;
  readonly #path: string;

  constructor(
    ctx: { readonly format: ConfigFormat; readonly issues: IssueCollector },
    id: SectionId,
    section: RawSection | undefined,
    path: string,
  ) {
    this.#format = ctx.format;
    this.#issues = ctx.issues;
    this.#id = id;
    this.#section = section;
    this.#path = section?.path ?? path;
  }

  /** The section's own path (`vcenter.prod`, `[Global]`). */
  get sectionPath(): string {
    return this.#path;
  }

  /** The path of `key`: where it was set, or where it would be written. */
  path(key: string): string {
    return this.#entry(key)?.path ?? keyPath(this.#format, this.#path, this.#id, key);
  }

  /** The key as spelled in this file's syntax (`insecureFlag` or `insecure-flag`). */
  name(key: string): string {
    return keyName(this.#format, this.#id, key);
  }

  has(key: string): boolean {
    return this.#entry(key) !== undefined;
  }

  string(key: string): string | undefined {
    const v = this.#scalar(key, 'a single value')?.value;
    if (v === undefined || v.type === 'null' || v.text === '') return undefined;
    return v.text;
  }

  bool(key: string): boolean | undefined {
    const s = this.#scalar(key, 'true or false', true);
    if (s === undefined) return undefined;
    const v = s.value;
    if (v.bare) return true;
    if (v.type === 'bool' && typeof v.value === 'boolean') return v.value;
    if (v.type === 'null') return undefined;
    const word = v.text.trim().toLowerCase();
    if (trueWords.has(word)) return true;
    if (falseWords.has(word)) return false;
    this.#issues.error(s.path, `not a boolean ${JSON.stringify(v.text)}; use true or false`);
    return undefined;
  }

  /** A TCP port; 0 means unset. */
  port(key: string): number | undefined {
    const n = this.#uint(key);
    if (n === undefined || n <= 65535) return n;
    this.#issues.error(this.path(key), `port ${String(n)} is out of range (1-65535)`);
    return undefined;
  }

  /** An unsigned count; 0 means unset. */
  count(key: string): number | undefined {
    const n = this.#uint(key);
    if (n === undefined || n <= 0xffffffff) return n;
    this.#issues.error(this.path(key), `${String(n)} is too large`);
    return undefined;
  }

  /** A list; empty means unset. A YAML scalar where a list belongs is an error with the fix. */
  list(key: string): string[] | undefined {
    const e = this.#entry(key);
    if (e?.value.kind !== 'list') {
      const v = this.#scalar(key, 'a list')?.value;
      if (v !== undefined && v.type !== 'null') {
        const items = v.text.split(',').map((x) => x.trim());
        this.#issues.error(
          this.path(key),
          `expected a list, got a single value; write ${key}: [${items.join(', ')}]`,
        );
      }
      return undefined;
    }
    const items = e.value.items.filter((i) => i.type !== 'null').map((i) => i.text.trim());
    return items.length === 0 ? undefined : items;
  }

  /** IP families, lower-cased, each `ipv4` or `ipv6`; repeats dropped with a warning. */
  ipFamilies(key: string): IpFamily[] | undefined {
    const items = this.list(key);
    if (items === undefined) return undefined;
    const families: IpFamily[] = [];
    for (const item of items) {
      const f = item.toLowerCase();
      if (f !== 'ipv4' && f !== 'ipv6') {
        this.#issues.error(
          this.path(key),
          `Invalid IP Family type ${JSON.stringify(item)}; use ipv4 or ipv6`,
        );
      } else if (families.includes(f)) {
        this.#issues.warn(this.path(key), `lists ${f} twice; the repeat is ignored`);
      } else {
        families.push(f);
      }
    }
    return families.length === 0 ? undefined : families;
  }

  /** Comma-separated CIDRs (a YAML list too), trimmed and checked. */
  cidrs(key: string): string[] {
    const e = this.#entry(key);
    let texts: string[];
    if (e?.value.kind === 'list') texts = e.value.items.map((i) => i.text);
    else {
      const v = this.#scalar(key, 'CIDRs separated by commas')?.value;
      texts = v === undefined || v.type === 'null' ? [] : [v.text];
    }
    const out: string[] = [];
    for (const item of texts.flatMap((t) => t.split(',')).map((x) => x.trim())) {
      if (item === '') continue;
      const r = parseCidr(item);
      if (r.ok) out.push(r.cidr);
      else this.#issues.error(this.path(key), `not a CIDR ${JSON.stringify(item)}: ${r.reason}`);
    }
    return out;
  }

  /** String tags: a YAML mapping, or in INI a JSON object (as the reference reads it). */
  tags(key: string): Record<string, string> {
    const e = this.#entry(key);
    if (e?.value.kind === 'map') return Object.fromEntries(e.value.entries.map(([k, v]) => [k, v.text]));
    const s = this.#scalar(key, 'a mapping of tag scope to value');
    if (s === undefined || s.value.type === 'null' || s.value.text.trim() === '') return {};
    if (this.#format === 'yaml' && s.value.type !== 'string') {
      this.#wrongShape(s, 'a mapping of tag scope to value');
      return {};
    }
    return this.#jsonTags(s, s.value.text);
  }

  #jsonTags(e: RawEntry, text: string): Record<string, string> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      this.#issues.error(e.path, `unmarshalling load balancer tags failed: ${(err as Error).message}`);
      return {};
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      this.#issues.error(e.path, 'unmarshalling load balancer tags failed: expected a JSON object');
      return {};
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v === 'string') out[k] = v;
      else {
        this.#issues.error(
          e.path,
          `unmarshalling load balancer tags failed: the value of ${JSON.stringify(k)} is not a string`,
        );
      }
    }
    return out;
  }

  #uint(key: string): number | undefined {
    const s = this.#scalar(key, 'a number');
    if (
      s === undefined ||
      s.value.type === 'null' ||
      (s.value.type === 'string' && s.value.text.trim() === '')
    ) {
      return undefined;
    }
    const n = unsignedOf(s.value);
    if (n === undefined) {
      this.#issues.error(s.path, `not a number ${JSON.stringify(s.value.text)}`);
      return undefined;
    }
    return n === 0 ? undefined : n;
  }

  /**
   * The entry of `key` when it is a single value, else `undefined`: unset, or unusable because it
   * is a list/mapping or (INI) has no `=` where a value is needed; the last two are recorded.
   */
  #scalar(
    key: string,
    expected: string,
    bareAllowed = false,
  ): { path: string; value: RawScalar } | undefined {
    const e = this.#entry(key);
    if (e === undefined) return undefined;
    if (e.value.kind !== 'scalar') {
      this.#wrongShape(e, expected);
      return undefined;
    }
    if (e.value.bare && !bareAllowed) {
      this.#issues.error(e.path, `needs a value (${this.name(key)} = …)`);
      return undefined;
    }
    return { path: e.path, value: e.value };
  }

  #entry(key: string): RawEntry | undefined {
    return this.#section?.entries.get(key);
  }

  #wrongShape(e: { readonly path: string; readonly value: RawValue }, expected: string): void {
    const got = e.value.kind === 'list' ? 'a list' : e.value.kind === 'map' ? 'a mapping' : 'a single value';
    this.#issues.error(e.path, `expected ${expected}, got ${got}`);
  }
}

/** A YAML integer, or a decimal or `0x` hex string (gcfg's integer forms); `undefined` otherwise. */
function unsignedOf(v: RawScalar): number | undefined {
  let n: number | undefined;
  const text = v.text.trim();
  if (v.type === 'int' && typeof v.value === 'number') n = v.value;
  else if (v.type === 'string' && /^\d+$/.test(text)) n = Number(text);
  else if (v.type === 'string' && /^0x[0-9a-f]+$/i.test(text)) n = parseInt(text, 16);
  return n !== undefined && n >= 0 && Number.isSafeInteger(n) ? n : undefined;
}
