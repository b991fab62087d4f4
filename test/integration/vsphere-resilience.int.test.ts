// SPDX-License-Identifier: Apache-2.0
// Session loss, timeouts, outages and watcher resync, against the simulator harness.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { CurrentTime } from '../../src/vim25/generated/methods.ts';
import { SoapTimeoutError, SoapTransportError } from '../../src/vim25/faults.ts';
import { retrieveServiceContent, serviceInstance } from '../../src/vim25/client.ts';
import { openVCenterConnection, type VCenterConnection } from '../../src/vsphere/vcenter-connection.ts';
import { objectSpecs, retrieveProperties } from '../../src/vsphere/property-collector.ts';
import { createContainerView } from '../../src/vsphere/container-view.ts';
import { findVmByUuid } from '../../src/vsphere/search-index.ts';
import { watchUpdates, type WatchEvent } from '../../src/vsphere/update-watcher.ts';
import { VimSession, type SessionEvent } from '../../src/vsphere/session.ts';
import { startVcsim, type Vcsim } from '../support/vcsim.ts';
import { simTransport } from '../support/sim-transport.ts';

const scenario = resolve(import.meta.dirname, '../vcsim/scenarios/basic.json');

describe('vSphere session and watcher resilience against the simulator', () => {
  let sim: Vcsim;
  let conn: VCenterConnection;
  const events: SessionEvent[] = [];

  const connect = (extra: { timeoutMs?: number } = {}) =>
    openVCenterConnection({
      server: new URL(sim.sdkUrl).origin,
      tls: { caPem: sim.certPem },
      credentials: () => sim.credentials,
      onSessionEvent: (e) => events.push(e),
      ...extra,
    });

  before(async () => {
    sim = await startVcsim({ scenario });
    conn = await connect();
  });
  after(async () => {
    await sim.control.resume().catch(() => undefined);
    await conn.close();
    await sim.close();
  });

  test('given the session is terminated, should re-login once on the missingSet shape and answer', async () => {
    await sim.control.resetCounters();
    await sim.control.terminateSessions();
    const view = await createContainerView(conn, { types: ['VirtualMachine'] });
    const vms = await retrieveProperties(conn, {
      type: 'VirtualMachine',
      paths: ['config.uuid'],
      from: { view: view.ref },
    });
    await view.destroy();
    assert.equal(vms.length, 6);
    assert.ok(vms.every((v) => typeof v.props['config.uuid'] === 'string'));
    assert.equal((await sim.control.counters()).soap['Login'], 1);
  });

  test('given the session is terminated, should re-login once on the fault shape and answer', async () => {
    await sim.control.resetCounters();
    await sim.control.terminateSessions();
    const vm = await findVmByUuid(conn, { uuid: '4237a1b2-c3d4-e5f6-0718-293a4b5c6d01' });
    assert.equal(vm?.type, 'VirtualMachine');
    const counters = await sim.control.counters();
    assert.equal(counters.soap['Login'], 1);
    assert.equal(counters.soap['FindByUuid'], 2);
    assert.ok(events.some((e) => e.type === 'login' && e.relogin));
  });

  test('given a slow vCenter, should time the call out within its timeout', async () => {
    await sim.control.setLatency(2_000, 'CurrentTime');
    try {
      const started = performance.now();
      await assert.rejects(
        CurrentTime(conn.rt, { _this: serviceInstance }, { timeoutMs: 200 }),
        SoapTimeoutError,
      );
      assert.ok(performance.now() - started < 1_500);
    } finally {
      await sim.control.setLatency(0, 'CurrentTime');
    }
    assert.ok((await CurrentTime(conn.rt, { _this: serviceInstance })) instanceof Date);
  });

  test('given a vCenter that refuses connections, should fail with a transport error, then recover', async () => {
    await sim.control.pause('refuse');
    try {
      const err = await CurrentTime(conn.rt, { _this: serviceInstance }, { timeoutMs: 5_000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof SoapTransportError, String(err));
      assert.equal(err.status, undefined);
    } finally {
      await sim.control.resume();
    }
    assert.ok((await CurrentTime(conn.rt, { _this: serviceInstance })) instanceof Date);
  });

  test('given a vCenter that refuses connections briefly, should retry the call and succeed', async () => {
    await sim.control.pause('refuse');
    const resumed = new Promise((r) => setTimeout(r, 150)).then(() => sim.control.resume());
    try {
      // soapRoundtripCount defaults to 3 attempts spaced 100 ms and 200 ms: the third lands after resume.
      assert.ok((await CurrentTime(conn.rt, { _this: serviceInstance })) instanceof Date);
    } finally {
      await resumed;
    }
  });

  test('given a vCenter that hangs, should time out instead of waiting forever', async () => {
    await sim.control.pause('hang');
    try {
      await assert.rejects(
        CurrentTime(conn.rt, { _this: serviceInstance }, { timeoutMs: 300 }),
        SoapTimeoutError,
      );
    } finally {
      await sim.control.resume();
    }
  });

  test('given a watcher, should see changes, and resync after session loss and after an outage', async () => {
    const ac = new AbortController();
    const resyncs: string[] = [];
    const watch = watchUpdates(conn, {
      signal: ac.signal,
      maxWaitSeconds: 5,
      backoff: { initialMs: 50, maxMs: 200 },
      onResync: (r) => resyncs.push(r.code),
      setup: async (signal) => {
        const view = await createContainerView(conn, { types: ['VirtualMachine'] }, { signal });
        return {
          spec: {
            propSet: [{ type: 'VirtualMachine', pathSet: ['name', 'runtime.powerState'] }],
            objectSet: objectSpecs({ view: view.ref }),
          },
          cleanup: () => view.destroy(),
        };
      },
    });
    const next = async (): Promise<WatchEvent> => {
      const r = await watch.next();
      assert.equal(r.done, false);
      return r.value;
    };
    try {
      const sync = await next();
      assert.equal(sync.type, 'sync');
      assert.equal(sync.objects.length, 6);

      await sim.control.power('node-1', 'poweredOff');
      const update = await next();
      assert.equal(update.type, 'update');
      assert.deepEqual(
        update.objects.map((o) => [o.kind, o.changes.find((c) => c.name === 'runtime.powerState')?.val]),
        [['modify', 'poweredOff']],
      );

      await sim.control.terminateSessions();
      const afterLoss = await next();
      assert.equal(afterLoss.type, 'sync');
      assert.equal(afterLoss.objects.length, 6);

      await sim.control.pause('refuse');
      const resumed = sim.control.resume();
      await new Promise((r) => setTimeout(r, 100));
      await resumed;
      await sim.control.power('node-1', 'poweredOn');
      let event = await next();
      // The outage may or may not have hit a call in flight; either way the watcher must end up
      // delivering the power-on, as an update or inside a fresh sync.
      while (event.type === 'update' && event.objects.length === 0) event = await next();
      const node1 = event.objects.find((o) =>
        o.changes.some((c) => c.name === 'runtime.powerState' && c.val === 'poweredOn'),
      );
      assert.ok(node1, JSON.stringify(event));
      assert.ok(resyncs.length >= 1, resyncs.join());
    } finally {
      ac.abort();
      await watch.return(undefined);
    }
  });

  test('given an idle session with keep-alive, should refresh it with cheap calls and log out on close', async () => {
    await using bare = simTransport(sim);
    const { transport } = bare;
    const keepAlives: SessionEvent[] = [];
    const session = new VimSession({
      transport,
      serviceContent: await retrieveServiceContent(transport),
      credentials: () => sim.credentials,
      keepAliveMs: 150,
      onEvent: (e) => {
        if (e.type === 'keep-alive') keepAlives.push(e);
      },
    });
    try {
      await session.login();
      const sessionsBefore = await sim.control.sessionCount();
      await sim.control.resetCounters();
      await new Promise((r) => setTimeout(r, 700));
      assert.ok(keepAlives.length >= 1, 'keep-alive ran while idle');
      assert.ok(keepAlives.every((e) => e.type === 'keep-alive' && e.ok));
      assert.ok(((await sim.control.counters()).soap['RetrievePropertiesEx'] ?? 0) >= 1);
      await session.close();
      assert.equal(await sim.control.sessionCount(), sessionsBefore - 1, 'close() logged out');
    } finally {
      await session.close();
    }
  });
});
