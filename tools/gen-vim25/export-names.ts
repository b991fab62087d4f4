// SPDX-License-Identifier: Apache-2.0
import type { Closure } from './closure.ts';
import { moInterfaceName } from './emit-managed-objects.ts';
import { EmitError } from './errors.ts';
import type { VimModel } from './vim-model.ts';

/**
 * Fails when two generated exports would share a name: index.ts re-exports every file, and a
 * clash (say a method named like a data object) would not compile.
 */
export function checkExportNames(model: VimModel, closure: Closure): void {
  const names = [
    ...closure.types.filter((n) => model.types.get(n)?.kind !== 'array'),
    ...closure.managedObjects.map((mo) => moInterfaceName(mo.name)),
    'ManagedObjectMap',
    ...closure.methods.flatMap((m) => [m.name, `${m.name}Method`]),
    'typeRegistry',
  ];
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new EmitError(`two generated exports are named ${n}`);
    seen.add(n);
  }
}
