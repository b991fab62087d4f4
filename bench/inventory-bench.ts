// SPDX-License-Identifier: Apache-2.0
import { isDeepStrictEqual } from 'node:util';
import type { InventoryVm } from '../src/vsphere/inventory/inventory-vm.ts';
import { readInventory } from '../src/vsphere/inventory/read-inventory.ts';
import { openVCenterConnection } from '../src/vsphere/vcenter-connection.ts';
import { startVcsim, type CallCounters, type Vcsim } from '../test/support/vcsim.ts';
import { generatedVm, type ScenarioGenerate, type VcsimScenario } from '../test/vcsim/scenario.ts';
import { check } from './bench-check-error.ts';
import { median, secondsSince } from './measure.ts';

/** One way of reading the inventory. */
export interface InventoryVariant {
  readonly label: string;
  readonly zones: boolean;
  /** Page size asked of the property collector; absent = the server's choice. */
  readonly maxObjects?: number;
}

/** How the inventory benchmark runs. */
export interface InventoryBenchOptions {
  readonly vms: number;
  readonly variants: readonly InventoryVariant[];
  /** Timed runs per variant, after one untimed warm-up run for the whole benchmark. */
  readonly runs: number;
  readonly signal: AbortSignal;
}

/** The figures of one variant; every run behind them returned the expected VMs. */
export interface InventoryVariantResult {
  readonly variant: InventoryVariant;
  /** Calls the simulator received in the first timed run (the server's view). */
  readonly counters: CallCounters;
  readonly soapTotal: number;
  readonly restTotal: number;
  /** Every timed run made the same calls. */
  readonly countersStable: boolean;
  /** `readInventory` alone, per run. */
  readonly readSeconds: readonly number[];
  /** Connect and log in, read, log out and close, per run. */
  readonly sessionSeconds: readonly number[];
  readonly medianReadSeconds: number;
  readonly medianSessionSeconds: number;
  readonly vmsListed: number;
}

const zoneCategory = 'k8s-zone';
const regionCategory = 'k8s-region';
const generate: Omit<ScenarioGenerate, 'count'> = {
  datacenter: 'dc-east',
  cluster: 'c1',
  namePrefix: 'bench-',
  ipv6: true,
};

/** `vms` generated VMs in cluster c1 of dc-east, and zone/region tags on clusters and datacenters. */
export function benchScenario(vms: number): VcsimScenario {
  const on = (kind: 'cluster' | 'datacenter', datacenter: string, name: string) => ({
    kind,
    datacenter,
    name,
  });
  return {
    credentials: { username: 'administrator@vsphere.local', password: 'Bench-Pass-1!' },
    datacenters: [
      {
        name: 'dc-east',
        clusters: [
          { name: 'c1', hosts: ['esx-1', 'esx-2', 'esx-3', 'esx-4'] },
          { name: 'c2', hosts: ['esx-5'] },
        ],
      },
      { name: 'dc-west', clusters: [{ name: 'c3', hosts: ['esx-6'] }] },
    ],
    generate: { ...generate, count: vms },
    tags: {
      categories: [
        { name: zoneCategory, tags: ['zone-a', 'zone-b', 'zone-c'] },
        { name: regionCategory, tags: ['region-east', 'region-west'] },
      ],
      attachments: [
        { category: zoneCategory, tag: 'zone-a', object: on('cluster', 'dc-east', 'c1') },
        { category: zoneCategory, tag: 'zone-b', object: on('cluster', 'dc-east', 'c2') },
        { category: zoneCategory, tag: 'zone-c', object: on('cluster', 'dc-west', 'c3') },
        { category: regionCategory, tag: 'region-east', object: on('datacenter', 'dc-east', 'dc-east') },
        { category: regionCategory, tag: 'region-west', object: on('datacenter', 'dc-west', 'dc-west') },
      ],
    },
  };
}

/**
 * Starts the simulator harness with {@link benchScenario}, then for each variant resets the
 * harness's call counters and runs connect → `readInventory` → close `runs` times through a real
 * TLS-verified connection. Every result is checked; a wrong one throws `BenchCheckError`. The
 * harness is stopped in every case.
 */
export async function runInventoryBench(options: InventoryBenchOptions): Promise<InventoryVariantResult[]> {
  const sim = await startVcsim({ scenario: benchScenario(options.vms), signal: options.signal });
  try {
    const first = options.variants[0];
    if (first !== undefined) await runOnce(sim, first, options);
    const results: InventoryVariantResult[] = [];
    for (const variant of options.variants) results.push(await runVariant(sim, variant, options));
    return results;
  } finally {
    await sim.close();
  }
}

async function runVariant(
  sim: Vcsim,
  variant: InventoryVariant,
  options: InventoryBenchOptions,
): Promise<InventoryVariantResult> {
  const runs = [];
  for (let i = 0; i < options.runs; i++) runs.push(await runOnce(sim, variant, options));
  const first = runs[0];
  if (first === undefined) throw new RangeError('inventory benchmark: runs must be at least 1');
  const sum = (r: Readonly<Record<string, number>>): number => Object.values(r).reduce((a, b) => a + b, 0);
  return {
    variant,
    counters: first.counters,
    soapTotal: sum(first.counters.soap),
    restTotal: sum(first.counters.rest),
    countersStable: runs.every((r) => isDeepStrictEqual(r.counters, first.counters)),
    readSeconds: runs.map((r) => r.readSeconds),
    sessionSeconds: runs.map((r) => r.sessionSeconds),
    medianReadSeconds: median(runs.map((r) => r.readSeconds)),
    medianSessionSeconds: median(runs.map((r) => r.sessionSeconds)),
    vmsListed: first.vms,
  };
}

async function runOnce(
  sim: Vcsim,
  variant: InventoryVariant,
  options: InventoryBenchOptions,
): Promise<{ counters: CallCounters; readSeconds: number; sessionSeconds: number; vms: number }> {
  const { signal } = options;
  await sim.control.resetCounters({ signal });
  const start = performance.now();
  const conn = await openVCenterConnection(
    { server: new URL(sim.sdkUrl).origin, tls: { caPem: sim.certPem }, credentials: () => sim.credentials },
    { signal },
  );
  let vms: InventoryVm[];
  let readSeconds: number;
  try {
    const readStart = performance.now();
    vms = await readInventory(
      conn,
      {
        vcenter: conn.host,
        ...(variant.zones ? { zoneCategory, regionCategory, tagging: conn.tagging } : {}),
        ...(variant.maxObjects === undefined ? {} : { maxObjects: variant.maxObjects }),
      },
      { signal },
    );
    readSeconds = secondsSince(readStart);
  } finally {
    await conn.close();
  }
  const sessionSeconds = secondsSince(start);
  checkInventory(vms, options.vms, variant);
  return { counters: await sim.control.counters({ signal }), readSeconds, sessionSeconds, vms: vms.length };
}

/** Every generated VM is listed once with its identity, addresses, placement and zone. */
function checkInventory(vms: readonly InventoryVm[], count: number, variant: InventoryVariant): void {
  const where = `inventory (${variant.label})`;
  check(vms.length === count, () => `${where}: expected ${count} VMs, got ${vms.length}`);
  const byName = new Map(vms.map((vm) => [vm.name, vm]));
  const spec = { ...generate, count };
  for (let i = 1; i <= count; i++) {
    const want = generatedVm(spec, i);
    const got = byName.get(want.name);
    check(got !== undefined, () => `${where}: ${want.name} missing`);
    const ips = got.nics.flatMap((n) => n.ipAddresses);
    const expected = {
      biosUuid: want.biosUuid,
      instanceUuid: want.instanceUuid,
      guestHostName: want.hostName,
      powerState: 'poweredOn',
      datacenter: 'dc-east',
      cluster: 'c1',
      zone: variant.zones ? 'zone-a' : null,
      region: variant.zones ? 'region-east' : null,
      ips: [want.ipv4, want.ipv6],
    };
    const actual = {
      biosUuid: got.biosUuid,
      instanceUuid: got.instanceUuid,
      guestHostName: got.guestHostName,
      powerState: got.powerState,
      datacenter: got.datacenter,
      cluster: got.cluster,
      zone: got.zone,
      region: got.region,
      ips,
    };
    check(isDeepStrictEqual(actual, expected), () => `${where}: ${want.name} is ${JSON.stringify(actual)}`);
  }
}
