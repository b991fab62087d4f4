// SPDX-License-Identifier: Apache-2.0
// `vsphere-ccm explain-node` against the simulator: text and JSON, every way of naming a node,
// exit codes for each kind of failure, no secret in any output, every session logged out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/vsphere-ccm.ts';
import type { CliIo } from '../../src/cli/cli-io.ts';
import { startVcsim, type Vcsim } from '../support/vcsim.ts';

const SCENARIO = resolve(import.meta.dirname, '../vcsim/scenarios/provider-east.json');
const east = (n: string) => `4237e000-0000-4000-8000-${n.padStart(12, '0')}`;
const WRONG_PASSWORD = 'Wr0ng-Pass;#"x';

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** A port nothing listens on: bound by the system, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) =>
    server.close(() => {
      r();
    }),
  );
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

describe('vsphere-ccm explain-node against the simulator', () => {
  let sim: Vcsim;
  let dir = '';
  let config = '';
  const outputs: string[] = [];

  function configText(options: { port?: number; password?: string } = {}): string {
    return [
      'vcenter:',
      '  east:',
      '    server: 127.0.0.1',
      `    port: ${String(options.port ?? Number(new URL(sim.sdkUrl).port))}`,
      `    user: ${JSON.stringify(sim.credentials.username)}`,
      `    password: ${JSON.stringify(options.password ?? sim.credentials.password)}`,
      `    thumbprint: ${JSON.stringify(sim.thumbprintSha256)}`,
      'labels:',
      '  zone: k8s-zone',
      '  region: k8s-region',
      '',
    ].join('\n');
  }

  async function run(args: readonly string[], file = config): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { env: {}, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
    const code = await main(['explain-node', '--cloud-config', file, ...args], io);
    const result = { code, out: out.join(''), err: err.join('') };
    outputs.push(result.out, result.err);
    return result;
  }

  async function writeConfig(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  before(async () => {
    sim = await startVcsim({ scenario: SCENARIO });
    dir = await mkdtemp(join(tmpdir(), 'ccm-explain-int-'));
    config = await writeConfig('vsphere.yaml', configText());
  });
  after(async () => {
    await sim.control.setLatency(0).catch(() => undefined);
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('given a node name and text output, should explain the VM, addresses and zone, and log out', async () => {
    const { code, out, err } = await run(['--node-name', 'a-1']);
    assert.equal(err, '');
    assert.equal(code, 0);
    const lines = out.split('\n');
    assert.match(out, /^VM: {13}a-1 \(VirtualMachine:vm-\d+\)\n/);
    for (const line of [
      `vCenter:        east (127.0.0.1:${new URL(sim.sdkUrl).port})`,
      'Datacenter:     dc-a',
      'Matched by:     hostname a-1',
      `providerID:     vsphere://${east('1')}`,
      'Instance type:  vsphere-vm.cpu-4.mem-8gb.os-ubuntu',
      `Exists:         true (found by hostname a-1 in vCenter "east"; a Node without providerID is never reported gone)`,
      'Shutdown:       false (power state is poweredOn)',
      '  Hostname    a-1',
      '  InternalIP  10.10.0.1',
      '  ExternalIP  10.10.0.1',
    ]) {
      assert.ok(lines.includes(line), `missing line ${JSON.stringify(line)} in:\n${out}`);
    }
    assert.match(out, /\nZone: {11}zone-host-a1 \(tag on esx-a1 \(HostSystem:host-\d+\), host chain\)\n/);
    assert.match(out, /\nRegion: {9}region-ca \(tag on ca \(ClusterComputeResource:[^)]+\), host chain\)\n/);
    assert.match(out, /\n {2}10\.10\.0\.1 +VM Network +0 +picked +InternalIP by default selection/);
    assert.deepEqual(await sim.control.sessions(), { soap: 0, rest: 0 }, 'every session logged out');
  });

  test('given a providerID and JSON output, should print the documented fields', async () => {
    const { code, out, err } = await run(['--provider-id', `vsphere://${east('9')}`, '--output', 'json']);
    assert.deepEqual([code, err], [0, '']);
    const doc = JSON.parse(out) as Record<string, unknown>;
    for (const key of [
      'providerID',
      'instanceType',
      'addresses',
      'zone',
      'region',
      'exists',
      'shutdown',
      'vm',
      'candidates',
    ]) {
      assert.ok(key in doc, `field ${key}`);
    }
    assert.equal(doc['providerID'], `vsphere://${east('9')}`);
    assert.equal(doc['instanceType'], 'vsphere-vm.cpu-1.mem-1gb.os-linux');
    assert.deepEqual(doc['addresses'], [
      { type: 'Hostname', address: 'dual' },
      { type: 'InternalIP', address: '10.10.0.9' },
      { type: 'ExternalIP', address: '10.10.0.9' },
    ]);
    assert.deepEqual(
      [doc['zone'], doc['region'], doc['exists'], doc['shutdown']],
      ['zone-host-a1', 'region-ca', true, false],
    );
    const vm = doc['vm'] as Record<string, unknown>;
    assert.deepEqual(
      [vm['vcenter'], vm['datacenter'], vm['name'], vm['biosUuid']],
      ['east', 'dc-a', 'dual', east('9')],
    );
    assert.match(String(vm['moref']), /^VirtualMachine:vm-\d+$/);
    const candidates = doc['candidates'] as { ip: string; network: string; decision: string; rule: string }[];
    assert.deepEqual(
      candidates.map((c) => [c.ip, c.network, c.decision]),
      [
        ['10.10.0.9', 'VM Network', 'picked'],
        ['fd00:10::9', 'VM Network', 'unused'],
        ['192.168.20.9', 'k8s-pods', 'unused'],
      ],
    );
    assert.match(candidates[1]?.rule ?? '', /not among the IP families \(ipv4\)/);
    assert.deepEqual([doc['matchedBy'], doc['errors']], ['uuid', {}]);
  });

  test('given the kubelet system UUID, should match the byte-swapped BIOS UUID', async () => {
    const { code, out } = await run(['--system-uuid', '00e03742-0000-0040-8000-000000000002', '-o', 'json']);
    assert.equal(code, 0);
    const doc = JSON.parse(out) as { matchedBy: string; providerID: string; zone: string };
    assert.deepEqual(
      [doc.matchedBy, doc.providerID, doc.zone],
      ['swapped-uuid', `vsphere://${east('2')}`, 'zone-ca'],
    );
  });

  test('given a VM whose addresses fail, should print what is known and the exact error, exit 2', async () => {
    const { code, out, err } = await run(['--provider-id', `vsphere://${east('ff')}`, '-o', 'json']);
    assert.equal(code, 2);
    assert.equal(err, 'error: addresses: VM Guest hostname is empty\n');
    const doc = JSON.parse(out) as Record<string, unknown>;
    assert.deepEqual(
      [doc['addresses'], doc['exists'], doc['shutdown'], doc['zone']],
      [null, true, true, 'zone-host-a1'],
    );
    assert.deepEqual(doc['errors'], {
      addresses: { code: 'GUEST_HOSTNAME_EMPTY', message: 'VM Guest hostname is empty' },
    });
  });

  test('given a zone chain without tags, should show the tried chains and the reference error, exit 2', async () => {
    const { code, out, err } = await run(['--node-name', 'b-untagged']);
    assert.equal(code, 2);
    assert.match(
      err,
      /^error: zone: vSphere zone category k8s-zone does not match any tags for mo: VirtualMachine:vm-\d+\n$/,
    );
    assert.match(
      out,
      /\n {2}host esx-b1 \(HostSystem:host-\d+\): zone none, region region-b on dc-b \(Datacenter:[^)]+\)\n/,
    );
    assert.match(out, /\n {2}VM b-untagged \(VirtualMachine:vm-\d+\): zone none, region region-b on dc-b/);
  });

  test('given no VM or several VMs, should exit 2 with one line and nothing on stdout', async () => {
    const none = await run(['--node-name', 'nobody']);
    assert.deepEqual([none.code, none.out, none.err], [2, '', 'error: No VM found for node "nobody"\n']);
    const twins = await run(['--node-name', 'dup.example.local']);
    assert.deepEqual([twins.code, twins.out], [2, '']);
    assert.match(
      twins.err,
      /^error: Multiple VMs found for host name "dup\.example\.local": east\/VirtualMachine:vm-\d+, east\/VirtualMachine:vm-\d+\n$/,
    );
  });

  test('given a wrong password, should exit 2 naming the vCenter and the user, never the password', async () => {
    const file = await writeConfig('wrong.yaml', configText({ password: WRONG_PASSWORD }));
    const { code, out, err } = await run(['--node-name', 'a-1'], file);
    assert.deepEqual([code, out], [2, '']);
    assert.equal(
      err,
      `error: vCenter "east": login to 127.0.0.1:${new URL(sim.sdkUrl).port} as "${sim.credentials.username}" failed: invalid user name or password\n`,
    );
  });

  test('given an unreachable vCenter, should exit 2 with one line naming it', async () => {
    const port = await closedPort();
    const file = await writeConfig('unreachable.yaml', configText({ port }));
    const { code, out, err } = await run(['--node-name', 'a-1'], file);
    assert.deepEqual([code, out], [2, '']);
    assert.match(
      err,
      new RegExp(
        `^error: vCenter "east": cannot reach 127\\.0\\.0\\.1:${String(port)}: .*ECONNREFUSED.*\\n$`,
      ),
    );
  });

  test('given an inventory that does not load in time, should exit 2 naming the vCenter', async () => {
    await sim.control.setLatency(3_000, 'WaitForUpdatesEx');
    try {
      const started = performance.now();
      const { code, out, err } = await run(['--node-name', 'a-1', '--timeout', '1']);
      assert.deepEqual([code, out], [2, '']);
      assert.equal(
        err,
        `error: vCenter "east" (127.0.0.1:${new URL(sim.sdkUrl).port}): inventory not loaded within 1 s (no error reported)\n`,
      );
      assert.ok(performance.now() - started < 5_000, 'bounded by --timeout');
      assert.equal((await sim.control.sessions()).soap, 0, 'logged out even after the timeout');
    } finally {
      await sim.control.setLatency(0, 'WaitForUpdatesEx');
    }
  });

  test('given every run above, should never have printed a password', () => {
    assert.ok(outputs.length >= 18, 'the runs above were captured');
    for (const text of outputs) {
      assert.ok(!text.includes(sim.credentials.password), 'the real password was printed');
      assert.ok(!text.includes('Wr0ng-Pass'), 'the wrong password was printed');
    }
  });
});
