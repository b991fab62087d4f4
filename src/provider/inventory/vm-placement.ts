// SPDX-License-Identifier: Apache-2.0
import type { Topology, TopologyNode } from '../../vsphere/inventory/topology.ts';
import type { IndexedVm } from './indexed-vm.ts';

/**
 * The three ancestor chains zones and regions are looked up on, in the order the Go CPI tries
 * them, each nearest first and ending at the root folder as far as the topology knows it.
 */
export interface ZoneChains {
  /** The VM's host, its cluster or compute resource, host folders, datacenter, root folder. */
  readonly host: readonly TopologyNode[];
  /** The VM's resource pool, parent pools, cluster, …, root folder. */
  readonly resourcePool: readonly TopologyNode[];
  /** The VM itself, then its folder and the folder's ancestors. */
  readonly vm: readonly TopologyNode[];
}

/** The zone lookup chains of `vm` over `topology`. Missing links end a chain early. Pure. */
export function zoneChainsOf(vm: IndexedVm, topology: Topology): ZoneChains {
  const self: TopologyNode = { ref: vm.ref, name: vm.name ?? '', parent: vm.parent };
  return {
    host: topology.chain(vm.host),
    resourcePool: topology.chain(vm.resourcePool),
    vm: [self, ...topology.chain(vm.parent)],
  };
}

/**
 * The datacenter holding `vm`: the nearest one above its folder, else above its host (a VM in a
 * vApp has no folder). Undefined when the topology does not reach one. Pure.
 */
export function datacenterOf(vm: IndexedVm, topology: Topology): TopologyNode | undefined {
  return topology.nearest(vm.parent, 'Datacenter') ?? topology.nearest(vm.host, 'Datacenter');
}
