// SPDX-License-Identifier: Apache-2.0
import type { Closure } from './closure.ts';
import type { SourceVersion } from './emit-common.ts';
import { fileHeader, tsString } from './emit-common.ts';
import { EmitError } from './errors.ts';
import type { VimField, VimModel, VimType } from './vim-model.ts';

/** Emits `type-registry.ts`: the codec metadata of every type of the closure, in schema.ts's shape. */
export function emitTypeRegistry(model: VimModel, closure: Closure, version: SourceVersion): string {
  const entries = closure.types.map((name) => {
    const t = model.types.get(name);
    if (t === undefined) throw new EmitError(`closure names unknown type ${name}`);
    return emitEntry(t);
  });
  return (
    `${fileHeader(version)}\nimport type { TypeRegistry } from '../codec/schema.ts';\n\n` +
    '/** Codec metadata of every emitted vim25 type, by wire name (see TypeSchema in codec/schema.ts). */\n' +
    `export const typeRegistry: TypeRegistry = {\n${entries.join('')}};\n`
  );
}

function emitEntry(t: VimType): string {
  switch (t.kind) {
    case 'moref':
      return `  ${t.name}: { kind: 'moref' },\n`;
    case 'enum':
      return `  ${t.name}: {\n    kind: 'enum',\n    values: [${t.values.map(tsString).join(', ')}],\n  },\n`;
    case 'array':
      return `  ${t.name}: { kind: 'array', itemElement: ${tsString(t.itemElement)}, itemType: ${tsString(t.itemType)} },\n`;
    case 'data': {
      const base = t.base === undefined ? '' : `    base: ${tsString(t.base)},\n`;
      const fields = t.fields.length === 0 ? '[]' : `[\n${t.fields.map(emitField).join('')}    ]`;
      return `  ${t.name}: {\n    kind: 'data',\n${base}    fields: ${fields},\n  },\n`;
    }
  }
}

function emitField(f: VimField): string {
  return `      { name: ${tsString(f.name)}, type: ${tsString(f.type)}, array: ${String(f.array)}, optional: ${String(f.optional)} },\n`;
}
