// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BucketRetryLimiter,
  ItemExponentialBackoff,
  MaxOfRetryLimiters,
  TokenBucket,
  defaultControllerRateLimiter,
  type Sleep,
} from './rate-limiter.ts';

function manualClock() {
  let now = 1000;
  return { clock: () => now, advance: (ms: number) => (now += ms) };
}

test('given a full bucket should allow the burst at once and then space calls 1/qps apart', () => {
  const t = manualClock();
  const bucket = new TokenBucket({ qps: 5, burst: 3, clock: t.clock });
  assert.deepEqual([bucket.reserve(), bucket.reserve(), bucket.reserve()], [0, 0, 0]);
  assert.equal(bucket.reserve(), 200);
  assert.equal(bucket.reserve(), 400, 'reservations queue up behind each other');
});

test('given time passing should refill tokens but never beyond the burst', () => {
  const t = manualClock();
  const bucket = new TokenBucket({ qps: 10, burst: 2, clock: t.clock });
  bucket.reserve();
  bucket.reserve();
  assert.equal(bucket.tryTake(), false);
  t.advance(100);
  assert.equal(bucket.tryTake(), true);
  assert.equal(bucket.tryTake(), false);
  t.advance(60_000);
  assert.equal(bucket.tryTake(), true);
  assert.equal(bucket.tryTake(), true);
  assert.equal(bucket.tryTake(), false, 'a long idle period gives at most `burst` tokens');
});

test('given take when the bucket is empty should sleep for the reserved delay', async () => {
  const t = manualClock();
  const slept: number[] = [];
  const sleep: Sleep = (ms) => {
    slept.push(ms);
    return Promise.resolve();
  };
  const bucket = new TokenBucket({ qps: 2, burst: 1, clock: t.clock, sleep });
  const signal = new AbortController().signal;
  await bucket.take({ signal });
  await bucket.take({ signal });
  assert.deepEqual(slept, [500]);
});

test('given an aborted signal take should reject with its reason', async () => {
  const bucket = new TokenBucket({ qps: 1, burst: 1 });
  await bucket.take({ signal: new AbortController().signal });
  const ac = new AbortController();
  const pending = bucket.take({ signal: ac.signal });
  ac.abort(new Error('stop'));
  await assert.rejects(pending, /stop/);
});

test('given invalid qps or burst should throw', () => {
  assert.throws(() => new TokenBucket({ qps: 0, burst: 1 }), RangeError);
  assert.throws(() => new TokenBucket({ qps: 1, burst: 0 }), RangeError);
  assert.throws(() => new TokenBucket({ qps: Number.NaN, burst: 1 }), RangeError);
});

test('given repeated failures should back off base·2ⁿ up to the cap, per key', () => {
  const b = new ItemExponentialBackoff({ baseMs: 5, maxMs: 30 });
  assert.deepEqual([b.when('a'), b.when('a'), b.when('a'), b.when('a'), b.when('a')], [5, 10, 20, 30, 30]);
  assert.equal(b.when('b'), 5);
  assert.equal(b.numRequeues('a'), 5);
  b.forget('a');
  assert.equal(b.when('a'), 5);
});

test('given the default item backoff should cap at 1000 s', () => {
  const b = new ItemExponentialBackoff();
  let last = 0;
  for (let i = 0; i < 40; i++) last = b.when('k');
  assert.equal(last, 1_000_000);
});

test('given combined limiters should return the longest delay and forget in all', () => {
  const t = manualClock();
  const limiter = new MaxOfRetryLimiters([
    new ItemExponentialBackoff({ baseMs: 5 }),
    new BucketRetryLimiter(new TokenBucket({ qps: 1, burst: 1, clock: t.clock })),
  ]);
  assert.equal(limiter.when('a'), 5);
  assert.equal(limiter.when('b'), 1000, 'bucket exhausted');
  assert.equal(limiter.numRequeues('a'), 1);
  limiter.forget('a');
  assert.equal(limiter.numRequeues('a'), 0);
});

test('given the default controller limiter should allow 100 quick retries then 10 per second', () => {
  const t = manualClock();
  const limiter = defaultControllerRateLimiter(t.clock);
  const delays = Array.from({ length: 102 }, (_, i) => limiter.when(`k${i}`));
  assert.ok(delays.slice(0, 100).every((d) => d === 5));
  assert.deepEqual(delays.slice(100), [100, 200]);
});
