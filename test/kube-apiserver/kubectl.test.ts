// SPDX-License-Identifier: Apache-2.0
// The real kubectl against the in-memory API server. `KUBECTL` names the binary (default `kubectl`
// from PATH, which scripts/bootstrap.sh installs); a missing kubectl fails these tests.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startKubeApi, type KubeApiFixture } from '../support/kube-apiserver.ts';
import { parseTable, runKubectl, type KubectlRun } from './kubectl-runner.ts';
import { findResourceType, type ResourceType } from './resources.ts';

const KUBECTL = process.env['KUBECTL'] ?? 'kubectl';

type Obj = Record<string, unknown>;

function type(group: string, resource: string): ResourceType {
  const t = findResourceType(group, 'v1', resource);
  assert.ok(t, `${resource} is served`);
  return t;
}

describe('kubectl against the in-memory kube-apiserver', () => {
  let kube: KubeApiFixture;
  let dir: string;
  let kubeconfig: string;

  const kubectl = (...args: string[]): Promise<KubectlRun> => {
    const globalArgs = [
      `--kubeconfig=${kubeconfig}`,
      `--cache-dir=${join(dir, 'cache')}`,
      '--request-timeout=10s',
    ];
    return runKubectl({ binary: KUBECTL, globalArgs, timeoutMs: 20_000 }, args);
  };
  const ok = async (...args: string[]): Promise<string> => {
    const r = await kubectl(...args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const post = async (path: string, body: Obj): Promise<Obj> => {
    const res = await fetch(`${kube.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 201, `POST ${path}`);
    return (await res.json()) as Obj;
  };
  const node = (name: string): Obj | undefined => kube.store.get(type('', 'nodes'), '', name);
  const nodeDoc = (name: string, ready: string, ip: string): Obj => ({
    metadata: { name, labels: { 'node-role.kubernetes.io/worker': '' } },
    status: {
      conditions: [{ type: 'Ready', status: ready }],
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: { kubeletVersion: 'v1.34.1' },
    },
  });

  before(async () => {
    kube = await startKubeApi();
    dir = await mkdtemp(join(tmpdir(), 'kubectl-test-'));
    kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, kube.kubeconfigText);
    await post('/api/v1/nodes', nodeDoc('n-ready', 'True', '10.0.0.5'));
    await post('/api/v1/nodes', nodeDoc('n-down', 'False', '10.0.0.6'));
  });
  after(async () => {
    await kube.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('given the version command should complete the handshake with the server version', async () => {
    assert.match(await ok('version'), /v1\.34\.0-fake/);
  });

  test('given get nodes should print the server columns with Ready/NotReady and -o wide addresses', async () => {
    const out = await ok('get', 'nodes');
    assert.deepEqual(out.split('\n')[0]?.split(/\s+/), ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    const rows = parseTable(out);
    assert.deepEqual(
      rows.map((r) => [r['NAME'], r['STATUS'], r['ROLES'], r['VERSION']]),
      [
        ['n-down', 'NotReady', 'worker', 'v1.34.1'],
        ['n-ready', 'Ready', 'worker', 'v1.34.1'],
      ],
    );
    const wide = parseTable(await ok('get', 'nodes', '-o', 'wide'));
    assert.deepEqual(
      wide.map((r) => [r['NAME'], r['INTERNAL-IP'], r['EXTERNAL-IP']]),
      [
        ['n-down', '10.0.0.6', '<none>'],
        ['n-ready', '10.0.0.5', '<none>'],
      ],
    );
  });

  test('given get nodes -o json should print the objects', async () => {
    const list = JSON.parse(await ok('get', 'nodes', '-o', 'json')) as { items: Obj[] };
    const names = list.items.map((i) => (i['metadata'] as Obj)['name']);
    assert.deepEqual(names, ['n-down', 'n-ready']);
    assert.equal(list.items[0]?.['kind'], 'Node');
  });

  test('given services in two namespaces should list them with allocated IPs and node ports', async () => {
    const lb = await post('/api/v1/namespaces/kube-system/services', {
      metadata: { name: 'lb' },
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }], selector: { app: 'web' } },
    });
    const status = { ...lb, status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } };
    const put = await fetch(`${kube.url}/api/v1/namespaces/kube-system/services/lb/status`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(status),
    });
    assert.equal(put.status, 200);
    const rows = parseTable(await ok('get', 'svc', '-A'));
    const row = (name: string) => rows.find((r) => r['NAME'] === name);
    assert.deepEqual(row('kubernetes'), {
      ...row('kubernetes'),
      NAMESPACE: 'default',
      'CLUSTER-IP': '10.96.0.1',
    });
    assert.equal(row('kubernetes')?.['PORT(S)'], '443/TCP');
    assert.equal(row('lb')?.['NAMESPACE'], 'kube-system');
    assert.equal(row('lb')?.['TYPE'], 'LoadBalancer');
    assert.equal(row('lb')?.['CLUSTER-IP'], '10.96.0.2');
    assert.equal(row('lb')?.['EXTERNAL-IP'], '192.0.2.10');
    assert.equal(row('lb')?.['PORT(S)'], '80:30000/TCP');
  });

  test('given label, annotate and taint should store them on the node', async () => {
    await ok('label', 'node', 'n-ready', 'topology.kubernetes.io/zone=zone-a');
    await ok('annotate', 'node', 'n-ready', 'example.com/note=hello');
    await ok('taint', 'node', 'n-ready', 'example.com/maint=yes:NoSchedule');
    const meta = node('n-ready')?.['metadata'] as Obj;
    assert.equal((meta['labels'] as Obj)['topology.kubernetes.io/zone'], 'zone-a');
    assert.equal((meta['annotations'] as Obj)['example.com/note'], 'hello');
    assert.deepEqual((node('n-ready')?.['spec'] as Obj)['taints'], [
      { key: 'example.com/maint', value: 'yes', effect: 'NoSchedule' },
    ]);
    await ok('taint', 'node', 'n-ready', 'example.com/maint-');
    assert.deepEqual((node('n-ready')?.['spec'] as Obj)['taints'] ?? [], []);
  });

  test('given merge, strategic and JSON patches should apply them and fail on a failed test op', async () => {
    await ok('patch', 'node', 'n-down', '--type=merge', '-p', '{"metadata":{"labels":{"m":"1"}}}');
    await ok('patch', 'node', 'n-down', '--type=strategic', '-p', '{"metadata":{"labels":{"s":"2"}}}');
    const jsonPatch =
      '[{"op":"test","path":"/metadata/labels/m","value":"1"},{"op":"add","path":"/metadata/labels/j","value":"3"}]';
    await ok('patch', 'node', 'n-down', '--type=json', '-p', jsonPatch);
    const labels = (node('n-down')?.['metadata'] as Obj)['labels'] as Obj;
    assert.deepEqual([labels['m'], labels['s'], labels['j']], ['1', '2', '3']);
    const failed = await kubectl(
      'patch',
      'node',
      'n-down',
      '--type=json',
      '-p',
      '[{"op":"test","path":"/metadata/labels/m","value":"2"},{"op":"remove","path":"/metadata/labels/m"}]',
    );
    assert.notEqual(failed.code, 0);
    assert.match(failed.stderr, /test failed/);
    assert.equal(((node('n-down')?.['metadata'] as Obj)['labels'] as Obj)['m'], '1');
  });

  test('given create configmap --from-literal should store its data and list it', async () => {
    await ok('create', 'configmap', 'settings', '--from-literal=a=1', '--from-literal=b=2');
    assert.deepEqual(kube.store.get(type('', 'configmaps'), 'default', 'settings')?.['data'], {
      a: '1',
      b: '2',
    });
    const rows = parseTable(await ok('get', 'cm'));
    assert.deepEqual(
      rows.map((r) => [r['NAME'], r['DATA']]),
      [['settings', '2']],
    );
  });

  test('given delete should remove an object at once, or mark it while finalizers remain', async () => {
    const cm = type('', 'configmaps');
    await ok('create', 'configmap', 'plain');
    await ok('delete', 'configmap', 'plain');
    assert.equal(kube.store.get(cm, 'default', 'plain'), undefined);
    await post('/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'held', finalizers: ['example.com/hold'] },
    });
    await ok('delete', 'configmap', 'held', '--wait=false');
    const held = kube.store.get(cm, 'default', 'held')?.['metadata'] as Obj | undefined;
    assert.match(String(held?.['deletionTimestamp']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await ok(
      'patch',
      'configmap',
      'held',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    );
    assert.equal(kube.store.get(cm, 'default', 'held'), undefined);
  });

  test('given an Event written through events.k8s.io should show it in get events', async () => {
    await post('/apis/events.k8s.io/v1/namespaces/default/events', {
      metadata: { name: 'n-down.1' },
      eventTime: '2026-11-23T03:04:05.000000Z',
      reportingController: 'vsphere-ccm',
      reportingInstance: 'ccm-0',
      action: 'Sync',
      reason: 'SyncFailed',
      note: 'zone tag is not a valid label value',
      type: 'Warning',
      regarding: { kind: 'Node', name: 'n-down' },
    });
    const rows = parseTable(await ok('get', 'events'));
    assert.deepEqual(
      rows.map((r) => [r['TYPE'], r['REASON'], r['OBJECT'], r['MESSAGE']]),
      [['Warning', 'SyncFailed', 'node/n-down', 'zone tag is not a valid label value']],
    );
  });

  test('given a lease in kube-system should list it with its holder', async () => {
    await post('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', {
      metadata: { name: 'cloud-controller-manager' },
      spec: { holderIdentity: 'ccm-0_abc', leaseDurationSeconds: 15 },
    });
    const rows = parseTable(await ok('get', 'leases', '-n', 'kube-system'));
    assert.deepEqual(
      rows.map((r) => [r['NAME'], r['HOLDER']]),
      [['cloud-controller-manager', 'ccm-0_abc']],
    );
  });

  test('given api-resources should list the served resources with short names', async () => {
    const rows = parseTable(await ok('api-resources'));
    const byName = (n: string, v: string) => rows.find((r) => r['NAME'] === n && r['APIVERSION'] === v);
    assert.equal(byName('services', 'v1')?.['SHORTNAMES'], 'svc');
    assert.equal(byName('endpoints', 'v1')?.['SHORTNAMES'], 'ep');
    assert.equal(byName('configmaps', 'v1')?.['SHORTNAMES'], 'cm');
    assert.equal(byName('endpointslices', 'discovery.k8s.io/v1')?.['NAMESPACED'], 'true');
    assert.equal(byName('events', 'events.k8s.io/v1')?.['KIND'], 'Event');
  });

  test('given get nodes --watch should print a row for a node that changes', async () => {
    const argv = [
      `--kubeconfig=${kubeconfig}`,
      `--cache-dir=${join(dir, 'cache')}`,
      'get',
      'nodes',
      '--watch',
    ];
    const child = spawn(KUBECTL, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) =>
      child.once('close', () => {
        resolve();
      }),
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const waitFor = async (re: RegExp): Promise<void> => {
      const deadline = Date.now() + 15_000;
      while (!re.test(out)) {
        assert.ok(Date.now() < deadline && child.exitCode === null, `watch output so far: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await waitFor(/n-ready\s+Ready/);
      const patched = await fetch(`${kube.url}/api/v1/nodes/n-ready/status`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/strategic-merge-patch+json' },
        body: JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'False' }] } }),
      });
      assert.equal(patched.status, 200);
      await waitFor(/n-ready\s+NotReady/);
    } finally {
      child.kill();
      await exited;
    }
  });
});
