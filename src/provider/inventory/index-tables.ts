// SPDX-License-Identifier: Apache-2.0
import type { ManagedObjectReference } from '../../vim25/generated/data-objects.ts';
import { formatMor } from '../../vim25/mor.ts';
import type { ObjectChange } from '../../vsphere/update-watcher.ts';
import { Topology, type TopologyNode } from '../../vsphere/inventory/topology.ts';
import { detach, detachRef } from './detach.ts';
import { applyVmChanges, emptyVm, type IndexedVm } from './indexed-vm.ts';
import { identifiesMachine, ipKey } from './ip-key.ts';
import { MultiIndex } from './multi-index.ts';

/**
 * The lookup tables of one vCenter's inventory: VMs by MoRef, lower-case BIOS UUID, instance
 * UUID, lower-case guest host name and IP, plus the topology (hosts, clusters, compute
 * resources, resource pools, folders, datacenters: name and parent).
 *
 * Changes are applied one object at a time, synchronously, so a reader never sees a VM in one
 * table and not yet in another. Keys are normalised on the way in and on the way out: callers
 * pass UUIDs, names and addresses as they have them.
 */
export class IndexTables {
  readonly #vms = new Map<string, IndexedVm>();
  readonly #byBiosUuid = new MultiIndex<IndexedVm>();
  readonly #byInstanceUuid = new MultiIndex<IndexedVm>();
  readonly #byHostName = new MultiIndex<IndexedVm>();
  readonly #byIp = new MultiIndex<IndexedVm>();
  readonly #nodes = new Map<string, TopologyNode>();
  /** Rebuilt on first read after a topology change; topology changes are rare and small. */
  #topology: Topology | undefined;

  /** Applies one object's enter, modify or leave; VMs and topology objects alike. */
  apply(change: ObjectChange): void {
    const key = formatMor(change.ref);
    if (change.ref.type === 'VirtualMachine') {
      if (change.kind === 'leave') this.#removeVm(key);
      else this.#putVm(applyVmChanges(this.#vms.get(key) ?? emptyVm(change.ref), change.changes));
      return;
    }
    this.#topology = undefined;
    if (change.kind === 'leave') {
      this.#nodes.delete(key);
      return;
    }
    let node = this.#nodes.get(key) ?? {
      ref: detachRef(change.ref) ?? change.ref,
      name: '',
      parent: undefined,
    };
    for (const c of change.changes) {
      const unset = c.op === 'remove' || c.op === 'indirectRemove';
      if (c.name === 'name')
        node = { ...node, name: !unset && typeof c.val === 'string' ? detach(c.val) : '' };
      if (c.name === 'parent') node = { ...node, parent: unset ? undefined : detachRef(c.val) };
    }
    this.#nodes.set(key, node);
  }

  /** The VM with this MoRef (`{type, value}` or `Type:value`). */
  byRef(ref: ManagedObjectReference | string): IndexedVm | undefined {
    return this.#vms.get(typeof ref === 'string' ? ref : formatMor(ref));
  }

  /** VMs whose `config.uuid` is `uuid` (case and surrounding blanks ignored); clones share one. */
  byBiosUuid(uuid: string): IndexedVm[] {
    return this.#byBiosUuid.get(uuid.trim().toLowerCase());
  }

  /** VMs whose `config.instanceUuid` is `uuid` (case ignored); vCenter keeps these unique. */
  byInstanceUuid(uuid: string): IndexedVm[] {
    return this.#byInstanceUuid.get(uuid.trim().toLowerCase());
  }

  /** VMs whose guest host name equals `name` case-insensitively; callers decide on several. */
  byHostName(name: string): IndexedVm[] {
    return this.#byHostName.get(name.trim().toLowerCase());
  }

  /**
   * VMs reporting `ip` in `guest.net` or `guest.ipAddress`, however the address is written.
   * Loopback, link-local and unspecified addresses are not indexed (every guest has them).
   */
  byIp(ip: string): IndexedVm[] {
    const key = ipKey(ip);
    return key === undefined ? [] : this.#byIp.get(key);
  }

  /** True while some VM has this BIOS UUID. */
  hasBiosUuid(uuid: string): boolean {
    return this.#byBiosUuid.has(uuid.trim().toLowerCase());
  }

  /** Every BIOS UUID some VM has (lower-case). */
  biosUuids(): IterableIterator<string> {
    return this.#byBiosUuid.keys();
  }

  /** Every VM, in no particular order. */
  vms(): IterableIterator<IndexedVm> {
    return this.#vms.values();
  }

  get vmCount(): number {
    return this.#vms.size;
  }

  get topologyCount(): number {
    return this.#nodes.size;
  }

  /** The inventory tree above the VMs as currently known. */
  topology(): Topology {
    this.#topology ??= new Topology(this.#nodes.values());
    return this.#topology;
  }

  #putVm(vm: IndexedVm): void {
    const id = formatMor(vm.ref);
    const old = this.#vms.get(id);
    if (old !== undefined) this.#unindex(id, old);
    this.#vms.set(id, vm);
    for (const [table, key] of keysOf(vm)) this.#table(table).add(key, id, vm);
  }

  #removeVm(id: string): void {
    const old = this.#vms.get(id);
    if (old === undefined) return;
    this.#unindex(id, old);
    this.#vms.delete(id);
  }

  #unindex(id: string, vm: IndexedVm): void {
    for (const [table, key] of keysOf(vm)) this.#table(table).delete(key, id);
  }

  #table(table: Table): MultiIndex<IndexedVm> {
    switch (table) {
      case 'bios':
        return this.#byBiosUuid;
      case 'instance':
        return this.#byInstanceUuid;
      case 'hostName':
        return this.#byHostName;
      case 'ip':
        return this.#byIp;
    }
  }
}

type Table = 'bios' | 'instance' | 'hostName' | 'ip';

/** Every (table, key) pair a VM is filed under. */
function keysOf(vm: IndexedVm): [Table, string][] {
  const out: [Table, string][] = [];
  if (vm.biosUuid !== undefined) out.push(['bios', vm.biosUuid]);
  if (vm.instanceUuid !== undefined) out.push(['instance', vm.instanceUuid]);
  const host = vm.guestHostName?.trim().toLowerCase();
  if (host !== undefined && host !== '') out.push(['hostName', host]);
  const ips = new Set<string>();
  for (const text of [vm.guestIpAddress, ...vm.nics.flatMap((n) => n.ipAddresses)]) {
    const key = text === undefined ? undefined : ipKey(text);
    if (key !== undefined && identifiesMachine(key)) ips.add(key);
  }
  for (const ip of ips) out.push(['ip', ip]);
  return out;
}
