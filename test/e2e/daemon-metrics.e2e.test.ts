// SPDX-License-Identifier: Apache-2.0
// The daemon's /metrics after real work (issue 5 §3): two Nodes initialised against the simulator
// and the in-memory API server, then the vCenter (SOAP and REST), login, Kubernetes request, index
// lag and node-initialisation figures scraped.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { startDaemon, type Daemon } from '../support/daemon.ts';
import { freePort, httpsGet } from '../support/daemon-http.ts';
import { startE2eBed, type E2eBed } from '../support/e2e-bed.ts';
import { basicBiosUuid, kubeletNode, simCloudConfig, until } from '../support/e2e-nodes.ts';

const SCENARIO = resolve(import.meta.dirname, '../vcsim/scenarios/basic.json');

/** GET /metrics over HTTPS; the daemon's self-signed certificate is not checked here. */
async function scrape(port: number): Promise<string> {
  const reply = await httpsGet(port, '/metrics');
  if (reply.status !== 200) throw new Error(`/metrics answered ${String(reply.status)}`);
  return reply.body;
}

/** The value of one sample line (name with its exact labels); undefined when absent. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The sum over every sample of `name` whose labels include `having`. */
function sum(body: string, name: string, having = ''): number {
  return body
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && l.includes(having))
    .reduce((acc, l) => acc + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('vsphere-cloud-controller-manager metrics', () => {
  let bed: E2eBed;
  let daemon: Daemon | undefined;

  before(async () => {
    bed = await startE2eBed({
      scenario: SCENARIO,
      tag: 'metrics',
      cloudConfig: (sim) => simCloudConfig(sim, { zones: true }),
    });
  });

  after(async () => {
    await daemon?.stop(2_000);
    await bed.close();
  });

  test('given two Nodes initialised, should report the initialisations, the login, the SOAP and REST calls, the Kubernetes requests and the index lag', async () => {
    const { kube, configFile, kubeconfigFile } = bed;
    const port = await freePort();
    const d = startDaemon([
      '--cloud-provider=vsphere',
      `--cloud-config=${configFile}`,
      `--kubeconfig=${kubeconfigFile}`,
      `--secure-port=${String(port)}`,
      '--bind-address=127.0.0.1',
      '--leader-elect=false',
    ]);
    daemon = d;
    await d.waitForOutput(/started/, 30_000);
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNode({ body: kubeletNode('node-1', { biosUuid: basicBiosUuid(1) }) });
    await core.createNode({ body: kubeletNode('node-2', { biosUuid: basicBiosUuid(2) }) });

    const initCount = 'vsphere_ccm_node_initialization_duration_seconds_count{result="success"}';
    const body = await until(
      async () => {
        const b = await scrape(port).catch(() => '');
        return sample(b, initCount) === 2 ? b : undefined;
      },
      20_000,
      () => d.output(),
    );
    assert.equal(sample(body, 'vsphere_ccm_vcenter_logins_total{vcenter="east",result="success"}'), 1);
    assert.equal(
      sample(body, 'vsphere_ccm_vcenter_logins_total{vcenter="east",result="failure"}'),
      undefined,
    );
    assert.equal(
      sample(body, 'vsphere_ccm_vcenter_round_trips_total{vcenter="east",method="Login",outcome="ok"}'),
      1,
    );
    const trips = sum(body, 'vsphere_ccm_vcenter_round_trips_total', 'vcenter="east"');
    const timed = sum(body, 'vsphere_ccm_vcenter_round_trip_duration_seconds_count', 'vcenter="east"');
    assert.ok(trips > 2, `round trips ${String(trips)}`);
    assert.equal(timed, trips, 'every round trip is timed once');
    const initSeconds = sample(
      body,
      'vsphere_ccm_node_initialization_duration_seconds_sum{result="success"}',
    );
    assert.ok(
      initSeconds !== undefined && initSeconds > 0 && initSeconds < 20,
      `init seconds ${String(initSeconds)}`,
    );
    assert.equal(sample(body, 'vsphere_ccm_workqueue_depth{queue="cloud-node"}'), 0);

    // Each initialised Node costs two PATCHes (status addresses, then spec/labels/taint).
    const patches = sum(body, 'vsphere_ccm_kube_requests_total', 'verb="PATCH",resource="nodes');
    assert.ok(patches >= 4, `PATCH nodes ${String(patches)}`);
    assert.ok(sum(body, 'vsphere_ccm_kube_requests_total', 'verb="LIST",resource="nodes",code="200"') >= 1);
    assert.ok(sum(body, 'vsphere_ccm_kube_requests_total', 'verb="WATCH",resource="nodes",code="200"') >= 1);
    const kubeTotal = sum(body, 'vsphere_ccm_kube_requests_total');
    const kubeTimed = sum(body, 'vsphere_ccm_kube_request_duration_seconds_count');
    assert.equal(kubeTimed, kubeTotal, 'every Kubernetes request is timed once');
    const kubeFailed = sum(body, 'vsphere_ccm_kube_requests_total', 'code="error"');
    assert.equal(kubeFailed, 0);

    // Zone and region come from tags read over the vAPI REST API.
    const rest = sum(body, 'vsphere_ccm_vcenter_rest_calls_total', 'vcenter="east"');
    assert.ok(rest > 0, `REST calls ${String(rest)}`);
    assert.ok(
      sum(body, 'vsphere_ccm_vcenter_rest_calls_total', 'operation="/com/vmware/cis/session",outcome="ok"') >=
        1,
      'the REST login is counted',
    );
    assert.equal(sum(body, 'vsphere_ccm_vcenter_rest_call_duration_seconds_count', 'vcenter="east"'), rest);

    const lag = sample(body, 'vsphere_ccm_index_sync_lag_seconds{vcenter="east"}');
    assert.ok(lag !== undefined && Number.isFinite(lag) && lag >= 0 && lag < 90, `lag ${String(lag)}`);
    assert.equal(await d.stop(), 0, d.output());
    daemon = undefined;
  });
});
