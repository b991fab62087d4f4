// SPDX-License-Identifier: Apache-2.0
import type { Closure } from './closure.ts';
import type { SourceVersion } from './emit-common.ts';
import { docComment, fileHeader, tsProperty, typeImport } from './emit-common.ts';
import type { VimManagedObject, VimModel } from './vim-model.ts';

const dataKinds: ReadonlySet<string> = new Set(['data', 'moref']);
const enumKinds: ReadonlySet<string> = new Set(['enum']);

/** The interface name emitted for a managed object's property shape. */
export function moInterfaceName(name: string): string {
  return `${name}Mo`;
}

/**
 * Emits `managed-objects.ts`: per allow-listed managed object an interface of its properties
 * (extending its base managed object's), and `ManagedObjectMap` from type name to interface.
 */
export function emitManagedObjects(model: VimModel, closure: Closure, version: SourceVersion): string {
  const used = closure.managedObjects.flatMap((mo) => mo.properties.map((p) => p.type));
  const imports = [
    typeImport(used, model, dataKinds, './data-objects.ts'),
    typeImport(used, model, enumKinds, './enums.ts'),
  ].join('');
  const map =
    docComment(['Managed object type name → its property shape; typed property paths derive from this.']) +
    `export interface ManagedObjectMap {\n` +
    closure.managedObjects.map((mo) => `  ${mo.name}: ${moInterfaceName(mo.name)};\n`).join('') +
    '}\n';
  return [fileHeader(version), imports, ...closure.managedObjects.map(emitMo), map]
    .filter((p) => p !== '')
    .join('\n');
}

function emitMo(mo: VimManagedObject): string {
  const ext = mo.base === undefined ? '' : ` extends ${moInterfaceName(mo.base)}`;
  const lines = mo.properties.map((p) => tsProperty(p, true));
  const body = lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n}`;
  return (
    docComment([
      `Allow-listed properties of the managed object \`${mo.name}\`. All are optional: a retrieval`,
      'holds only the properties that were asked for and are set.',
    ]) + `export interface ${moInterfaceName(mo.name)}${ext} ${body}\n`
  );
}
