// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue, type Schedule } from './work-queue.ts';
import { ItemExponentialBackoff } from '../kube/rate-limiter.ts';

/** A manual clock and timer list: `advance(ms)` fires every timer due by then, in time order. */
function fakeTime() {
  let now = 0;
  let timers: { at: number; fn: () => void }[] = [];
  const schedule: Schedule = (fn, delayMs) => {
    const timer = { at: now + delayMs, fn };
    timers.push(timer);
    return () => {
      timers = timers.filter((t) => t !== timer);
    };
  };
  return {
    clock: () => now,
    schedule,
    pending: () => timers.length,
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (due === undefined) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
      }
      now = until;
    },
  };
}

function newQueue(time = fakeTime()) {
  return {
    time,
    queue: new WorkQueue({
      clock: time.clock,
      schedule: time.schedule,
      rateLimiter: new ItemExponentialBackoff(),
    }),
  };
}

test('given a key added three times should queue it once', async () => {
  const { queue } = newQueue();
  queue.add('a');
  queue.add('a');
  queue.add('b');
  queue.add('a');
  assert.equal(queue.length, 2);
  assert.equal(await queue.get(), 'a');
  assert.equal(await queue.get(), 'b');
  assert.equal(queue.length, 0);
});

test('given a key re-added while processing should hand it out again only after done', async () => {
  const { queue } = newQueue();
  queue.add('a');
  const first = await queue.get();
  queue.add('a');
  assert.equal(queue.length, 0, 'not queued while being processed');
  let second: string | undefined;
  void queue.get().then((k) => (second = k));
  await Promise.resolve();
  assert.equal(second, undefined, 'no second worker gets the same key');
  queue.done(first!);
  await Promise.resolve();
  assert.equal(second, 'a');
  assert.equal(queue.processingCount, 1);
});

test('given a key re-added twice while processing should queue it once after done', async () => {
  const { queue } = newQueue();
  queue.add('a');
  await queue.get();
  queue.add('a');
  queue.add('a');
  queue.done('a');
  assert.equal(queue.length, 1);
});

test('given a waiting worker should wake it with the next added key', async () => {
  const { queue } = newQueue();
  const got = queue.get();
  queue.add('x');
  assert.equal(await got, 'x');
});

test('given addAfter should queue the key only when the delay has passed', () => {
  const { queue, time } = newQueue();
  queue.addAfter('a', 100);
  assert.equal(queue.length, 0);
  assert.equal(queue.delayedCount, 1);
  time.advance(99);
  assert.equal(queue.length, 0);
  time.advance(1);
  assert.equal(queue.length, 1);
  assert.equal(queue.delayedCount, 0);
});

test('given two delays for one key should keep the earlier one', () => {
  const { queue, time } = newQueue();
  queue.addAfter('a', 500);
  queue.addAfter('a', 50);
  queue.addAfter('a', 800);
  assert.equal(time.pending(), 1);
  time.advance(50);
  assert.equal(queue.length, 1);
  time.advance(1000);
  assert.equal(queue.length, 1, 'the later delays were dropped');
});

test('given a non-positive delay should add at once', () => {
  const { queue, time } = newQueue();
  queue.addAfter('a', 0);
  assert.equal(queue.length, 1);
  assert.equal(time.pending(), 0);
});

test('given repeated rate-limited adds should back off 5 ms·2ⁿ until forget', async () => {
  const { queue, time } = newQueue();
  const delays: number[] = [];
  for (let i = 0; i < 4; i++) {
    queue.addRateLimited('a');
    let waited = 0;
    while (queue.length === 0) {
      time.advance(1);
      waited++;
    }
    delays.push(waited);
    queue.done((await queue.get())!);
  }
  assert.deepEqual(delays, [5, 10, 20, 40]);
  assert.equal(queue.numRequeues('a'), 4);
  queue.forget('a');
  assert.equal(queue.numRequeues('a'), 0);
});

test('given the default limiter should combine backoff with the 10 qps / 100 burst bucket', () => {
  const time = fakeTime();
  const queue = new WorkQueue({ clock: time.clock, schedule: time.schedule });
  for (let i = 0; i <= 100; i++) queue.addRateLimited(`k${i}`);
  time.advance(5);
  assert.equal(queue.length, 100, 'the burst only waits for the 5 ms backoff');
  time.advance(94);
  assert.equal(queue.length, 100, 'the 101st waits for the bucket (100 ms), not 5 ms');
  time.advance(1);
  assert.equal(queue.length, 101);
});

test('given an immediate shutdown should drop queued keys and cancel delays', async () => {
  const { queue, time } = newQueue();
  queue.add('a');
  assert.equal(await queue.get(), 'a');
  queue.add('a');
  queue.addAfter('b', 10);
  queue.add('c');
  queue.shutdown();
  assert.equal(queue.length, 0);
  assert.equal(await queue.get(), undefined);
  assert.equal(time.pending(), 0);
  queue.add('d');
  queue.addRateLimited('e');
  assert.equal(queue.length, 0, 'adds after shutdown are ignored');
  queue.done('a');
  assert.equal(queue.length, 0, 're-added key is not requeued after shutdown');
  assert.equal(queue.isShutDown, true);
});

test('given an immediate shutdown should release waiting workers with undefined', async () => {
  const { queue } = newQueue();
  const waiting = [queue.get(), queue.get()];
  queue.shutdown();
  assert.deepEqual(await Promise.all(waiting), [undefined, undefined]);
});

test('given a draining shutdown should hand out queued keys and resolve when all are done', async () => {
  const { queue } = newQueue();
  queue.add('a');
  queue.add('b');
  assert.equal(await queue.get(), 'a');
  queue.add('a');
  let drained = false;
  const drain = queue.shutdownWithDrain().then(() => (drained = true));
  queue.add('z');
  assert.equal(await queue.get(), 'b');
  queue.done('b');
  let waiter: string | undefined = 'unset';
  void queue.get().then((k) => (waiter = k));
  await Promise.resolve();
  assert.equal(waiter, 'unset', 'waits: the key in flight may be requeued');
  queue.done('a');
  await Promise.resolve();
  assert.equal(waiter, 'a', 'the re-add made before shutdown is processed');
  assert.equal(drained, false);
  queue.done('a');
  await drain;
  assert.equal(drained, true);
  assert.equal(await queue.get(), undefined);
});

test('given a draining shutdown of an idle queue should resolve at once', async () => {
  const { queue } = newQueue();
  await queue.shutdownWithDrain();
  assert.equal(await queue.get(), undefined);
});
