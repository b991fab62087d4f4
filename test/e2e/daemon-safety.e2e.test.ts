// SPDX-License-Identifier: Apache-2.0
// The daemon end to end (issue 5): no Node is deleted while vCenter is unreachable, and the
// kubelet's provided-node-ip is honoured or refused, against the simulator and the in-memory
// API server.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, type V1Node } from '@kubernetes/client-node';
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
const BIOS = basicBiosUuid;
const MONITOR_PERIOD_MS = 500;

const cloudConfig = (sim: Vcsim): string => simCloudConfig(sim, { zones: false });

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('vsphere-cloud-controller-manager safety', () => {
  let bed: E2eBed;
  let sim: Vcsim;
  let kube: KubeApiFixture;
  let configFile: string;
  let kubeconfigFile: string;
  const daemons: Daemon[] = [];

  const readNode = (name: string): Promise<V1Node | undefined> => bed.readNode(name);

  before(async () => {
    bed = await startE2eBed({ scenario: SCENARIO, tag: 'safety', cloudConfig });
    ({ sim, kube, configFile, kubeconfigFile } = bed);
  });

  after(async () => {
    await Promise.all(daemons.map((d) => d.stop(2_000)));
    await bed.close();
  });

  const start = (): Daemon => {
    const d = startDaemon([
      '--cloud-provider=vsphere',
      `--cloud-config=${configFile}`,
      `--kubeconfig=${kubeconfigFile}`,
      '--secure-port=0',
      '--leader-elect=false',
      `--node-monitor-period=${String(MONITOR_PERIOD_MS)}ms`,
      '--node-status-update-frequency=2s',
    ]);
    daemons.push(d);
    return d;
  };

  test('given provided-node-ip annotations, should initialise with an IP the VM has and refuse one it lacks with a Warning Event naming it', async () => {
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNode({
      body: kubeletNode('node-1', { biosUuid: basicBiosUuid(1), ready: true, providedIp: '10.0.0.11' }),
    });
    await core.createNode({
      body: kubeletNode('node-2', { biosUuid: basicBiosUuid(2), ready: true, providedIp: '10.9.9.9' }),
    });
    const d = start();

    const node1 = await until(
      async () => {
        const n = await readNode('node-1');
        return n?.spec?.providerID !== undefined && !(n.spec.taints ?? []).some((t) => t.key === UNINIT)
          ? n
          : undefined;
      },
      30_000,
      () => `node-1 initialised\n${d.output()}`,
    );
    const addresses = (node1.status?.addresses ?? []).map((a) => `${a.type}=${a.address}`);
    assert.equal(addresses[0], 'InternalIP=10.0.0.11', addresses.join(','));

    const warning = await until(
      async () => {
        const events = await core.listEventForAllNamespaces();
        return events.items.find(
          (e) =>
            e.involvedObject.name === 'node-2' && e.type === 'Warning' && /10\.9\.9\.9/.test(e.message ?? ''),
        );
      },
      20_000,
      () => `a Warning Event for node-2\n${d.output()}`,
    );
    assert.equal(warning.reason, 'FailedToInitializeNode');
    const node2 = await readNode('node-2');
    assert.ok(
      (node2?.spec?.taints ?? []).some((t) => t.key === UNINIT),
      'node-2 keeps its taint',
    );
    assert.equal(node2?.spec?.providerID, undefined);
    assert.equal(await d.stop(), 0, d.output());
    await core.deleteNode({ name: 'node-1' });
    await core.deleteNode({ name: 'node-2' });
  });

  test('given NotReady Nodes while vCenter refuses and then hangs, should delete none over several monitor periods, then delete one whose VM is gone once it answers', async () => {
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNode({
      body: kubeletNode('idle-1', {
        biosUuid: basicBiosUuid(1),
        ready: false,
        providerID: `vsphere://${BIOS(1)}`,
      }),
    });
    await core.createNode({
      body: kubeletNode('idle-3', {
        biosUuid: basicBiosUuid(3),
        ready: false,
        providerID: `vsphere://${BIOS(3)}`,
      }),
    });
    const d = start();
    await d.waitForOutput(/vCenter inventories loaded/, 30_000);
    await sleep(3 * MONITOR_PERIOD_MS);

    for (const mode of ['refuse', 'hang'] as const) {
      kube.requestLog.clear();
      await sim.control.pause(mode);
      await sleep(6 * MONITOR_PERIOD_MS);
      await sim.control.resume();
      assert.notEqual(await readNode('idle-1'), undefined, `idle-1 survived ${mode}`);
      assert.notEqual(await readNode('idle-3'), undefined, `idle-3 survived ${mode}`);
      assert.equal(
        kube.requestLog.count({ resource: 'nodes', verb: 'delete' }),
        0,
        `no DELETE during ${mode}`,
      );
    }

    // The loop was alive all along: once vCenter answers, a Node whose VM is gone goes.
    await sim.control.destroy('node-3');
    await until(
      async () => ((await readNode('idle-3')) === undefined ? true : undefined),
      30_000,
      () => `idle-3 deleted\n${d.output()}`,
    );
    assert.notEqual(await readNode('idle-1'), undefined);
    assert.equal(await d.stop(), 0, d.output());
  });
});
