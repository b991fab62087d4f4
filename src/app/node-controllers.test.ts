// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UNINITIALIZED_TAINT_KEY } from '../controllers/node/well-known.ts';
import { FakeCloud, makeMetadata } from '../../test/fakes/fake-cloud.ts';
import { FakeNodeStore, makeNode } from '../../test/fakes/fake-node-store.ts';
import { NodeControllers, type ControllerLogger } from './node-controllers.ts';
import type { ControllerName } from '../controllers/names.ts';

const UNINIT = { key: UNINITIALIZED_TAINT_KEY, value: 'true', effect: 'NoSchedule' };

function silentLogger(lines: string[]): ControllerLogger {
  const push = (_obj: Record<string, unknown>, msg: string): void => {
    lines.push(msg);
  };
  return { info: push, warn: push, debug: push };
}

async function until(probe: () => boolean, what: string): Promise<void> {
  const started = performance.now();
  while (!probe()) {
    if (performance.now() - started > 5_000) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function setup(controllers: readonly ControllerName[], periods = { status: 60_000, monitor: 60_000 }) {
  const cloud = new FakeCloud();
  const store = new FakeNodeStore();
  const lines: string[] = [];
  const nc = new NodeControllers({
    controllers,
    cloud,
    reader: store,
    writer: store,
    logger: silentLogger(lines),
    workers: 2,
    statusUpdateFrequencyMs: periods.status,
    monitorPeriodMs: periods.monitor,
  });
  return { cloud, store, lines, nc };
}

describe('NodeControllers', () => {
  test('given a tainted Node in the cache at start, should initialise it with two writes', async () => {
    const { cloud, store, nc } = setup(['cloud-node']);
    store.put(makeNode({ name: 'worker-1', taints: [UNINIT] }));
    cloud.metadata.set('worker-1', makeMetadata());
    const stop = new AbortController();
    const running = nc.run(stop.signal);
    await until(() => store.writes.length === 2, 'two writes');
    stop.abort();
    await running;
    assert.deepEqual(
      store.writes.map((w) => w.op),
      ['status', 'spec'],
    );
    assert.equal(store.getNode('worker-1')?.spec?.providerID, makeMetadata().providerID);
  });

  test('given a tainted Node added while running, should queue it from the informer handler', async () => {
    const { cloud, store, nc } = setup(['cloud-node']);
    const stop = new AbortController();
    const running = nc.run(stop.signal);
    const node = store.put(makeNode({ name: 'worker-2', taints: [UNINIT] }));
    cloud.metadata.set('worker-2', makeMetadata());
    nc.handlers.onAdd?.(node);
    await until(() => store.writes.length === 2, 'two writes');
    stop.abort();
    await running;
    assert.equal(store.getNode('worker-2')?.spec?.taints?.length, 0);
  });

  test('given updates while running, should queue a Node that gains the taint but not one that keeps it', async () => {
    const { cloud, store, nc } = setup(['cloud-node']);
    const stop = new AbortController();
    const running = nc.run(stop.signal);
    // Stored after the run began, so only the handlers can queue them.
    const kept = store.put(makeNode({ name: 'kept', taints: [UNINIT] }));
    const gained = store.put(makeNode({ name: 'gained', taints: [UNINIT] }));
    cloud.metadata.set('gained', makeMetadata());
    nc.handlers.onUpdate?.(kept, kept);
    nc.handlers.onUpdate?.(makeNode({ name: 'gained' }), gained);
    await until(() => cloud.calls.length > 0, 'a sync');
    await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    await running;
    assert.deepEqual(cloud.calls, ['instanceMetadata gained']);
  });

  test('given the lifecycle controller and a shut-down NotReady Node, should taint it on a monitor pass', async () => {
    const { cloud, store, nc } = setup(['cloud-node-lifecycle'], { status: 60_000, monitor: 10 });
    store.put(makeNode({ name: 'worker-4', providerID: 'vsphere://x', ready: 'False' }));
    cloud.shutdown.set('worker-4', true);
    const stop = new AbortController();
    const running = nc.run(stop.signal);
    await until(() => store.writes.length === 1, 'the shutdown taint');
    stop.abort();
    await running;
    assert.ok(store.getNode('worker-4')?.spec?.taints?.some((t) => t.key.endsWith('/shutdown')));
    assert.ok(!cloud.calls.includes('instanceMetadata worker-4'), 'cloud-node was not selected');
  });

  test('given an initialised Node and a short status period, should refresh its addresses periodically', async () => {
    const { cloud, store, nc } = setup(['cloud-node'], { status: 10, monitor: 60_000 });
    store.put(makeNode({ name: 'worker-5', providerID: 'vsphere://x', addresses: [] }));
    cloud.metadata.set('worker-5', makeMetadata());
    const stop = new AbortController();
    const running = nc.run(stop.signal);
    await until(() => cloud.calls.filter((c) => c === 'instanceMetadata worker-5').length >= 3, 'refreshes');
    stop.abort();
    await running;
    assert.deepEqual(
      store.writes.map((w) => w.op),
      ['status'],
    );
  });
});
