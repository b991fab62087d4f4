// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { humanDuration } from './printer-cells.ts';
import { decodeProtobufBody } from './protobuf-body.ts';
import { startKubeApiServer, type KubeApiServer } from './server.ts';
import { printerFor } from './table-printers.ts';
import { negotiate } from './table.ts';

type Obj = Record<string, unknown>;

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const KUBECTL_ACCEPT = `${TABLE},application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json`;

/** Protobuf wire encoding of length-delimited fields, enough to build kubectl-like bodies. */
function field(no: number, value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([Buffer.from([(no << 3) | 2, bytes.length]), bytes]);
}

describe('kube-apiserver fake: Table output and protobuf bodies', () => {
  let kube: KubeApiServer;
  const get = async (path: string, accept: string): Promise<Obj> =>
    (await (await fetch(`${kube.url}${path}`, { headers: { accept } })).json()) as Obj;
  before(async () => {
    kube = await startKubeApiServer({ now: () => new Date('2026-11-23T03:00:00Z') });
    const post = (path: string, body: Obj) =>
      fetch(`${kube.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await post('/api/v1/nodes', {
      metadata: { name: 'n1' },
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'ExternalIP', address: '192.0.2.1' }],
      },
    });
  });
  after(() => kube.close());

  test('given Accept alternatives should pick the first supported one and fall back to JSON', () => {
    assert.equal(negotiate(KUBECTL_ACCEPT), 'table');
    assert.equal(negotiate(`application/json;as=Table;v=v1beta1;g=meta.k8s.io,${TABLE}`), 'table');
    assert.equal(negotiate('application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'), 'json');
    assert.equal(negotiate('application/vnd.kubernetes.protobuf'), 'json');
    assert.equal(negotiate('application/json, */*'), 'json');
    assert.equal(negotiate(undefined), 'json');
  });

  test('given a list asked as Table should answer columns, rows and partial metadata by default', async () => {
    const table = await get('/api/v1/nodes', KUBECTL_ACCEPT);
    assert.equal(table['kind'], 'Table');
    assert.equal(table['apiVersion'], 'meta.k8s.io/v1');
    const cols = table['columnDefinitions'] as Obj[];
    assert.deepEqual(
      cols.map((c) => [c['name'], c['priority']]),
      [
        ['Name', 0],
        ['Status', 0],
        ['Roles', 0],
        ['Age', 0],
        ['Version', 0],
        ['Internal-IP', 1],
        ['External-IP', 1],
        ['OS-Image', 1],
        ['Kernel-Version', 1],
        ['Container-Runtime', 1],
      ],
    );
    const rows = table['rows'] as Obj[];
    assert.deepEqual((rows[0]?.['cells'] as unknown[]).slice(0, 7), [
      'n1',
      'Ready,SchedulingDisabled',
      '<none>',
      '0s',
      '',
      '<none>',
      '192.0.2.1',
    ]);
    assert.equal((rows[0]?.['object'] as Obj)['kind'], 'PartialObjectMetadata');
    assert.match(String((table['metadata'] as Obj)['resourceVersion']), /^\d+$/);
    const full = await get('/api/v1/nodes?includeObject=Object', TABLE);
    assert.equal(((full['rows'] as Obj[])[0]?.['object'] as Obj)['kind'], 'Node');
    const none = await get('/api/v1/nodes?includeObject=None', TABLE);
    assert.equal((none['rows'] as Obj[])[0]?.['object'], undefined);
    assert.equal((await get('/api/v1/nodes', 'application/json'))['kind'], 'NodeList');
  });

  test('given a single get and a watch asked as Table should answer one-row Tables', async () => {
    const one = await get('/api/v1/namespaces/default/services/kubernetes', TABLE);
    assert.deepEqual(
      (one['rows'] as Obj[]).map((r) => (r['cells'] as unknown[]).slice(0, 5)),
      [['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP']],
    );
    const ac = new AbortController();
    const res = await fetch(`${kube.url}/api/v1/nodes?watch=true`, {
      headers: { accept: TABLE },
      signal: ac.signal,
    });
    const reader = res.body?.getReader();
    const first = (await reader?.read())?.value as Uint8Array | undefined;
    ac.abort();
    const line = JSON.parse(new TextDecoder().decode(first).split('\n')[0] ?? '') as Obj;
    assert.equal(line['type'], 'ADDED');
    const obj = line['object'] as Obj;
    assert.equal(obj['kind'], 'Table');
    assert.equal(((obj['rows'] as Obj[])[0]?.['cells'] as unknown[])[0], 'n1');
  });

  test('given kinds without a dedicated printer should print NAME and AGE', async () => {
    const table = await get('/apis/coordination.k8s.io/v1/leases', TABLE);
    assert.deepEqual(
      (table['columnDefinitions'] as Obj[]).map((c) => c['name']),
      ['Name', 'Holder', 'Age'],
    );
    const generic = printerFor('Pod');
    assert.deepEqual(
      generic.columns.map((c) => c.name),
      ['Name', 'Age'],
    );
    const now = new Date('2026-11-23T03:00:00Z');
    assert.deepEqual(
      generic.cells({ metadata: { name: 'p', creationTimestamp: '2026-11-23T02:00:00Z' } }, now),
      ['p', '60m'],
    );
  });

  test('given objects of each printed kind should fill their columns as the real printers do', () => {
    const now = new Date('2026-11-23T03:00:00Z');
    const meta = { name: 'x', creationTimestamp: '2026-11-20T03:00:00Z' };
    const ports = Array.from({ length: 4 }, (_, i) => ({ port: 80 + i }));
    assert.deepEqual(
      printerFor('EndpointSlice').cells(
        { metadata: meta, addressType: 'IPv4', ports, endpoints: [{ addresses: ['10.0.0.1'] }] },
        now,
      ),
      ['x', 'IPv4', '80,81,82 + 1 more...', '10.0.0.1', '3d'],
    );
    assert.deepEqual(
      printerFor('Endpoints').cells(
        { metadata: meta, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] },
        now,
      ),
      ['x', '10.0.0.1:80', '3d'],
    );
    assert.deepEqual(
      printerFor('Secret').cells({ metadata: meta, type: 'Opaque', data: { a: '', b: '' } }, now),
      ['x', 'Opaque', 2, '3d'],
    );
    assert.deepEqual(printerFor('Namespace').cells({ metadata: meta, status: { phase: 'Active' } }, now), [
      'x',
      'Active',
      '3d',
    ]);
    const lb = {
      metadata: meta,
      spec: {
        type: 'LoadBalancer',
        clusterIP: '10.96.0.9',
        ports: [{ port: 80, nodePort: 30001, protocol: 'UDP' }],
      },
    };
    assert.deepEqual(printerFor('Service').cells(lb, now).slice(0, 5), [
      'x',
      'LoadBalancer',
      '10.96.0.9',
      '<pending>',
      '80:30001/UDP',
    ]);
    const ev = {
      metadata: meta,
      type: 'Warning',
      reason: 'Failed',
      involvedObject: { kind: 'Node', name: 'n1' },
      message: 'bad zone',
      source: { component: 'ccm' },
      lastTimestamp: '2026-11-23T02:59:00Z',
    };
    assert.deepEqual(printerFor('Event').cells(ev, now).slice(0, 7), [
      '60s',
      'Warning',
      'Failed',
      'node/n1',
      '',
      'ccm',
      'bad zone',
    ]);
  });

  test('given durations should print them as HumanDuration does', () => {
    const s = 1000;
    assert.deepEqual(
      [
        5 * s,
        150 * s,
        600 * s,
        4 * 3600 * s + 60 * s,
        30 * 3600 * s,
        3 * 86400 * s + 3600 * s,
        400 * 86400 * s,
        -5 * s,
      ].map(humanDuration),
      ['5s', '2m30s', '10m', '4h1m', '30h', '3d1h', '400d', '<invalid>'],
    );
  });

  test('given a protobuf ConfigMap body should decode the envelope, metadata and data', () => {
    const typeMeta = Buffer.concat([field(1, 'v1'), field(2, 'ConfigMap')]);
    const meta = Buffer.concat([
      field(1, 'cfg'),
      field(3, 'default'),
      field(11, Buffer.concat([field(1, 'app'), field(2, 'web')])),
    ]);
    const cm = Buffer.concat([field(1, meta), field(2, Buffer.concat([field(1, 'a'), field(2, 'b')]))]);
    const body = Buffer.concat([Buffer.from('k8s\0'), field(1, typeMeta), field(2, cm)]);
    assert.deepEqual(decodeProtobufBody(body), {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'cfg', namespace: 'default', labels: { app: 'web' } },
      data: { a: 'b' },
    });
    const pod = Buffer.concat([Buffer.from('k8s\0'), field(1, field(2, 'Pod')), field(2, Buffer.alloc(0))]);
    assert.equal(decodeProtobufBody(pod), undefined);
    assert.equal(decodeProtobufBody(Buffer.from('{}')), undefined);
  });
});
