// SPDX-License-Identifier: Apache-2.0

/** One guest NIC as VMware Tools reports it (`guest.net[]`). */
export interface InventoryNic {
  readonly network: string | undefined;
  /** Virtual device key of the NIC; -1 for NICs only the guest knows (bridges, CNI devices). */
  readonly deviceConfigId: number;
  readonly macAddress: string | undefined;
  readonly ipAddresses: readonly string[];
}

/**
 * A VM as the cloud provider sees it. This is the stable JSON shape of `vsphere-ccm inventory
 * --output json` (camelCase, absent values as null), reused by later commands.
 */
export interface InventoryVm {
  readonly vcenter: string;
  readonly datacenter: string | null;
  readonly name: string;
  /** `VirtualMachine:vm-42`. */
  readonly moref: string;
  /** `config.uuid`, lower-case: the providerID is `vsphere://` + this. */
  readonly biosUuid: string | null;
  readonly instanceUuid: string | null;
  readonly powerState: string | null;
  readonly guestHostName: string | null;
  readonly nics: readonly InventoryNic[];
  readonly host: string | null;
  readonly cluster: string | null;
  readonly numCpu: number | null;
  readonly memoryMB: number | null;
  readonly guestId: string | null;
  /** Nearest tagged ancestor's tag in the zone category; null when not asked or not tagged. */
  readonly zone: string | null;
  readonly region: string | null;
}
