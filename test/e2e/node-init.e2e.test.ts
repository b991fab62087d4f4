// SPDX-License-Identifier: Apache-2.0
// The daemon end to end (issue 5 §2–§3): bin/vsphere-cloud-controller-manager.js as a child
// process against the simulator's basic scenario and the in-memory API server, with Nodes
// registered the way a kubelet with --cloud-provider=external registers them.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoordinationV1Api, CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { startDaemon, type Daemon } from '../support/daemon.ts';
import { startE2eBed, type E2eBed } from '../support/e2e-bed.ts';
import type { KubeApiFixture } from '../support/kube-apiserver.ts';
import type { Vcsim } from '../support/vcsim.ts';
import {
  basicBiosUuid,
  kubeletNode,
  simCloudConfig,
  UNINITIALIZED_TAINT,
  until,
} from '../support/e2e-nodes.ts';

const SCENARIO = resolve(import.meta.dirname, '../vcsim/scenarios/basic.json');
const UNINIT = UNINITIALIZED_TAINT;
const SHUTDOWN = 'node.cloudprovider.kubernetes.io/shutdown';
const BIOS = basicBiosUuid;

const cloudConfig = (sim: Vcsim): string => simCloudConfig(sim, { zones: true });

describe('vsphere-cloud-controller-manager end to end', () => {
  let bed: E2eBed;
  let sim: Vcsim;
  let kube: KubeApiFixture;
  let dir: string;
  let configFile: string;
  let kubeconfigFile: string;
  const daemons: Daemon[] = [];

  const readNode = (name: string): Promise<V1Node | undefined> => bed.readNode(name);

  before(async () => {
    bed = await startE2eBed({ scenario: SCENARIO, tag: 'init', cloudConfig });
    ({ sim, kube, dir, configFile, kubeconfigFile } = bed);
  });

  after(async () => {
    await Promise.all(daemons.map((d) => d.stop(2_000)));
    await bed.close();
  });

  const baseFlags = (): string[] => [
    '--cloud-provider=vsphere',
    `--cloud-config=${configFile}`,
    `--kubeconfig=${kubeconfigFile}`,
    '--secure-port=0',
  ];

  test('given an unknown flag, should exit 2 naming it', async () => {
    const d = startDaemon([...baseFlags(), '--no-such-flag=1']);
    daemons.push(d);
    assert.equal(await d.exited, 2);
    assert.match(d.output(), /unknown flag: --no-such-flag/);
  });

  test('given a missing, an empty and an invalid cloud config, should exit 1 within 10 s naming the problem', async () => {
    const empty = join(dir, 'empty.yaml');
    const invalid = join(dir, 'invalid.yaml');
    await writeFile(empty, '');
    await writeFile(invalid, 'vcenter:\n  east:\n    port: not-a-port\n');
    const cases: [string, RegExp][] = [
      [join(dir, 'absent.yaml'), /no such file/],
      [empty, /is empty/],
      [invalid, /invalid cloud config: [^]*vcenter\.east\.port: not a number/],
    ];
    for (const [file, why] of cases) {
      const started = performance.now();
      const d = startDaemon([
        '--cloud-provider=vsphere',
        `--cloud-config=${file}`,
        `--kubeconfig=${kubeconfigFile}`,
        '--secure-port=0',
      ]);
      daemons.push(d);
      assert.equal(await d.exited, 1, d.output());
      assert.ok(performance.now() - started < 10_000);
      assert.match(d.output(), why);
    }
  });

  test('given kubelet-registered Nodes, should initialise them with two writes each, taint a shut-down one and delete a destroyed one, then stop cleanly on SIGTERM', async () => {
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNode({ body: kubeletNode('node-1', { biosUuid: basicBiosUuid(1) }) });
    await core.createNode({ body: kubeletNode('node-2', { biosUuid: basicBiosUuid(2) }) });
    // node-3's VM is powered off; its Node was initialised earlier and is now NotReady.
    await core.createNode({
      body: kubeletNode('node-3', { biosUuid: BIOS(3), ready: false, providerID: `vsphere://${BIOS(3)}` }),
    });
    kube.requestLog.clear();

    const d = startDaemon([
      ...baseFlags(),
      '--leader-elect=true',
      '--leader-elect-lease-duration=3s',
      '--leader-elect-renew-deadline=2s',
      '--leader-elect-retry-period=500ms',
      '--leader-elect-resource-namespace=kube-system',
      '--node-monitor-period=500ms',
      '--node-status-update-frequency=1s',
      '--concurrent-node-syncs=2',
      '--node-labels=team=e2e',
    ]);
    daemons.push(d);

    for (const name of ['node-1', 'node-2']) {
      const node = await until(
        async () => {
          const n = await readNode(name);
          return n?.spec?.providerID !== undefined && !(n.spec.taints ?? []).some((t) => t.key === UNINIT)
            ? n
            : undefined;
        },
        30_000,
        `${name} initialised\n${d.output()}`,
      );
      const vm = Number(name.slice(-1));
      assert.equal(node.spec?.providerID, `vsphere://${BIOS(vm)}`);
      const labels = node.metadata?.labels ?? {};
      assert.equal(labels['topology.kubernetes.io/zone'], 'zone-a');
      assert.equal(labels['topology.kubernetes.io/region'], 'region-east');
      assert.match(labels['node.kubernetes.io/instance-type'] ?? '', /\S/);
      assert.equal(labels['team'], 'e2e');
      const addresses = (node.status?.addresses ?? []).map((a) => `${a.type}=${a.address}`);
      assert.ok(addresses.includes(`InternalIP=10.0.0.1${String(vm)}`), addresses.join(','));
    }

    await until(
      async () =>
        ((await readNode('node-3'))?.spec?.taints ?? []).some((t) => t.key === SHUTDOWN) || undefined,
      15_000,
      `node-3 shutdown taint\n${d.output()}`,
    );

    // Several address refreshes later, the initialised Nodes still had exactly two writes each.
    await new Promise((r) => setTimeout(r, 2_500));
    for (const name of ['node-1', 'node-2']) {
      const writes = kube.requestLog
        .filter({ resource: 'nodes', name })
        .filter((r) => r.verb === 'patch' || r.verb === 'update');
      assert.equal(writes.length, 2, JSON.stringify(writes));
    }

    await sim.control.destroy('node-3');
    await until(
      async () => ((await readNode('node-3')) === undefined ? true : undefined),
      30_000,
      `node-3 deleted\n${d.output()}`,
    );

    const started = performance.now();
    assert.equal(await d.stop(), 0, d.output());
    assert.ok(performance.now() - started < 10_000);
    const lease = await kube.kubeConfig
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: 'cloud-controller-manager', namespace: 'kube-system' });
    assert.equal(lease.spec?.holderIdentity ?? '', '', 'the lease was released');
    assert.match(d.output(), /became leader/);
  });
});
