// SPDX-License-Identifier: Apache-2.0
// deploy/rbac.yaml is exactly what the daemon needs (issue 5, "ask for the least RBAC"): the
// daemon runs node initialisation, a refused initialisation with repeated Events, the shutdown
// taint, a Node deletion, leader election and Secret credentials, through a recording proxy;
// then every request it made must be allowed by the ServiceAccount's rules (sufficient), and
// every verb of every rule must have been needed by some request (minimal).
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment --
   client-node's model classes are plain data; the test sends object literals as a kubelet does. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { startDaemon, type Daemon } from '../support/daemon.ts';
import { basicBiosUuid, kubeletNode, until } from '../support/e2e-nodes.ts';
import { startKubeApi, type KubeApiFixture } from '../support/kube-apiserver.ts';
import { allows, attributesOf, rulesFor, type RequestAttributes } from '../support/rbac.ts';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.ts';
import { startVcsim, type Vcsim } from '../support/vcsim.ts';

const SCENARIO = resolve(import.meta.dirname, '../vcsim/scenarios/basic.json');
const RBAC = resolve(import.meta.dirname, '../../deploy/rbac.yaml');
const SA = { namespace: 'kube-system', name: 'cloud-controller-manager' };
const SECRET = 'vsphere-cloud-secret';
const SHUTDOWN_TAINT = 'node.cloudprovider.kubernetes.io/shutdown';

describe('deploy/rbac.yaml', () => {
  let sim: Vcsim;
  let kube: KubeApiFixture;
  let proxy: RecordingProxy;
  let daemon: Daemon | undefined;
  let dir: string;

  before(async () => {
    [sim, kube] = await Promise.all([startVcsim({ scenario: SCENARIO }), startKubeApi()]);
    proxy = await startRecordingProxy(kube.url);
    dir = await mkdtemp(join(tmpdir(), 'ccm-e2e-rbac-'));
  });
  after(async () => {
    await daemon?.stop(2_000);
    await proxy.close();
    await Promise.all([sim.close(), kube.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  test('given every controller path, should need every rule and be allowed every request', async () => {
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    await core.createNamespacedSecret({
      namespace: 'kube-system',
      body: {
        metadata: { name: SECRET },
        data: {
          '127.0.0.1.username': b64(sim.credentials.username),
          '127.0.0.1.password': b64(sim.credentials.password),
        },
      },
    });
    const config = join(dir, 'vsphere.yaml');
    await writeFile(
      config,
      [
        'global:',
        `  secretName: ${SECRET}`,
        '  secretNamespace: kube-system',
        'vcenter:',
        '  east:',
        '    server: 127.0.0.1',
        `    port: ${new URL(sim.sdkUrl).port}`,
        `    thumbprint: ${JSON.stringify(sim.thumbprintSha256)}`,
        '    datacenters: ["dc-east"]',
        '',
      ].join('\n'),
    );
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'fake', cluster: { server: proxy.url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'ccm', user: { token: 'ccm-token' } }],
        contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'ccm' } }],
        'current-context': 'fake',
      }),
    );
    daemon = startDaemon([
      '--cloud-provider=vsphere',
      `--cloud-config=${config}`,
      `--kubeconfig=${kubeconfig}`,
      '--secure-port=0',
      '--node-monitor-period=500ms',
    ]);
    const log = (): string => daemon?.output() ?? '';
    const node = (name: string): Promise<V1Node | undefined> =>
      core.readNode({ name }).catch(() => undefined);

    await core.createNode({ body: kubeletNode('node-1', { biosUuid: basicBiosUuid(1) }) });
    await core.createNode({ body: kubeletNode('node-2', { biosUuid: basicBiosUuid(2), ready: false }) });
    await core.createNode({ body: kubeletNode('node-3', { biosUuid: basicBiosUuid(3), ready: false }) });
    // Refused: the kubelet's --node-ip is not one of the VM's addresses; retried with Events.
    await core.createNode({
      body: kubeletNode('node-4', { biosUuid: basicBiosUuid(4), providedIp: '192.0.2.99' }),
    });
    for (const name of ['node-1', 'node-2', 'node-3'])
      await until(
        async () => ((await node(name))?.spec?.providerID === undefined ? undefined : true),
        30_000,
        () => `${name} initialised\n${log()}`,
      );

    await sim.control.power('node-2', 'poweredOff');
    await until(
      async () =>
        ((await node('node-2'))?.spec?.taints ?? []).some((t) => t.key === SHUTDOWN_TAINT) || undefined,
      15_000,
      () => `the shutdown taint on node-2\n${log()}`,
    );
    await sim.control.destroy('node-3');
    await until(
      async () => ((await node('node-3')) === undefined ? true : undefined),
      40_000,
      () => `node-3 deleted\n${log()}`,
    );
    assert.equal(await daemon.stop(), 0, log());

    const rules = rulesFor(await readFile(RBAC, 'utf8'), SA);
    const seen: RequestAttributes[] = proxy.requests.flatMap((r) => {
      const a = attributesOf(r.method, r.path);
      return a === undefined ? [] : [a];
    });
    const denied = seen.filter((a) => !rules.some((rule) => allows(rule, a)));
    assert.deepEqual(denied, [], 'requests deploy/rbac.yaml would deny');
    const unused = rules.flatMap((rule) =>
      rule.verbs.flatMap((verb) =>
        rule.resources
          .filter(
            (resource) => !seen.some((a) => allows({ ...rule, verbs: [verb], resources: [resource] }, a)),
          )
          .map((resource) => `${rule.source}: ${verb} ${resource}`),
      ),
    );
    assert.deepEqual(unused, [], 'grants no request needed');
  });
});
