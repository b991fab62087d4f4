// SPDX-License-Identifier: Apache-2.0
// The daemon end to end (issue 5, "Config changes"): an invalid cloud-config file keeps the daemon
// running and fails /readyz; a valid different one makes it stop cleanly and exit 0, releasing
// its lease. Against the simulator and the in-memory API server.
import assert from 'node:assert/strict';
import { rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { startDaemon, type Daemon } from '../support/daemon.ts';
import { freePort, httpsGet } from '../support/daemon-http.ts';
import { startE2eBed, type E2eBed } from '../support/e2e-bed.ts';
import type { KubeApiFixture } from '../support/kube-apiserver.ts';
import type { Vcsim } from '../support/vcsim.ts';
import { basicBiosUuid, kubeletNode, simCloudConfig, until } from '../support/e2e-nodes.ts';

const SCENARIO = resolve(import.meta.dirname, '../vcsim/scenarios/basic.json');

describe('vsphere-cloud-controller-manager cloud-config reload', () => {
  let bed: E2eBed;
  let sim: Vcsim;
  let kube: KubeApiFixture;
  let dir: string;
  let configFile: string;
  let kubeconfigFile: string;
  let daemon: Daemon | undefined;

  before(async () => {
    bed = await startE2eBed({
      scenario: SCENARIO,
      tag: 'reload',
      cloudConfig: (sim) => simCloudConfig(sim, { zones: false }),
    });
    ({ sim, kube, dir, configFile, kubeconfigFile } = bed);
  });

  after(async () => {
    await daemon?.stop(2_000);
    await bed.close();
  });

  /** Replaces the file in one step, as a ConfigMap volume update does. */
  const replaceConfig = async (text: string): Promise<void> => {
    const next = join(dir, 'vsphere.yaml.next');
    await writeFile(next, text);
    await rename(next, configFile);
  };

  test('given an invalid config should keep serving and fail /readyz; given a different valid one should exit 0 and release the lease', async () => {
    const port = await freePort();
    const d = startDaemon([
      '--cloud-provider=vsphere',
      `--cloud-config=${configFile}`,
      `--kubeconfig=${kubeconfigFile}`,
      `--secure-port=${String(port)}`,
      '--bind-address=127.0.0.1',
      '--leader-elect=true',
      '--leader-elect-lease-duration=3s',
      '--leader-elect-renew-deadline=2s',
      '--leader-elect-retry-period=500ms',
      '--leader-elect-resource-name=ccm-reload',
      '--node-monitor-period=1s',
    ]);
    daemon = d;
    await d.waitForOutput(/became leader/, 30_000);
    await until(
      async () => ((await httpsGet(port, '/readyz?verbose')).status === 200 ? true : undefined),
      20_000,
      () => d.output(),
    );

    // Invalid: the daemon keeps running with the config it started with.
    const valid = simCloudConfig(sim, { zones: false });
    await replaceConfig(valid.replace(/port: \d+/, 'port: not-a-port'));
    const failing = await until(
      async () => {
        const r = await httpsGet(port, '/readyz?verbose');
        return r.status === 500 ? r : undefined;
      },
      10_000,
      () => d.output(),
    );
    assert.match(failing.body, /^\[-\]cloud-config failed: vcenter\.east\.port\b.*$/m);
    assert.match(failing.body, /^\[\+\]vcenter-index ok$/m);
    assert.ok(!failing.body.includes(sim.credentials.password));
    await d.waitForOutput(/cloud config file is invalid; keeping the running config/, 5_000);

    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNode({ body: kubeletNode('node-1', { biosUuid: basicBiosUuid(1) }) });
    const node = await until(
      async () => {
        const n = await core.readNode({ name: 'node-1' }).catch(() => undefined);
        return n?.spec?.providerID !== undefined ? n : undefined;
      },
      20_000,
      () => d.output(),
    );
    assert.equal(node.spec?.providerID, `vsphere://${basicBiosUuid(1)}`);
    assert.equal((d.output().match(/cloud config file is invalid/g) ?? []).length, 1, d.output());

    // Valid and different: a clean stop, as for SIGTERM, within 10 s.
    const changedAt = performance.now();
    await replaceConfig(simCloudConfig(sim, { zones: true }));
    const code = await Promise.race([
      d.exited,
      new Promise<string>((res) => {
        setTimeout(() => {
          res('still running after 10 s');
        }, 10_000).unref();
      }),
    ]);
    assert.equal(code, 0, d.output());
    assert.ok(performance.now() - changedAt < 10_000);
    assert.match(
      d.output(),
      /cloud config changed \(labels\.region, labels\.zone\); exiting so the new config takes effect/,
    );
    assert.match(d.output(), /"msg":"stopped"/);
    const lease = await kube.kubeConfig
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: 'ccm-reload', namespace: 'kube-system' });
    assert.equal(lease.spec?.holderIdentity ?? '', '', 'the lease was released');
  });
});
