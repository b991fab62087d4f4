// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceContent } from '../../vim25/generated/data-objects.ts';
import { InvalidCollectorVersionError } from '../../vim25/faults.ts';
import { mor } from '../../vim25/mor.ts';
import type { ObjectChange, WatchEvent, WatchOptions } from '../../vsphere/update-watcher.ts';
import { FakeRoundTripper } from '../../../test/fakes/fake-round-tripper.ts';
import { IndexNotSyncedError, IndexSyncTimeoutError } from './index-errors.ts';
import {
  VCenterIndex,
  type IndexEvent,
  type VCenterIndexOptions,
  type WatchSource,
} from './vcenter-index.ts';

type Step = WatchEvent | { readonly fail: Error };

/** An event source the test drives: each pushed step is yielded (or reported as a resync). */
class FakeWatch {
  readonly #queue: Step[] = [];
  #wake: (() => void) | undefined;
  options: WatchOptions | undefined;

  readonly source: WatchSource = (_client, options) => this.#run(options);

  push(step: Step): void {
    this.#queue.push(step);
    this.#wake?.();
  }

  async *#run(options: WatchOptions): AsyncGenerator<WatchEvent> {
    this.options = options;
    let attempt = 0;
    while (!options.signal.aborted) {
      const step = this.#queue.shift();
      if (step === undefined) {
        await new Promise<void>((res) => {
          this.#wake = res;
          options.signal.addEventListener(
            'abort',
            () => {
              res();
            },
            { once: true },
          );
        });
        continue;
      }
      if ('fail' in step) options.onResync?.({ code: 'X', error: step.fail, attempt: ++attempt });
      else yield step;
    }
  }
}

const assign = (name: string, val: unknown) => ({ name, op: 'assign', val });
const dc = mor('Datacenter', 'datacenter-2');
const vmFolder = mor('Folder', 'group-v3');
const cluster = mor('ClusterComputeResource', 'domain-c7');
const host = mor('HostSystem', 'host-9');
const pool = mor('ResourcePool', 'resgroup-8');
const uuid = (i: number) => `4237a1b2-0000-0000-0000-00000000000${i}`;

function vm(i: number, extra: ObjectChange['changes'] = []): ObjectChange {
  return {
    kind: 'enter',
    ref: mor('VirtualMachine', `vm-${i}`),
    changes: [
      assign('name', `node-${i}`),
      assign('config.uuid', uuid(i)),
      assign('config.instanceUuid', `5037a1b2-0000-0000-0000-00000000000${i}`),
      assign('runtime.powerState', 'poweredOn'),
      assign('runtime.host', host),
      assign('resourcePool', pool),
      assign('parent', vmFolder),
      assign('guest.hostName', `node-${i}`),
      assign('guest.net', [{ deviceConfigId: 4000, connected: true, ipAddress: [`10.0.0.${i}`] }]),
      ...extra,
    ],
  };
}

const topology: ObjectChange[] = [
  { kind: 'enter', ref: dc, changes: [assign('name', 'dc-east')] },
  { kind: 'enter', ref: vmFolder, changes: [assign('name', 'vm'), assign('parent', dc)] },
  { kind: 'enter', ref: cluster, changes: [assign('name', 'c1'), assign('parent', dc)] },
  { kind: 'enter', ref: host, changes: [assign('name', 'esx-1'), assign('parent', cluster)] },
  { kind: 'enter', ref: pool, changes: [assign('name', 'Resources'), assign('parent', cluster)] },
];

const sc = { rootFolder: mor('Folder', 'group-d1') } as unknown as ServiceContent;

function setUp(extra: Partial<VCenterIndexOptions> = {}) {
  const fake = new FakeWatch();
  const events: IndexEvent[] = [];
  let now = 1_000;
  const index = new VCenterIndex({
    vcenter: 'vc-1',
    client: { rt: new FakeRoundTripper(() => undefined), serviceContent: sc },
    watch: fake.source,
    maxWaitSeconds: 5,
    now: () => now,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  const ac = new AbortController();
  const running = index.start(ac.signal);
  /** Waits until the index has reported `n` events in all. */
  const settled = async (n: number) => {
    for (let i = 0; i < 200 && events.length < n; i++) await new Promise((r) => setImmediate(r));
    assert.equal(events.length, n, JSON.stringify(events));
  };
  const stop = async () => {
    ac.abort();
    await running;
  };
  return { fake, index, events, settled, stop, setNow: (t: number) => (now = t) };
}

test('given no sync yet, should refuse lookups instead of answering "not found"', async () => {
  const { index, stop } = setUp();
  try {
    assert.throws(() => index.byBiosUuid(uuid(1)), IndexNotSyncedError);
    assert.throws(() => index.byHostName('node-1'), IndexNotSyncedError);
    assert.equal(index.state().synced, false);
    assert.equal(index.state().healthy, false);
    await assert.rejects(index.waitForSync({ timeoutMs: 20 }), IndexSyncTimeoutError);
  } finally {
    await stop();
  }
});

test('given a sync, should answer every lookup from memory and report itself healthy', async () => {
  const { fake, index, settled, stop } = setUp();
  try {
    const synced = index.waitForSync({ timeoutMs: 1_000 });
    fake.push({ type: 'sync', objects: [...topology, vm(1), vm(2)] });
    await synced;
    await settled(1);
    assert.equal(index.byBiosUuid(uuid(1).toUpperCase())[0]?.name, 'node-1');
    assert.equal(index.byInstanceUuid('5037A1B2-0000-0000-0000-000000000002')?.name, 'node-2');
    assert.equal(index.byHostName('NODE-2')[0]?.name, 'node-2');
    assert.equal(index.byIp('10.0.0.1')[0]?.name, 'node-1');
    assert.equal(index.byRef('VirtualMachine:vm-2')?.name, 'node-2');
    assert.equal(index.vms().length, 2);
    const vm1 = index.byRef('VirtualMachine:vm-1')!;
    assert.equal(index.datacenterOf(vm1)?.name, 'dc-east');
    const chains = index.zoneChains(vm1);
    assert.deepEqual(
      chains.host.map((n) => n.name),
      ['esx-1', 'c1', 'dc-east'],
    );
    assert.deepEqual(
      chains.resourcePool.map((n) => n.name),
      ['Resources', 'c1', 'dc-east'],
    );
    assert.deepEqual(
      chains.vm.map((n) => n.name),
      ['node-1', 'vm', 'dc-east'],
    );
    const state = index.state();
    assert.equal(state.synced, true);
    assert.equal(state.healthy, true);
    assert.equal(state.generation, 1);
    assert.equal(state.vms, 2);
    assert.equal(state.topologyObjects, 5);
    assert.equal(state.tags, undefined);
    assert.equal(fake.options?.maxWaitSeconds, 5);
  } finally {
    await stop();
  }
});

test('given updates, should apply enter, modify and leave and record the absence', async () => {
  const { fake, index, events, settled, stop, setNow } = setUp();
  try {
    fake.push({ type: 'sync', objects: [...topology, vm(1), vm(2)] });
    await settled(1);
    setNow(5_000);
    fake.push({
      type: 'update',
      objects: [
        vm(3),
        {
          kind: 'modify',
          ref: mor('VirtualMachine', 'vm-1'),
          changes: [assign('runtime.powerState', 'poweredOff')],
        },
        { kind: 'leave', ref: mor('VirtualMachine', 'vm-2'), changes: [] },
      ],
    });
    await settled(2);
    assert.deepEqual(events[1], { type: 'updated', vcenter: 'vc-1', objects: 3 });
    assert.equal(index.byHostName('node-3')[0]?.name, 'node-3');
    assert.equal(index.byBiosUuid(uuid(1))[0]?.powerState, 'poweredOff');
    assert.deepEqual(index.byBiosUuid(uuid(2)), []);
    assert.equal(index.absentSince(uuid(2).toUpperCase()), 5_000);
    assert.deepEqual(index.absence(uuid(2))?.lastRefs, [mor('VirtualMachine', 'vm-2')]);
    assert.equal(index.absentSince(uuid(1)), undefined);
    assert.equal(index.state().lastUpdate, 5_000);
    assert.equal(index.state().generation, 1);
  } finally {
    await stop();
  }
});

test('given a watch failure then a resync, should keep answering from the old tables until the new sync is whole', async () => {
  const { fake, index, events, settled, stop, setNow } = setUp();
  try {
    fake.push({ type: 'sync', objects: [...topology, vm(1), vm(2)] });
    await settled(1);
    setNow(2_000);
    const fault = {
      faultCode: 'ServerFaultCode',
      faultString: 'stale',
      detail: { _type: 'InvalidCollectorVersion' },
    };
    fake.push({ fail: new InvalidCollectorVersionError(fault) });
    await settled(2);
    assert.equal(events[1]?.type, 'resync');
    const during = index.state();
    assert.equal(during.synced, true);
    assert.equal(during.healthy, false, 'a failing watch is not evidence of anything');
    assert.deepEqual(during.lastError, {
      code: 'VIM_INVALID_COLLECTOR_VERSION',
      message: 'InvalidCollectorVersion: stale',
      at: 2_000,
    });
    assert.equal(index.byBiosUuid(uuid(2))[0]?.name, 'node-2', 'no lookup gap while resyncing');
    setNow(3_000);
    fake.push({ type: 'sync', objects: [...topology, vm(1), vm(3)] });
    await settled(3);
    const after = index.state();
    assert.equal(after.generation, 2);
    assert.equal(after.healthy, true);
    assert.equal(after.lastError?.at, 2_000, 'the last error is kept after recovery');
    assert.deepEqual(index.byBiosUuid(uuid(2)), []);
    assert.equal(index.byBiosUuid(uuid(3))[0]?.name, 'node-3');
    assert.equal(index.absentSince(uuid(2)), 3_000);
  } finally {
    await stop();
  }
});

test('given an applied event, should empty it so that the watcher does not keep it alive', async () => {
  const { fake, index, settled, stop } = setUp();
  try {
    const event: WatchEvent = { type: 'sync', objects: [vm(1), vm(2)] };
    fake.push(event);
    await settled(1);
    assert.equal(event.objects.length, 0);
    assert.equal(index.byBiosUuid(uuid(2))[0]?.name, 'node-2', 'the index kept its own copy');
  } finally {
    await stop();
  }
});

test('given no answer from vCenter for longer than the long poll, should stop calling itself healthy', async () => {
  const { fake, index, settled, stop, setNow } = setUp();
  try {
    fake.push({ type: 'sync', objects: [vm(1)] });
    await settled(1);
    setNow(1_000 + 5_000 + 15_000);
    assert.equal(index.state().healthy, true);
    setNow(1_000 + 5_000 + 15_001);
    assert.equal(index.state().healthy, false);
    assert.equal(index.state().synced, true);
  } finally {
    await stop();
  }
});

test('given tag categories, should read the tags at start and expose them with their state', async () => {
  let reads = 0;
  const { index, events, settled, stop } = setUp({
    tags: () => {
      reads += 1;
      return Promise.resolve({ zones: new Map([['HostSystem:host-9', 'zone-a']]), regions: new Map() });
    },
  });
  try {
    await settled(1);
    assert.deepEqual(events[0], { type: 'tags', vcenter: 'vc-1', ok: true });
    assert.equal(index.tags()?.index.zones.get('HostSystem:host-9'), 'zone-a');
    assert.equal(index.state().tags?.loadedAt, 1_000);
    await index.refreshTags(new AbortController().signal);
    assert.equal(reads, 2);
  } finally {
    await stop();
  }
});

test('given a started index, should refuse a second start and stop when aborted', async () => {
  const { index, stop } = setUp();
  await assert.rejects(index.start(new AbortController().signal), TypeError);
  await stop();
  await assert.rejects(index.refreshTags(new AbortController().signal), TypeError);
});
