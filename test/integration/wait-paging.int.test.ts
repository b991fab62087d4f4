// SPDX-License-Identifier: Apache-2.0
// WaitOptions.maxObjectUpdates against the simulator harness (test/vcsim/wait-paging.go): the
// harness pages WaitForUpdatesEx like vCenter, and the inventory index loads a paged first sync
// whole, never exposing part of it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateFilter,
  CreatePropertyCollector,
  DestroyPropertyCollector,
  WaitForUpdatesEx,
} from '../../src/vim25/generated/methods.ts';
import type { UpdateSet } from '../../src/vim25/generated/data-objects.ts';
import { openVCenterConnection, type VCenterConnection } from '../../src/vsphere/vcenter-connection.ts';
import { createContainerView, viewObjectSpec } from '../../src/vsphere/container-view.ts';
import { watchUpdates } from '../../src/vsphere/update-watcher.ts';
import { VCenterIndex } from '../../src/provider/inventory/vcenter-index.ts';
import type { IndexEvent } from '../../src/provider/inventory/index-state.ts';
import { startVcsim, type Vcsim } from '../support/vcsim.ts';

const VMS = 250;
const PAGE = 100;

const objectsOf = (set: UpdateSet | undefined) =>
  (set?.filterSet ?? []).flatMap((f) => (f.objectSet ?? []).map((o) => o));

describe('WaitForUpdatesEx paging', () => {
  let sim: Vcsim;
  let conn: VCenterConnection;

  before(async () => {
    sim = await startVcsim({
      scenario: {
        credentials: { username: 'administrator@vsphere.local', password: 'Paging-Pass-1!' },
        datacenters: [{ name: 'dc-1', clusters: [{ name: 'c1', hosts: ['esx-1'] }] }],
        generate: { count: VMS, datacenter: 'dc-1', cluster: 'c1' },
      },
    });
    conn = await openVCenterConnection({
      server: new URL(sim.sdkUrl).origin,
      tls: { caPem: sim.certPem },
      credentials: () => sim.credentials,
    });
  });
  after(async () => {
    await conn.close();
    await sim.close();
  });

  test('given 250 VMs and maxObjectUpdates 100, should answer 3 pages, truncated until the last, then a later change', async () => {
    const view = await createContainerView(conn, { types: ['VirtualMachine'] });
    const pc = await CreatePropertyCollector(conn.rt, { _this: conn.serviceContent.propertyCollector });
    try {
      await CreateFilter(conn.rt, {
        _this: pc,
        spec: {
          propSet: [{ type: 'VirtualMachine', pathSet: ['name', 'runtime.powerState'] }],
          objectSet: [viewObjectSpec(view.ref)],
        },
        partialUpdates: false,
      });
      await sim.control.resetCounters();
      const pages: UpdateSet[] = [];
      const pageMs: number[] = [];
      let version = '';
      for (;;) {
        const started = performance.now();
        const set = await WaitForUpdatesEx(conn.rt, {
          _this: pc,
          version,
          options: { maxWaitSeconds: 5, maxObjectUpdates: PAGE },
        });
        assert.ok(set, `page ${pages.length + 1} is not empty`);
        pages.push(set);
        pageMs.push(performance.now() - started);
        version = set.version;
        if (set.truncated !== true || pages.length > 5) break;
      }
      assert.deepEqual(
        pages.map((p) => [objectsOf(p).length, p.truncated]),
        [
          [100, true],
          [100, true],
          [50, false],
        ],
      );
      const names = new Set(
        pages.flatMap((p) => objectsOf(p).map((o) => o.changeSet?.find((c) => c.name === 'name')?.val)),
      );
      assert.equal(names.size, VMS);
      assert.ok(names.has('gen-00001') && names.has('gen-00250'));
      assert.equal((await sim.control.counters()).soap['WaitForUpdatesEx'], 3);
      // The simulator's wait loop ticks every 250 ms: a pending page is answered without waiting for it.
      assert.ok(
        pageMs.slice(1).every((ms) => ms < 240),
        `page times: ${pageMs.join(', ')}`,
      );

      await sim.control.power('gen-00007', 'poweredOff');
      const change = await WaitForUpdatesEx(conn.rt, {
        _this: pc,
        version,
        options: { maxWaitSeconds: 10, maxObjectUpdates: PAGE },
      });
      assert.ok(change);
      assert.notEqual(change.truncated, true);
      const [only, ...others] = objectsOf(change);
      assert.deepEqual(others, []);
      assert.ok(only);
      assert.equal(only.kind, 'modify');
      assert.deepEqual(
        only.changeSet?.map((c) => c.val),
        ['poweredOff'],
      );
      await sim.control.power('gen-00007', 'poweredOn');
    } finally {
      await DestroyPropertyCollector(conn.rt, { _this: pc });
      await view.destroy();
    }
  });

  test('given a paged first sync, should report the index synced only once, with every VM', async () => {
    const events: IndexEvent[] = [];
    const index = new VCenterIndex({
      vcenter: conn.host,
      client: conn,
      maxWaitSeconds: 3,
      backoff: { initialMs: 50, maxMs: 400 },
      onEvent: (e) => events.push(e),
      watch: (client, options) => watchUpdates(client, { ...options, maxObjectUpdates: PAGE }),
    });
    // Slow pages make a half-loaded index observable, were it ever exposed.
    await sim.control.setLatency(150, 'WaitForUpdatesEx');
    await sim.control.resetCounters();
    const ac = new AbortController();
    const running = index.start(ac.signal);
    const seen = new Set<number>();
    try {
      const sampling = setInterval(() => {
        const state = index.state();
        if (state.synced) seen.add(state.vms);
      }, 5);
      try {
        await index.waitForSync({ timeoutMs: 20_000 });
      } finally {
        clearInterval(sampling);
      }
      const state = index.state();
      seen.add(state.vms);
      assert.equal(state.vms, VMS);
      assert.deepEqual([...seen], [VMS], 'lookups never saw a partial index');
      const synced = events.filter((e) => e.type === 'synced');
      assert.deepEqual(
        synced.map((e) => e.vms),
        [VMS],
      );
      assert.equal(index.byHostName('gen-00250')[0]?.name, 'gen-00250');
      // 3 pages, possibly the start of the next long poll.
      const waits = (await sim.control.counters()).soap['WaitForUpdatesEx'] ?? 0;
      assert.ok(waits >= 3 && waits <= 4, `WaitForUpdatesEx calls: ${waits}`);
    } finally {
      ac.abort();
      await running;
      await sim.control.setLatency(0, 'WaitForUpdatesEx');
    }
  });
});
