// SPDX-License-Identifier: Apache-2.0
import type { DataTypeSchema, FieldSchema, TypeRegistry, TypeSchema } from './schema.ts';

const NO_FIELDS: ReadonlyMap<string, FieldSchema> = new Map();

/**
 * Lookup helpers over a {@link TypeRegistry}, with the inherited field lists memoised. Build
 * one per encode or decode call (it holds no I/O and no global state); the memo makes a large
 * response pay for each type's base-chain walk once.
 */
export class TypeIndex {
  readonly registry: TypeRegistry;
  readonly #fieldLists = new Map<string, readonly FieldSchema[]>();
  readonly #fieldMaps = new Map<string, ReadonlyMap<string, FieldSchema>>();

  constructor(registry: TypeRegistry) {
    this.registry = registry;
  }

  /** The schema registered as `name`, or undefined (also for names like `constructor`). */
  schema(name: string): TypeSchema | undefined {
    return Object.hasOwn(this.registry, name) ? this.registry[name] : undefined;
  }

  /** The data-type schema registered as `name`, or undefined when it is absent or not data. */
  dataSchema(name: string): DataTypeSchema | undefined {
    const s = this.schema(name);
    return s?.kind === 'data' ? s : undefined;
  }

  /**
   * All fields of data type `name` in xsd:sequence order: the base chain's fields first (root
   * first), then its own. Empty for unknown or non-data types. A missing base ends the chain
   * rather than failing, so a partial registry still decodes what it knows.
   */
  fields(name: string): readonly FieldSchema[] {
    const cached = this.#fieldLists.get(name);
    if (cached !== undefined) return cached;
    const chain: DataTypeSchema[] = [];
    const seen = new Set<string>();
    let cur: string | undefined = name;
    while (cur !== undefined && !seen.has(cur)) {
      seen.add(cur);
      const s = this.dataSchema(cur);
      if (s === undefined) break;
      chain.push(s);
      cur = s.base;
    }
    const list = chain.reverse().flatMap((s) => s.fields);
    this.#fieldLists.set(name, list);
    return list;
  }

  /** The fields of data type `name` (inherited ones included), keyed by element name. */
  fieldMap(name: string): ReadonlyMap<string, FieldSchema> {
    const cached = this.#fieldMaps.get(name);
    if (cached !== undefined) return cached;
    const list = this.fields(name);
    const map = list.length === 0 ? NO_FIELDS : new Map(list.map((f) => [f.name, f]));
    this.#fieldMaps.set(name, map);
    return map;
  }

  /** True when data type `name` is `ancestor` or derives from it through `base` links. */
  isSubtype(name: string, ancestor: string): boolean {
    const seen = new Set<string>();
    let cur: string | undefined = name;
    while (cur !== undefined && !seen.has(cur)) {
      if (cur === ancestor) return true;
      seen.add(cur);
      cur = this.dataSchema(cur)?.base;
    }
    return false;
  }
}
