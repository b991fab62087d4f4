// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UNINITIALIZED_TAINT_KEY } from '../controllers/node/well-known.ts';
import { FakeCloud, makeMetadata } from '../../test/fakes/fake-cloud.ts';
import { FakeNodeStore, makeNode } from '../../test/fakes/fake-node-store.ts';
import type { ControllerName } from '../controllers/names.ts';
import { CLOUD_NODE_QUEUE, NodeControllers, type NodeControllerMetrics } from './node-controllers.ts';

const UNINIT = { key: UNINITIALIZED_TAINT_KEY, value: 'true', effect: 'NoSchedule' };

/** Records every call to the metric recorders. */
class RecordingMetrics implements NodeControllerMetrics {
  readonly depths: number[] = [];
  readonly retries: string[] = [];
  readonly inits: { result: string; seconds: number }[] = [];
  deleted = 0;
  readonly taints: string[] = [];

  workQueueDepth(queue: string, depth: number): void {
    assert.equal(queue, CLOUD_NODE_QUEUE);
    this.depths.push(depth);
  }
  workQueueRetry(queue: string): void {
    this.retries.push(queue);
  }
  nodeInitialization(result: 'success' | 'failure', seconds: number): void {
    this.inits.push({ result, seconds });
  }
  nodeDeleted(): void {
    this.deleted++;
  }
  nodeTainted(taint: string): void {
    this.taints.push(taint);
  }
}

async function until(probe: () => boolean, what: string): Promise<void> {
  const started = performance.now();
  while (!probe()) {
    if (performance.now() - started > 5_000) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function setup(controllers: readonly ControllerName[], monitorPeriodMs = 60_000) {
  const cloud = new FakeCloud();
  const store = new FakeNodeStore();
  const metrics = new RecordingMetrics();
  const clock = { ms: 1_000 };
  const quiet = (): void => undefined;
  const nc = new NodeControllers({
    controllers,
    cloud,
    reader: store,
    writer: store,
    logger: { info: quiet, warn: quiet, debug: quiet },
    workers: 1,
    statusUpdateFrequencyMs: 60_000,
    monitorPeriodMs,
    metrics,
    now: () => clock.ms,
  });
  return { cloud, store, metrics, clock, nc };
}

describe('NodeControllers metrics', () => {
  test('given a tainted Node added while running, should record its initialisation latency from when it was seen', async () => {
    const { cloud, store, metrics, clock, nc } = setup(['cloud-node']);
    const stop = new AbortController();
    const running = nc.run(stop.signal);
    const node = store.put(makeNode({ name: 'worker-1', taints: [UNINIT] }));
    cloud.metadata.set('worker-1', makeMetadata());
    nc.handlers.onAdd?.(node);
    clock.ms += 2_500;
    await until(() => metrics.inits.length === 1, 'one initialisation');
    stop.abort();
    await running;
    assert.deepEqual(metrics.inits, [{ result: 'success', seconds: 2.5 }]);
    // A waiting worker takes the key at once, so the queue is reported empty again.
    assert.ok(metrics.depths.length > 0);
    assert.equal(metrics.depths.at(-1), 0);
    assert.deepEqual(metrics.retries, []);
  });

  test('given a Node whose VM is not found yet, should record a failed attempt and a retry', async () => {
    const { store, metrics, clock, nc } = setup(['cloud-node']);
    store.put(makeNode({ name: 'worker-2', taints: [UNINIT] }));
    const stop = new AbortController();
    clock.ms += 1_000;
    const running = nc.run(stop.signal);
    await until(() => metrics.retries.length >= 1, 'a retry');
    stop.abort();
    await running;
    assert.equal(metrics.retries[0], CLOUD_NODE_QUEUE);
    assert.ok(metrics.inits.length >= 1);
    assert.ok(metrics.inits.every((i) => i.result === 'failure' && i.seconds === 0));
  });

  test('given a shut-down Node and one whose VM is gone, should count one taint and one deletion', async () => {
    const { cloud, store, metrics, nc } = setup(['cloud-node-lifecycle'], 10);
    store.put(makeNode({ name: 'off', providerID: 'vsphere://a', ready: 'False' }));
    store.put(makeNode({ name: 'gone', providerID: 'vsphere://b', ready: 'False' }));
    cloud.shutdown.set('off', true);
    cloud.exists.set('gone', false);
    const stop = new AbortController();
    const running = nc.run(stop.signal);
    await until(() => metrics.deleted === 1 && metrics.taints.length === 1, 'a taint and a deletion');
    stop.abort();
    await running;
    assert.deepEqual(metrics.taints, ['shutdown']);
    assert.equal(store.getNode('gone'), undefined);
  });
});
