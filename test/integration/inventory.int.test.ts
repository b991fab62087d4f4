// SPDX-License-Identifier: Apache-2.0
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/vsphere-ccm.ts';
import type { InventoryVm } from '../../src/vsphere/inventory/inventory-vm.ts';
import { startVcsim, type Vcsim } from '../support/vcsim.ts';

const scenarioPath = resolve(import.meta.dirname, '../vcsim/scenarios/basic.json');

interface ScenarioVm {
  name: string;
  datacenter: string;
  cluster?: string;
  host?: string;
  biosUuid: string;
  instanceUuid: string;
  numCpu?: number;
  memoryMB?: number;
  guestId?: string;
  powerState?: string;
  hostName?: string;
  guestInfo?: boolean;
  nics?: { network?: string; deviceConfigId?: number; ipv4?: string[]; ipv6?: string[]; mac?: string }[];
}

async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { code, stdout, stderr };
}

describe('vsphere-ccm inventory against the simulator', () => {
  let sim: Vcsim;
  let dir: string;
  let caFile: string;
  let scenarioVms: ScenarioVm[];
  let base: string[];
  let env: Record<string, string>;

  before(async () => {
    sim = await startVcsim({ scenario: scenarioPath });
    dir = await mkdtemp(join(tmpdir(), 'inventory-test-'));
    caFile = join(dir, 'ca.pem');
    await writeFile(caFile, sim.certPem);
    scenarioVms = (JSON.parse(await readFile(scenarioPath, 'utf8')) as { vms: ScenarioVm[] }).vms;
    base = ['inventory', '--server', new URL(sim.sdkUrl).origin, '--user', sim.credentials.username];
    env = { VSPHERE_PASSWORD: sim.credentials.password };
  });
  after(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('given the scenario, should list every VM with the values the scenario set', async () => {
    const { code, stdout, stderr } = await run([...base, '--ca-file', caFile, '-o', 'json'], env);
    assert.equal(code, 0, stderr);
    const vms = JSON.parse(stdout) as InventoryVm[];
    assert.equal(vms.length, scenarioVms.length);
    for (const want of scenarioVms) {
      const got = vms.find((v) => v.name === want.name);
      assert.ok(got, `VM ${want.name} listed`);
      assert.equal(got.biosUuid, want.biosUuid.toLowerCase());
      assert.equal(got.instanceUuid, want.instanceUuid.toLowerCase());
      assert.equal(got.datacenter, want.datacenter);
      assert.match(got.moref, /^VirtualMachine:vm-\d+$/);
      assert.equal(got.vcenter, new URL(sim.sdkUrl).host);
      if (want.cluster !== undefined) assert.equal(got.cluster, want.cluster);
      if (want.host !== undefined) assert.equal(got.host, want.host);
      if (want.numCpu !== undefined) assert.equal(got.numCpu, want.numCpu);
      if (want.memoryMB !== undefined) assert.equal(got.memoryMB, want.memoryMB);
      if (want.guestId !== undefined) assert.equal(got.guestId, want.guestId);
      assert.equal(got.powerState, want.powerState ?? 'poweredOn');
      if (want.guestInfo !== false && want.hostName !== undefined)
        assert.equal(got.guestHostName, want.hostName);
      if (want.guestInfo !== false) {
        const ips = (want.nics ?? []).map((n) =>
          [...(n.ipv4 ?? []), ...(n.ipv6 ?? [])].map((ip) => ip.replace(/\/\d+$/, '')),
        );
        assert.deepEqual(
          got.nics.map((n) => n.ipAddresses),
          ips,
          `${want.name} NIC addresses`,
        );
        for (const [i, nic] of (want.nics ?? []).entries()) {
          if (nic.deviceConfigId !== undefined) assert.equal(got.nics[i]?.deviceConfigId, nic.deviceConfigId);
          if (nic.network !== undefined && nic.network !== '')
            assert.equal(got.nics[i]?.network, nic.network);
        }
      }
    }
  });

  test('given zone and region categories, should resolve the nearest tagged ancestor in few calls', async () => {
    await sim.control.resetCounters();
    const { code, stdout, stderr } = await run(
      [
        ...base,
        '--ca-file',
        caFile,
        '-o',
        'json',
        '--zone-category',
        'k8s-zone',
        '--region-category',
        'k8s-region',
      ],
      env,
    );
    assert.equal(code, 0, stderr);
    const byName = new Map((JSON.parse(stdout) as InventoryVm[]).map((v) => [v.name, v]));
    assert.deepEqual([byName.get('node-1')?.zone, byName.get('node-1')?.region], ['zone-a', 'region-east']);
    assert.deepEqual([byName.get('node-4')?.zone, byName.get('node-4')?.region], ['zone-b', 'region-east']);
    assert.deepEqual(
      [byName.get('Node-5-Mixed')?.zone, byName.get('Node-5-Mixed')?.region],
      ['zone-west', 'region-west'],
    );
    const counters = await sim.control.counters();
    const soap = Object.values(counters.soap).reduce((a, b) => a + b, 0);
    assert.ok(soap <= 6, `SOAP round trips: ${JSON.stringify(counters.soap)}`);
    assert.equal(counters.soap['RetrievePropertiesEx'], 1);
    assert.equal(
      counters.rest[
        'POST /rest/com/vmware/cis/tagging/tag-association?~action=list-attached-objects-on-tags'
      ],
      1,
    );
  });

  test('given a datacenter filter, should list only its VMs', async () => {
    const { code, stdout } = await run(
      [...base, '--ca-file', caFile, '-o', 'json', '--datacenter', 'dc-west'],
      env,
    );
    assert.equal(code, 0);
    const names = (JSON.parse(stdout) as InventoryVm[]).map((v) => v.name).sort();
    assert.deepEqual(
      names,
      scenarioVms
        .filter((v) => v.datacenter === 'dc-west')
        .map((v) => v.name)
        .sort(),
    );
  });

  test('given table output, should print a header and one row per VM', async () => {
    const { code, stdout } = await run([...base, '--thumbprint', sim.thumbprintSha256], env);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^DATACENTER\s+NAME\s+POWER/);
    assert.equal(lines.length, scenarioVms.length + 1);
  });

  test('given an unknown datacenter, should fail with one line naming it', async () => {
    const { code, stderr } = await run([...base, '--ca-file', caFile, '--datacenter', 'dc-nowhere'], env);
    assert.equal(code, 2);
    assert.match(stderr, /^error: datacenter not found: dc-nowhere \(available: dc-east, dc-west\)\n$/);
  });

  test('given a wrong password, should fail with one line that does not contain it', async () => {
    const { code, stdout, stderr } = await run([...base, '--ca-file', caFile], {
      VSPHERE_PASSWORD: 'Wr0ng-S3cret!',
    });
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^error: login to .* failed: invalid user name or password\n$/);
    assert.ok(!stderr.includes('Wr0ng-S3cret!'));
  });

  test('given an untrusted certificate, should refuse by default and say how to trust it', async () => {
    const { code, stderr } = await run(base, env);
    assert.equal(code, 2);
    assert.match(stderr, /^error: TLS verification of .* failed .*--ca-file.*\n$/);
  });

  test('given a wrong thumbprint, even with --insecure, should refuse', async () => {
    const wrong = sim.thumbprintSha1.replace(/^../, (h) => (h === '00' ? '11' : '00'));
    const { code, stderr } = await run([...base, '--insecure', '--thumbprint', wrong], env);
    assert.equal(code, 2);
    assert.match(stderr, /^error: TLS certificate of .* does not match the pinned thumbprint/);
  });

  test('given an unreachable host, should fail with one line', async () => {
    const port = await closedPort();
    const { code, stderr } = await run(
      ['inventory', '--server', `https://127.0.0.1:${port}`, '--user', 'u', '--insecure'],
      env,
    );
    assert.equal(code, 2);
    assert.match(stderr, /^error: cannot reach 127\.0\.0\.1:\d+: .*\n$/);
  });

  test('given no password anywhere, should fail before contacting vCenter', async () => {
    await sim.control.resetCounters();
    const { code, stderr } = await run([...base, '--ca-file', caFile], {});
    assert.equal(code, 2);
    assert.match(stderr, /no password/);
    assert.deepEqual((await sim.control.counters()).soap, {});
  });
});

/** A port nothing listens on: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => {
    server.close(() => {
      r();
    });
  });
  return port;
}
