// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InstanceNotFoundError, ProviderUnavailableError } from '../../cloud/errors.ts';
import { FakeCloud } from '../../../test/fakes/fake-cloud.ts';
import { FakeNodeStore, makeNode, type NodeSpec } from '../../../test/fakes/fake-node-store.ts';
import { SHUTDOWN_TAINT_KEY } from '../node/well-known.ts';
import { CloudNodeLifecycleController, DELETING_NODE_REASON } from './node-lifecycle-controller.ts';
import { NodeLifecycleError } from './node-lifecycle-errors.ts';

const SHUTDOWN = { key: SHUTDOWN_TAINT_KEY, effect: 'NoSchedule' };
const OTHER = { key: 'dedicated', value: 'infra', effect: 'NoSchedule' };
const signal = AbortSignal.timeout(20_000);

function setup(...nodes: NodeSpec[]) {
  const cloud = new FakeCloud();
  const store = new FakeNodeStore();
  for (const n of nodes) store.put(makeNode(n));
  const controller = new CloudNodeLifecycleController({ cloud, reader: store, writer: store });
  return { cloud, store, controller };
}

describe('CloudNodeLifecycleController.sync', () => {
  test('given a Ready node, should not ask the cloud and not write', async () => {
    const { cloud, store, controller } = setup({ name: 'n1', ready: 'True', taints: [OTHER] });
    cloud.exists.set('n1', false);
    assert.equal(await controller.sync('n1', signal), 'none');
    assert.deepEqual(cloud.calls, []);
    assert.equal(store.count(), 0);
  });

  test('given a Ready node still carrying the shutdown taint, should remove only that taint', async () => {
    const { store, controller } = setup({ name: 'n1', ready: 'True', taints: [OTHER, SHUTDOWN] });
    assert.equal(await controller.sync('n1', signal), 'untainted');
    assert.deepEqual(store.getNode('n1')!.spec?.taints, [OTHER]);
  });

  test('given a NotReady node whose VM is shut down, should add the shutdown taint and keep the others', async () => {
    const { cloud, store, controller } = setup({ name: 'n1', ready: 'False', taints: [OTHER] });
    cloud.shutdown.set('n1', true);
    assert.equal(await controller.sync('n1', signal), 'tainted');
    assert.deepEqual(store.getNode('n1')!.spec?.taints, [OTHER, SHUTDOWN]);
    assert.deepEqual(cloud.calls, ['instanceShutdown n1']);
    assert.deepEqual(store.events, []);
  });

  test('given a shut-down node already tainted, should not write again', async () => {
    const { cloud, store, controller } = setup({ name: 'n1', ready: 'Unknown', taints: [SHUTDOWN] });
    cloud.shutdown.set('n1', true);
    assert.equal(await controller.sync('n1', signal), 'none');
    assert.equal(store.count(), 0);
  });

  test('given a NotReady tainted node whose VM is powered on again, should remove the shutdown taint', async () => {
    const { store, controller } = setup({ name: 'n1', ready: 'False', taints: [SHUTDOWN, OTHER] });
    assert.equal(await controller.sync('n1', signal), 'untainted');
    assert.deepEqual(store.getNode('n1')!.spec?.taints, [OTHER]);
  });

  test('given a NotReady node whose VM no longer exists, should record an Event and delete it by uid', async () => {
    const { cloud, store, controller } = setup({ name: 'n1' });
    cloud.exists.set('n1', false);
    assert.equal(await controller.sync('n1', signal), 'deleted');
    assert.equal(store.getNode('n1'), undefined);
    assert.deepEqual(store.writes, [{ op: 'delete', name: 'n1', uid: 'uid-n1' }]);
    assert.equal(store.events[0]?.reason, DELETING_NODE_REASON);
    assert.match(store.events[0].message, /does not exist in the cloud provider/);
  });

  test('given instanceExists fails, should leave the node untouched and reject', async () => {
    const { cloud, store, controller } = setup({ name: 'n1', ready: 'False' });
    cloud.exists.set('n1', new ProviderUnavailableError('vc-1 unreachable'));
    await assert.rejects(controller.sync('n1', signal), NodeLifecycleError);
    assert.equal(store.count(), 0);
    assert.deepEqual(store.events, []);
    assert.ok(store.getNode('n1'));
  });

  test('given instanceShutdown fails but the VM exists, should change nothing and reject', async () => {
    const { cloud, store, controller } = setup({ name: 'n1', ready: 'False', taints: [SHUTDOWN] });
    cloud.shutdown.set('n1', new ProviderUnavailableError('session lost'));
    const err = await controller.sync('n1', signal).catch((e: unknown) => e);
    assert.ok(err instanceof NodeLifecycleError);
    assert.ok(err.cause instanceof ProviderUnavailableError);
    assert.equal(store.count(), 0);
  });

  test('given instanceExists rejects with InstanceNotFoundError, should not delete', async () => {
    const { cloud, store, controller } = setup({ name: 'n1', ready: 'False' });
    cloud.exists.set('n1', new InstanceNotFoundError('ambiguous'));
    await assert.rejects(controller.sync('n1', signal), NodeLifecycleError);
    assert.equal(store.count('delete'), 0);
  });
});

describe('CloudNodeLifecycleController.monitor', () => {
  test('given a mix of nodes, should act on each, report errors and go on past them', async () => {
    const { cloud, store, controller } = setup(
      { name: 'ready', ready: 'True' },
      { name: 'off', ready: 'False' },
      { name: 'broken', ready: 'False' },
      { name: 'gone', ready: 'Unknown' },
      { name: 'back', ready: 'False', taints: [SHUTDOWN] },
    );
    cloud.shutdown.set('off', true);
    cloud.exists.set('broken', new ProviderUnavailableError('timeout'));
    cloud.exists.set('gone', false);
    const report = await controller.monitor(signal);
    assert.equal(report.checked, 5);
    assert.deepEqual(report.tainted, ['off']);
    assert.deepEqual(report.untainted, ['back']);
    assert.deepEqual(report.deleted, ['gone']);
    assert.deepEqual(
      report.errors.map((e) => e.node),
      ['broken'],
    );
    assert.ok(report.errors[0]?.error instanceof NodeLifecycleError);
    assert.ok(store.getNode('broken'));
  });

  test('given an aborted signal, should reject without touching any node', async () => {
    const { cloud, store, controller } = setup({ name: 'gone', ready: 'False' });
    cloud.exists.set('gone', false);
    await assert.rejects(controller.monitor(AbortSignal.abort()));
    assert.equal(store.count(), 0);
    assert.deepEqual(cloud.calls, []);
  });
});
