// SPDX-License-Identifier: Apache-2.0
// Two vCenters (two simulators with different inventories and credentials) behind one pool: each
// tenant reaches its own, and an outage of one never holds up the other.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/vsphere-ccm.ts';
import type { VCenterConfig } from '../../src/config/config.ts';
import type { CredentialProvider, ResolvedCredentials } from '../../src/credentials/credentials.ts';
import { VCenterPool, type VCenterPoolEvent } from '../../src/provider/vcenter-pool.ts';
import { VCenterUnavailableError } from '../../src/provider/vcenter-pool-errors.ts';
import { SoapTimeoutError } from '../../src/vim25/faults.ts';
import { serviceInstance } from '../../src/vim25/client.ts';
import { CurrentTime } from '../../src/vim25/generated/methods.ts';
import { listDatacenters } from '../../src/vsphere/datacenters.ts';
import { readInventory } from '../../src/vsphere/inventory/read-inventory.ts';
import type { InventoryVm } from '../../src/vsphere/inventory/inventory-vm.ts';
import { startVcsim, type Vcsim, type VcsimScenario } from '../support/vcsim.ts';

const eastScenario = resolve(import.meta.dirname, '../vcsim/scenarios/basic.json');

const westScenario: VcsimScenario = {
  credentials: { username: 'ccm@west.local', password: 'West-Pass-2!' },
  datacenters: [{ name: 'dc-b', folder: 'emea', clusters: [{ name: 'cb', hosts: ['esx-b1'] }] }],
  vms: [
    {
      name: 'west-1',
      datacenter: 'dc-b',
      cluster: 'cb',
      biosUuid: '4237b000-0000-4000-8000-000000000001',
      instanceUuid: '5037b000-0000-4000-8000-000000000001',
      hostName: 'west-1',
      nics: [{ ipv4: ['10.2.0.1/24'] }],
    },
  ],
};

function vcenterConfig(tenantRef: string, sim: Vcsim, datacenters: string[]): VCenterConfig {
  const url = new URL(sim.sdkUrl);
  return {
    tenantRef,
    server: url.hostname,
    port: Number(url.port),
    user: undefined,
    password: undefined,
    insecure: false,
    caFile: undefined,
    thumbprint: sim.thumbprintSha256,
    datacenters,
    ipFamilies: ['ipv4'],
    soapRoundtripCount: 3,
    secretRef: undefined,
  };
}

describe('two vCenters behind one pool', () => {
  let east: Vcsim;
  let west: Vcsim;
  const pools: VCenterPool[] = [];

  /** Each tenant gets the credentials of its own simulator. */
  const credentials: CredentialProvider = {
    resolve: (vc): Promise<ResolvedCredentials> => {
      const sim = vc.tenantRef.startsWith('east') ? east : west;
      return Promise.resolve({
        credentials: { kind: 'password', ...sim.credentials },
        version: vc.tenantRef,
        source: 'inline',
      });
    },
  };
  const makePool = (events: VCenterPoolEvent[] = []): VCenterPool => {
    const pool = new VCenterPool({
      vcenters: [vcenterConfig('east', east, ['dc-east']), vcenterConfig('west', west, ['emea/dc-b'])],
      credentials,
      callTimeoutMs: 800,
      connectTimeoutMs: 2_000,
      retryInitialMs: 200,
      onEvent: (e) => events.push(e),
    });
    pools.push(pool);
    return pool;
  };

  before(async () => {
    [east, west] = await Promise.all([
      startVcsim({ scenario: eastScenario }),
      startVcsim({ scenario: westScenario }),
    ]);
  });
  after(async () => {
    await Promise.all([
      east.control.resume().catch(() => undefined),
      west.control.resume().catch(() => undefined),
    ]);
    await Promise.all(pools.map((p) => p.close()));
    await Promise.all([east.close(), west.close()]);
  });

  test('given two tenants, should reach each its own vCenter with its own credentials and scope', async () => {
    await Promise.all([east.control.resetCounters(), west.control.resetCounters()]);
    const pool = makePool();
    const [e, w] = await Promise.all([pool.get('east'), pool.get('west')]);
    assert.deepEqual(
      e.datacenters?.map((dc) => dc.path),
      ['/dc-east'],
    );
    assert.deepEqual(
      w.datacenters?.map((dc) => dc.path),
      ['/emea/dc-b'],
    );
    assert.deepEqual(
      (await listDatacenters(w)).map((dc) => dc.name),
      ['dc-b'],
    );
    const westVms = await readInventory(w, { vcenter: w.host });
    assert.deepEqual(
      westVms.map((vm) => vm.name),
      ['west-1'],
    );
    const eastVms = await readInventory(e, { vcenter: e.host, datacenters: ['dc-east'] });
    assert.ok(eastVms.length > 0 && eastVms.every((vm) => vm.datacenter === 'dc-east'));
    assert.equal((await east.control.counters()).soap['Login'], 1);
    assert.equal((await west.control.counters()).soap['Login'], 1);
  });

  test('given one vCenter hangs, should keep serving the other and report the outage in its state', async () => {
    const events: VCenterPoolEvent[] = [];
    const pool = makePool(events);
    const [e, w] = await Promise.all([pool.get('east'), pool.get('west')]);
    await west.control.pause('hang');
    try {
      const hung = CurrentTime(w.rt, { _this: serviceInstance }).then(
        () => undefined,
        (err: unknown) => err,
      );
      const started = performance.now();
      for (let i = 0; i < 5; i++) await CurrentTime(e.rt, { _this: serviceInstance });
      assert.ok(performance.now() - started < 700, 'east answered while west hung');
      assert.ok((await hung) instanceof SoapTimeoutError);
      const westState = pool.state('west')!;
      assert.equal(westState.connected, false);
      assert.equal(westState.lastError?.code, 'SOAP_TIMEOUT');
      assert.equal(pool.state('east')?.connected, true);
    } finally {
      await west.control.resume();
    }
    await CurrentTime(w.rt, { _this: serviceInstance });
    assert.equal(pool.state('west')?.connected, true);
    assert.deepEqual(
      events.filter((ev) => ev.type === 'reachability'),
      [
        { type: 'reachability', tenantRef: 'west', connected: false },
        { type: 'reachability', tenantRef: 'west', connected: true },
      ],
    );
  });

  test('given one vCenter is down at first use, should connect the other at once and retry after the backoff', async () => {
    const pool = makePool();
    await west.control.pause('refuse');
    try {
      const started = performance.now();
      const [e, w] = await Promise.allSettled([pool.get('east'), pool.get('west')]);
      assert.equal(e.status, 'fulfilled');
      assert.equal(w.status, 'rejected');
      assert.ok(w.reason instanceof VCenterUnavailableError);
      assert.ok(performance.now() - started < 1_500);
      const westState = pool.state('west')!;
      assert.equal(westState.connected, false);
      assert.equal(westState.lastError?.code, 'SOAP_TRANSPORT');
      assert.equal(westState.consecutiveFailures, 1);
      assert.equal(pool.state('east')?.connected, true);
      await assert.rejects(pool.get('west'), /next attempt in/);
    } finally {
      await west.control.resume();
    }
    await new Promise((r) => setTimeout(r, 250));
    const w = await pool.get('west');
    assert.equal(w.tenantRef, 'west');
    assert.equal(pool.state('west')?.connected, true);
    assert.equal(pool.state('west')?.consecutiveFailures, 0);
  });

  describe('vsphere-ccm inventory --cloud-config', () => {
    let dir: string;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'multi-vcenter-'));
      await writeFile(join(dir, 'east-ca.pem'), east.certPem);
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    /** A YAML cloud config for both simulators: east trusted by CA file, west by thumbprint. */
    const writeConfig = async (westDatacenters: string[]): Promise<string> => {
      const e = new URL(east.sdkUrl);
      const w = new URL(west.sdkUrl);
      const yaml = [
        'vcenter:',
        '  east:',
        `    server: ${e.hostname}`,
        `    port: ${e.port}`,
        `    user: ${JSON.stringify(east.credentials.username)}`,
        `    password: ${JSON.stringify(east.credentials.password)}`,
        `    caFile: ${JSON.stringify(join(dir, 'east-ca.pem'))}`,
        '    datacenters: [dc-east]',
        '  west:',
        `    server: ${w.hostname}`,
        `    port: ${w.port}`,
        `    user: ${JSON.stringify(west.credentials.username)}`,
        `    password: ${JSON.stringify(west.credentials.password)}`,
        `    thumbprint: ${JSON.stringify(west.thumbprintSha256)}`,
        `    datacenters: ${JSON.stringify(westDatacenters)}`,
        '',
      ].join('\n');
      const path = join(
        dir,
        `vsphere-${String(westDatacenters.length)}-${westDatacenters.join('_').replace(/\W/g, '')}.yaml`,
      );
      await writeFile(path, yaml);
      return path;
    };
    const run = async (args: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} });
      return { code, stdout, stderr };
    };

    test('given a config with two vCenters, should list the scoped VMs of both', async () => {
      const file = await writeConfig(['emea/dc-b']);
      const { code, stdout, stderr } = await run(['inventory', '--cloud-config', file, '-o', 'json']);
      assert.equal(code, 0, stderr);
      const vms = JSON.parse(stdout) as InventoryVm[];
      const byVcenter = Map.groupBy(vms, (vm) => vm.vcenter);
      assert.deepEqual(
        byVcenter.get(new URL(west.sdkUrl).host)?.map((vm) => vm.name),
        ['west-1'],
      );
      const eastVms = byVcenter.get(new URL(east.sdkUrl).host) ?? [];
      assert.ok(eastVms.length > 0);
      assert.ok(eastVms.every((vm) => vm.datacenter === 'dc-east'));
      assert.equal(byVcenter.size, 2);
    });

    test('given an unknown datacenter on one vCenter, should list the other and name the mistake', async () => {
      const file = await writeConfig(['dc-nowhere']);
      const { code, stdout, stderr } = await run(['inventory', '--cloud-config', file, '-o', 'json']);
      assert.equal(code, 2);
      assert.equal(stderr, 'error: vCenter "west": datacenter not found: dc-nowhere (available: dc-b)\n');
      const vms = JSON.parse(stdout) as InventoryVm[];
      assert.ok(vms.length > 0 && vms.every((vm) => vm.vcenter === new URL(east.sdkUrl).host));
    });

    test('given --cloud-config with connection flags, should refuse before contacting anything', async () => {
      const file = await writeConfig(['emea/dc-b']);
      await east.control.resetCounters();
      const { code, stderr } = await run([
        'inventory',
        '--cloud-config',
        file,
        '--server',
        'x',
        '--insecure',
      ]);
      assert.equal(code, 2);
      assert.match(stderr, /--cloud-config replaces the connection flags; drop --server, --insecure/);
      assert.deepEqual((await east.control.counters()).soap, {});
    });

    test('given neither --cloud-config nor --server, should say what is needed', async () => {
      const { code, stderr } = await run(['inventory']);
      assert.equal(code, 2);
      assert.match(stderr, /give --server and --user, or --cloud-config/);
    });

    test('given an invalid config, should print each problem with its path', async () => {
      const file = join(dir, 'bad.yaml');
      await writeFile(file, 'vcenter:\n  east:\n    server: 127.0.0.1\n    port: 44x\n');
      const { code, stderr, stdout } = await run(['inventory', '--cloud-config', file]);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, /^error: vcenter\.east\.port/m);
    });
  });
});
