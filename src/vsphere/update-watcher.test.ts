// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceContent } from '../vim25/generated/data-objects.ts';
import { InvalidCollectorVersionError, SoapTransportError } from '../vim25/faults.ts';
import { FakeRoundTripper } from '../../test/fakes/fake-round-tripper.ts';
import { DEFAULT_MAX_OBJECT_UPDATES, watchUpdates, type WatchEvent } from './update-watcher.ts';

const sc = {
  propertyCollector: { type: 'PropertyCollector', value: 'propertyCollector' },
} as unknown as ServiceContent;
const vm = (value: string) => ({ type: 'VirtualMachine', value });
const enter = (value: string, name: string) => ({
  kind: 'enter',
  obj: vm(value),
  changeSet: [{ name: 'name', op: 'assign', val: name }],
});
const set = (version: string, objectSet: unknown[], truncated = false) => ({
  version,
  truncated,
  filterSet: [{ filter: { type: 'PropertyFilter', value: 'f' }, objectSet }],
});

/** Scripts WaitForUpdatesEx replies in order; everything else succeeds. */
function scripted(replies: (() => unknown)[]) {
  let collectors = 0;
  const rt = new FakeRoundTripper((method, _req, options) => {
    if (method === 'CreatePropertyCollector')
      return { type: 'PropertyCollector', value: `pc-${++collectors}` };
    if (method === 'CreateFilter') return { type: 'PropertyFilter', value: 'f' };
    if (method === 'WaitForUpdatesEx') {
      const next = replies.shift();
      // Nothing more happens: block like a long poll until the caller aborts, as the transport does.
      if (next === undefined) return blockUntilAborted(options?.signal);
      return next();
    }
    return undefined;
  });
  return rt;
}

function blockUntilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener(
      'abort',
      () => {
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

async function take(gen: AsyncGenerator<WatchEvent>, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  for await (const e of gen) {
    out.push(e);
    if (out.length === n) break;
  }
  return out;
}

const setup = () =>
  Promise.resolve({ spec: { propSet: [], objectSet: [] }, cleanup: () => Promise.resolve() });

test('given a first full batch then a change, should yield sync then update', async () => {
  const rt = scripted([
    () => set('1', [enter('vm-1', 'a')]),
    () => undefined,
    () => set('2', [{ kind: 'leave', obj: vm('vm-1') }]),
  ]);
  const ac = new AbortController();
  const events = await take(watchUpdates({ rt, serviceContent: sc }, { setup, signal: ac.signal }), 2);
  ac.abort();
  assert.deepEqual(
    events.map((e) => [e.type, e.objects.map((o) => `${o.kind}:${o.ref.value}`)]),
    [
      ['sync', ['enter:vm-1']],
      ['update', ['leave:vm-1']],
    ],
  );
  const waits = rt.calls.filter((c) => c.method === 'WaitForUpdatesEx').map((c) => c.request['version']);
  assert.deepEqual(waits, ['', '1', '1']);
});

test('given a truncated first batch, should wait for the rest before the sync', async () => {
  const rt = scripted([() => set('1', [enter('vm-1', 'a')], true), () => set('2', [enter('vm-2', 'b')])]);
  const [first] = await take(
    watchUpdates({ rt, serviceContent: sc }, { setup, signal: new AbortController().signal }),
    1,
  );
  assert.ok(first);
  assert.equal(first.type, 'sync');
  assert.deepEqual(
    first.objects.map((o) => o.ref.value),
    ['vm-1', 'vm-2'],
  );
});

test('given no page size, should ask for pages of the default size on every wait', async () => {
  const rt = scripted([() => set('1', [enter('vm-1', 'a')]), () => undefined]);
  const ac = new AbortController();
  const gen = watchUpdates({ rt, serviceContent: sc }, { setup, signal: ac.signal, maxWaitSeconds: 7 });
  await gen.next();
  const second = gen.next();
  await until(() => rt.count('WaitForUpdatesEx') === 3);
  ac.abort();
  await second;
  const options = rt.calls.filter((c) => c.method === 'WaitForUpdatesEx').map((c) => c.request['options']);
  assert.equal(options.length, 3);
  for (const o of options)
    assert.deepEqual(o, { maxWaitSeconds: 7, maxObjectUpdates: DEFAULT_MAX_OBJECT_UPDATES });
});

test('given a page size of 0, should leave maxObjectUpdates out, as vCenter rejects 0', async () => {
  const rt = scripted([() => set('1', [enter('vm-1', 'a')])]);
  const [first] = await take(
    watchUpdates(
      { rt, serviceContent: sc },
      { setup, signal: new AbortController().signal, maxObjectUpdates: 0, maxWaitSeconds: 5 },
    ),
    1,
  );
  assert.equal(first?.type, 'sync');
  assert.deepEqual(rt.calls.find((c) => c.method === 'WaitForUpdatesEx')?.request['options'], {
    maxWaitSeconds: 5,
  });
});

test('given a first sync in three pages, should follow each truncated version at once and yield one sync in order', async () => {
  const rt = scripted([
    () => set('t1', [enter('vm-1', 'a'), enter('vm-2', 'b')], true),
    () => set('t2', [enter('vm-3', 'c'), enter('vm-4', 'd')], true),
    () => set('9', [enter('vm-5', 'e')]),
    () => set('10', [{ kind: 'leave', obj: vm('vm-2') }]),
  ]);
  const ac = new AbortController();
  const events = await take(
    watchUpdates({ rt, serviceContent: sc }, { setup, signal: ac.signal, maxObjectUpdates: 2 }),
    2,
  );
  ac.abort();
  assert.deepEqual(
    events.map((e) => [e.type, e.objects.map((o) => `${o.kind}:${o.ref.value}`)]),
    [
      ['sync', ['enter:vm-1', 'enter:vm-2', 'enter:vm-3', 'enter:vm-4', 'enter:vm-5']],
      ['update', ['leave:vm-2']],
    ],
  );
  const waits = rt.calls.filter((c) => c.method === 'WaitForUpdatesEx');
  assert.deepEqual(
    waits.map((c) => c.request['version']),
    ['', 't1', 't2', '9'],
  );
  assert.equal((waits[1]?.request['options'] as { maxObjectUpdates?: number }).maxObjectUpdates, 2);
});

test('given a failure between pages, should resync and yield only the complete fresh state', async () => {
  const rt = scripted([
    () => set('t1', [enter('vm-1', 'a')], true),
    () => {
      throw new SoapTransportError('socket hang up', undefined);
    },
    () => set('t1', [enter('vm-2', 'b')], true),
    () => set('3', [enter('vm-3', 'c')]),
  ]);
  const events = await take(
    watchUpdates(
      { rt, serviceContent: sc },
      { setup, signal: new AbortController().signal, backoff: { initialMs: 1, maxMs: 1 } },
    ),
    1,
  );
  assert.deepEqual(
    events.map((e) => [e.type, e.objects.map((o) => o.ref.value)]),
    [['sync', ['vm-2', 'vm-3']]],
  );
  assert.equal(rt.count('CreatePropertyCollector'), 2);
});

test('given InvalidCollectorVersion, should recreate the collector and yield a fresh sync', async () => {
  const fault = new InvalidCollectorVersionError({
    faultCode: 'ServerFaultCode',
    faultString: 'v',
    detail: { _type: 'InvalidCollectorVersion' },
  });
  const rt = scripted([
    () => set('1', [enter('vm-1', 'a')]),
    () => {
      throw fault;
    },
    () => set('1', [enter('vm-1', 'a'), enter('vm-2', 'b')]),
  ]);
  const reasons: string[] = [];
  const events = await take(
    watchUpdates(
      { rt, serviceContent: sc },
      { setup, signal: new AbortController().signal, onResync: (r) => reasons.push(r.code) },
    ),
    2,
  );
  assert.deepEqual(
    events.map((e) => e.type),
    ['sync', 'sync'],
  );
  assert.equal(events[1]?.objects.length, 2);
  assert.deepEqual(reasons, ['VIM_INVALID_COLLECTOR_VERSION']);
  assert.equal(rt.count('CreatePropertyCollector'), 2);
  // One for the collector that failed, one for the second when the consumer stopped.
  assert.equal(rt.count('DestroyPropertyCollector'), 2);
});

test('given an outage, should back off and resync once the server answers again', async () => {
  const down = (): never => {
    throw new SoapTransportError('connect ECONNREFUSED', undefined);
  };
  const rt = scripted([
    () => set('1', [enter('vm-1', 'a')]),
    down,
    down,
    () => set('1', [enter('vm-1', 'a')]),
  ]);
  const events = await take(
    watchUpdates(
      { rt, serviceContent: sc },
      { setup, signal: new AbortController().signal, backoff: { initialMs: 5, maxMs: 20 } },
    ),
    2,
  );
  assert.deepEqual(
    events.map((e) => e.type),
    ['sync', 'sync'],
  );
  assert.equal(rt.count('CreatePropertyCollector'), 3);
});

test('given abort while waiting, should end the generator and destroy the collector', async () => {
  const rt = scripted([() => set('1', [enter('vm-1', 'a')])]);
  const ac = new AbortController();
  const gen = watchUpdates({ rt, serviceContent: sc }, { setup, signal: ac.signal });
  const first = await gen.next();
  assert.equal(first.done, false);
  assert.equal(first.value.type, 'sync');
  const pending = gen.next();
  setTimeout(() => {
    ac.abort();
  }, 10);
  const last = await pending;
  assert.equal(last.done, true);
  assert.equal(rt.count('DestroyPropertyCollector'), 1);
});
