// SPDX-License-Identifier: Apache-2.0
// Leader failover when the leader hangs rather than dies (issue 5): the leader is frozen with
// SIGSTOP, the standby takes the Lease over and initialises Nodes, and the old leader, once thawed
// with SIGCONT, stops its controllers and exits non-zero without writing the Lease or any Node.
// Each daemon talks to the in-memory API server through its own recording proxy, so every
// request can be attributed to the daemon that sent it.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoordinationV1Api, CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { startDaemon, type Daemon } from '../support/daemon.ts';
import { startKubeApi, type KubeApiFixture } from '../support/kube-apiserver.ts';
import { startRecordingProxy, type ProxiedRequest, type RecordingProxy } from '../support/recording-proxy.ts';
import { startVcsim, type Vcsim } from '../support/vcsim.ts';
import {
  basicBiosUuid,
  kubeletNode,
  simCloudConfig,
  UNINITIALIZED_TAINT,
  until,
} from '../support/e2e-nodes.ts';

const SCENARIO = resolve(import.meta.dirname, '../vcsim/scenarios/basic.json');
const LEASE = { name: 'ccm-hang', namespace: 'kube-system' };
const LEASE_MS = 4_000;
const RETRY_MS = 1_000;
/**
 * client-go's promise is "lease duration + retry period" after the last renewal. The standby
 * measures the lease from when *it* saw the last renewal, and both of its polls (the one that saw
 * it and the one that takes over) wait a jittered retry period of up to 2.2 × retry: 4 + 2.2 + 2.2
 * = 8.4 s at worst. Twice lease + retry (10 s) covers that plus a loaded 2-core machine.
 */
const TAKEOVER_BOUND_MS = 2 * (LEASE_MS + RETRY_MS);

/** The identity a daemon announced with "became leader" or `undefined` if it has not led. */
function ledAs(daemon: Daemon): string | undefined {
  const line = daemon
    .output()
    .split('\n')
    .find((l) => l.includes('became leader'));
  return line === undefined ? undefined : /"identity":"([^"]+)"/.exec(line)?.[1];
}

const isLeaseWrite = (r: ProxiedRequest): boolean =>
  (r.method === 'PUT' || r.method === 'PATCH') && r.path.includes(`/leases/${LEASE.name}`);
const isNodeWrite = (r: ProxiedRequest): boolean =>
  ['PUT', 'PATCH', 'POST', 'DELETE'].includes(r.method) && r.path.startsWith('/api/v1/nodes');

describe('vsphere-cloud-controller-manager failover from a hung leader', () => {
  let sim: Vcsim;
  let kube: KubeApiFixture;
  let dir: string;
  const proxies: RecordingProxy[] = [];
  const daemons: Daemon[] = [];

  before(async () => {
    [sim, kube] = await Promise.all([startVcsim({ scenario: SCENARIO }), startKubeApi()]);
    dir = await mkdtemp(join(tmpdir(), 'ccm-e2e-hang-'));
    await writeFile(join(dir, 'vsphere.yaml'), simCloudConfig(sim));
  });

  after(async () => {
    for (const d of daemons) {
      // A stopped process ignores SIGTERM until continued; an exited one makes kill throw.
      try {
        process.kill(d.pid, 'SIGCONT');
      } catch {
        // already gone
      }
    }
    await Promise.all(daemons.map((d) => d.stop(2_000)));
    await Promise.all(proxies.map((p) => p.close()));
    await Promise.all([sim.close(), kube.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  /** Starts a daemon whose API traffic goes through its own recording proxy. */
  const startWithProxy = async (tag: string): Promise<{ daemon: Daemon; proxy: RecordingProxy }> => {
    const proxy = await startRecordingProxy(kube.url);
    proxies.push(proxy);
    const kubeconfig = join(dir, `kubeconfig-${tag}`);
    await writeFile(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'fake', cluster: { server: proxy.url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: tag, user: { token: `token-${tag}` } }],
        contexts: [{ name: 'fake', context: { cluster: 'fake', user: tag } }],
        'current-context': 'fake',
      }),
    );
    const daemon = startDaemon([
      '--cloud-provider=vsphere',
      `--cloud-config=${join(dir, 'vsphere.yaml')}`,
      `--kubeconfig=${kubeconfig}`,
      '--secure-port=0',
      '--leader-elect=true',
      `--leader-elect-lease-duration=${String(LEASE_MS / 1000)}s`,
      '--leader-elect-renew-deadline=3s',
      `--leader-elect-retry-period=${String(RETRY_MS / 1000)}s`,
      `--leader-elect-resource-namespace=${LEASE.namespace}`,
      `--leader-elect-resource-name=${LEASE.name}`,
      '--node-monitor-period=1s',
      '--node-status-update-frequency=5s',
    ]);
    daemons.push(daemon);
    return { daemon, proxy };
  };

  test('given a leader frozen with SIGSTOP, should let the standby take over and, once the leader resumes, make it exit without writing the Lease or Nodes', async () => {
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    const leases = kube.kubeConfig.makeApiClient(CoordinationV1Api);
    const holder = async (): Promise<string> =>
      (await leases.readNamespacedLease(LEASE)).spec?.holderIdentity ?? '';
    const initialised = (name: string, log: () => string): Promise<V1Node> =>
      until(
        async () => {
          const n = await core.readNode({ name }).catch(() => undefined);
          const tainted = (n?.spec?.taints ?? []).some((t) => t.key === UNINITIALIZED_TAINT);
          return n?.spec?.providerID !== undefined && !tainted ? n : undefined;
        },
        15_000,
        () => `${name} initialised\n${log()}`,
      );

    const started = await Promise.all([startWithProxy('one'), startWithProxy('two')]);
    const [first, second] = started;
    const both = (): string => `${first.daemon.output()}\n---\n${second.daemon.output()}`;
    const leaderId = await until(
      async () => {
        const id = await holder().catch(() => '');
        return id !== '' && started.some((s) => ledAs(s.daemon) === id) ? id : undefined;
      },
      30_000,
      () => `a leader\n${both()}`,
    );
    const [leader, standby] = ledAs(first.daemon) === leaderId ? [first, second] : [second, first];
    await standby.daemon.waitForOutput(/new leader observed/, 15_000);

    await core.createNode({ body: kubeletNode('node-1', { biosUuid: basicBiosUuid(1) }) });
    await initialised('node-1', both);
    assert.ok(leader.proxy.requests.some((r) => isNodeWrite(r) && r.path.includes('/node-1')));
    assert.ok(!standby.proxy.requests.some(isNodeWrite), 'the standby wrote a Node while following');

    process.kill(leader.daemon.pid, 'SIGSTOP');
    const frozenAt = performance.now();
    const newId = await until(
      async () => {
        const id = await holder();
        return id !== leaderId && id !== '' ? id : undefined;
      },
      TAKEOVER_BOUND_MS,
      () => `a new Lease holder\n${both()}`,
    );
    const takenOverAt = performance.now();
    assert.ok(takenOverAt - frozenAt >= LEASE_MS - RETRY_MS, 'taken over before the lease could expire');
    // The Lease write comes before the new leader's log line reaches this process's pipe.
    await standby.daemon.waitForOutput(/became leader/, 5_000);
    assert.equal(ledAs(standby.daemon), newId);

    await core.createNode({ body: kubeletNode('node-2', { biosUuid: basicBiosUuid(2) }) });
    const node2 = await initialised('node-2', () => standby.daemon.output());
    assert.equal(node2.spec?.providerID, `vsphere://${basicBiosUuid(2)}`);
    assert.ok(standby.proxy.requests.some((r) => isNodeWrite(r) && r.path.includes('/node-2')));

    // node-3 is registered right before the thaw, so it races the old leader's wake-up: its watch
    // events are handled before its timers, so its workers reach node-3 before its renewal shows
    // the lease is gone. Its writes must be refused by the lease check on the local clock.
    await core.createNode({ body: kubeletNode('node-3', { biosUuid: basicBiosUuid(3) }) });
    process.kill(leader.daemon.pid, 'SIGCONT');
    const thawedAt = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      leader.daemon.exited,
      new Promise((res) => (timer = setTimeout(res, 12_000, 'still running after 12 s'))),
    ]).finally(() => {
      clearTimeout(timer);
    });
    assert.equal(code, 1, leader.daemon.output());
    assert.match(leader.daemon.output(), /leader election lost/);

    const afterTakeover = leader.proxy.requests.filter((r) => r.at >= takenOverAt);
    assert.ok(
      afterTakeover.some(
        (r) => r.at >= thawedAt && r.method === 'GET' && r.path.includes(`/leases/${LEASE.name}`),
      ),
      `the resumed leader never read the Lease: ${JSON.stringify(afterTakeover)}`,
    );
    const leaseWrites = afterTakeover.filter((r) => isLeaseWrite(r) && r.status >= 200 && r.status < 300);
    assert.deepEqual(leaseWrites, [], 'the resumed leader wrote the Lease');
    assert.deepEqual(afterTakeover.filter(isNodeWrite), [], 'the resumed leader wrote a Node');

    assert.equal(await holder(), newId);
    const node3 = await initialised('node-3', () => standby.daemon.output());
    assert.equal(node3.spec?.providerID, `vsphere://${basicBiosUuid(3)}`);
    assert.equal(await standby.daemon.stop(), 0, standby.daemon.output());
  });
});
