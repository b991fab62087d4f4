// SPDX-License-Identifier: Apache-2.0
// The daemon end to end (issue 5): its HTTPS /healthz, /readyz and /metrics, and leader failover
// between two daemons sharing one lease, against the simulator and the in-memory API server.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { CoordinationV1Api, CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { startDaemon, type Daemon } from '../support/daemon.ts';
import { freePort, httpsGet } from '../support/daemon-http.ts';
import { startE2eBed, type E2eBed } from '../support/e2e-bed.ts';
import type { KubeApiFixture } from '../support/kube-apiserver.ts';
import type { Vcsim } from '../support/vcsim.ts';
import { basicBiosUuid, kubeletNode, simCloudConfig, until } from '../support/e2e-nodes.ts';

const SCENARIO = resolve(import.meta.dirname, '../vcsim/scenarios/basic.json');
const BIOS = basicBiosUuid;

const cloudConfig = (sim: Vcsim): string => simCloudConfig(sim, { zones: false });

/** The PEM certificate a TLS server presents, so the test can trust exactly that one. */
async function servedCertificate(port: number): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
  try {
    await new Promise<void>((res, rej) => {
      socket.once('secureConnect', res).once('error', rej);
    });
    const der = socket.getPeerCertificate().raw.toString('base64');
    return `-----BEGIN CERTIFICATE-----\n${(der.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
  } finally {
    socket.destroy();
  }
}

describe('vsphere-cloud-controller-manager health and leader failover', () => {
  let bed: E2eBed;
  let kube: KubeApiFixture;
  let configFile: string;
  let kubeconfigFile: string;
  const daemons: Daemon[] = [];

  const initialised = (name: string, timeoutMs: number, log: () => string): Promise<V1Node> =>
    bed.initialised(name, timeoutMs, log);

  before(async () => {
    bed = await startE2eBed({ scenario: SCENARIO, tag: 'health', cloudConfig });
    ({ kube, configFile, kubeconfigFile } = bed);
  });

  after(async () => {
    await Promise.all(daemons.map((d) => d.stop(2_000)));
    await bed.close();
  });

  const flags = (securePort: number, identity: string): string[] => [
    '--cloud-provider=vsphere',
    `--cloud-config=${configFile}`,
    `--kubeconfig=${kubeconfigFile}`,
    `--secure-port=${String(securePort)}`,
    '--bind-address=127.0.0.1',
    '--leader-elect=true',
    '--leader-elect-lease-duration=3s',
    '--leader-elect-renew-deadline=2s',
    '--leader-elect-retry-period=500ms',
    '--leader-elect-resource-namespace=kube-system',
    `--leader-elect-resource-name=ccm-${identity}`,
    '--node-monitor-period=1s',
    '--node-status-update-frequency=5s',
  ];

  test('given a running daemon, should serve /healthz, /readyz (also verbose) and /metrics over HTTPS with its own certificate', async () => {
    const port = await freePort();
    const d = startDaemon(flags(port, 'health'));
    daemons.push(d);
    await d.waitForOutput(/became leader/, 30_000);
    const ca = await servedCertificate(port);
    assert.match(ca, /BEGIN CERTIFICATE/);

    const ready = await until(
      async () => {
        const r = await httpsGet(port, '/readyz', ca);
        return r.status === 200 ? r : undefined;
      },
      20_000,
      () => d.output(),
    );
    assert.equal(ready.body, 'ok');

    const healthz = await httpsGet(port, '/healthz', ca);
    assert.deepEqual([healthz.status, healthz.body], [200, 'ok']);
    const verboseHealth = await httpsGet(port, '/healthz?verbose', ca);
    assert.equal(verboseHealth.status, 200);
    assert.match(verboseHealth.body, /^\[\+\]ping ok$/m);
    assert.match(verboseHealth.body, /^\[\+\]leader-election ok$/m);
    assert.match(verboseHealth.body, /healthz check passed/);
    const verboseReady = await httpsGet(port, '/readyz?verbose', ca);
    assert.equal(verboseReady.status, 200);
    assert.match(verboseReady.body, /^\[\+\]informer-sync ok$/m);
    assert.match(verboseReady.body, /^\[\+\]vcenter-index ok$/m);
    assert.match(verboseReady.body, /readyz check passed/);
    assert.equal((await httpsGet(port, '/readyz/vcenter-index', ca)).status, 200);
    assert.equal((await httpsGet(port, '/readyz/no-such-check', ca)).status, 404);

    const metrics = await httpsGet(port, '/metrics', ca);
    assert.equal(metrics.status, 200);
    assert.match(metrics.contentType, /^text\/plain/);
    assert.match(metrics.body, /^# TYPE vsphere_ccm_index_synced gauge$/m);
    assert.match(metrics.body, /^vsphere_ccm_index_synced\{vcenter="east"\} 1$/m);
    assert.match(metrics.body, /^vsphere_ccm_vcenter_session_active\{vcenter="east"\} 1$/m);

    assert.equal(await d.stop(), 0, d.output());
  });

  test('given two daemons sharing a lease, should let only the leader initialise Nodes and hand over after it is killed', async () => {
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    const leases = kube.kubeConfig.makeApiClient(CoordinationV1Api);
    const a = startDaemon(flags(0, 'failover'));
    daemons.push(a);
    await a.waitForOutput(/became leader/, 30_000);
    const b = startDaemon(flags(0, 'failover'));
    daemons.push(b);
    await b.waitForOutput(/new leader observed/, 30_000);

    await core.createNode({ body: kubeletNode('node-1', { biosUuid: basicBiosUuid(1) }) });
    await initialised('node-1', 20_000, () => a.output());
    // The Node can be read back before the leader's log line reaches this process's pipe.
    await a.waitForOutput(/node synced/, 5_000);
    assert.doesNotMatch(b.output(), /became leader|node synced/);
    const before = await leases.readNamespacedLease({ name: 'ccm-failover', namespace: 'kube-system' });
    const leader = before.spec?.holderIdentity ?? '';
    assert.notEqual(leader, '');

    process.kill(a.pid, 'SIGKILL');
    assert.equal(await a.exited, 'SIGKILL');
    const killedAt = performance.now();
    await b.waitForOutput(/became leader/, 10_000);
    // Lease duration 3 s plus a few retry periods: the follower waits out the dead holder's lease.
    assert.ok(performance.now() - killedAt < 8_000);
    const after = await leases.readNamespacedLease({ name: 'ccm-failover', namespace: 'kube-system' });
    assert.notEqual(after.spec?.holderIdentity ?? '', leader);

    await core.createNode({ body: kubeletNode('node-2', { biosUuid: basicBiosUuid(2) }) });
    const node = await initialised('node-2', 20_000, () => b.output());
    assert.equal(node.spec?.providerID, `vsphere://${BIOS(2)}`);
    assert.equal(await b.stop(), 0, b.output());
  });
});
