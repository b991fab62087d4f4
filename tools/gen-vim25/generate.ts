// SPDX-License-Identifier: Apache-2.0
/** Reads govmomi, checks the pin, computes the allow-listed closure and renders every output file. */
import { readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { allowList, fieldOverrides, pin } from './allow-list.ts';
import { computeClosure } from './closure.ts';
import { emitDataObjects } from './emit-data-objects.ts';
import { emitEnums } from './emit-enums.ts';
import { emitManagedObjects } from './emit-managed-objects.ts';
import { emitMethods } from './emit-methods.ts';
import { emitTypeRegistry } from './emit-type-registry.ts';
import { fileHeader } from './emit-common.ts';
import { checkExportNames } from './export-names.ts';
import { mergeGoDecls, parseGoDecls, parseGoManagedObjects, parseGoMethods } from './go-parser.ts';
import { installedDebianVersion, resolveSourceVersion } from './pin.ts';
import { applyFieldOverrides, buildVimModel } from './vim-model.ts';

/** Where Debian's golang-github-vmware-govmomi-dev installs the sources. */
export const debianGovmomiSrc = '/usr/share/gocode/src/github.com/vmware/govmomi';

/** Inputs of one generation run. */
export interface GenerateOptions {
  /** govmomi source root; the Debian package's unless `GOVMOMI_SRC` says otherwise. */
  readonly srcDir: string;
  readonly allowVersionDrift: boolean;
  readonly signal: AbortSignal;
}

/** One output file, named relative to the output directory. */
export interface GeneratedFile {
  readonly name: string;
  readonly text: string;
}

/** Runs the generator in memory; throws a CcmError subclass on drift, bad sources or allow-list. */
export async function generateVim25(options: GenerateOptions): Promise<GeneratedFile[]> {
  const { srcDir, signal } = options;
  const files = new Map<string, Buffer>();
  for (const path of Object.keys(pin.inputs)) files.set(path, await readFile(join(srcDir, path), { signal }));
  const debianVersion = srcDir === debianGovmomiSrc ? await installedDebianVersion(signal) : undefined;
  const version = resolveSourceVersion({ files, debianVersion }, options.allowVersionDrift);
  const text = (path: string): string => files.get(path)?.toString('utf8') ?? '';
  const types = mergeGoDecls(
    ['vim25/types/types.go', 'vim25/types/enum.go', 'vim25/types/if.go'].map((p) => parseGoDecls(text(p), p)),
  );
  const model = applyFieldOverrides(
    buildVimModel({
      types,
      methods: parseGoMethods(text('vim25/methods/methods.go'), 'vim25/methods/methods.go'),
      managedObjects: parseGoManagedObjects(text('vim25/mo/mo.go'), 'vim25/mo/mo.go'),
    }),
    fieldOverrides,
  );
  const closure = computeClosure(model, allowList);
  checkExportNames(model, closure);
  return [
    { name: 'data-objects.ts', text: emitDataObjects(model, closure, version) },
    { name: 'enums.ts', text: emitEnums(model, closure, version) },
    { name: 'index.ts', text: emitIndex(fileHeader(version)) },
    { name: 'managed-objects.ts', text: emitManagedObjects(model, closure, version) },
    { name: 'methods.ts', text: emitMethods(model, closure, version) },
    { name: 'type-registry.ts', text: emitTypeRegistry(model, closure, version) },
  ];
}

function emitIndex(header: string): string {
  return (
    `${header}\n` +
    "export type * from './data-objects.ts';\n" +
    "export type * from './enums.ts';\n" +
    "export type * from './managed-objects.ts';\n" +
    "export * from './methods.ts';\n" +
    "export * from './type-registry.ts';\n"
  );
}

/** Writes the files into `outDir` and deletes any other `.ts` file there (a type set that shrank). */
export async function writeGenerated(
  outDir: string,
  files: readonly GeneratedFile[],
  signal: AbortSignal,
): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const keep = new Set(files.map((f) => f.name));
  for (const name of await readdir(outDir)) {
    signal.throwIfAborted();
    if (name.endsWith('.ts') && !keep.has(name)) await rm(join(outDir, name));
  }
  for (const f of files) await writeFile(join(outDir, f.name), f.text, { signal });
}
