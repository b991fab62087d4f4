// SPDX-License-Identifier: Apache-2.0
// InstancesV2 of the vSphere provider against the simulator harness, over the real pool and
// indexes: metadata/shutdown/exists for the basic scenario, a powered-off VM after a restart, a
// destroyed VM (false only after two observations and the MoRef check), a vCenter paused during
// lookups (errors, never false), and the cost of lookups once the index is synced (no calls).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { NodesConfig, VCenterConfig } from '../../src/config/config.ts';
import type { NodeIdentity } from '../../src/cloud/instances.ts';
import { InstanceNotFoundError, ProviderUnavailableError } from '../../src/cloud/errors.ts';
import { SourcedCredentialProvider } from '../../src/credentials/credential-provider.ts';
import { AbsenceNotConfirmedError } from '../../src/provider/absence-rule.ts';
import { CheckTimeoutError } from '../../src/provider/authoritative-check.ts';
import { NodeAddressError } from '../../src/provider/node-addresses.ts';
import { VCenterPool } from '../../src/provider/vcenter-pool.ts';
import { NodeNameMismatchError } from '../../src/provider/vm-locator.ts';
import { VSphereProvider, type VSphereProviderOptions } from '../../src/provider/vsphere-provider.ts';
import { startVcsim, type CallCounters, type Vcsim } from '../support/vcsim.ts';

const scenario = resolve(import.meta.dirname, '../vcsim/scenarios/basic.json');
const uuid = (n: number) => `4237a1b2-c3d4-e5f6-0718-293a4b5c6d0${n}`;
/** The kubelet's systemUUID of node-2: SMBIOS byte order of its BIOS UUID. */
const NODE2_SYSTEM_UUID = 'b2a13742-d4c3-f6e5-0718-293a4b5c6d02';
const ABSENCE_CONFIRM_MS = 300;

const noNodeFilters: NodesConfig = {
  internalNetworkSubnetCidrs: [],
  externalNetworkSubnetCidrs: [],
  internalVmNetworkName: undefined,
  externalVmNetworkName: undefined,
  excludeInternalNetworkSubnetCidrs: [],
  excludeExternalNetworkSubnetCidrs: [],
};

/** Polls a local condition (no I/O) until it holds. */
async function until(probe: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = performance.now();
  while (!probe()) {
    if (performance.now() - started > timeoutMs) assert.fail(`not within ${String(timeoutMs)} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const withoutLongPoll = (c: CallCounters) =>
  Object.fromEntries(Object.entries(c.soap).filter(([method]) => method !== 'WaitForUpdatesEx'));

interface Running {
  readonly provider: VSphereProvider;
  close(): Promise<void>;
}

describe('vSphere provider InstancesV2 against the simulator', () => {
  let sim: Vcsim;
  let main: Running;
  const opened: Running[] = [];

  /** A provider over a fresh pool, from an in-memory cloud config with inline credentials. */
  async function openProvider(extra: Partial<VSphereProviderOptions> = {}): Promise<Running> {
    const url = new URL(sim.sdkUrl);
    const vc: VCenterConfig = {
      tenantRef: 'sim',
      server: url.hostname,
      port: Number(url.port),
      user: sim.credentials.username,
      password: sim.credentials.password,
      insecure: false,
      caFile: undefined,
      thumbprint: sim.thumbprintSha256,
      datacenters: [],
      ipFamilies: ['ipv4'],
      soapRoundtripCount: 1,
      secretRef: undefined,
    };
    const config = {
      vcenters: new Map([['sim', vc]]),
      labels: { zone: 'k8s-zone', region: 'k8s-region' },
      nodes: noNodeFilters,
    };
    const credentials = new SourcedCredentialProvider({
      global: {
        user: undefined,
        password: undefined,
        secretName: undefined,
        secretNamespace: undefined,
        secretsDirectory: undefined,
      },
      vcenters: config.vcenters.values(),
    });
    const pool = new VCenterPool({
      vcenters: [vc],
      credentials,
      callTimeoutMs: 5_000,
      retryInitialMs: 100,
      retryMaxMs: 500,
    });
    const provider = new VSphereProvider({
      config,
      pool,
      absenceConfirmMs: ABSENCE_CONFIRM_MS,
      checkTimeoutMs: 1_500,
      connectRetryMs: 100,
      index: { maxWaitSeconds: 2, backoff: { initialMs: 50, maxMs: 400 } },
      ...extra,
    });
    const running = provider.start(new AbortController().signal);
    const handle: Running = {
      provider,
      close: async () => {
        await provider.close();
        await running;
        await pool.close();
      },
    };
    opened.push(handle);
    await provider.waitForSync({ timeoutMs: 10_000 });
    await until(() => provider.state()[0]?.index?.tags?.loadedAt !== undefined, 10_000, 'tags loaded');
    return handle;
  }

  before(async () => {
    sim = await startVcsim({ scenario });
    main = await openProvider();
  });
  after(async () => {
    await sim.control.resume().catch(() => undefined);
    await Promise.all(opened.map((r) => r.close()));
    await sim.close();
  });

  test('given node-1 by name, should publish the Go CPI metadata from the index', async () => {
    const metadata = await main.provider.instanceMetadata({ name: 'node-1' });
    assert.deepEqual(metadata, {
      providerID: `vsphere://${uuid(1)}`,
      instanceType: 'vsphere-vm.cpu-4.mem-8gb.os-ubuntu',
      nodeAddresses: [
        { type: 'Hostname', address: 'node-1' },
        { type: 'InternalIP', address: '10.0.0.11' },
        { type: 'ExternalIP', address: '10.0.0.11' },
      ],
      zone: 'zone-a',
      region: 'region-east',
      additionalLabels: {},
    });
    const match = main.provider.locator.locate({ name: 'node-1' });
    assert.deepEqual(
      [match.tenantRef, match.datacenter?.name, match.matchedBy],
      ['sim', 'dc-east', 'hostname'],
    );
  });

  test('given the kubelet systemUUID of node-2, should find it by the swapped UUID', async () => {
    const node: NodeIdentity = { name: 'node-2', systemUUID: NODE2_SYSTEM_UUID };
    assert.equal(main.provider.locator.locate(node).matchedBy, 'swapped-uuid');
    const metadata = await main.provider.instanceMetadata(node);
    assert.equal(metadata.providerID, `vsphere://${uuid(2)}`);
    assert.equal(metadata.instanceType, 'vsphere-vm.cpu-2.mem-4gb.os-ubuntu');
    assert.deepEqual([metadata.zone, metadata.region], ['zone-a', 'region-east']);
  });

  test('given VMs in the other datacenter, on a standalone host and without tools, should answer each rule', async () => {
    const node4 = { name: 'node-4', providerID: `vsphere://${uuid(4)}` };
    assert.equal(await main.provider.instanceExists(node4), true);
    assert.equal(await main.provider.instanceShutdown(node4), false);
    await assert.rejects(
      main.provider.instanceMetadata(node4),
      (err) => err instanceof NodeAddressError && err.message === 'VM Guest hostname is empty',
    );
    await assert.rejects(
      main.provider.instanceMetadata({ name: 'node-5-mixed.example.local' }),
      NodeNameMismatchError,
    );
    const node5 = await main.provider.instanceMetadata({ name: 'Node-5-Mixed.Example.Local' });
    assert.deepEqual([node5.zone, node5.region], ['zone-west', 'region-west']);
    await assert.rejects(main.provider.instanceMetadata({ name: 'no-such-node' }), InstanceNotFoundError);
  });

  test('given a synced index, should answer metadata, shutdown and exists with no vCenter call', async () => {
    await sim.control.resetCounters();
    for (let n = 1; n <= 3; n += 1) {
      const node = { name: `node-${String(n)}`, providerID: `vsphere://${uuid(n)}` };
      await main.provider.instanceMetadata(node);
      await main.provider.instanceShutdown(node);
      assert.equal(await main.provider.instanceExists(node), true);
    }
    const counters = await sim.control.counters();
    assert.deepEqual(withoutLongPoll(counters), {}, 'no SOAP call besides the index long poll');
    assert.deepEqual(counters.rest, {}, 'no REST call: zones come from the tag snapshot');
  });

  test('given a powered-off VM without guest data and a fresh provider, should say shut down and existing', async () => {
    await sim.control.setGuest('node-3', { guestInfo: false });
    const restarted = await openProvider();
    const node3 = { name: 'node-3', providerID: `vsphere://${uuid(3)}` };
    assert.equal(await restarted.provider.instanceShutdown(node3), true);
    assert.equal(await restarted.provider.instanceExists(node3), true);
    await assert.rejects(restarted.provider.instanceMetadata(node3), NodeAddressError);
    await restarted.close();
  });

  test('given a destroyed VM, should answer false only after two observations and the MoRef check', async () => {
    const node2 = { name: 'node-2', providerID: `vsphere://${uuid(2)}` };
    assert.equal(await main.provider.instanceExists(node2), true);
    await sim.control.destroy('node-2');
    await until(() => main.provider.state()[0]?.index?.vms === 5, 5_000, 'the index saw the VM go');
    await sim.control.resetCounters();
    await assert.rejects(main.provider.instanceExists(node2), AbsenceNotConfirmedError);
    const first = (await sim.control.counters()).soap;
    assert.deepEqual(
      [first['RetrievePropertiesEx'], first['FindByUuid']],
      [undefined, undefined],
      'the first observation asks nothing',
    );
    await new Promise((r) => setTimeout(r, ABSENCE_CONFIRM_MS));
    assert.equal(await main.provider.instanceExists(node2), false);
    // The index itself may resync around a destroy (the simulator drops the long poll), so only
    // the two methods of the check are compared.
    const { soap } = await sim.control.counters();
    assert.deepEqual(
      { RetrievePropertiesEx: soap['RetrievePropertiesEx'], FindByUuid: soap['FindByUuid'] },
      { RetrievePropertiesEx: 1, FindByUuid: 2 },
      'one MoRef check, one search per UUID form',
    );
    await assert.rejects(main.provider.instanceShutdown(node2), InstanceNotFoundError);
  });

  test('given a vCenter that hangs during the authoritative check, should reject, never answer false', async () => {
    const ghost = { name: 'ghost', providerID: 'vsphere://4237a1b2-c3d4-e5f6-0718-293a4b5c6d99' };
    await assert.rejects(main.provider.instanceExists(ghost), AbsenceNotConfirmedError);
    await new Promise((r) => setTimeout(r, ABSENCE_CONFIRM_MS));
    await sim.control.pause('hang');
    try {
      const outcome = await main.provider.instanceExists(ghost).catch((err: unknown) => err);
      assert.ok(outcome instanceof CheckTimeoutError, `rejected: ${String(outcome)}`);
    } finally {
      await sim.control.resume();
    }
  });

  test('given a vCenter refusing connections, should reject lookups until it is back', async () => {
    const node1 = { name: 'node-1', providerID: `vsphere://${uuid(1)}` };
    const ghost = { name: 'ghost', providerID: 'vsphere://4237a1b2-c3d4-e5f6-0718-293a4b5c6d98' };
    await sim.control.pause('refuse');
    try {
      await until(() => main.provider.state()[0]?.index?.healthy === false, 10_000, 'index not current');
      const outcomes = await Promise.all([
        main.provider.instanceExists(ghost).catch((err: unknown) => err),
        main.provider.instanceShutdown(node1).catch((err: unknown) => err),
        main.provider.instanceMetadata(node1).catch((err: unknown) => err),
      ]);
      assert.ok(
        outcomes.every((o) => o instanceof ProviderUnavailableError),
        outcomes.map(String).join(' | '),
      );
      assert.equal(await main.provider.instanceExists(node1), true, 'a VM the index has still exists');
    } finally {
      await sim.control.resume();
    }
    await until(() => main.provider.state()[0]?.index?.healthy === true, 10_000, 'index current again');
    assert.equal(await main.provider.instanceShutdown(node1), false);
  });
});
