// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startKubeApi, type KubeApiFixture } from '../../test/support/kube-apiserver.ts';
import { RESOURCE_TYPES } from '../../test/kube-apiserver/resources.ts';
import type { NodeEvent } from '../controllers/node/node-ports.ts';
import { EventRecorder, type EventRecorderOptions } from './event-recorder.ts';
import { KubeClient } from './kube-client.ts';
import type { KubeRequestRecord } from './request-verb.ts';

const EVENT_TYPE = RESOURCE_TYPES.find((t) => t.kind === 'Event' && t.group === '');

/** Resolves once `cond` holds; rejects after `ms` (polls, never sleeps blindly). */
async function until(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Rejects when `signal` aborts. */
function abortable(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener(
      'abort',
      () => {
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

const synced = (node: string): NodeEvent => ({
  node: { name: node },
  type: 'Normal',
  reason: 'Synced',
  message: `Node ${node} synced`,
});

interface Rig {
  readonly recorder: EventRecorder;
  readonly client: KubeClient;
  readonly warnings: string[];
  readonly requests: KubeRequestRecord[];
}

describe('EventRecorder', () => {
  let kube: KubeApiFixture;
  const rigs: Rig[] = [];
  before(async () => {
    kube = await startKubeApi();
  });
  after(async () => {
    for (const r of rigs) {
      await r.recorder.stop();
      await r.client.close();
    }
    await kube.close();
  });

  function rig(
    options: Partial<Omit<EventRecorderOptions, 'client' | 'logger'>> = {},
    client?: KubeClient,
  ): Rig {
    const requests: KubeRequestRecord[] = [];
    const c = client ?? new KubeClient({ kubeConfig: kube.kubeConfig, onRequest: (r) => requests.push(r) });
    const warnings: string[] = [];
    const recorder = new EventRecorder({
      client: c,
      logger: { warn: (_obj, msg) => warnings.push(msg) },
      component: 'test-controller',
      namespace: 'default',
      ...options,
    });
    const made = { recorder, client: c, warnings, requests };
    rigs.push(made);
    return made;
  }

  function storedFor(node: string): Record<string, unknown>[] {
    assert.ok(EVENT_TYPE !== undefined);
    return kube.store
      .list(EVENT_TYPE, 'default')
      .filter((e) => (e['involvedObject'] as { name?: string } | undefined)?.name === node);
  }

  test('given mayWrite turns false while Events wait, should drop them unsent', async () => {
    let may = true;
    const { recorder, requests } = rig({ mayWrite: () => may });
    await recorder.record(synced('mw-1'));
    await until(() => requests.some((r) => r.verb === 'POST'), 'the first Event');
    may = false;
    await recorder.record(synced('mw-2'));
    await recorder.record(synced('mw-3'));
    await recorder.stop();
    assert.equal(requests.filter((r) => r.verb === 'POST').length, 1);
  });

  test('given a record call, should resolve before the write and send the Event in the background', async () => {
    const { recorder, requests } = rig();
    await recorder.record(synced('bg-1'));
    // Resolved while the sender has not run yet: the caller never waits for the API server.
    assert.equal(storedFor('bg-1').length, 0);
    await until(() => storedFor('bg-1').length === 1, 'the Event');
    const e = storedFor('bg-1')[0]!;
    assert.equal(e['reason'], 'Synced');
    assert.deepEqual(e['source'], { component: 'test-controller' });
    // Sent through the client's observed connection, so counted like every other request.
    await until(() => requests.some((r) => r.verb === 'POST' && r.resource === 'events'), 'the count');
  });

  test('given the same Event twice, should create one and count it up', async () => {
    const { recorder, warnings } = rig();
    const event: NodeEvent = { ...synced('dup-1'), type: 'Warning', reason: 'Failed', message: 'boom' };
    await recorder.record(event);
    await recorder.record(event);
    await until(() => storedFor('dup-1')[0]?.['count'] === 2, 'the count-up');
    assert.equal(storedFor('dup-1').length, 1);
    assert.deepEqual(warnings, []);
  });

  test('given a full queue, should drop the oldest, report each drop and log once', async () => {
    const gate = Promise.withResolvers<undefined>();
    let drops = 0;
    const { recorder, warnings } = rig({
      maxQueued: 3,
      qps: 1,
      burst: 1,
      // The limiter's waits are held until the gate opens, so the queue stays full meanwhile.
      sleep: (_ms, abort) => Promise.race([gate.promise, abortable(abort)]),
      onDropped: () => {
        drops += 1;
      },
    });
    // In one tick, before the sender runs.
    await Promise.all(['q-1', 'q-2', 'q-3', 'q-4', 'q-5'].map((n) => recorder.record(synced(n))));
    assert.equal(drops, 2);
    assert.deepEqual(warnings, ['event queue full; dropping the oldest events']);
    gate.resolve(undefined);
    await until(() => recorder.pending === 0 && storedFor('q-5').length === 1, 'the queue to drain');
    assert.deepEqual(
      ['q-1', 'q-2', 'q-3', 'q-4', 'q-5'].map((n) => storedFor(n).length),
      [0, 0, 1, 1, 1],
    );
  });

  test('given Events at their own limit, should not take tokens from the client limit', async () => {
    // The client allows one request per 1000 s; Events have their own budget.
    const client = new KubeClient({ kubeConfig: kube.kubeConfig, qps: 0.001, burst: 1 });
    const { recorder } = rig({ qps: 1000, burst: 10 }, client);
    for (const n of ['own-1', 'own-2', 'own-3']) await recorder.record(synced(n));
    await until(() => storedFor('own-3').length === 1, 'the Events');
    // The client's single token is still there: a Node write goes out at once.
    await client.rest.request({ method: 'GET', path: '/api/v1/nodes', signal: AbortSignal.timeout(2_000) });
  });

  test('given a sender held by its limit, stop should give up within the drain bound and log the loss', async () => {
    const { recorder, warnings } = rig({ qps: 0.001, burst: 1, drainTimeoutMs: 100 });
    for (const n of ['stop-1', 'stop-2', 'stop-3']) await recorder.record(synced(n));
    await until(() => storedFor('stop-1').length === 1, 'the first Event');
    const started = performance.now();
    await recorder.stop();
    assert.ok(performance.now() - started < 1_000, 'stop is bounded');
    assert.deepEqual(warnings, ['events not sent before shutdown']);
    await recorder.record(synced('stop-4'));
    assert.equal(recorder.pending, 0, 'records after stop are ignored');
    assert.equal(storedFor('stop-2').length, 0);
  });

  test('given a stop with little queued, should send it before resolving', async () => {
    const { recorder, warnings } = rig();
    await recorder.record(synced('drain-1'));
    await recorder.record(synced('drain-2'));
    await recorder.stop();
    assert.deepEqual(
      ['drain-1', 'drain-2'].map((n) => storedFor(n).length),
      [1, 1],
    );
    assert.deepEqual(warnings, []);
  });

  test('given an unreachable API server, should log the failure and keep going', async () => {
    const dead = await startKubeApi();
    const client = new KubeClient({ kubeConfig: dead.kubeConfig });
    await dead.close();
    const { recorder, warnings } = rig({ timeoutMs: 2_000 }, client);
    await recorder.record(synced('gone-1'));
    await recorder.record(synced('gone-2'));
    await until(() => warnings.length === 2, 'both failures logged');
    assert.deepEqual(warnings, ['could not record event', 'could not record event']);
  });
});
