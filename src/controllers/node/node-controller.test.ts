// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { V1Node, V1NodeSpec, V1ObjectMeta, V1Taint } from '@kubernetes/client-node';
import { describe, test } from 'node:test';
import type { InstanceMetadata } from '../../cloud/instances.ts';
import { ProviderUnavailableError } from '../../cloud/errors.ts';
import { FakeCloud, makeMetadata } from '../../../test/fakes/fake-cloud.ts';
import { FakeNodeStore, makeNode, type NodeSpec } from '../../../test/fakes/fake-node-store.ts';
import { CloudNodeController, NODE_EVENT_REASONS } from './node-controller.ts';
import { NodeSyncError } from './node-sync-errors.ts';
import { PROVIDED_NODE_IP_ANNOTATION, UNINITIALIZED_TAINT_KEY } from './well-known.ts';

const UNINIT = { key: UNINITIALIZED_TAINT_KEY, value: 'true', effect: 'NoSchedule' };
const OTHER = { key: 'dedicated', value: 'infra', effect: 'NoSchedule' };
const signal = AbortSignal.timeout(20_000);

function setup(node: NodeSpec, metadata: InstanceMetadata | Error = makeMetadata()) {
  const cloud = new FakeCloud();
  const store = new FakeNodeStore();
  store.put(makeNode(node));
  cloud.metadata.set(node.name, metadata);
  const controller = new CloudNodeController({ cloud, reader: store, writer: store });
  return { cloud, store, controller };
}

describe('CloudNodeController initialisation', () => {
  test('given a tainted node, should write status first, then one spec patch, and nothing else', async () => {
    const { store, controller, cloud } = setup({ name: 'worker-1', taints: [OTHER, UNINIT] });
    assert.equal(await controller.sync('worker-1', signal), 'initialized');
    assert.deepEqual(
      store.writes.map((w) => w.op),
      ['status', 'spec'],
    );
    assert.deepEqual(cloud.calls, ['instanceMetadata worker-1']);
    const node = store.getNode('worker-1')!;
    assert.equal(node.spec?.providerID, 'vsphere://42064a4f-560b-a1d3-9e2b-6c3f0e4a1b2c');
    assert.deepEqual(node.spec.taints, [OTHER]);
    assert.deepEqual(node.status?.addresses, makeMetadata().nodeAddresses);
    assert.deepEqual(node.metadata?.labels, {
      'kubernetes.io/hostname': 'worker-1',
      'node.kubernetes.io/instance-type': 'vsphere-vm.cpu-4.mem-8gb.os-ubuntu',
      'beta.kubernetes.io/instance-type': 'vsphere-vm.cpu-4.mem-8gb.os-ubuntu',
      'topology.kubernetes.io/zone': 'zone-a',
      'failure-domain.beta.kubernetes.io/zone': 'zone-a',
      'topology.kubernetes.io/region': 'region-1',
      'failure-domain.beta.kubernetes.io/region': 'region-1',
    });
    assert.deepEqual(
      store.events.map((e) => [e.type, e.reason]),
      [['Normal', NODE_EVENT_REASONS.synced]],
    );
  });

  test('given empty zone and region and extra labels, should add only instance-type and the extras', async () => {
    const metadata = makeMetadata({ zone: '', region: '', additionalLabels: { 'example.com/pool': 'gpu' } });
    const { store, controller } = setup({ name: 'worker-1', taints: [UNINIT] }, metadata);
    await controller.sync('worker-1', signal);
    const labels = store.getNode('worker-1')!.metadata?.labels ?? {};
    assert.equal(labels['example.com/pool'], 'gpu');
    assert.equal(labels['node.kubernetes.io/instance-type'], metadata.instanceType);
    assert.equal(
      Object.keys(labels).some((k) => k.includes('zone') || k.includes('region')),
      false,
    );
  });

  test('given a providerID already set, should keep it and not send one', async () => {
    const { store, controller } = setup({ name: 'worker-1', taints: [UNINIT], providerID: 'vsphere://kept' });
    await controller.sync('worker-1', signal);
    const spec = store.writes.find((w) => w.op === 'spec');
    assert.ok(spec?.op === 'spec');
    assert.equal('providerID' in spec.patch, false);
    assert.equal(store.getNode('worker-1')!.spec?.providerID, 'vsphere://kept');
  });

  test('given the node already has the cloud addresses, should make only the spec write', async () => {
    const { store, controller } = setup({
      name: 'worker-1',
      taints: [UNINIT],
      addresses: makeMetadata().nodeAddresses,
    });
    assert.equal(await controller.sync('worker-1', signal), 'initialized');
    assert.deepEqual(
      store.writes.map((w) => w.op),
      ['spec'],
    );
  });

  test('given a taint added after the cache was read, should compute the spec patch from the status response and keep it', async () => {
    const { store, cloud } = setup({ name: 'worker-1', taints: [UNINIT] });
    const stale = structuredClone(store.getNode('worker-1')!);
    store.put(makeNode({ name: 'worker-1', taints: [UNINIT, OTHER] }));
    const reader = { getNode: () => stale, listNodes: () => [stale] };
    const controller = new CloudNodeController({ cloud, reader, writer: store });
    assert.equal(await controller.sync('worker-1', signal), 'initialized');
    const spec = store.writes.find((w) => w.op === 'spec');
    assert.ok(spec?.op === 'spec');
    assert.notEqual(spec.patch.resourceVersion, stale.metadata?.resourceVersion);
    assert.deepEqual(store.getNode('worker-1')!.spec?.taints, [OTHER]);
  });
  test('given a V1Node object from the Kubernetes client, should initialise it like a plain one', async () => {
    const { store, cloud } = setup({ name: 'worker-1', taints: [UNINIT] });
    const meta = new V1ObjectMeta();
    meta.name = 'worker-1';
    meta.resourceVersion = store.getNode('worker-1')!.metadata!.resourceVersion!;
    const taint = new V1Taint();
    taint.key = UNINIT.key;
    taint.value = UNINIT.value;
    taint.effect = UNINIT.effect;
    const v1 = new V1Node();
    v1.metadata = meta;
    v1.spec = new V1NodeSpec();
    v1.spec.taints = [taint];
    const controller = new CloudNodeController({
      cloud,
      reader: { getNode: () => v1, listNodes: () => [v1] },
      writer: store,
    });
    assert.equal(await controller.sync('worker-1', signal), 'initialized');
    assert.deepEqual(store.getNode('worker-1')!.spec?.taints, []);
  });
});

describe('CloudNodeController provided-node-ip', () => {
  const addresses = [
    { type: 'Hostname', address: 'worker-1' },
    { type: 'InternalIP', address: '10.0.0.11' },
    { type: 'InternalIP', address: '192.168.1.11' },
    { type: 'ExternalIP', address: '203.0.113.11' },
  ] as const;

  test('given the kubelet node IP among the cloud addresses, should put it first and drop other IPs of its type', async () => {
    const { store, controller } = setup(
      { name: 'worker-1', taints: [UNINIT], annotations: { [PROVIDED_NODE_IP_ANNOTATION]: '192.168.1.11' } },
      makeMetadata({ nodeAddresses: addresses }),
    );
    assert.equal(await controller.sync('worker-1', signal), 'initialized');
    assert.deepEqual(store.getNode('worker-1')!.status?.addresses, [
      { type: 'InternalIP', address: '192.168.1.11' },
      { type: 'Hostname', address: 'worker-1' },
      { type: 'ExternalIP', address: '203.0.113.11' },
    ]);
  });

  test('given the kubelet node IP not among the cloud addresses, should keep the taint, write nothing and say so in a Warning Event', async () => {
    const { store, controller } = setup(
      { name: 'worker-1', taints: [UNINIT], annotations: { [PROVIDED_NODE_IP_ANNOTATION]: '172.16.0.9' } },
      makeMetadata({ nodeAddresses: addresses }),
    );
    await assert.rejects(controller.sync('worker-1', signal), NodeSyncError);
    assert.equal(store.count(), 0);
    assert.deepEqual(store.getNode('worker-1')!.spec?.taints, [UNINIT]);
    const [event] = store.events;
    assert.equal(event?.type, 'Warning');
    assert.equal(event.reason, NODE_EVENT_REASONS.initFailed);
    assert.match(event.message, /172\.16\.0\.9/);
    assert.match(event.message, /provided-node-ip/);
  });
});

describe('CloudNodeController failures', () => {
  test('given instanceMetadata fails, should keep the taint, record a Warning Event and reject for backoff', async () => {
    const cause = new ProviderUnavailableError('vCenter vc-1 is unreachable');
    const { store, controller } = setup({ name: 'worker-1', taints: [UNINIT] }, cause);
    const err = await controller.sync('worker-1', signal).catch((e: unknown) => e);
    assert.ok(err instanceof NodeSyncError);
    assert.equal(err.cause, cause);
    assert.equal(store.count(), 0);
    assert.deepEqual(store.getNode('worker-1')!.spec?.taints, [UNINIT]);
    assert.deepEqual(
      store.events.map((e) => [e.type, e.reason, e.node.name]),
      [['Warning', NODE_EVENT_REASONS.initFailed, 'worker-1']],
    );
    assert.match(store.events[0]!.message, /vCenter vc-1 is unreachable/);
  });

  test('given an invalid zone label value, should write nothing, record an Event and not ask for a retry', async () => {
    const { store, controller } = setup(
      { name: 'worker-1', taints: [UNINIT] },
      makeMetadata({ zone: 'Zone A' }),
    );
    assert.equal(await controller.sync('worker-1', signal), 'rejected');
    assert.equal(store.count(), 0);
    assert.deepEqual(store.getNode('worker-1')!.spec?.taints, [UNINIT]);
    assert.equal(store.events[0]?.reason, NODE_EVENT_REASONS.invalidLabel);
    assert.match(store.events[0].message, /topology\.kubernetes\.io\/zone="Zone A"/);
  });

  test('given the spec patch fails after the status write, should keep the taint and reject', async () => {
    const { store, controller } = setup({ name: 'worker-1', taints: [UNINIT] });
    store.failNext.set('spec', new ProviderUnavailableError('apiserver timeout'));
    await assert.rejects(controller.sync('worker-1', signal), NodeSyncError);
    assert.deepEqual(
      store.writes.map((w) => w.op),
      ['status'],
    );
    assert.deepEqual(store.getNode('worker-1')!.spec?.taints, [UNINIT]);
    assert.equal(store.events[0]?.type, 'Warning');
  });

  test('given no node of that name, should do nothing', async () => {
    const { store, controller, cloud } = setup({ name: 'worker-1', taints: [UNINIT] });
    assert.equal(await controller.sync('worker-9', signal), 'absent');
    assert.equal(store.count(), 0);
    assert.deepEqual(cloud.calls, []);
  });
});

describe('CloudNodeController address refresh', () => {
  test('given an initialised node whose addresses match, should not write', async () => {
    const { store, controller } = setup({ name: 'worker-1', addresses: makeMetadata().nodeAddresses });
    assert.equal(await controller.sync('worker-1', signal), 'unchanged');
    assert.equal(store.count(), 0);
  });

  test('given an initialised node whose IP changed, should patch only the status', async () => {
    const { store, controller, cloud } = setup({ name: 'worker-1', addresses: makeMetadata().nodeAddresses });
    const moved = makeMetadata({ nodeAddresses: [{ type: 'InternalIP', address: '10.0.0.99' }] });
    cloud.metadata.set('worker-1', moved);
    assert.equal(await controller.sync('worker-1', signal), 'addresses-updated');
    assert.deepEqual(
      store.writes.map((w) => w.op),
      ['status'],
    );
    assert.deepEqual(store.getNode('worker-1')!.status?.addresses, moved.nodeAddresses);
  });

  test('given the cloud reports a duplicate address, should write it once', async () => {
    const dup = makeMetadata({
      nodeAddresses: [
        { type: 'InternalIP', address: '10.0.0.11' },
        { type: 'InternalIP', address: '10.0.0.11' },
      ],
    });
    const { store, controller } = setup({ name: 'worker-1' }, dup);
    await controller.sync('worker-1', signal);
    assert.deepEqual(store.getNode('worker-1')!.status?.addresses, [
      { type: 'InternalIP', address: '10.0.0.11' },
    ]);
  });

  test('given the cloud cannot answer for an initialised node, should keep the addresses, reject and record no Event', async () => {
    const { store, controller } = setup(
      { name: 'worker-1', addresses: makeMetadata().nodeAddresses },
      new ProviderUnavailableError('index not synced'),
    );
    await assert.rejects(controller.sync('worker-1', signal), NodeSyncError);
    assert.equal(store.count(), 0);
    assert.deepEqual(store.events, []);
  });
});
