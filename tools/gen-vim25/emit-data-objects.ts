// SPDX-License-Identifier: Apache-2.0
import type { Closure } from './closure.ts';
import type { SourceVersion } from './emit-common.ts';
import { docComment, fileHeader, referenceLink, tsProperty, typeImport } from './emit-common.ts';
import type { VimDataType, VimModel } from './vim-model.ts';

const enumKinds: ReadonlySet<string> = new Set(['enum']);

/**
 * Emits `data-objects.ts`: ManagedObjectReference, then one interface per data object of the
 * closure, request types included. A polymorphic root (DynamicData, MethodFault) carries
 * `_type`, the wire type name the decoder sets and the encoder writes as `xsi:type`.
 */
export function emitDataObjects(model: VimModel, closure: Closure, version: SourceVersion): string {
  const data = closure.types.flatMap((n) => {
    const t = model.types.get(n);
    return t?.kind === 'data' ? [t] : [];
  });
  const used = data.flatMap((t) => t.fields.map((f) => f.type));
  const parts = [
    fileHeader(version),
    typeImport(used, model, enumKinds, './enums.ts'),
    docComment([
      'A reference to a server-side managed object, `<x type="VirtualMachine">vm-42</x>` on the wire.',
      '@see https://developer.broadcom.com/xapis/vsphere-web-services-api/latest/data-structures/ManagedObjectReference/',
    ]) + 'export interface ManagedObjectReference {\n  type: string;\n  value: string;\n}\n',
    ...data.map((t) => emitInterface(t, model, requestOf(closure, t.name))),
  ];
  return parts.filter((p) => p !== '').join('\n');
}

function requestOf(closure: Closure, typeName: string): string[] {
  return closure.methods.filter((m) => m.requestType === typeName).map((m) => `\`${m.name}\``);
}

function emitInterface(t: VimDataType, model: VimModel, methods: readonly string[]): string {
  const link = referenceLink(t.name);
  const doc =
    methods.length > 0
      ? [`Request body of ${methods.join(', ')}.`]
      : [`vim25 data object \`${t.name}\`.`, ...(link === undefined ? [] : [`@see ${link}`])];
  const ext = t.base === undefined ? '' : ` extends ${t.base}`;
  const lines = t.fields.map((f) => tsProperty(f, false));
  if (t.base === undefined && model.subtypes.has(t.name)) {
    lines.unshift(
      '  /** Wire type name (`xsi:type`): set by the decoder, written by the encoder. */',
      '  _type?: string;',
    );
  }
  const body = lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n}`;
  return `${docComment(doc)}export interface ${t.name}${ext} ${body}\n`;
}
