// SPDX-License-Identifier: Apache-2.0
// The daemon as a child process (issue 5): SIGINT stops it as SIGTERM does (exit 0 within 10 s,
// lease released), and `--leader-elect=false` runs the controllers without ever creating a Lease.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoordinationV1Api, CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { startDaemon, type Daemon } from '../support/daemon.ts';
import { startE2eBed, type E2eBed } from '../support/e2e-bed.ts';
import type { KubeApiFixture } from '../support/kube-apiserver.ts';
import { basicBiosUuid, kubeletNode, simCloudConfig } from '../support/e2e-nodes.ts';

const SCENARIO = resolve(import.meta.dirname, '../vcsim/scenarios/basic.json');

describe('vsphere-cloud-controller-manager signals and leader election off', () => {
  let bed: E2eBed;
  let kube: KubeApiFixture;
  let configFile: string;
  let kubeconfigFile: string;
  const daemons: Daemon[] = [];

  before(async () => {
    bed = await startE2eBed({
      scenario: SCENARIO,
      tag: 'signals',
      cloudConfig: (sim) => simCloudConfig(sim, { zones: false }),
    });
    ({ kube, configFile, kubeconfigFile } = bed);
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

  const initialised = (name: string, log: () => string): Promise<V1Node> =>
    bed.initialised(name, 30_000, log);

  test('given a leading daemon, should exit 0 within 10 s on SIGINT and release its lease', async () => {
    const d = startDaemon([
      ...baseFlags(),
      '--leader-elect=true',
      '--leader-elect-lease-duration=3s',
      '--leader-elect-renew-deadline=2s',
      '--leader-elect-retry-period=500ms',
      '--leader-elect-resource-namespace=kube-system',
      '--leader-elect-resource-name=ccm-sigint',
    ]);
    daemons.push(d);
    await d.waitForOutput(/became leader/, 30_000);
    const leases = kube.kubeConfig.makeApiClient(CoordinationV1Api);
    const held = await leases.readNamespacedLease({ name: 'ccm-sigint', namespace: 'kube-system' });
    assert.notEqual(held.spec?.holderIdentity ?? '', '', 'the lease is held while leading');

    const started = performance.now();
    process.kill(d.pid, 'SIGINT');
    assert.equal(await d.exited, 0, d.output());
    assert.ok(
      performance.now() - started < 10_000,
      `stopped after ${String(performance.now() - started)} ms`,
    );
    const released = await leases.readNamespacedLease({ name: 'ccm-sigint', namespace: 'kube-system' });
    assert.equal(released.spec?.holderIdentity ?? '', '', 'the lease was released');
    assert.match(d.output(), /stopped/);
  });

  test('given --leader-elect=false, should initialise Nodes without creating any Lease', async () => {
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNode({ body: kubeletNode('node-1', { biosUuid: basicBiosUuid(1) }) });
    kube.requestLog.clear();
    const d = startDaemon([...baseFlags(), '--leader-elect=false']);
    daemons.push(d);
    const node = await initialised('node-1', () => d.output());
    assert.equal(node.spec?.providerID, `vsphere://${basicBiosUuid(1)}`);

    assert.equal(kube.requestLog.count({ resource: 'leases' }), 0, 'the daemon made no Lease request');
    const leases = await kube.kubeConfig
      .makeApiClient(CoordinationV1Api)
      .listLeaseForAllNamespaces()
      .then((l) => l.items.map((i) => `${i.metadata?.namespace ?? ''}/${i.metadata?.name ?? ''}`));
    // The first test's lease stays (released, not deleted); no other may appear.
    assert.deepEqual(leases, ['kube-system/ccm-sigint']);
    assert.doesNotMatch(d.output(), /became leader/);
    assert.equal(await d.stop(), 0, d.output());
  });
});
