// SPDX-License-Identifier: Apache-2.0
// The provider rules of issue 4 on simulator scenarios, through the real config loader, pool and
// indexes: two vCenters, two datacenters, duplicate guest host names, IPv6-only and dual stack,
// a powered-off VM after a restart, a VM destroyed and recreated under the same name (#501),
// zone/region tags on datacenter, cluster, host, resource pool and VM, and a vCenter paused in
// the middle of lookups (errors, never "gone" or "not found").
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { Agent } from 'undici';
import { openConfigPool } from '../../src/app/config-pool.ts';
import { InstanceNotFoundError, ProviderUnavailableError } from '../../src/cloud/errors.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfigText } from '../../src/config/load-config.ts';
import { AbsenceNotConfirmedError, NodeIdentityConflictError } from '../../src/provider/absence-rule.ts';
import { explainNode } from '../../src/provider/explain-node.ts';
import type { IndexedVm } from '../../src/provider/inventory/indexed-vm.ts';
import { NodeAddressError } from '../../src/provider/node-addresses.ts';
import { AmbiguousVmError } from '../../src/provider/vm-locator.ts';
import { VSphereProvider } from '../../src/provider/vsphere-provider.ts';
import { ZoneTagsMissingError } from '../../src/provider/zone-chains.ts';
import { login, objectSpec, prop, retrieve, returnval, soap } from '../vcsim/raw-soap.ts';
import { startVcsim, type Vcsim } from '../support/vcsim.ts';

const EAST_SCENARIO = resolve(import.meta.dirname, '../vcsim/scenarios/provider-east.json');
const WEST_SCENARIO = resolve(import.meta.dirname, '../vcsim/scenarios/provider-west.json');
const east = (n: string) => `4237e000-0000-4000-8000-${n.padStart(12, '0')}`;
const WEST_1 = '4237b000-0000-4000-8000-000000000001';
const ABSENCE_CONFIRM_MS = 300;

interface VCenterEntry {
  readonly name: string;
  readonly sim: Vcsim;
  readonly datacenters?: readonly string[];
  readonly ipFamily?: readonly string[];
}

/** A YAML cloud config for the given harnesses, with zone and region categories. */
function cloudConfig(entries: readonly VCenterEntry[]): string {
  const lines = ['vcenter:'];
  for (const { name, sim, datacenters, ipFamily } of entries) {
    lines.push(
      `  ${name}:`,
      '    server: 127.0.0.1',
      `    port: ${new URL(sim.sdkUrl).port}`,
      `    user: ${JSON.stringify(sim.credentials.username)}`,
      `    password: ${JSON.stringify(sim.credentials.password)}`,
      `    thumbprint: ${JSON.stringify(sim.thumbprintSha256)}`,
    );
    if (datacenters !== undefined) lines.push(`    datacenters: ${JSON.stringify(datacenters)}`);
    if (ipFamily !== undefined) lines.push(`    ipFamily: ${JSON.stringify(ipFamily)}`);
  }
  lines.push('labels:', '  zone: k8s-zone', '  region: k8s-region');
  return `${lines.join('\n')}\n`;
}

/** Polls a local condition (no I/O) until it holds. */
async function until(probe: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = performance.now();
  while (!probe()) {
    if (performance.now() - started > timeoutMs) assert.fail(`not within ${String(timeoutMs)} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Running {
  readonly provider: VSphereProvider;
  readonly config: ReturnType<typeof loadConfigText>['config'];
  close(): Promise<void>;
}

/** The first VM of tenant `tenantRef`'s index that satisfies `test`. */
function indexedVm(run: Running, tenantRef: string, test: (vm: IndexedVm) => boolean): IndexedVm | undefined {
  const vc = run.provider.locator.vcenters().find((v) => v.tenantRef === tenantRef);
  return vc?.index?.vms().find(test);
}

/** Clones `source` (VM CloneVM_Task, which the project's client does not need) and waits for it. */
async function cloneVm(sim: Vcsim, source: IndexedVm, name: string): Promise<void> {
  const agent = new Agent({ connect: { ca: sim.certPem } });
  try {
    const { cookie } = await soap(
      sim.sdkUrl,
      agent,
      login(sim.credentials.username, sim.credentials.password),
    );
    assert.ok(cookie !== undefined && source.parent !== undefined);
    const reply = await soap(
      sim.sdkUrl,
      agent,
      '<CloneVM_Task xmlns="urn:vim25">' +
        `<_this type="VirtualMachine">${source.ref.value}</_this>` +
        `<folder type="Folder">${source.parent.value}</folder><name>${name}</name>` +
        '<spec><location></location><template>false</template><powerOn>false</powerOn></spec></CloneVM_Task>',
      { cookie },
    );
    const task = returnval(reply.text);
    assert.ok(task !== undefined, `CloneVM_Task reply: ${reply.text}`);
    for (let i = 0; ; i += 1) {
      const info = await soap(sim.sdkUrl, agent, retrieve('Task', ['info.state'], objectSpec('Task', task)), {
        cookie,
      });
      const state = prop(info.text, 'info.state');
      if (state === 'success') break;
      assert.ok(state !== 'error' && i < 200, `clone task ${task} ended as ${String(state)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    await soap(
      sim.sdkUrl,
      agent,
      '<Logout xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this></Logout>',
      { cookie },
    );
  } finally {
    await agent.close();
  }
}

describe('vSphere provider scenarios (issue 4, §5)', () => {
  let eastSim: Vcsim;
  let westSim: Vcsim;
  let main: Running;
  const opened: Running[] = [];

  /** A provider built exactly as the CCM builds it, from cloud-config text and an environment. */
  async function openProvider(text: string, env: Record<string, string> = {}): Promise<Running> {
    const { config } = loadConfigText(text, { env });
    const connections = await openConfigPool(config, {
      callTimeoutMs: 5_000,
      retryInitialMs: 100,
      retryMaxMs: 500,
    });
    const provider = new VSphereProvider({
      config,
      pool: connections.pool,
      env,
      absenceConfirmMs: ABSENCE_CONFIRM_MS,
      checkTimeoutMs: 1_500,
      connectRetryMs: 100,
      index: { maxWaitSeconds: 2, backoff: { initialMs: 50, maxMs: 400 } },
    });
    const running = provider.start(new AbortController().signal);
    const handle: Running = {
      provider,
      config,
      close: async () => {
        await provider.close();
        await running;
        await connections.close();
      },
    };
    opened.push(handle);
    await provider.waitForSync({ timeoutMs: 10_000 });
    await until(
      () => provider.state().every((s) => s.index?.tags?.loadedAt !== undefined),
      10_000,
      'tags loaded',
    );
    return handle;
  }

  const both = (): string =>
    cloudConfig([
      { name: 'east', sim: eastSim },
      { name: 'west', sim: westSim },
    ]);

  before(async () => {
    [eastSim, westSim] = await Promise.all([
      startVcsim({ scenario: EAST_SCENARIO }),
      startVcsim({ scenario: WEST_SCENARIO }),
    ]);
    main = await openProvider(both());
  });
  after(async () => {
    await westSim.control.resume().catch(() => undefined);
    await Promise.all(opened.map((r) => r.close()));
    await Promise.all([eastSim.close(), westSim.close()]);
  });

  test('given two vCenters, should find each node in its own vCenter and answer from that one', async () => {
    const w1 = main.provider.locator.locate({ name: 'w-1' });
    const a1 = main.provider.locator.locate({ name: 'a-1' });
    assert.deepEqual(
      [w1.tenantRef, w1.datacenter?.name, a1.tenantRef, a1.datacenter?.name],
      ['west', 'dc-w', 'east', 'dc-a'],
    );
    const metadata = await main.provider.instanceMetadata({ name: 'w-1' });
    assert.deepEqual(metadata, {
      providerID: `vsphere://${WEST_1}`,
      instanceType: 'vsphere-vm.cpu-2.mem-2gb.os-centos7',
      nodeAddresses: [
        { type: 'Hostname', address: 'w-1' },
        { type: 'InternalIP', address: '10.20.0.1' },
        { type: 'ExternalIP', address: '10.20.0.1' },
      ],
      zone: 'zone-w',
      region: 'region-w',
      additionalLabels: {},
    });
    assert.equal(
      await main.provider.instanceExists({ name: 'w-1', providerID: `vsphere://${WEST_1}` }),
      true,
    );
    await assert.rejects(main.provider.instanceMetadata({ name: 'cross.example.local' }), (err) => {
      assert.ok(err instanceof AmbiguousVmError);
      assert.match(err.message, /^Multiple VMs found for host name "cross\.example\.local": /);
      assert.deepEqual(
        err.candidates.map((c) => c.split('/')[0]),
        ['east', 'west'],
      );
      return true;
    });
  });

  test('given two datacenters, should find VMs in both, report duplicates and honour a datacenter scope', async () => {
    const pool = main.provider.locator.locate({ name: 'b-pool' });
    assert.equal(pool.datacenter?.name, 'dc-b');
    await assert.rejects(main.provider.instanceMetadata({ name: 'dup.example.local' }), (err) => {
      assert.ok(err instanceof AmbiguousVmError);
      assert.match(
        err.message,
        /^Multiple VMs found for host name "dup\.example\.local": east\/VirtualMachine:vm-\d+, east\/VirtualMachine:vm-\d+$/,
      );
      return true;
    });
    const dupByUuid = await main.provider.instanceMetadata({
      name: 'dup.example.local',
      providerID: `vsphere://${east('6')}`,
    });
    assert.equal(dupByUuid.nodeAddresses[1]?.address, '10.10.0.6', 'a providerID is never ambiguous');

    const scoped = await openProvider(cloudConfig([{ name: 'east', sim: eastSim, datacenters: ['dc-b'] }]));
    const onlyB = await scoped.provider.instanceMetadata({ name: 'dup.example.local' });
    assert.equal(onlyB.providerID, `vsphere://${east('7')}`);
    await assert.rejects(scoped.provider.instanceMetadata({ name: 'a-1' }), InstanceNotFoundError);
  });

  test('given duplicate guest host names in one vCenter, should refuse every name-based answer', async () => {
    const node = { name: 'dup.example.local' };
    for (const call of [
      () => main.provider.instanceMetadata(node),
      () => main.provider.instanceShutdown(node),
      () => main.provider.instanceExists(node),
    ]) {
      await assert.rejects(
        call(),
        (err) => err instanceof AmbiguousVmError && err.message.startsWith('Multiple VMs found'),
      );
    }
  });

  test('given IPv6-only guests, should publish IPv6 addresses for an ipv6 vCenter and fail for ipv4', async () => {
    const v6 = await openProvider(cloudConfig([{ name: 'east', sim: eastSim, ipFamily: ['ipv6'] }]));
    const metadata = await v6.provider.instanceMetadata({ name: 'v6-only' });
    assert.deepEqual(metadata.nodeAddresses, [
      { type: 'Hostname', address: 'v6-only' },
      { type: 'InternalIP', address: 'fd00:20::8' },
      { type: 'ExternalIP', address: 'fd00:20::8' },
    ]);
    await assert.rejects(
      main.provider.instanceMetadata({ name: 'v6-only' }),
      (err) =>
        err instanceof NodeAddressError &&
        err.message === `unable to find suitable IP address for node ${east('8')} with IP family ipv4`,
    );
    await assert.rejects(
      v6.provider.instanceMetadata({ name: 'a-1' }),
      (err) =>
        err instanceof NodeAddressError &&
        err.message === `unable to find suitable IP address for node ${east('1')} with IP family ipv6`,
    );
  });

  test('given dual stack, should need ENABLE_ALPHA_DUAL_STACK and then publish both families in order', async () => {
    const text = cloudConfig([{ name: 'east', sim: eastSim, ipFamily: ['ipv4', 'ipv6'] }]);
    assert.throws(
      () => loadConfigText(text, { env: {} }),
      (err) =>
        err instanceof ConfigError &&
        err.issues.some((i) =>
          i.message.includes(
            'mulitple IP families specified for virtual center "east" but ENABLE_ALPHA_DUAL_STACK env var is not set',
          ),
        ),
    );
    const dual = await openProvider(text, { ENABLE_ALPHA_DUAL_STACK: 'true' });
    const metadata = await dual.provider.instanceMetadata({ name: 'dual' });
    assert.deepEqual(metadata.nodeAddresses, [
      { type: 'Hostname', address: 'dual' },
      { type: 'InternalIP', address: '10.10.0.9' },
      { type: 'ExternalIP', address: '10.10.0.9' },
      { type: 'InternalIP', address: 'fd00:10::9' },
      { type: 'ExternalIP', address: 'fd00:10::9' },
    ]);
    await assert.rejects(
      dual.provider.instanceMetadata({ name: 'v6-only' }),
      (err) => err instanceof NodeAddressError && err.message.endsWith('with IP family ipv4'),
    );
  });

  test('given tags on datacenter, cluster, host, resource pool and VM, should take the nearest per key', async () => {
    const expected: Record<
      string,
      [zone: string, region: string, chain: string, zoneOn: string, regionOn: string]
    > = {
      'a-1': ['zone-host-a1', 'region-ca', 'host', 'esx-a1', 'ca'],
      'a-2': ['zone-ca', 'region-ca', 'host', 'ca', 'ca'],
      'b-pool': ['zone-rp', 'region-b', 'resourcePool', 'rp-z', 'dc-b'],
      'a-solo': ['zone-vm', 'region-a', 'vm', 'a-solo', 'dc-a'],
    };
    for (const [name, [zone, region, chain, zoneOn, regionOn]] of Object.entries(expected)) {
      const metadata = await main.provider.instanceMetadata({ name });
      assert.deepEqual([metadata.zone, metadata.region], [zone, region], name);
      const e = await explainNode(
        { name },
        { locator: main.provider.locator, instances: main.provider, config: main.config },
      );
      assert.deepEqual(
        [e.zoneSource?.chain, e.zoneSource?.zone.name, e.zoneSource?.region.name],
        [chain, zoneOn, regionOn],
        `${name}: where each tag came from`,
      );
    }
    const untagged = main.provider.locator.locate({ name: 'b-untagged' });
    await assert.rejects(
      main.provider.instanceMetadata({ name: 'b-untagged' }),
      (err) =>
        err instanceof ZoneTagsMissingError &&
        err.message ===
          `vSphere zone category k8s-zone does not match any tags for mo: VirtualMachine:${untagged.vm.ref.value}`,
    );
  });

  test('given a VM powered off and the CCM restarted, should say shut down and existing, never gone', async () => {
    const node = { name: 'restarts', providerID: `vsphere://${east('a')}` };
    await eastSim.control.power('restarts', 'suspended');
    await until(
      () => indexedVm(main, 'east', (vm) => vm.name === 'restarts')?.powerState === 'suspended',
      5_000,
      'suspended',
    );
    assert.equal(await main.provider.instanceShutdown(node), true, 'suspended counts as shut down');
    await eastSim.control.power('restarts', 'poweredOff');
    await eastSim.control.setGuest('restarts', { guestInfo: false });
    const restarted = await openProvider(both());
    assert.equal(await restarted.provider.instanceShutdown(node), true);
    assert.equal(await restarted.provider.instanceExists(node), true);
    await assert.rejects(
      restarted.provider.instanceMetadata(node),
      (err) => err instanceof NodeAddressError && err.message === 'VM Guest hostname is empty',
    );
  });

  test('given a VM destroyed and recreated under the same name (#501), should never match the old Node to it', async () => {
    const oldNode = { name: 'recycled', providerID: `vsphere://${east('501')}` };
    assert.equal((await main.provider.instanceMetadata(oldNode)).providerID, oldNode.providerID);
    await eastSim.control.destroy('recycled');
    await until(
      () => indexedVm(main, 'east', (vm) => vm.name === 'recycled') === undefined,
      5_000,
      'old VM gone',
    );
    const template = indexedVm(main, 'east', (vm) => vm.name === 'template');
    assert.ok(template !== undefined);
    await cloneVm(eastSim, template, 'recycled');
    await eastSim.control.setGuest('recycled', { hostName: 'recycled', nics: [{ ipv4: ['10.10.5.2/24'] }] });
    await eastSim.control.power('recycled', 'poweredOn');
    await until(
      () =>
        indexedVm(main, 'east', (vm) => vm.guestHostName === 'recycled' && vm.powerState === 'poweredOn') !==
        undefined,
      5_000,
      'the recreated VM in the index',
    );
    const recreated = indexedVm(main, 'east', (vm) => vm.guestHostName === 'recycled');
    assert.ok(recreated?.biosUuid !== undefined && recreated.biosUuid !== east('501'), 'a new BIOS UUID');

    await assert.rejects(main.provider.instanceMetadata(oldNode), InstanceNotFoundError);
    await assert.rejects(main.provider.instanceShutdown(oldNode), InstanceNotFoundError);
    await assert.rejects(main.provider.instanceExists(oldNode), NodeIdentityConflictError);
    await new Promise((r) => setTimeout(r, ABSENCE_CONFIRM_MS));
    await assert.rejects(main.provider.instanceExists(oldNode), NodeIdentityConflictError, 'still not gone');
    const fresh = await main.provider.instanceMetadata({ name: 'recycled' });
    assert.equal(fresh.providerID, `vsphere://${recreated.biosUuid}`);
    assert.deepEqual(fresh.nodeAddresses[1], { type: 'InternalIP', address: '10.10.5.2' });
  });

  test('given a vCenter paused in the middle of the authoritative check, should reject, never answer false', async () => {
    const ghost = { name: 'ghost', providerID: 'vsphere://4237dead-0000-4000-8000-000000000001' };
    await assert.rejects(main.provider.instanceExists(ghost), AbsenceNotConfirmedError);
    await new Promise((r) => setTimeout(r, ABSENCE_CONFIRM_MS));
    await westSim.control.setLatency(600, 'FindByUuid');
    await westSim.control.resetCounters();
    try {
      const pending = main.provider.instanceExists(ghost).then(
        (value) => value,
        (err: unknown) => err,
      );
      await new Promise((r) => setTimeout(r, 150));
      await westSim.control.pause('refuse');
      const outcome = await pending;
      assert.ok(outcome instanceof Error, `resolved ${String(outcome)} while west was paused mid-check`);
      assert.ok(
        !(outcome instanceof AbsenceNotConfirmedError),
        `the check itself failed: ${outcome.message}`,
      );
      const { soap: calls } = await westSim.control.counters();
      assert.ok((calls['FindByUuid'] ?? 0) >= 1, 'the search had reached west when it was paused');
    } finally {
      await westSim.control.resume();
      await westSim.control.setLatency(0, 'FindByUuid');
    }
  });

  test('given a vCenter refusing connections, should reject lookups it could answer, and keep answering the other', async () => {
    const ghost = { name: 'ghost-2', providerID: 'vsphere://4237dead-0000-4000-8000-000000000002' };
    const w1 = { name: 'w-1', providerID: `vsphere://${WEST_1}` };
    await until(() => main.provider.state()[1]?.index?.healthy === true, 10_000, 'west current');
    await westSim.control.pause('refuse');
    try {
      await until(() => main.provider.state()[1]?.index?.healthy === false, 10_000, 'west not current');
      const outcomes = await Promise.all(
        [
          main.provider.instanceMetadata(w1),
          main.provider.instanceShutdown(w1),
          main.provider.instanceMetadata({ name: 'nobody' }),
          main.provider.instanceExists({ name: 'nobody' }),
        ].map((p) => p.catch((err: unknown) => err)),
      );
      assert.ok(
        outcomes.every((o) => o instanceof ProviderUnavailableError),
        outcomes.map(String).join(' | '),
      );
      const ghostOutcome = await main.provider.instanceExists(ghost).catch((err: unknown) => err);
      assert.ok(ghostOutcome instanceof Error, `ghost: ${String(ghostOutcome)}`);
      assert.equal(await main.provider.instanceExists(w1), true, 'a VM the index has still exists');
      assert.equal((await main.provider.instanceMetadata({ name: 'a-1' })).zone, 'zone-host-a1');
    } finally {
      await westSim.control.resume();
    }
    await until(() => main.provider.state()[1]?.index?.healthy === true, 10_000, 'west current again');
    assert.equal(await main.provider.instanceShutdown(w1), false);
  });
});
