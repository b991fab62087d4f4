// SPDX-License-Identifier: Apache-2.0
import type { ManagedObjectReference, TraversalSpec } from '../vim25/generated/data-objects.ts';
import type { VimClient } from '../vim25/client.ts';
import type { CallOptions } from '../vim25/round-tripper.ts';
import { formatMor } from '../vim25/mor.ts';
import { retrieveAll } from './property-collector.ts';

/** One inventory object on the path from the root folder to an object. */
export interface InventoryNode {
  readonly ref: ManagedObjectReference;
  readonly name: string;
  readonly parent: ManagedObjectReference | undefined;
}

/**
 * Returns the chain of managed entities from the root folder down to `ref` (inclusive), in one
 * round trip: a recursive traversal of `parent` (and `parentVApp` for VMs in a vApp), like
 * govmomi's mo.Ancestors.
 */
export async function ancestors(
  client: VimClient,
  ref: ManagedObjectReference,
  options?: CallOptions,
): Promise<InventoryNode[]> {
  const toParent: TraversalSpec = {
    _type: 'TraversalSpec',
    name: 'toParent',
    type: 'ManagedEntity',
    path: 'parent',
    skip: false,
    selectSet: [{ name: 'toParent' }, { name: 'toVAppParent' }],
  };
  const toVAppParent: TraversalSpec = {
    _type: 'TraversalSpec',
    name: 'toVAppParent',
    type: 'VirtualMachine',
    path: 'parentVApp',
    skip: false,
    selectSet: [{ name: 'toParent' }],
  };
  const contents = await retrieveAll(
    client,
    [
      {
        propSet: [{ type: 'ManagedEntity', pathSet: ['name', 'parent'] }],
        objectSet: [{ obj: ref, selectSet: [toParent, toVAppParent] }],
      },
    ],
    options,
  );
  const byKey = new Map<string, InventoryNode>();
  for (const oc of contents) {
    const props = new Map((oc.propSet ?? []).map((p) => [p.name, p.val]));
    const name = props.get('name');
    const parent = props.get('parent') as ManagedObjectReference | undefined;
    byKey.set(formatMor(oc.obj), { ref: oc.obj, name: typeof name === 'string' ? name : '', parent });
  }
  return orderFromRoot(byKey, ref);
}

/** Walks parent links from `ref` upward and reverses, so the root comes first. */
function orderFromRoot(
  byKey: ReadonlyMap<string, InventoryNode>,
  ref: ManagedObjectReference,
): InventoryNode[] {
  const chain: InventoryNode[] = [];
  let cur: ManagedObjectReference | undefined = ref;
  while (cur !== undefined && chain.length <= byKey.size) {
    const node = byKey.get(formatMor(cur));
    if (node === undefined) break;
    chain.push(node);
    cur = node.parent;
  }
  return chain.reverse();
}
