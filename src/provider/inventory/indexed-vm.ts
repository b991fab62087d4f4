// SPDX-License-Identifier: Apache-2.0
import type {
  GuestNicInfo,
  ManagedObjectReference,
  OptionValue,
} from '../../vim25/generated/data-objects.ts';
import type { InventoryNic } from '../../vsphere/inventory/inventory-vm.ts';
import { detach, detachRef } from './detach.ts';

export type { InventoryNic } from '../../vsphere/inventory/inventory-vm.ts';

/**
 * The VM properties the index watches: what identity, addresses, instance type, zones and the
 * exists/shutdown rules need, and nothing else.
 *
 * `config.extraConfig` is watched whole and filtered to `guestinfo.metadata*` on arrival: the
 * simulator (govmomi 0.24.2) does not support key selectors such as
 * `config.extraConfig["guestinfo.metadata"]` (it splits paths on dots and reports the property
 * missing), so a selector could not be tested.
 */
export const VM_INDEX_PATHS = [
  'name',
  'config.uuid',
  'config.instanceUuid',
  'runtime.powerState',
  'runtime.connectionState',
  'runtime.host',
  'resourcePool',
  'parent',
  'guest.hostName',
  'guest.net',
  'guest.ipAddress',
  'summary.config.numCpu',
  'summary.config.memorySizeMB',
  'summary.config.guestId',
  'config.extraConfig',
] as const;

/** One watched VM property path. */
export type VmIndexPath = (typeof VM_INDEX_PATHS)[number];

/** extraConfig keys kept: cloud-init's metadata and its encoding (`guestinfo.metadata.encoding`). */
export const GUESTINFO_METADATA_PREFIX = 'guestinfo.metadata';

/**
 * A VM as the index holds it: immutable, replaced as a whole when a property changes. Absent or
 * unset properties are `undefined`; `nics` is empty when VMware Tools reports none.
 */
export interface IndexedVm {
  readonly ref: ManagedObjectReference;
  readonly name: string | undefined;
  /** `config.uuid`, trimmed and lower-cased: the providerID is `vsphere://` + this. */
  readonly biosUuid: string | undefined;
  /** `config.instanceUuid`, trimmed and lower-cased. */
  readonly instanceUuid: string | undefined;
  /** `poweredOn`, `poweredOff` or `suspended`. */
  readonly powerState: string | undefined;
  /** `connected`, `disconnected`, `orphaned`, `inaccessible` or `invalid`. */
  readonly connectionState: string | undefined;
  readonly host: ManagedObjectReference | undefined;
  readonly resourcePool: ManagedObjectReference | undefined;
  /** The VM's folder (undefined for a VM in a vApp). */
  readonly parent: ManagedObjectReference | undefined;
  /** `guest.hostName` as VMware Tools reports it (case kept). */
  readonly guestHostName: string | undefined;
  /** `guest.ipAddress`, the guest's primary address. */
  readonly guestIpAddress: string | undefined;
  readonly nics: readonly InventoryNic[];
  readonly numCpu: number | undefined;
  readonly memoryMB: number | undefined;
  readonly guestId: string | undefined;
  /** `config.extraConfig` entries whose key starts with `guestinfo.metadata`, values as strings. */
  readonly guestInfo: Readonly<Record<string, string>>;
}

/** A VM that entered the index with no properties yet; `ref` is copied (see `detach`). */
export function emptyVm(ref: ManagedObjectReference): IndexedVm {
  return {
    ref: { type: detach(ref.type), value: detach(ref.value) },
    name: undefined,
    biosUuid: undefined,
    instanceUuid: undefined,
    powerState: undefined,
    connectionState: undefined,
    host: undefined,
    resourcePool: undefined,
    parent: undefined,
    guestHostName: undefined,
    guestIpAddress: undefined,
    nics: [],
    numCpu: undefined,
    memoryMB: undefined,
    guestId: undefined,
    guestInfo: {},
  };
}

/** One property change as the property collector reports it (`op` is `assign`, `remove`, …). */
export interface VmPropertyChange {
  readonly name: string;
  readonly op: string;
  readonly val?: unknown;
}

const fields: { readonly [P in VmIndexPath]: (val: unknown) => Partial<IndexedVm> } = {
  name: (v) => ({ name: str(v) }),
  'config.uuid': (v) => ({ biosUuid: uuid(v) }),
  'config.instanceUuid': (v) => ({ instanceUuid: uuid(v) }),
  'runtime.powerState': (v) => ({ powerState: str(v) }),
  'runtime.connectionState': (v) => ({ connectionState: str(v) }),
  'runtime.host': (v) => ({ host: detachRef(v) }),
  resourcePool: (v) => ({ resourcePool: detachRef(v) }),
  parent: (v) => ({ parent: detachRef(v) }),
  'guest.hostName': (v) => ({ guestHostName: str(v) }),
  'guest.net': (v) => ({ nics: Array.isArray(v) ? (v as GuestNicInfo[]).map(toNic) : [] }),
  'guest.ipAddress': (v) => ({ guestIpAddress: str(v) }),
  'summary.config.numCpu': (v) => ({ numCpu: num(v) }),
  'summary.config.memorySizeMB': (v) => ({ memoryMB: num(v) }),
  'summary.config.guestId': (v) => ({ guestId: str(v) }),
  'config.extraConfig': (v) => ({ guestInfo: guestInfoOf(v) }),
};

/**
 * `vm` with `changes` applied, in order. `remove` and `indirectRemove` (and an `assign` without
 * a value) unset the property; paths the index does not watch are ignored. Never throws on
 * malformed values: a value of the wrong type reads as unset. Strings are copied (`detach`), so
 * the record keeps nothing of the decoded reply alive. Pure.
 */
export function applyVmChanges(vm: IndexedVm, changes: readonly VmPropertyChange[]): IndexedVm {
  let out = vm;
  for (const change of changes) {
    if (!Object.hasOwn(fields, change.name)) continue;
    const unset = change.op === 'remove' || change.op === 'indirectRemove';
    out = { ...out, ...fields[change.name as VmIndexPath](unset ? undefined : change.val) };
  }
  return out;
}

function toNic(nic: GuestNicInfo): InventoryNic {
  return {
    network: str(nic.network),
    deviceConfigId: typeof nic.deviceConfigId === 'number' ? nic.deviceConfigId : -1,
    macAddress: str(nic.macAddress),
    ipAddresses: Array.isArray(nic.ipAddress)
      ? nic.ipAddress.filter((a) => typeof a === 'string').map(detach)
      : [],
  };
}

function guestInfoOf(v: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!Array.isArray(v)) return out;
  for (const option of v as (OptionValue | null)[]) {
    const key: unknown = option?.key;
    const value: unknown = option?.value;
    if (typeof key === 'string' && key.startsWith(GUESTINFO_METADATA_PREFIX) && typeof value === 'string') {
      out[detach(key)] = detach(value);
    }
  }
  return out;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? detach(v) : undefined;
}

function uuid(v: unknown): string | undefined {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
  return s === '' ? undefined : detach(s);
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}
