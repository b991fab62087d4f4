// SPDX-License-Identifier: Apache-2.0
import type { ManagedObjectReference } from '../../vim25/generated/data-objects.ts';
import type { VimClient } from '../../vim25/client.ts';
import type { Topology, TopologyNode } from '../../vsphere/inventory/topology.ts';
import { watchUpdates, type ResyncReason, type WatchEvent } from '../../vsphere/update-watcher.ts';
import type { Absence } from './absence-tracker.ts';
import { runIndexWatch, type WatchSource } from './index-watch-loop.ts';
import {
  errorInfo,
  IndexNotSyncedError,
  IndexSyncTimeoutError,
  type IndexErrorInfo,
} from './index-errors.ts';
import type { IndexEvent, VCenterIndexState } from './index-state.ts';
import { IndexStore } from './index-store.ts';
import type { IndexTables } from './index-tables.ts';
import type { IndexedVm } from './indexed-vm.ts';
import { TagSnapshotRefresher, type TagSnapshot, type TagSource } from './tag-snapshot.ts';
import { datacenterOf, zoneChainsOf, type ZoneChains } from './vm-placement.ts';

export type { WatchSource } from './index-watch-loop.ts';

export type { IndexEvent, VCenterIndexState } from './index-state.ts';

export interface VCenterIndexOptions {
  /** The vCenter's name in state, events and errors (its host or tenant). */
  readonly vcenter: string;
  /** The connection's client; its `rt` should renew the session (the pool's does). */
  readonly client: VimClient;
  /** Resolved configured datacenters; undefined or empty means the whole inventory. */
  readonly datacenters?: readonly ManagedObjectReference[] | undefined;
  /** Zone/region tags; absent when the categories are not both configured. */
  readonly tags?: TagSource | undefined;
  /** Default 5 min. */
  readonly tagRefreshPeriodMs?: number;
  /** Server-side wait of each WaitForUpdatesEx. Default 60 s. */
  readonly maxWaitSeconds?: number;
  /** Back-off between resync attempts. Default 1 s doubling to 30 s. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** How long absence records are kept (see `AbsenceTracker`). Default 6 h. */
  readonly absenceRetentionMs?: number;
  /** Clock (epoch ms) for state, absences and staleness; tests pass their own. */
  readonly now?: () => number;
  /** Told what the index does, for logs and metrics. Must not throw. */
  readonly onEvent?: (event: IndexEvent) => void;
  /** Default `watchUpdates`; tests pass a fake event source. */
  readonly watch?: WatchSource;
}

const STALE_GRACE_MS = 15_000;

/**
 * The event-driven inventory of one vCenter: a ContainerView over the VMs and the topology, one
 * private property collector and filter driven by WaitForUpdatesEx (`watchUpdates`), and a
 * periodic tag snapshot. After the first sync, lookups are answered from memory and never call
 * vCenter; the cost of keeping it current is one long poll per batch of changes.
 *
 * - Construction does no I/O; `start(signal)` runs the watch and the tag refresh until `signal`
 *   aborts.
 * - A `sync` (the first, and every resync after InvalidCollectorVersion, session loss or a
 *   dropped connection) builds complete new tables and swaps them in at once: until then the
 *   previous ones keep answering, and a half-filled index never does.
 * - Lookups throw `IndexNotSyncedError` before the first sync. An empty answer means "absent"
 *   only while `state().healthy`; otherwise it may be stale.
 * - Absence: when a BIOS UUID that was present disappears (destroyed, unregistered, or missing
 *   from a resync), `absence(uuid)` records when and the last MoRefs that had it.
 */
export class VCenterIndex {
  readonly #options: VCenterIndexOptions;
  readonly #now: () => number;
  readonly #store: IndexStore;
  readonly #tags: TagSnapshotRefresher | undefined;
  readonly #syncWaiters = new Set<() => void>();
  #started = false;
  #failing = false;
  #lastUpdate: number | undefined;
  #lastContact: number | undefined;
  #lastError: IndexErrorInfo | undefined;

  constructor(options: VCenterIndexOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#store = new IndexStore(
      options.absenceRetentionMs === undefined ? {} : { retentionMs: options.absenceRetentionMs },
    );
    this.#tags =
      options.tags === undefined
        ? undefined
        : new TagSnapshotRefresher({
            source: options.tags,
            ...(options.tagRefreshPeriodMs === undefined ? {} : { periodMs: options.tagRefreshPeriodMs }),
            now: this.#now,
            onRefresh: (r) => {
              this.#emit({ type: 'tags', vcenter: options.vcenter, ...r });
            },
          });
  }

  get vcenter(): string {
    return this.#options.vcenter;
  }

  /**
   * Runs the watch and the tag refresh until `signal` aborts; resolves once both have stopped
   * (the collector and views destroyed on a best-effort basis). vCenter failures never reject
   * it: they are retried and reported in `state()`. A second call rejects with TypeError.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#started) throw new TypeError(`the index of ${this.vcenter} was already started`);
    this.#started = true;
    const watch = runIndexWatch({
      client: this.#options.client,
      datacenters: this.#options.datacenters,
      watch: this.#options.watch ?? watchUpdates,
      maxWaitSeconds: this.#options.maxWaitSeconds ?? 60,
      backoff: this.#options.backoff ?? { initialMs: 1_000, maxMs: 30_000 },
      signal,
      apply: (event) => {
        this.#apply(event);
      },
      onResync: (reason) => {
        this.#onResync(reason);
      },
      onContact: () => {
        this.#lastContact = this.#now();
      },
    });
    await Promise.all([watch, this.#tags?.run(signal)]);
  }

  /** Resolves once synced; rejects with IndexSyncTimeoutError after `timeoutMs`, or on abort. */
  waitForSync(options: { readonly signal?: AbortSignal; readonly timeoutMs: number }): Promise<void> {
    if (this.#store.tables !== undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (failure?: { readonly error: Error }): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.#syncWaiters.delete(onSync);
        if (failure === undefined) resolve();
        else reject(failure.error);
      };
      const onSync = (): void => {
        done();
      };
      const onAbort = (): void => {
        const reason: unknown = options.signal?.reason;
        done({ error: reason instanceof Error ? reason : new Error(String(reason)) });
      };
      const timer = setTimeout(() => {
        done({
          error: new IndexSyncTimeoutError(
            `the inventory of ${this.vcenter} did not load within ${options.timeoutMs} ms`,
          ),
        });
      }, options.timeoutMs);
      this.#syncWaiters.add(onSync);
      if (options.signal?.aborted === true) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  state(): VCenterIndexState {
    const tables = this.#store.tables;
    const synced = tables !== undefined;
    const graceMs = (this.#options.maxWaitSeconds ?? 60) * 1000 + STALE_GRACE_MS;
    const fresh = this.#lastContact !== undefined && this.#now() - this.#lastContact <= graceMs;
    return {
      vcenter: this.vcenter,
      synced,
      healthy: synced && !this.#failing && fresh,
      generation: this.#store.generation,
      lastUpdate: this.#lastUpdate,
      lastContact: this.#lastContact,
      lastError: this.#lastError,
      vms: tables?.vmCount ?? 0,
      topologyObjects: tables?.topologyCount ?? 0,
      tags: this.#tags?.state(),
    };
  }

  /** The VM with this MoRef (`{type, value}` or `VirtualMachine:vm-42`). */
  byRef(ref: ManagedObjectReference | string): IndexedVm | undefined {
    return this.#synced().byRef(ref);
  }

  /** VMs with this BIOS UUID (`config.uuid`, case ignored). Try the SMBIOS-swapped form yourself. */
  byBiosUuid(uuid: string): IndexedVm[] {
    return this.#synced().byBiosUuid(uuid);
  }

  /** The VM with this instance UUID (case ignored). */
  byInstanceUuid(uuid: string): IndexedVm | undefined {
    return this.#synced().byInstanceUuid(uuid)[0];
  }

  /** VMs whose guest host name equals `name`, case-insensitively. */
  byHostName(name: string): IndexedVm[] {
    return this.#synced().byHostName(name);
  }

  /** VMs reporting this address in `guest.net` or `guest.ipAddress` (however it is written). */
  byIp(ip: string): IndexedVm[] {
    return this.#synced().byIp(ip);
  }

  /** Every VM in the index. */
  vms(): IndexedVm[] {
    return [...this.#synced().vms()];
  }

  /** The inventory tree above the VMs. */
  topology(): Topology {
    return this.#synced().topology();
  }

  /** The datacenter holding `vm`, from the local topology. */
  datacenterOf(vm: IndexedVm): TopologyNode | undefined {
    return datacenterOf(vm, this.topology());
  }

  /** The host, resource-pool and VM chains zones are looked up on, from the local topology. */
  zoneChains(vm: IndexedVm): ZoneChains {
    return zoneChainsOf(vm, this.topology());
  }

  /** The latest tag snapshot; undefined before the first read or without categories. */
  tags(): TagSnapshot | undefined {
    return this.#tags?.current();
  }

  /** Re-reads the tags now (tests and `explain-node`); rejects when there are no categories. */
  refreshTags(signal: AbortSignal): Promise<TagSnapshot> {
    if (this.#tags === undefined)
      return Promise.reject(new TypeError(`no tag categories for ${this.vcenter}`));
    return this.#tags.refresh(signal);
  }

  /** When and where `uuid` (BIOS UUID, case ignored) was last seen before it went away. */
  absence(uuid: string): Absence | undefined {
    return this.#store.absence(uuid.trim().toLowerCase());
  }

  /** Epoch ms at which the index first saw `uuid` absent after it had been present. */
  absentSince(uuid: string): number | undefined {
    return this.absence(uuid)?.since;
  }

  #synced(): IndexTables {
    const tables = this.#store.tables;
    if (tables === undefined) throw new IndexNotSyncedError(this.vcenter, { cause: this.#lastError });
    return tables;
  }

  #onResync(reason: ResyncReason): void {
    this.#failing = true;
    this.#lastError = errorInfo(reason.error, this.#now());
    this.#emit({ type: 'resync', vcenter: this.vcenter, error: this.#lastError, attempt: reason.attempt });
  }

  #apply(event: WatchEvent): void {
    const now = this.#now();
    const applied = this.#store.apply(event, now);
    this.#lastUpdate = now;
    this.#lastContact = now;
    if (applied === 'update') {
      this.#emit({ type: 'updated', vcenter: this.vcenter, objects: event.objects.length });
      return;
    }
    this.#failing = false;
    const { generation, tables } = this.#store;
    this.#emit({ type: 'synced', vcenter: this.vcenter, generation, vms: tables?.vmCount ?? 0 });
    for (const waiter of [...this.#syncWaiters]) waiter();
  }

  #emit(event: IndexEvent): void {
    this.#options.onEvent?.(event);
  }
}
