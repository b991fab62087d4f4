// SPDX-License-Identifier: Apache-2.0
import type {
  GuestNicInfo,
  ManagedObjectReference,
  ObjectContent,
  PropertyFilterSpec,
} from '../../vim25/generated/data-objects.ts';
import type { VimClient } from '../../vim25/client.ts';
import type { CallOptions } from '../../vim25/round-tripper.ts';
import { formatMor } from '../../vim25/mor.ts';
import { datacentersOf, selectDatacenters } from '../datacenters.ts';
import { createContainerView, viewObjectSpec } from '../container-view.ts';
import { retrieveAll } from '../property-collector.ts';
import type { TaggingClient } from '../rest/tagging.ts';
import type { InventoryNic, InventoryVm } from './inventory-vm.ts';
import { Topology, type TopologyNode } from './topology.ts';
import { resolveZoneRegion, type TagIndex } from './zone-resolver.ts';
import { readTagIndex } from './read-tag-index.ts';

export { DatacenterNotFoundError } from '../datacenters.ts';

export interface InventoryRequest {
  /** The vCenter's host name as shown in the output. */
  readonly vcenter: string;
  /** Only VMs in these datacenters (names, inventory paths or MoRefs); empty means all. */
  readonly datacenters?: readonly string[];
  /** Tag categories for zone and region; both or neither. */
  readonly zoneCategory?: string;
  readonly regionCategory?: string;
  /** Needed only when categories are given. */
  readonly tagging?: TaggingClient;
  /** Page size hint for the property collector. */
  readonly maxObjects?: number;
}

/** The VM properties the cloud provider reads; nothing else is transferred. */
export const vmPaths = [
  'name',
  'parent',
  'config.uuid',
  'config.instanceUuid',
  'runtime.powerState',
  'runtime.host',
  'resourcePool',
  'guest.hostName',
  'guest.net',
  'summary.config.numCpu',
  'summary.config.memorySizeMB',
  'summary.config.guestId',
] as const;

const topologyTypes = [
  'Folder',
  'Datacenter',
  'ClusterComputeResource',
  'ComputeResource',
  'HostSystem',
  'ResourcePool',
];

/**
 * Lists every VM as the cloud provider sees it, at a cost that does not grow with the number of
 * VMs: one ContainerView over the root folder, one property retrieval (plus one call per further
 * page) for VMs and topology together, and, when categories are given, O(#tags) REST calls with
 * a single `list-attached-objects-on-tags` for all attachments.
 */
export async function readInventory(
  client: VimClient,
  request: InventoryRequest,
  options?: CallOptions,
): Promise<InventoryVm[]> {
  const view = await createContainerView(client, { types: ['VirtualMachine', ...topologyTypes] }, options);
  let contents: ObjectContent[];
  try {
    contents = await retrieveAll(client, [inventorySpec(view.ref)], {
      ...options,
      maxObjects: request.maxObjects,
    });
  } finally {
    await view.destroy().catch(() => undefined);
  }
  const vms = contents.filter((oc) => oc.obj.type === 'VirtualMachine');
  const topology = new Topology(
    contents.filter((oc) => oc.obj.type !== 'VirtualMachine').map(toTopologyNode),
  );
  const wanted = wantedDatacenters(topology, request.datacenters ?? []);
  const tags = await tagIndexFor(request, options);
  return vms
    .filter((oc) => wanted === undefined || wanted.has(datacenterKeyOf(oc, topology)))
    .map((oc) => toInventoryVm(oc, topology, tags, request.vcenter))
    .sort(
      (a, b) =>
        compare(a.datacenter ?? '', b.datacenter ?? '') ||
        compare(a.name, b.name) ||
        compare(a.moref, b.moref),
    );
}

function inventorySpec(view: ManagedObjectReference): PropertyFilterSpec {
  return {
    propSet: [
      { type: 'VirtualMachine', pathSet: [...vmPaths] },
      ...topologyTypes.map((type) => ({ type, pathSet: ['name', 'parent'] })),
    ],
    objectSet: [viewObjectSpec(view)],
  };
}

/** MoRef keys of the requested datacenters; throws DatacenterNotFoundError for unknown ones. */
function wantedDatacenters(topology: Topology, specs: readonly string[]): Set<string> | undefined {
  if (specs.length === 0) return undefined;
  const available = datacentersOf([...topology.ofType('Folder'), ...topology.ofType('Datacenter')]);
  return new Set(selectDatacenters(available, specs).map((dc) => formatMor(dc.ref)));
}

function datacenterKeyOf(oc: ObjectContent, topology: Topology): string {
  const p = propsOf(oc);
  const folder = p.get('parent') as ManagedObjectReference | undefined;
  const host = p.get('runtime.host') as ManagedObjectReference | undefined;
  const dc = topology.nearest(folder, 'Datacenter') ?? topology.nearest(host, 'Datacenter');
  return dc === undefined ? '' : formatMor(dc.ref);
}

async function tagIndexFor(request: InventoryRequest, options?: CallOptions): Promise<TagIndex | undefined> {
  if (request.zoneCategory === undefined && request.regionCategory === undefined) return undefined;
  if (request.tagging === undefined)
    throw new TypeError('readInventory: categories given without a tagging client');
  return readTagIndex(
    request.tagging,
    { zoneCategory: request.zoneCategory, regionCategory: request.regionCategory },
    options?.signal,
  );
}

function propsOf(oc: ObjectContent): Map<string, unknown> {
  return new Map((oc.propSet ?? []).map((p) => [p.name, p.val]));
}

function toTopologyNode(oc: ObjectContent): TopologyNode {
  const props = propsOf(oc);
  const name = props.get('name');
  return {
    ref: oc.obj,
    name: typeof name === 'string' ? name : '',
    parent: props.get('parent') as ManagedObjectReference | undefined,
  };
}

function toInventoryVm(
  oc: ObjectContent,
  topology: Topology,
  tags: TagIndex | undefined,
  vcenter: string,
): InventoryVm {
  const p = propsOf(oc);
  const host = p.get('runtime.host') as ManagedObjectReference | undefined;
  const folder = p.get('parent') as ManagedObjectReference | undefined;
  const pool = p.get('resourcePool') as ManagedObjectReference | undefined;
  const chains = [
    refs(topology.chain(host)),
    refs(topology.chain(pool)),
    [oc.obj, ...refs(topology.chain(folder))],
  ];
  const zr = tags === undefined ? undefined : resolveZoneRegion(chains, tags);
  return {
    vcenter,
    datacenter:
      (topology.nearest(folder, 'Datacenter') ?? topology.nearest(host, 'Datacenter'))?.name ?? null,
    name: str(p.get('name')) ?? '',
    moref: formatMor(oc.obj),
    biosUuid: lower(p.get('config.uuid')),
    instanceUuid: lower(p.get('config.instanceUuid')),
    powerState: strOrNull(p.get('runtime.powerState')),
    guestHostName: strOrNull(p.get('guest.hostName')),
    nics: ((p.get('guest.net') as GuestNicInfo[] | undefined) ?? []).map(toNic),
    host: topology.get(host)?.name ?? null,
    cluster: topology.nearest(host, 'ClusterComputeResource')?.name ?? null,
    numCpu: numOrNull(p.get('summary.config.numCpu')),
    memoryMB: numOrNull(p.get('summary.config.memorySizeMB')),
    guestId: strOrNull(p.get('summary.config.guestId')),
    zone: zr?.zone ?? null,
    region: zr?.region ?? null,
  };
}

function refs(nodes: readonly TopologyNode[]): ManagedObjectReference[] {
  return nodes.map((n) => n.ref);
}

function toNic(nic: GuestNicInfo): InventoryNic {
  return {
    network: nic.network,
    deviceConfigId: nic.deviceConfigId,
    macAddress: nic.macAddress,
    ipAddresses: nic.ipAddress ?? [],
  };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function strOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function lower(v: unknown): string | null {
  return typeof v === 'string' ? v.toLowerCase() : null;
}

function numOrNull(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
