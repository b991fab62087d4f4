// SPDX-License-Identifier: Apache-2.0
import type {
  ManagedObjectReference,
  ObjectContent,
  TraversalSpec,
} from '../vim25/generated/data-objects.ts';
import type { VimClient } from '../vim25/client.ts';
import type { CallOptions } from '../vim25/round-tripper.ts';
import { formatMor, parseMor } from '../vim25/mor.ts';
import { CcmError } from '../lib/errors.ts';
import { retrieveAll } from './property-collector.ts';

/** One datacenter, with the ways a configuration may name it. */
export interface DatacenterInfo {
  readonly ref: ManagedObjectReference;
  readonly name: string;
  /** Inventory path from the root folder, as govc prints it: `/regions/west/dc-west`. */
  readonly path: string;
}

/** A folder or datacenter with its name and parent, as read from the inventory. */
export interface DatacenterTreeNode {
  readonly ref: ManagedObjectReference;
  readonly name: string;
  readonly parent: ManagedObjectReference | undefined;
}

/** A datacenter named on the command line or in the config does not exist in this vCenter. */
export class DatacenterNotFoundError extends CcmError {
  readonly code = 'DATACENTER_NOT_FOUND';
  /** The names, paths or MoRefs that matched nothing, as given. */
  readonly datacenters: readonly string[];

  /** `available` is listed in the message so that the operator sees what to write instead. */
  constructor(missing: readonly string[], available: readonly string[]) {
    super(
      `datacenter${missing.length > 1 ? 's' : ''} not found: ${missing.join(', ')} (available: ${available.join(', ') || 'none'})`,
    );
    this.datacenters = missing;
  }
}

/** A bare datacenter name matches datacenters in several folders; an inventory path is needed. */
export class DatacenterAmbiguousError extends CcmError {
  readonly code = 'DATACENTER_AMBIGUOUS';
  readonly datacenter: string;
  readonly paths: readonly string[];

  constructor(name: string, paths: readonly string[]) {
    super(
      `datacenter name ${name} matches ${String(paths.length)} datacenters (${paths.join(', ')}); give its inventory path instead`,
    );
    this.datacenter = name;
    this.paths = paths;
  }
}

/**
 * Lists every datacenter the session can see, with its inventory path, in one round trip (plus
 * one per further page): a property retrieval that follows `Folder.childEntity` from the root
 * folder and stops at datacenters, so nothing below them (VM folders, hosts, VMs) is transferred.
 */
export async function listDatacenters(client: VimClient, options?: CallOptions): Promise<DatacenterInfo[]> {
  const intoFolders: TraversalSpec = {
    _type: 'TraversalSpec',
    name: 'intoFolders',
    type: 'Folder',
    path: 'childEntity',
    skip: false,
    selectSet: [{ name: 'intoFolders' }],
  };
  const contents = await retrieveAll(
    client,
    [
      {
        propSet: [
          { type: 'Folder', pathSet: ['name', 'parent'] },
          { type: 'Datacenter', pathSet: ['name', 'parent'] },
        ],
        objectSet: [{ obj: client.serviceContent.rootFolder, skip: false, selectSet: [intoFolders] }],
      },
    ],
    options,
  );
  return datacentersOf(contents.map(toTreeNode));
}

/**
 * The datacenters among `nodes` (folders and datacenters, e.g. an inventory topology), each with
 * its path built from the names of its ancestors; the root folder's own name is not part of a
 * path. Sorted by path. Pure.
 */
export function datacentersOf(nodes: Iterable<DatacenterTreeNode>): DatacenterInfo[] {
  const byKey = new Map<string, DatacenterTreeNode>();
  for (const node of nodes) byKey.set(formatMor(node.ref), node);
  const out: DatacenterInfo[] = [];
  for (const node of byKey.values()) {
    if (node.ref.type === 'Datacenter')
      out.push({ ref: node.ref, name: node.name, path: pathOf(node, byKey) });
  }
  return out.sort((a, b) => compare(a.path, b.path));
}

/**
 * Resolves configured datacenters against `available`, in the order given, without duplicates.
 * Each entry may be
 * - a MoRef, `Datacenter:datacenter-2`;
 * - an inventory path, absolute (`/regions/west/dc-west`) or relative to the root folder
 *   (`regions/west/dc-west`), as govc and the Go CPI accept;
 * - a bare name (`dc-east`), found in any folder.
 *
 * Throws `DatacenterNotFoundError` naming every entry that matched nothing (and listing what
 * exists), or `DatacenterAmbiguousError` when a bare name exists in several folders. Blank
 * entries are ignored. Pure.
 */
export function selectDatacenters(
  available: readonly DatacenterInfo[],
  wanted: readonly string[],
): DatacenterInfo[] {
  const missing: string[] = [];
  const out = new Map<string, DatacenterInfo>();
  for (const raw of wanted) {
    const spec = raw.trim();
    if (spec === '') continue;
    const found = match(available, spec);
    if (found === undefined) missing.push(spec);
    else out.set(formatMor(found.ref), found);
  }
  if (missing.length > 0) throw new DatacenterNotFoundError(missing, displayNames(available));
  return [...out.values()];
}

/**
 * `listDatacenters` then `selectDatacenters`: one round trip whatever the number of entries.
 * Rejects like both.
 */
export async function resolveDatacenters(
  client: VimClient,
  wanted: readonly string[],
  options?: CallOptions,
): Promise<DatacenterInfo[]> {
  return selectDatacenters(await listDatacenters(client, options), wanted);
}

function match(available: readonly DatacenterInfo[], spec: string): DatacenterInfo | undefined {
  const ref = parseMor(spec);
  if (ref?.type === 'Datacenter') {
    const byRef = available.find((dc) => dc.ref.value === ref.value);
    // A datacenter may really be named "Datacenter:x"; a miss falls through to the name.
    if (byRef !== undefined) return byRef;
  }
  if (spec.includes('/')) {
    const path = normalisePath(spec);
    return available.find((dc) => dc.path === path);
  }
  const named = available.filter((dc) => dc.name === spec);
  if (named.length > 1)
    throw new DatacenterAmbiguousError(
      spec,
      named.map((dc) => dc.path),
    );
  return named[0];
}

/** `a//b/./c/` and `/a/b/c` both become `/a/b/c`: the forms govmomi's finder treats as equal. */
function normalisePath(spec: string): string {
  return `/${spec
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/')}`;
}

/** Names, except that a name shared by several datacenters is shown as their paths. */
function displayNames(available: readonly DatacenterInfo[]): string[] {
  const count = new Map<string, number>();
  for (const dc of available) count.set(dc.name, (count.get(dc.name) ?? 0) + 1);
  return available
    .map((dc) => ((count.get(dc.name) ?? 0) > 1 ? dc.path : dc.name))
    .sort((a, b) => compare(a, b));
}

function pathOf(node: DatacenterTreeNode, byKey: ReadonlyMap<string, DatacenterTreeNode>): string {
  const names: string[] = [];
  let cur: DatacenterTreeNode | undefined = node;
  // The bound protects against a cyclic parent graph from a broken server.
  while (cur !== undefined && names.length <= byKey.size) {
    // The root folder (no parent) is "/", not a path segment.
    if (cur.parent === undefined) break;
    names.push(cur.name);
    cur = byKey.get(formatMor(cur.parent));
  }
  return `/${names.reverse().join('/')}`;
}

function toTreeNode(oc: ObjectContent): DatacenterTreeNode {
  const props = new Map((oc.propSet ?? []).map((p) => [p.name, p.val]));
  const name = props.get('name');
  return {
    ref: oc.obj,
    name: typeof name === 'string' ? name : '',
    parent: props.get('parent') as ManagedObjectReference | undefined,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
