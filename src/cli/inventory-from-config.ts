// SPDX-License-Identifier: Apache-2.0
import type { CloudConfig } from '../config/config.ts';
import { formatIssue } from '../config/issues.ts';
import { loadConfig } from '../config/load-config.ts';
import { readInventory } from '../vsphere/inventory/read-inventory.ts';
import type { InventoryVm } from '../vsphere/inventory/inventory-vm.ts';
import { openConfigPool } from '../app/config-pool.ts';
import { vcenterFailureLine } from './vcenter-failure-line.ts';

/** `vsphere-ccm inventory --cloud-config FILE` options besides the file. */
export interface ConfigInventoryRequest {
  readonly cloudConfig: string;
  /** Overrides each vCenter's configured datacenters when not empty. */
  readonly datacenters: readonly string[];
  /** Override `labels.zone` / `labels.region`; both or neither. */
  readonly zoneCategory: string | undefined;
  readonly regionCategory: string | undefined;
  readonly callTimeoutMs: number;
}

/** What the configured vCenters hold, and what went wrong on the way. */
export interface ConfigInventory {
  /** The VMs of every vCenter that answered, vCenters in configuration order. */
  readonly vms: InventoryVm[];
  /** True when zone and region were computed. */
  readonly withZones: boolean;
  /** Config warnings, one `path: message` line each. */
  readonly warnings: readonly string[];
  /** One line per vCenter that could not be listed, naming it and the reason. */
  readonly failures: readonly string[];
}

/**
 * Loads the cloud config exactly as the CCM does (environment overrides included), connects to
 * every vCenter in it through the connection pool, with the configured TLS settings, credential
 * sources and datacenter scope, and lists their VMs in parallel. A failing vCenter does not stop
 * the others: it is reported in `failures`. Rejects with `ConfigError` for an invalid config.
 * Every session is logged out and every credential source stopped before it returns.
 */
export async function readInventoryFromConfig(
  request: ConfigInventoryRequest,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ConfigInventory> {
  const { config, warnings } = await loadConfig(request.cloudConfig, { env });
  const vcenters = [...config.vcenters.values()];
  const { pool, close } = await openConfigPool(config, { callTimeoutMs: request.callTimeoutMs });
  const zones = zoneCategories(request, config);
  try {
    const results = await Promise.allSettled(
      vcenters.map(async (vc) => {
        const client = await pool.get(vc.tenantRef);
        return readInventory(client, {
          vcenter: client.host,
          datacenters: request.datacenters.length > 0 ? request.datacenters : vc.datacenters,
          ...zones,
          tagging: client.tagging,
        });
      }),
    );
    const vms: InventoryVm[] = [];
    const failures: string[] = [];
    results.forEach((result, i) => {
      const vc = vcenters[i];
      if (vc === undefined) return;
      if (result.status === 'fulfilled') vms.push(...result.value);
      else failures.push(vcenterFailureLine(vc, config, result.reason));
    });
    return {
      vms,
      withZones: zones.zoneCategory !== undefined,
      warnings: warnings.map(formatIssue),
      failures,
    };
  } finally {
    await close();
  }
}

function zoneCategories(
  request: ConfigInventoryRequest,
  config: CloudConfig,
): { zoneCategory?: string; regionCategory?: string } {
  const zone = request.zoneCategory ?? config.labels.zone;
  const region = request.regionCategory ?? config.labels.region;
  // As in the CCM, zones are computed only when both categories are known.
  return zone === undefined || region === undefined ? {} : { zoneCategory: zone, regionCategory: region };
}
