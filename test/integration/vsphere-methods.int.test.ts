// SPDX-License-Identifier: Apache-2.0
// Every vim25 method the project relies on, called over TLS against the simulator harness.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import {
  AcquireCloneTicket,
  CancelWaitForUpdates,
  CloneSession,
  CreateFilter,
  CreatePropertyCollector,
  CurrentTime,
  DestroyPropertyCollector,
  DestroyPropertyFilter,
  LoginByToken,
  SessionIsActive,
  WaitForUpdatesEx,
} from '../../src/vim25/generated/methods.ts';
import { retrieveServiceContent } from '../../src/vim25/client.ts';
import { InvalidLoginError, ManagedObjectNotFoundError, VimFaultError } from '../../src/vim25/faults.ts';
import { openVCenterConnection, type VCenterConnection } from '../../src/vsphere/vcenter-connection.ts';
import { VimSession } from '../../src/vsphere/session.ts';
import { retrieveAll, retrieveProperties } from '../../src/vsphere/property-collector.ts';
import { createContainerView } from '../../src/vsphere/container-view.ts';
import { ancestors } from '../../src/vsphere/ancestors.ts';
import {
  findAllVmsByDnsName,
  findAllVmsByIp,
  findVmByDnsName,
  findVmByIp,
  findVmByUuid,
} from '../../src/vsphere/search-index.ts';
import { TaskFailedError, destroyEntity, powerOffVm, powerOnVm } from '../../src/vsphere/tasks.ts';
import { startVcsim, type Vcsim } from '../support/vcsim.ts';
import { simTransport } from '../support/sim-transport.ts';

const scenario = resolve(import.meta.dirname, '../vcsim/scenarios/basic.json');
const node1Uuid = '4237a1b2-c3d4-e5f6-0718-293a4b5c6d01';

describe('vim25 methods against the simulator', () => {
  let sim: Vcsim;
  let conn: VCenterConnection;

  before(async () => {
    sim = await startVcsim({ scenario });
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

  const vmByName = async (name: string) => {
    const view = await createContainerView(conn, { types: ['VirtualMachine'] });
    try {
      const vms = await retrieveProperties(conn, {
        type: 'VirtualMachine',
        paths: ['name'],
        from: { view: view.ref },
      });
      const hit = vms.find((v) => v.props.name === name);
      assert.ok(hit, `VM ${name} exists`);
      return hit.ref;
    } finally {
      await view.destroy();
    }
  };

  test('given a login, should hold one session that the server reports active', async () => {
    const user = conn.session.userSession;
    assert.ok(user);
    assert.equal(user.userName, sim.credentials.username);
    const active = await SessionIsActive(conn.rt, {
      _this: conn.serviceContent.sessionManager!,
      sessionID: user.key,
      userName: user.userName,
    });
    assert.equal(active, true);
    assert.equal(conn.serviceContent.about.apiType, 'VirtualCenter');
  });

  test('given CurrentTime, should decode a Date close to now', async () => {
    const t = await CurrentTime(conn.rt, { _this: { type: 'ServiceInstance', value: 'ServiceInstance' } });
    assert.ok(t instanceof Date);
    assert.ok(Math.abs(t.getTime() - Date.now()) < 60_000);
  });

  test('given a wrong password, should fail with InvalidLoginError', async () => {
    await using sim2 = simTransport(sim);
    const { transport } = sim2;
    const session = new VimSession({
      transport,
      serviceContent: await retrieveServiceContent(transport),
      credentials: () => ({ username: sim.credentials.username, password: 'not-the-password' }),
      keepAliveMs: 0,
    });
    await assert.rejects(session.login(), InvalidLoginError);
  });

  test('given a clone ticket, should let a second connection join the session without a password', async () => {
    const ticket = await AcquireCloneTicket(conn.rt, { _this: conn.serviceContent.sessionManager! });
    assert.ok(ticket.length > 0);
    await using sim2 = simTransport(sim);
    const { transport } = sim2;
    const user = await CloneSession(transport, {
      _this: conn.serviceContent.sessionManager!,
      cloneTicket: ticket,
    });
    assert.equal(user.userName, sim.credentials.username);
    assert.ok(transport.sessionCookie);
  });

  test('given LoginByToken without a SAML token, should be refused with a typed fault', async () => {
    await using sim2 = simTransport(sim);
    const { transport } = sim2;
    await assert.rejects(
      LoginByToken(transport, { _this: conn.serviceContent.sessionManager! }),
      VimFaultError,
    );
  });

  test('given a page size, should page with ContinueRetrievePropertiesEx and still return every VM', async () => {
    const view = await createContainerView(conn, { types: ['VirtualMachine'] });
    try {
      await sim.control.resetCounters();
      const vms = await retrieveProperties(conn, {
        type: 'VirtualMachine',
        paths: ['name', 'config.uuid', 'guest.net', 'summary.config.numCpu'],
        from: { view: view.ref },
        maxObjects: 2,
      });
      assert.equal(vms.length, 6);
      const counters = await sim.control.counters();
      assert.equal(counters.soap['RetrievePropertiesEx'], 1);
      assert.equal(counters.soap['ContinueRetrievePropertiesEx'], 2);
      const node1 = vms.find((v) => v.props.name === 'node-1');
      assert.ok(node1);
      assert.equal(node1.props['config.uuid'], node1Uuid);
      assert.equal(node1.props['summary.config.numCpu'], 4);
      assert.deepEqual(node1.props['guest.net']?.[0]?.ipAddress, ['10.0.0.11']);
    } finally {
      await view.destroy();
    }
  });

  test('given a destroyed view, should fail with ManagedObjectNotFoundError', async () => {
    const view = await createContainerView(conn, { types: ['VirtualMachine'] });
    await view.destroy();
    await assert.rejects(
      retrieveProperties(conn, { type: 'ContainerView', paths: ['view'], from: { refs: [view.ref] } }),
      ManagedObjectNotFoundError,
    );
  });

  test('given a VM, should list its ancestors from the root folder in one call', async () => {
    const vm = await vmByName('node-1');
    await sim.control.resetCounters();
    const chain = await ancestors(conn, vm);
    assert.deepEqual(
      chain.map((n) => n.name),
      ['Datacenters', 'dc-east', 'vm', 'k8s', 'workers', 'node-1'],
    );
    assert.equal((await sim.control.counters()).soap['RetrievePropertiesEx'], 1);
  });

  test('given the SearchIndex, should find VMs by UUID, DNS name and IP, and answer undefined for misses', async () => {
    const vm = await vmByName('node-1');
    assert.deepEqual(await findVmByUuid(conn, { uuid: node1Uuid }), vm);
    assert.deepEqual(
      await findVmByUuid(conn, { uuid: '5037a1b2-c3d4-e5f6-0718-293a4b5c6d01', instanceUuid: true }),
      vm,
    );
    assert.equal(await findVmByUuid(conn, { uuid: '00000000-0000-0000-0000-000000000000' }), undefined);
    assert.deepEqual(await findVmByDnsName(conn, { dnsName: 'node-1' }), vm);
    assert.deepEqual(await findAllVmsByDnsName(conn, { dnsName: 'node-1' }), [vm]);
    assert.equal(await findVmByDnsName(conn, { dnsName: 'no-such-node' }), undefined);
    assert.deepEqual(await findAllVmsByDnsName(conn, { dnsName: 'no-such-node' }), []);
    assert.deepEqual(await findVmByIp(conn, { ip: '10.0.0.11' }), vm);
    assert.deepEqual(await findAllVmsByIp(conn, { ip: '10.0.0.11' }), [vm]);
    assert.equal(await findVmByIp(conn, { ip: '192.0.2.1' }), undefined);
  });

  test('given a private collector, should deliver a power change through WaitForUpdatesEx', async () => {
    const vm = await vmByName('node-2');
    const pc = await CreatePropertyCollector(conn.rt, { _this: conn.serviceContent.propertyCollector });
    try {
      const filter = await CreateFilter(conn.rt, {
        _this: pc,
        spec: {
          propSet: [{ type: 'VirtualMachine', pathSet: ['runtime.powerState'] }],
          objectSet: [{ obj: vm }],
        },
        partialUpdates: false,
      });
      const first = await WaitForUpdatesEx(conn.rt, {
        _this: pc,
        version: '',
        options: { maxWaitSeconds: 5 },
      });
      assert.ok(first);
      assert.equal(first.filterSet?.[0]?.objectSet?.[0]?.changeSet?.[0]?.val, 'poweredOn');
      await sim.control.power('node-2', 'poweredOff');
      const next = await WaitForUpdatesEx(conn.rt, {
        _this: pc,
        version: first.version,
        options: { maxWaitSeconds: 10 },
      });
      assert.equal(next?.filterSet?.[0]?.objectSet?.[0]?.changeSet?.[0]?.val, 'poweredOff');
      await sim.control.power('node-2', 'poweredOn');
      await DestroyPropertyFilter(conn.rt, { _this: filter });
    } finally {
      await DestroyPropertyCollector(conn.rt, { _this: pc });
    }
  });

  test('given a long wait, should end it early with CancelWaitForUpdates', async () => {
    const pc = await CreatePropertyCollector(conn.rt, { _this: conn.serviceContent.propertyCollector });
    try {
      await CreateFilter(conn.rt, {
        _this: pc,
        spec: {
          propSet: [{ type: 'Folder', pathSet: ['name'] }],
          objectSet: [{ obj: conn.serviceContent.rootFolder }],
        },
        partialUpdates: false,
      });
      const first = await WaitForUpdatesEx(conn.rt, {
        _this: pc,
        version: '',
        options: { maxWaitSeconds: 5 },
      });
      const started = performance.now();
      const waiting = WaitForUpdatesEx(conn.rt, {
        _this: pc,
        version: first!.version,
        options: { maxWaitSeconds: 30 },
      }).then(
        () => 'returned',
        (err: unknown) => (err instanceof VimFaultError ? err.faultName : 'other'),
      );
      await new Promise((r) => setTimeout(r, 300));
      await CancelWaitForUpdates(conn.rt, { _this: pc });
      const outcome = await waiting;
      assert.ok(performance.now() - started < 10_000, 'the wait ended long before its 30 s');
      assert.ok(outcome === 'RequestCanceled' || outcome === 'returned', outcome);
    } finally {
      await DestroyPropertyCollector(conn.rt, { _this: pc });
    }
  });

  test('given power tasks, should wait for them and surface a failed task as TaskFailedError', async () => {
    const vm = await vmByName('node-3');
    await powerOnVm(conn, vm);
    let [state] = await retrieveProperties(conn, {
      type: 'VirtualMachine',
      paths: ['runtime.powerState'],
      from: { refs: [vm] },
    });
    assert.equal(state?.props['runtime.powerState'], 'poweredOn');
    await powerOffVm(conn, vm);
    [state] = await retrieveProperties(conn, {
      type: 'VirtualMachine',
      paths: ['runtime.powerState'],
      from: { refs: [vm] },
    });
    assert.equal(state?.props['runtime.powerState'], 'poweredOff');
    const failed = await powerOffVm(conn, vm).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(failed instanceof TaskFailedError);
    assert.ok(failed.cause instanceof VimFaultError);
    assert.equal(failed.cause.faultName, 'InvalidPowerState');
  });

  test('given Destroy_Task, should remove the VM so the SearchIndex no longer finds it', async () => {
    const vm = await vmByName('node-6-v6');
    await powerOffVm(conn, vm);
    await destroyEntity(conn, vm);
    assert.equal(await findVmByUuid(conn, { uuid: '4237a1b2-c3d4-e5f6-0718-293a4b5c6d06' }), undefined);
    await assert.rejects(
      retrieveAll(conn, [
        { propSet: [{ type: 'VirtualMachine', pathSet: ['name'] }], objectSet: [{ obj: vm }] },
      ]),
      ManagedObjectNotFoundError,
    );
  });
});
