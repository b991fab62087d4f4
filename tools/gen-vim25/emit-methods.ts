// SPDX-License-Identifier: Apache-2.0
import type { Closure } from './closure.ts';
import type { SourceVersion } from './emit-common.ts';
import { docComment, fileHeader, tsString, tsTypeName, typeImport } from './emit-common.ts';
import type { VimMethod, VimModel } from './vim-model.ts';

const dataKinds: ReadonlySet<string> = new Set(['data', 'moref']);
const enumKinds: ReadonlySet<string> = new Set(['enum']);

/**
 * Emits `methods.ts`: per method a `XMethod` schema and an `X(rt, req, options)` wrapper that
 * sends the request through the RoundTripper and types its `returnval`.
 */
export function emitMethods(model: VimModel, closure: Closure, version: SourceVersion): string {
  const used = closure.methods.flatMap((m) => [
    m.requestType,
    ...(m.returnType === undefined ? [] : [m.returnType]),
  ]);
  const imports = [
    "import type { MethodSchema } from '../codec/schema.ts';\n",
    "import type { CallOptions, RoundTripper } from '../round-tripper.ts';\n",
    typeImport(used, model, dataKinds, './data-objects.ts'),
    typeImport(used, model, enumKinds, './enums.ts'),
  ].join('');
  return [fileHeader(version), imports, ...closure.methods.map(emitMethod)].join('\n');
}

/** The TypeScript type a method's promise resolves with. */
export function resultType(m: VimMethod): string {
  if (m.returnType === undefined) return 'void';
  const t = tsTypeName(m.returnType);
  if (m.returnsArray) return `${t}[]`;
  return m.returnOptional ? `${t} | undefined` : t;
}

function emitMethod(m: VimMethod): string {
  const schemaName = `${m.name}Method`;
  const returnType = m.returnType === undefined ? '' : `  returnType: ${tsString(m.returnType)},\n`;
  const schema =
    docComment([`Schema of the vim25 method \`${m.name}\`.`]) +
    `export const ${schemaName}: MethodSchema = {\n  name: ${tsString(m.name)},\n` +
    `  requestType: ${tsString(m.requestType)},\n${returnType}  returnsArray: ${String(m.returnsArray)},\n};\n`;
  const result = resultType(m);
  const resolves =
    m.returnType === undefined
      ? 'Resolves when the server has replied.'
      : m.returnsArray
        ? 'Resolves with `returnval`, `[]` when the server sends none.'
        : m.returnOptional
          ? 'Resolves with `returnval`, or undefined when the server sends none.'
          : 'Resolves with `returnval`.';
  const call = `rt.roundTrip(${schemaName}, req, options)`;
  const body = result === 'void' ? `  await ${call};\n` : `  return (await ${call}) as ${result};\n`;
  const fn =
    docComment([
      `Calls \`${m.name}\`. ${resolves}`,
      'Rejects as RoundTripper.roundTrip does (faults, transport errors, timeout, abort).',
    ]) +
    `export async function ${m.name}(\n  rt: RoundTripper,\n  req: ${m.requestType},\n  options?: CallOptions,\n` +
    `): Promise<${result}> {\n${body}}\n`;
  return `${schema}\n${fn}`;
}
