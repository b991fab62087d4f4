// SPDX-License-Identifier: Apache-2.0
import type { Absence } from '../../src/provider/inventory/absence-tracker.ts';
import { IndexNotSyncedError, type IndexErrorInfo } from '../../src/provider/inventory/index-errors.ts';
import { emptyVm, type IndexedVm } from '../../src/provider/inventory/indexed-vm.ts';
import { ipKey } from '../../src/provider/inventory/ip-key.ts';
import type { TagSnapshot } from '../../src/provider/inventory/tag-snapshot.ts';
import type { VCenterIndexState } from '../../src/provider/inventory/vcenter-index.ts';
import { datacenterOf, zoneChainsOf, type ZoneChains } from '../../src/provider/inventory/vm-placement.ts';
import type { ProviderIndex } from '../../src/provider/vsphere-provider.ts';
import type { ManagedObjectReference } from '../../src/vim25/generated/data-objects.ts';
import { formatMor, mor } from '../../src/vim25/mor.ts';
import { Topology, type TopologyNode } from '../../src/vsphere/inventory/topology.ts';

/** A VM for the fake: a MoRef value plus whichever properties the test cares about. */
export type FakeVm = Partial<Omit<IndexedVm, 'ref'>> & { readonly id: string };

/** Builds an IndexedVm: `id` is the VirtualMachine MoRef value. */
export function fakeVm(vm: FakeVm): IndexedVm {
  const { id, ...props } = vm;
  return { ...emptyVm(mor('VirtualMachine', id)), ...props };
}

/**
 * An in-memory stand-in for one vCenter's index: the test sets VMs, topology, tags, absence
 * records and health directly. Lookups behave like `VCenterIndex`'s (case-insensitive UUIDs and
 * host names, normalised IPs, `IndexNotSyncedError` before sync) and are counted.
 */
export class FakeIndex implements ProviderIndex {
  readonly vcenter: string;
  synced = true;
  healthy = true;
  lastError: IndexErrorInfo | undefined;
  tagSnapshot: TagSnapshot | undefined;
  /** Lookups answered (byRef, byBiosUuid, byHostName, byIp, vms). */
  lookups = 0;
  readonly #vms = new Map<string, IndexedVm>();
  readonly #absences = new Map<string, Absence>();
  #topology = new Topology([]);

  constructor(vcenter: string, vms: readonly FakeVm[] = []) {
    this.vcenter = vcenter;
    for (const vm of vms) this.put(vm);
  }

  /** Adds or replaces a VM; its BIOS UUID is present again (no absence record). */
  put(vm: FakeVm): IndexedVm {
    const indexed = fakeVm(vm);
    this.#vms.set(formatMor(indexed.ref), indexed);
    if (indexed.biosUuid !== undefined) this.#absences.delete(indexed.biosUuid);
    return indexed;
  }

  /** Removes a VM as a healthy index would on `leave`: its UUID gets an absence record at `at`. */
  remove(id: string, at: number): void {
    const key = formatMor(mor('VirtualMachine', id));
    const vm = this.#vms.get(key);
    this.#vms.delete(key);
    const uuid = vm?.biosUuid;
    if (uuid !== undefined && this.byBiosUuid(uuid).length === 0 && !this.#absences.has(uuid)) {
      this.#absences.set(uuid, { since: at, lastRefs: vm === undefined ? [] : [vm.ref] });
    }
  }

  setTopology(nodes: readonly TopologyNode[]): void {
    this.#topology = new Topology(nodes);
  }

  setAbsence(uuid: string, absence: Absence): void {
    this.#absences.set(uuid.toLowerCase(), absence);
  }

  state(): VCenterIndexState {
    return {
      vcenter: this.vcenter,
      synced: this.synced,
      healthy: this.synced && this.healthy,
      generation: this.synced ? 1 : 0,
      lastUpdate: undefined,
      lastContact: undefined,
      lastError: this.lastError,
      vms: this.#vms.size,
      topologyObjects: 0,
      tags: undefined,
    };
  }

  byRef(ref: ManagedObjectReference | string): IndexedVm | undefined {
    this.#use();
    return this.#vms.get(typeof ref === 'string' ? ref : formatMor(ref));
  }

  byBiosUuid(uuid: string): IndexedVm[] {
    this.#use();
    const key = uuid.trim().toLowerCase();
    return [...this.#vms.values()].filter((vm) => vm.biosUuid === key);
  }

  byHostName(name: string): IndexedVm[] {
    this.#use();
    const key = name.trim().toLowerCase();
    return [...this.#vms.values()].filter((vm) => vm.guestHostName?.trim().toLowerCase() === key);
  }

  byIp(ip: string): IndexedVm[] {
    this.#use();
    const key = ipKey(ip);
    if (key === undefined) return [];
    return [...this.#vms.values()].filter((vm) =>
      [vm.guestIpAddress, ...vm.nics.flatMap((n) => n.ipAddresses)].some(
        (a) => a !== undefined && ipKey(a) === key,
      ),
    );
  }

  vms(): IndexedVm[] {
    this.#use();
    return [...this.#vms.values()];
  }

  datacenterOf(vm: IndexedVm): TopologyNode | undefined {
    return datacenterOf(vm, this.#topology);
  }

  zoneChains(vm: IndexedVm): ZoneChains {
    return zoneChainsOf(vm, this.#topology);
  }

  tags(): TagSnapshot | undefined {
    return this.tagSnapshot;
  }

  absence(uuid: string): Absence | undefined {
    return this.#absences.get(uuid.trim().toLowerCase());
  }

  /** Runs until aborted, like an index with nothing to watch. */
  start(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) resolve();
      else
        signal.addEventListener(
          'abort',
          () => {
            resolve();
          },
          { once: true },
        );
    });
  }

  waitForSync(): Promise<void> {
    return this.synced ? Promise.resolve() : Promise.reject(new IndexNotSyncedError(this.vcenter));
  }

  #use(): void {
    if (!this.synced) throw new IndexNotSyncedError(this.vcenter);
    this.lookups += 1;
  }
}
