// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { runWorkers, type SyncFailure } from './run-workers.ts';
import { WorkQueue, type Schedule } from './work-queue.ts';
import { ItemExponentialBackoff } from '../kube/rate-limiter.ts';
import { RetryAfterError } from '../cloud/errors.ts';

/** Records `addAfter` delays instead of waiting for them. */
function recordingQueue() {
  const delays: { delayMs: number; fire: () => void }[] = [];
  const schedule: Schedule = (fn, delayMs) => {
    delays.push({ delayMs, fire: fn });
    return () => undefined;
  };
  const queue = new WorkQueue({ schedule, clock: () => 0, rateLimiter: new ItemExponentialBackoff() });
  return { queue, delays };
}

test('given successful syncs should process every key once and forget its failures', async () => {
  const { queue } = recordingQueue();
  const ac = new AbortController();
  const seen: string[] = [];
  queue.addRateLimited('a');
  assert.equal(queue.numRequeues('a'), 1);
  queue.add('a');
  queue.add('b');
  const run = runWorkers({
    queue,
    workers: 2,
    signal: ac.signal,
    onError: () => assert.fail('no failure expected'),
    sync: (key) => {
      seen.push(key);
      if (seen.length === 2) ac.abort();
      return Promise.resolve();
    },
  });
  await run;
  assert.deepEqual(seen.sort(), ['a', 'b']);
  assert.equal(queue.numRequeues('a'), 0);
  assert.equal(queue.isShutDown, true);
});

test('given a failing sync should requeue with backoff and report once per failure', async () => {
  const { queue, delays } = recordingQueue();
  const ac = new AbortController();
  const failures: SyncFailure[] = [];
  let calls = 0;
  queue.add('n1');
  const run = runWorkers({
    queue,
    workers: 1,
    signal: ac.signal,
    onError: (f) => failures.push(f),
    sync: () => {
      calls++;
      return Promise.reject(new Error(`boom ${calls}`));
    },
  });
  await tick();
  delays.shift()?.fire();
  await tick();
  ac.abort();
  await run;
  assert.equal(calls, 2);
  assert.deepEqual(
    failures.map((f) => [f.key, (f.error as Error).message, f.requeues, f.retryAfterMs]),
    [
      ['n1', 'boom 1', 1, undefined],
      ['n1', 'boom 2', 2, undefined],
    ],
  );
  assert.deepEqual(
    delays.map((d) => d.delayMs),
    [10],
    'second failure backs off 10 ms',
  );
});

test('given a RetryAfterError in the cause chain should requeue after its delay without backoff', async () => {
  const { queue, delays } = recordingQueue();
  const ac = new AbortController();
  const failures: SyncFailure[] = [];
  queue.add('svc');
  const run = runWorkers({
    queue,
    workers: 1,
    signal: ac.signal,
    onError: (f) => {
      failures.push(f);
      ac.abort();
    },
    sync: () => Promise.reject(new Error('wrapped', { cause: new RetryAfterError('lb pending', 30_000) })),
  });
  await run;
  assert.deepEqual(
    delays.map((d) => d.delayMs),
    [30_000],
  );
  const [failure] = failures;
  assert.ok(failure);
  assert.equal(failure.retryAfterMs, 30_000);
  assert.equal(failure.requeues, 0);
});

test('given a throwing onError should keep the worker alive', async () => {
  const { queue } = recordingQueue();
  const ac = new AbortController();
  const seen: string[] = [];
  queue.add('a');
  queue.add('b');
  await runWorkers({
    queue,
    workers: 1,
    signal: ac.signal,
    onError: () => {
      throw new Error('logger broken');
    },
    sync: (key) => {
      seen.push(key);
      if (key === 'b') ac.abort();
      return Promise.reject(new Error('fail'));
    },
  });
  assert.deepEqual(seen, ['a', 'b']);
});

test('given several workers should never sync the same key concurrently', async () => {
  const { queue } = recordingQueue();
  const ac = new AbortController();
  const active = new Set<string>();
  let overlap = false;
  let maxActive = 0;
  let done = 0;
  for (const k of ['a', 'b', 'c']) queue.add(k);
  const run = runWorkers({
    queue,
    workers: 3,
    signal: ac.signal,
    onError: () => undefined,
    sync: async (key) => {
      if (active.has(key)) overlap = true;
      active.add(key);
      maxActive = Math.max(maxActive, active.size);
      queue.add(key);
      await tick();
      active.delete(key);
      if (++done === 12) ac.abort();
    },
  });
  await run;
  assert.equal(overlap, false);
  assert.equal(maxActive, 3, 'different keys do run in parallel');
});

test('given an already aborted signal should return without syncing', async () => {
  const { queue } = recordingQueue();
  queue.add('a');
  let calls = 0;
  await runWorkers({
    queue,
    workers: 2,
    signal: AbortSignal.abort(),
    onError: () => undefined,
    sync: () => {
      calls++;
      return Promise.resolve();
    },
  });
  assert.equal(calls, 0);
});

test('given syncTimeoutMs should abort the signal handed to a sync that hangs', async () => {
  const { queue } = recordingQueue();
  const ac = new AbortController();
  const failures: SyncFailure[] = [];
  queue.add('slow');
  await runWorkers({
    queue,
    workers: 1,
    signal: ac.signal,
    syncTimeoutMs: 20,
    onError: (f) => {
      failures.push(f);
      ac.abort();
    },
    sync: (_key, signal) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          reject(signal.reason as Error);
        });
      }),
  });
  assert.equal((failures[0]?.error as Error).name, 'TimeoutError');
});
