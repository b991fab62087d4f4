// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startKubeApiServer, type KubeApiServer } from './server.ts';

type Obj = Record<string, unknown>;

interface Reply {
  readonly code: number;
  readonly body: Obj;
}

const SVC = '/api/v1/namespaces/default/services';

function spec(o: Obj): Obj {
  return o['spec'] as Obj;
}

function ports(o: Obj): Obj[] {
  return spec(o)['ports'] as Obj[];
}

describe('kube-apiserver fake: services, endpoints, configmaps, endpointslices', () => {
  let kube: KubeApiServer;
  const req = async (method: string, path: string, body?: unknown, contentType?: string): Promise<Reply> => {
    const res = await fetch(`${kube.url}${path}`, {
      method,
      headers: { 'content-type': contentType ?? 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { code: res.status, body: (await res.json()) as Obj };
  };
  before(async () => {
    kube = await startKubeApiServer();
  });
  after(() => kube.close());

  test('given discovery should list the new resources with verbs, kinds, short names and scope', async () => {
    const core = (await req('GET', '/api/v1')).body['resources'] as Obj[];
    const find = (list: Obj[], name: string) => list.find((r) => r['name'] === name);
    assert.deepEqual(
      ['services', 'endpoints', 'configmaps'].map((n) => [
        find(core, n)?.['kind'],
        find(core, n)?.['shortNames'],
        find(core, n)?.['namespaced'],
      ]),
      [
        ['Service', ['svc'], true],
        ['Endpoints', ['ep'], true],
        ['ConfigMap', ['cm'], true],
      ],
    );
    assert.deepEqual(find(core, 'services/status')?.['verbs'], ['get', 'patch', 'update']);
    assert.ok((find(core, 'services')?.['verbs'] as string[]).includes('watch'));
    const slices = (await req('GET', '/apis/discovery.k8s.io/v1')).body['resources'] as Obj[];
    assert.equal(find(slices, 'endpointslices')?.['kind'], 'EndpointSlice');
    const groups = (await req('GET', '/apis')).body['groups'] as Obj[];
    assert.ok(groups.some((g) => g['name'] === 'discovery.k8s.io'));
  });

  test('given a LoadBalancer Service without IP or nodePorts should default and allocate them', async () => {
    const { code, body } = await req('POST', SVC, {
      metadata: { name: 'web' },
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }, { port: 443, nodePort: 30443 }] },
      status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
    });
    assert.equal(code, 201);
    assert.equal(spec(body)['clusterIP'], '10.96.0.2', '10.96.0.1 is the kubernetes Service');
    assert.deepEqual(spec(body)['clusterIPs'], ['10.96.0.2']);
    assert.deepEqual(ports(body), [
      { protocol: 'TCP', port: 80, targetPort: 80, nodePort: 30000 },
      { protocol: 'TCP', port: 443, nodePort: 30443, targetPort: 443 },
    ]);
    assert.deepEqual(body['status'], { loadBalancer: {} }, 'status is ignored on create');
    const clash = await req('POST', SVC, {
      metadata: { name: 'clash' },
      spec: { type: 'NodePort', ports: [{ port: 1, nodePort: 30443 }] },
    });
    assert.equal(clash.code, 422);
    assert.match(
      String(clash.body['message']),
      /spec\.ports\[0\]\.nodePort: Invalid value: 30443: provided port is already allocated/,
    );
  });

  test('given invalid Service ports or type should answer 422 with the real messages', async () => {
    const bad = await req('POST', SVC, {
      metadata: { name: 'bad' },
      spec: { type: 'Balanced', ports: [{ port: 70000 }] },
    });
    assert.equal(bad.code, 422);
    assert.equal(
      bad.body['message'],
      'Service "bad" is invalid: [spec.type: Unsupported value: "Balanced": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort", spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive]',
    );
    const none = await req('POST', SVC, { metadata: { name: 'none' }, spec: {} });
    assert.equal(none.code, 422);
    assert.match(String(none.body['message']), /spec\.ports: Required value/);
    const ext = await req('POST', SVC, {
      metadata: { name: 'ext' },
      spec: { type: 'ExternalName', externalName: 'example.com' },
    });
    assert.equal(ext.code, 201);
    assert.equal(spec(ext.body)['clusterIP'], undefined);
  });

  test('given an update that omits allocated values should keep clusterIP and nodePorts', async () => {
    const created = await req('POST', SVC, { metadata: { name: 'keep' }, spec: { ports: [{ port: 8080 }] } });
    const ip = spec(created.body)['clusterIP'];
    const body = { ...created.body, spec: { type: 'NodePort', ports: [{ port: 8080 }] } };
    const first = await req('PUT', `${SVC}/keep`, body);
    assert.equal(first.code, 200);
    assert.equal(spec(first.body)['clusterIP'], ip);
    const nodePort = ports(first.body)[0]?.['nodePort'];
    assert.equal(typeof nodePort, 'number');
    const again = await req('PUT', `${SVC}/keep`, {
      ...first.body,
      spec: { type: 'NodePort', ports: [{ port: 8080 }] },
    });
    assert.equal(ports(again.body)[0]?.['nodePort'], nodePort);
  });

  test('given status writes should change status only through /status, with ingress replaced whole', async () => {
    const created = await req('POST', SVC, {
      metadata: { name: 'lb' },
      spec: { type: 'LoadBalancer', ports: [{ port: 80, name: 'http' }] },
    });
    const smp = 'application/strategic-merge-patch+json';
    const ingress = (ips: string[]) => ({ status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } } });
    const main = await req('PATCH', `${SVC}/lb`, ingress(['1.1.1.1']), smp);
    assert.deepEqual(main.body['status'], { loadBalancer: {} });
    await req('PATCH', `${SVC}/lb/status`, ingress(['1.1.1.1', '2.2.2.2']), smp);
    const replaced = await req('PATCH', `${SVC}/lb/status`, ingress(['3.3.3.3']), smp);
    assert.deepEqual(replaced.body['status'], ingress(['3.3.3.3'])['status']);
    const specViaStatus = await req('PATCH', `${SVC}/lb/status`, { spec: { type: 'ClusterIP' } }, smp);
    assert.equal(spec(specViaStatus.body)['type'], 'LoadBalancer');
    assert.equal(created.code, 201);
  });

  test('given a strategic merge patch on spec.ports should merge by port', async () => {
    await req('POST', SVC, { metadata: { name: 'multi' }, spec: { ports: [{ port: 80, name: 'http' }] } });
    const patched = await req(
      'PATCH',
      `${SVC}/multi`,
      {
        spec: {
          ports: [
            { port: 443, name: 'https' },
            { port: 80, targetPort: 8080 },
          ],
        },
      },
      'application/strategic-merge-patch+json',
    );
    assert.deepEqual(
      ports(patched.body).map((p) => [p['port'], p['name'], p['targetPort']]),
      [
        [80, 'http', 8080],
        [443, 'https', 443],
      ],
    );
  });

  test('given endpoints, configmaps and endpointslices should create, select, patch and delete them', async () => {
    const ep = await req('POST', '/api/v1/namespaces/default/endpoints', {
      metadata: { name: 'web', labels: { app: 'web' } },
      subsets: [{ addresses: [{ ip: '10.1.0.1' }], ports: [{ port: 80 }] }],
    });
    assert.equal(ep.code, 201);
    const cm = await req('POST', '/api/v1/namespaces/kube-system/configmaps', {
      metadata: { name: 'cfg' },
      data: { a: '1' },
    });
    assert.equal(cm.body['kind'], 'ConfigMap');
    const merged = await req(
      'PATCH',
      '/api/v1/namespaces/kube-system/configmaps/cfg',
      { data: { b: '2' } },
      'application/merge-patch+json',
    );
    assert.deepEqual(merged.body['data'], { a: '1', b: '2' });
    const slicePath = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices';
    const slice = await req('POST', slicePath, {
      metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.1.0.1'] }],
      ports: [{ port: 80 }],
    });
    assert.equal(slice.body['apiVersion'], 'discovery.k8s.io/v1');
    const all = await req(
      'GET',
      '/apis/discovery.k8s.io/v1/endpointslices?labelSelector=kubernetes.io/service-name%3Dweb',
    );
    assert.deepEqual(
      (all.body['items'] as Obj[]).map((i) => (i['metadata'] as Obj)['name']),
      ['web-abc'],
    );
    assert.equal((await req('DELETE', `${slicePath}/web-abc`)).code, 200);
    assert.equal((await req('GET', `${slicePath}/web-abc`)).code, 404);
  });
});
