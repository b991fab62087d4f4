// SPDX-License-Identifier: Apache-2.0
import type { ManagedObjectReference } from '../../vim25/generated/data-objects.ts';
import { formatMor } from '../../vim25/mor.ts';

/** Name and parent of one inventory container or host. */
export interface TopologyNode {
  readonly ref: ManagedObjectReference;
  readonly name: string;
  readonly parent: ManagedObjectReference | undefined;
}

/**
 * The inventory tree above the VMs (folders, datacenters, clusters, compute resources, hosts,
 * resource pools), held locally so that "which datacenter / cluster is this in" and "which
 * ancestors does it have" never cost a round trip.
 */
export class Topology {
  readonly #nodes = new Map<string, TopologyNode>();

  constructor(nodes: Iterable<TopologyNode>) {
    for (const node of nodes) this.#nodes.set(formatMor(node.ref), node);
  }

  get(ref: ManagedObjectReference | undefined): TopologyNode | undefined {
    return ref === undefined ? undefined : this.#nodes.get(formatMor(ref));
  }

  /** `ref` and its ancestors, nearest first, as far as the topology knows them. */
  chain(ref: ManagedObjectReference | undefined): TopologyNode[] {
    const out: TopologyNode[] = [];
    let node = this.get(ref);
    // The bound protects against a malformed (cyclic) parent graph from a broken server.
    while (node !== undefined && out.length <= this.#nodes.size) {
      out.push(node);
      node = this.get(node.parent);
    }
    return out;
  }

  /** The nearest ancestor of the given type (e.g. `Datacenter`), starting at `ref` itself. */
  nearest(ref: ManagedObjectReference | undefined, type: string): TopologyNode | undefined {
    return this.chain(ref).find((n) => n.ref.type === type);
  }

  /** Every node of one type, e.g. all datacenters. */
  ofType(type: string): TopologyNode[] {
    return [...this.#nodes.values()].filter((n) => n.ref.type === type);
  }
}
