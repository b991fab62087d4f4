// SPDX-License-Identifier: Apache-2.0
import type { ConfigFormat, ConfigIssue } from './config.ts';

/**
 * The format-neutral shape both file syntaxes parse into, before types, defaults and inheritance.
 * Keys are already the canonical (YAML, camelCase) names; every entry keeps the path the user
 * should see in a message (`vcenter.prod.port`, `[VirtualCenter "prod"] port`, `env VCENTER_1_PORT`).
 */

/** One value as written. */
export interface RawScalar {
  readonly kind: 'scalar';
  /**
   * The text: a YAML plain scalar's source (so `0755` stays `0755` in a string field, as with Go's
   * yaml.v2), a quoted YAML string's value, an INI value after unquoting, an environment value.
   */
  readonly text: string;
  /** What YAML 1.1 resolved it to; INI and environment values are always `string`. */
  readonly type: 'string' | 'bool' | 'int' | 'float' | 'null' | 'other';
  /** The resolved YAML boolean or integer, when `type` is `bool` or `int`. */
  readonly value: boolean | number | undefined;
  /** INI only: the variable had no `=` (gcfg reads that as `true` for booleans). */
  readonly bare: boolean;
}

/** A YAML sequence, or an INI/environment comma list already split. */
export interface RawList {
  readonly kind: 'list';
  readonly items: readonly RawScalar[];
}

/** A YAML mapping of single values (load balancer tags). */
export interface RawMap {
  readonly kind: 'map';
  readonly entries: readonly (readonly [string, RawScalar])[];
}

/** Any raw value. */
export type RawValue = RawScalar | RawList | RawMap;

/** One key as set, with the path to name it by. */
export interface RawEntry {
  readonly path: string;
  readonly value: RawValue;
}

/** One section as set. */
export interface RawSection {
  /** `global`, `vcenter.prod`, `[Global]`, `[VirtualCenter "prod"]`, `env VSPHERE_VCENTER_1`. */
  readonly path: string;
  /** By canonical key. */
  readonly entries: ReadonlyMap<string, RawEntry>;
  /** Keys written in the section that are not config keys (already reported as warnings). */
  readonly unknownKeys: number;
}

/** A whole file (plus environment) before validation. */
export interface RawConfig {
  readonly format: ConfigFormat;
  readonly global: RawSection | undefined;
  /** By tenantRef (YAML map key or INI subsection name), in file order. */
  readonly vcenters: ReadonlyMap<string, RawSection>;
  readonly labels: RawSection | undefined;
  readonly nodes: RawSection | undefined;
  readonly nsxt: RawSection | undefined;
  readonly loadBalancer: RawSection | undefined;
  readonly loadBalancerClasses: ReadonlyMap<string, RawSection>;
  readonly route: RawSection | undefined;
  /** Structural problems found while parsing (wrong shape, duplicate key, bad syntax). */
  readonly errors: readonly ConfigIssue[];
  readonly warnings: readonly ConfigIssue[];
}

/** A string scalar, as INI and environment values are. */
export function stringScalar(text: string, bare = false): RawScalar {
  return { kind: 'scalar', text, type: 'string', value: undefined, bare };
}

/** An empty raw config of `format`, for parsers to fill. */
export function emptyRawConfig(format: ConfigFormat): RawConfig {
  return {
    format,
    global: undefined,
    vcenters: new Map(),
    labels: undefined,
    nodes: undefined,
    nsxt: undefined,
    loadBalancer: undefined,
    loadBalancerClasses: new Map(),
    route: undefined,
    errors: [],
    warnings: [],
  };
}

/** A comma-separated list (INI and environment syntax): items trimmed, blank items dropped. */
export function commaList(text: string): RawList {
  return {
    kind: 'list',
    items: text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => stringScalar(s)),
  };
}
