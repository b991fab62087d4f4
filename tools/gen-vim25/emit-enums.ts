// SPDX-License-Identifier: Apache-2.0
import type { Closure } from './closure.ts';
import type { SourceVersion } from './emit-common.ts';
import { docComment, fileHeader, tsString } from './emit-common.ts';
import type { VimModel } from './vim-model.ts';

const maxLine = 110;

/** Emits `enums.ts`: one string-literal union per enumeration of the closure. */
export function emitEnums(model: VimModel, closure: Closure, version: SourceVersion): string {
  const parts = [fileHeader(version)];
  for (const name of closure.types) {
    const t = model.types.get(name);
    if (t?.kind !== 'enum') continue;
    const literals = t.values.map(tsString);
    const oneLine = `export type ${name} = ${literals.join(' | ')};`;
    const text =
      oneLine.length <= maxLine
        ? oneLine
        : `export type ${name} =\n${literals.map((l) => `  | ${l}`).join('\n')};`;
    parts.push(`${docComment([`vim25 enumeration \`${name}\`: the wire values.`])}${text}\n`);
  }
  return parts.join('\n');
}
