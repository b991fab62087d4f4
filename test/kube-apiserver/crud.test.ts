// SPDX-License-Identifier: Apache-2.0
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment, @typescript-eslint/no-misused-spread --
   client-node's model classes are plain data; these tests send object literals as real callers do. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  EventsV1Api,
  V1MicroTime,
  type V1Node,
} from '@kubernetes/client-node';
import { startKubeApi, type KubeApiFixture } from '../support/kube-apiserver.ts';

interface Failure {
  readonly code: number;
  readonly body: Record<string, unknown>;
}

async function failure(p: Promise<unknown>): Promise<Failure> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException)
      return { code: err.code, body: JSON.parse(String(err.body)) as Record<string, unknown> };
    throw err;
  }
  return assert.fail('expected the request to fail');
}

function node(name: string): V1Node {
  return {
    metadata: { name, labels: { role: 'worker' } },
    spec: {
      taints: [
        { key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true', effect: 'NoSchedule' },
      ],
    },
    status: { addresses: [{ type: 'Hostname', address: name }], nodeInfo: { systemUUID: 'uuid-1' } as never },
  };
}

describe('kube-apiserver fake: discovery and CRUD', () => {
  let kube: KubeApiFixture;
  let core: CoreV1Api;
  let coord: CoordinationV1Api;
  before(async () => {
    kube = await startKubeApi();
    core = kube.kubeConfig.makeApiClient(CoreV1Api);
    coord = kube.kubeConfig.makeApiClient(CoordinationV1Api);
  });
  after(() => kube.close());

  test('given discovery requests should list core v1, the groups and their resources', async () => {
    const get = async (path: string) =>
      (await fetch(`${kube.url}${path}`)).json() as Promise<Record<string, unknown>>;
    assert.deepEqual((await get('/api'))['versions'], ['v1']);
    const groups = (await get('/apis'))['groups'] as { name: string }[];
    assert.deepEqual(groups.map((g) => g.name).sort(), [
      'coordination.k8s.io',
      'discovery.k8s.io',
      'events.k8s.io',
    ]);
    const core1 = (await get('/api/v1'))['resources'] as { name: string; namespaced: boolean }[];
    assert.ok(core1.some((r) => r.name === 'nodes/status' && !r.namespaced));
    assert.ok(core1.some((r) => r.name === 'secrets' && r.namespaced));
    const leases = (await get('/apis/coordination.k8s.io/v1'))['resources'] as { name: string }[];
    assert.deepEqual(
      leases.map((r) => r.name),
      ['leases'],
    );
    assert.equal(kube.requestLog.count({ verb: 'discovery' }), 4);
  });

  test('given a new node should create it with uid, second-precision timestamp and status kept', async () => {
    const created = await core.createNode({ body: node('n-create') });
    assert.match(created.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.match(created.metadata?.resourceVersion ?? '', /^\d+$/);
    assert.equal(created.status?.addresses?.[0]?.address, 'n-create');
    const raw = (await (await fetch(`${kube.url}/api/v1/nodes/n-create`)).json()) as {
      metadata: Record<string, string>;
    };
    assert.match(raw.metadata['creationTimestamp'] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const dup = await failure(core.createNode({ body: node('n-create') }));
    assert.equal(dup.code, 409);
    assert.deepEqual(dup.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'nodes "n-create" already exists',
      reason: 'AlreadyExists',
      details: { name: 'n-create', kind: 'nodes' },
      code: 409,
    });
  });

  test('given a missing node or lease should answer 404 NotFound with the qualified resource', async () => {
    const missing = await failure(core.readNode({ name: 'nope' }));
    assert.equal(missing.code, 404);
    assert.equal(missing.body['reason'], 'NotFound');
    assert.equal(missing.body['message'], 'nodes "nope" not found');
    const lease = await failure(coord.readNamespacedLease({ name: 'nope', namespace: 'kube-system' }));
    assert.equal(lease.body['message'], 'leases.coordination.k8s.io "nope" not found');
    assert.deepEqual(lease.body['details'], { name: 'nope', group: 'coordination.k8s.io', kind: 'leases' });
  });

  test('given a stale resourceVersion on update should answer 409 Conflict, and a no-op update keeps the version', async () => {
    const created = await core.createNode({ body: node('n-update') });
    const first = await core.replaceNode({
      name: 'n-update',
      body: { ...created, metadata: { ...created.metadata, labels: { a: 'b' } } },
    });
    assert.notEqual(first.metadata?.resourceVersion, created.metadata?.resourceVersion);
    const stale = await failure(core.replaceNode({ name: 'n-update', body: created }));
    assert.equal(stale.code, 409);
    assert.equal(stale.body['reason'], 'Conflict');
    assert.equal(
      stale.body['message'],
      'Operation cannot be fulfilled on nodes "n-update": the object has been modified; please apply your changes to the latest version and try again',
    );
    const again = await core.replaceNode({ name: 'n-update', body: first });
    assert.equal(again.metadata?.resourceVersion, first.metadata?.resourceVersion);
  });

  test('given node writes should change status only through /status and spec only through the main resource', async () => {
    const created = await core.createNode({ body: node('n-status') });
    const viaMain = await core.replaceNode({
      name: 'n-status',
      body: {
        ...created,
        spec: { unschedulable: true },
        status: { addresses: [{ type: 'InternalIP', address: '10.0.0.9' }] },
      },
    });
    assert.equal(viaMain.spec?.unschedulable, true);
    assert.equal(viaMain.status?.addresses?.[0]?.type, 'Hostname');
    const viaStatus = await core.replaceNodeStatus({
      name: 'n-status',
      body: {
        ...viaMain,
        metadata: { ...viaMain.metadata, labels: { sneaky: 'yes' } },
        spec: { unschedulable: false },
        status: { addresses: [{ type: 'InternalIP', address: '10.0.0.9' }] },
      },
    });
    assert.equal(viaStatus.status?.addresses?.[0]?.address, '10.0.0.9');
    assert.equal(viaStatus.spec?.unschedulable, true);
    assert.deepEqual(viaStatus.metadata?.labels, { role: 'worker' });
  });

  test('given delete preconditions should refuse a wrong uid with 409 and delete with the right one', async () => {
    const created = await core.createNode({ body: node('n-delete') });
    const wrong = await failure(
      core.deleteNode({ name: 'n-delete', body: { preconditions: { uid: 'other-uid' } } }),
    );
    assert.equal(wrong.code, 409);
    assert.equal(
      wrong.body['message'],
      `Operation cannot be fulfilled on nodes "n-delete": Precondition failed: UID in precondition: other-uid, UID in object meta: ${created.metadata?.uid ?? ''}`,
    );
    const status = await core.deleteNode({
      name: 'n-delete',
      body: { preconditions: { uid: created.metadata?.uid ?? '' } },
    });
    assert.equal(status.status, 'Success');
    assert.equal((await failure(core.readNode({ name: 'n-delete' }))).code, 404);
  });

  test('given namespaced secrets and events should create them in an existing namespace only', async () => {
    const secret = await core.createNamespacedSecret({
      namespace: 'kube-system',
      body: { metadata: { name: 'vsphere-creds' }, stringData: { user: 'u' }, type: 'Opaque' },
    });
    assert.equal(secret.metadata?.namespace, 'kube-system');
    const ev = await core.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { generateName: 'n1.' },
        involvedObject: { kind: 'Node', name: 'n1' },
        reason: 'Synced',
        message: 'ok',
        type: 'Normal',
      },
    });
    assert.match(ev.metadata.name ?? '', /^n1\.[a-z0-9]{5}$/);
    const noNs = await failure(
      core.createNamespacedSecret({ namespace: 'absent', body: { metadata: { name: 's' } } }),
    );
    assert.equal(noNs.code, 404);
    assert.equal(noNs.body['message'], 'namespaces "absent" not found');
  });

  test('given lease times should accept six-digit MicroTime and reject three digits and fractional durations', async () => {
    const lease = await coord.createNamespacedLease({
      namespace: 'kube-system',
      body: {
        metadata: { name: 'ccm' },
        spec: {
          holderIdentity: 'a',
          leaseDurationSeconds: 15,
          renewTime: new V1MicroTime('2026-11-23T03:04:05.123Z'),
        },
      },
    });
    assert.equal(lease.spec?.holderIdentity, 'a');
    const raw = (await (
      await fetch(`${kube.url}/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/ccm`)
    ).json()) as {
      spec: { renewTime: string };
    };
    assert.equal(raw.spec.renewTime, '2026-11-23T03:04:05.123000Z');
    const threeDigits = await failure(
      coord.createNamespacedLease({
        namespace: 'kube-system',
        body: { metadata: { name: 'ccm2' }, spec: { renewTime: new Date('2026-11-23T03:04:05.123Z') } },
      }),
    );
    assert.equal(threeDigits.code, 400);
    assert.equal(threeDigits.body['reason'], 'BadRequest');
    const fractional = await failure(
      coord.createNamespacedLease({
        namespace: 'kube-system',
        body: { metadata: { name: 'ccm3' }, spec: { leaseDurationSeconds: 1.5 } },
      }),
    );
    assert.match(
      String(fractional.body['message']),
      /cannot unmarshal number 1\.5 into Go struct field LeaseSpec\.spec\.leaseDurationSeconds of type int32/,
    );
  });

  test('given an events.k8s.io Event should require a six-digit eventTime and list it with core Events about the same object', async () => {
    const events = kube.kubeConfig.makeApiClient(EventsV1Api);
    const created = await events.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { name: 'e1' },
        eventTime: new V1MicroTime('2026-11-23T03:04:05.000Z'),
        reason: 'Synced',
        action: 'Sync',
        reportingController: 'vsphere-ccm',
        reportingInstance: 'ccm-0',
        type: 'Normal',
        regarding: { kind: 'Node', name: 'n1' },
      },
    });
    assert.equal(created.metadata?.name, 'e1');
    const list = await events.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'regarding.name=n1',
    });
    // The core/v1 Event about n1 created earlier is the same resource, seen through this API.
    assert.deepEqual(
      list.items.map((e) => e.metadata?.name?.replace(/\.[a-z0-9]{5}$/, '.*')),
      ['e1', 'n1.*'],
    );
    const bad = await failure(
      events.createNamespacedEvent({
        namespace: 'default',
        body: { metadata: { name: 'e2' }, eventTime: new Date('2026-11-23T03:04:05.000Z') },
      }),
    );
    assert.equal(bad.code, 400);
  });

  test('given requests should log method, path, query and verb', async () => {
    kube.requestLog.clear();
    await core.listNode({ labelSelector: 'role=worker' });
    await failure(core.readNode({ name: 'nope' }));
    const list = kube.requestLog.entries[0]!;
    const get = kube.requestLog.entries[1]!;
    assert.equal(list.verb, 'list');
    assert.equal(list.query['labelSelector'], 'role=worker');
    assert.equal(get.verb, 'get');
    assert.equal(get.path, '/api/v1/nodes/nope');
    assert.equal(kube.requestLog.count({ verb: 'get', code: 404 }), 1);
  });
});
