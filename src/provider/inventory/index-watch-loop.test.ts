// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceContent } from '../../vim25/generated/data-objects.ts';
import type { ResyncReason, WatchEvent } from '../../vsphere/update-watcher.ts';
import { FakeRoundTripper } from '../../../test/fakes/fake-round-tripper.ts';
import { runIndexWatch, type WatchSource } from './index-watch-loop.ts';

const client = { rt: new FakeRoundTripper(() => 'ok'), serviceContent: {} as ServiceContent };

function loop(watch: WatchSource, signal: AbortSignal) {
  const applied: WatchEvent[] = [];
  const resyncs: ResyncReason[] = [];
  let contacts = 0;
  const running = runIndexWatch({
    client,
    datacenters: undefined,
    watch,
    maxWaitSeconds: 5,
    backoff: { initialMs: 40, maxMs: 40 },
    signal,
    apply: (e) => applied.push({ ...e, objects: [...e.objects] }),
    onResync: (r) => resyncs.push(r),
    onContact: () => (contacts += 1),
  });
  return { running, applied, resyncs, contacts: () => contacts };
}

test('given a watcher that ends or throws without being aborted, should start over after a pause', async () => {
  let calls = 0;
  // eslint-disable-next-line @typescript-eslint/require-await -- a fake that ends at once
  const watch: WatchSource = async function* () {
    calls += 1;
    if (calls % 2 === 0) throw new Error('defect');
    yield { type: 'sync', objects: [] };
  };
  const ac = new AbortController();
  const l = loop(watch, ac.signal);
  await new Promise((r) => setTimeout(r, 150));
  ac.abort();
  await l.running;
  assert.ok(calls >= 2 && calls <= 6, `${calls} watcher starts in 150 ms`);
  assert.ok(l.resyncs.some((r) => r.code === 'UNKNOWN'));
  assert.ok(l.applied.length >= 1);
});

test('given a call through the client, should report contact and pass the setup and options on', async () => {
  const ac = new AbortController();
  let seen: { maxWaitSeconds: number | undefined; hasSetup: boolean } | undefined;
  const watch: WatchSource = async function* (c, options) {
    await c.rt.roundTrip({ name: 'CurrentTime', requestType: 'x', returnsArray: false }, {});
    seen = { maxWaitSeconds: options.maxWaitSeconds, hasSetup: typeof options.setup === 'function' };
    yield { type: 'sync', objects: [] };
    await new Promise((r) => {
      options.signal.addEventListener('abort', r);
    });
  };
  const l = loop(watch, ac.signal);
  await new Promise((r) => setTimeout(r, 20));
  ac.abort();
  await l.running;
  assert.equal(l.contacts(), 1);
  assert.deepEqual(seen, { maxWaitSeconds: 5, hasSetup: true });
});
