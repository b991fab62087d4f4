// SPDX-License-Identifier: Apache-2.0
/**
 * Computes the part of the vim25 model to emit: everything reachable from the allow-listed
 * methods, managed-object properties and extra types, following base types and field types.
 * Subtypes are not reachable through a polymorphic field on their own (that would pull in most
 * of vim25 through MethodFault and DynamicData); they are added only for the bases the
 * allow-list names in `expandSubtypesOf`.
 */
import { AllowListError } from './errors.ts';
import type { VimManagedObject, VimMethod, VimModel } from './vim-model.ts';
import { compareNames, xsdPrimitives } from './vim-model.ts';

/** The allow-list as the closure needs it (see allow-list.ts for the project's values). */
export interface ClosureRoots {
  readonly methods: readonly string[];
  /** Managed object → the own properties to keep, in any order. */
  readonly managedObjects: Readonly<Record<string, readonly string[]>>;
  readonly extraTypes: readonly string[];
  /** Polymorphic bases whose every subtype (transitively) is included once the base is reached. */
  readonly expandSubtypesOf: readonly string[];
}

/** What to emit, every list sorted by name. */
export interface Closure {
  /** Names of all types to emit: data, enum, array and moref, request types included. */
  readonly types: readonly string[];
  readonly methods: readonly VimMethod[];
  /** The allow-listed managed objects, each keeping only its allow-listed properties. */
  readonly managedObjects: readonly VimManagedObject[];
}

const morName = 'ManagedObjectReference';

/** Computes the closure; throws AllowListError when the allow-list names something unknown. */
export function computeClosure(model: VimModel, roots: ClosureRoots): Closure {
  const methods = roots.methods.map((name) => {
    const m = model.methods.get(name);
    if (m === undefined) throw new AllowListError(`unknown method ${name}`);
    return m;
  });
  const managedObjects = selectManagedObjects(model, roots.managedObjects);
  for (const name of [...roots.extraTypes, ...roots.expandSubtypesOf]) {
    if (!model.types.has(name)) throw new AllowListError(`unknown type ${name}`);
  }
  const start = [
    morName,
    ...roots.extraTypes,
    ...methods.flatMap((m) => [m.requestType, m.returnType ?? morName]),
    ...managedObjects.flatMap((mo) => mo.properties.map((p) => p.type)),
  ];
  const reached = reach(model, start, new Set(roots.expandSubtypesOf));
  for (const name of [...reached]) {
    const wrapper = model.arrayOf.get(name);
    if (wrapper !== undefined) reached.add(wrapper);
  }
  for (const type of model.types.values()) {
    if (type.kind === 'array' && xsdPrimitives.has(type.itemType)) reached.add(type.name);
  }
  return {
    types: [...reached].sort(compareNames),
    methods: [...methods].sort((a, b) => compareNames(a.name, b.name)),
    managedObjects: managedObjects.sort((a, b) => compareNames(a.name, b.name)),
  };
}

function reach(model: VimModel, start: readonly string[], expand: ReadonlySet<string>): Set<string> {
  const reached = new Set<string>();
  const pending = [...start];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (xsdPrimitives.has(name) || reached.has(name)) continue;
    const type = model.types.get(name);
    if (type === undefined) throw new AllowListError(`type ${name} is referenced but not defined`);
    reached.add(name);
    if (type.kind === 'array') pending.push(type.itemType);
    if (type.kind !== 'data') continue;
    if (type.base !== undefined) pending.push(type.base);
    for (const f of type.fields) pending.push(f.type);
    if (expand.has(name)) pending.push(...descendants(model, name));
  }
  return reached;
}

/** Every subtype of `name`, transitively. */
export function descendants(model: VimModel, name: string): string[] {
  const out: string[] = [];
  const pending = [...(model.subtypes.get(name) ?? [])];
  for (let n = pending.pop(); n !== undefined; n = pending.pop()) {
    out.push(n);
    pending.push(...(model.subtypes.get(n) ?? []));
  }
  return out.sort(compareNames);
}

function selectManagedObjects(
  model: VimModel,
  wanted: Readonly<Record<string, readonly string[]>>,
): VimManagedObject[] {
  return Object.entries(wanted).map(([name, props]) => {
    const mo = model.managedObjects.get(name);
    if (mo === undefined) throw new AllowListError(`unknown managed object ${name}`);
    if (mo.base !== undefined && !Object.hasOwn(wanted, mo.base)) {
      throw new AllowListError(`managed object ${name} extends ${mo.base}, which is not allow-listed`);
    }
    const own = new Set(mo.properties.map((p) => p.name));
    for (const p of props) {
      if (!own.has(p)) throw new AllowListError(`${p} is not an own property of managed object ${name}`);
    }
    const keep = new Set(props);
    return { ...mo, properties: mo.properties.filter((p) => keep.has(p.name)) };
  });
}
