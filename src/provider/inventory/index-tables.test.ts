// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mor } from '../../vim25/mor.ts';
import type { ObjectChange } from '../../vsphere/update-watcher.ts';
import { IndexTables } from './index-tables.ts';

const vm = (value: string) => mor('VirtualMachine', value);
const assign = (name: string, val: unknown) => ({ name, op: 'assign', val });
const enter = (value: string, changes: ObjectChange['changes']): ObjectChange => ({
  kind: 'enter',
  ref: vm(value),
  changes,
});
const names = (vms: readonly { ref: { value: string } }[]) => vms.map((v) => v.ref.value).sort();

function node1(): ObjectChange {
  return enter('vm-1', [
    assign('name', 'node-1'),
    assign('config.uuid', '4237A1B2-0000-0000-0000-000000000001'),
    assign('config.instanceUuid', '5037A1B2-0000-0000-0000-000000000001'),
    assign('guest.hostName', 'Node-1.Example'),
    assign('guest.ipAddress', '10.0.0.11'),
    assign('guest.net', [
      { deviceConfigId: 4000, connected: true, ipAddress: ['10.0.0.11', 'FD00::11', 'fe80::1', '127.0.0.1'] },
    ]),
  ]);
}

test('given a VM, should find it by MoRef, UUIDs, host name and every usable address', () => {
  const t = new IndexTables();
  t.apply(node1());
  assert.equal(t.byRef(vm('vm-1'))?.name, 'node-1');
  assert.equal(t.byRef('VirtualMachine:vm-1')?.name, 'node-1');
  assert.deepEqual(names(t.byBiosUuid(' 4237a1b2-0000-0000-0000-000000000001')), ['vm-1']);
  assert.deepEqual(names(t.byInstanceUuid('5037a1b2-0000-0000-0000-000000000001')), ['vm-1']);
  assert.deepEqual(names(t.byHostName('node-1.example')), ['vm-1']);
  assert.deepEqual(names(t.byIp('10.0.0.11')), ['vm-1']);
  assert.deepEqual(names(t.byIp('fd00:0::11')), ['vm-1']);
  assert.deepEqual(t.byIp('fe80::1'), []);
  assert.deepEqual(t.byIp('127.0.0.1'), []);
  assert.equal(t.vmCount, 1);
});

test('given a modify, should move the VM from its old keys to its new ones', () => {
  const t = new IndexTables();
  t.apply(node1());
  t.apply({
    kind: 'modify',
    ref: vm('vm-1'),
    changes: [
      assign('guest.hostName', 'renamed'),
      assign('guest.ipAddress', '10.0.0.99'),
      assign('guest.net', [{ deviceConfigId: 4000, connected: true, ipAddress: ['10.0.0.99'] }]),
    ],
  });
  assert.deepEqual(t.byHostName('node-1.example'), []);
  assert.deepEqual(t.byIp('10.0.0.11'), []);
  assert.deepEqual(t.byIp('fd00::11'), []);
  assert.deepEqual(names(t.byHostName('RENAMED')), ['vm-1']);
  assert.deepEqual(names(t.byIp('10.0.0.99')), ['vm-1']);
  assert.equal(t.byRef(vm('vm-1'))?.biosUuid, '4237a1b2-0000-0000-0000-000000000001', 'other fields kept');
});

test('given two VMs sharing a UUID and a host name, should return both', () => {
  const t = new IndexTables();
  t.apply(node1());
  t.apply(
    enter('vm-2', [
      assign('config.uuid', '4237a1b2-0000-0000-0000-000000000001'),
      assign('guest.hostName', 'node-1.example'),
    ]),
  );
  assert.deepEqual(names(t.byBiosUuid('4237a1b2-0000-0000-0000-000000000001')), ['vm-1', 'vm-2']);
  assert.deepEqual(names(t.byHostName('node-1.example')), ['vm-1', 'vm-2']);
});

test('given a leave, should remove the VM from every table', () => {
  const t = new IndexTables();
  t.apply(node1());
  t.apply({ kind: 'leave', ref: vm('vm-1'), changes: [] });
  assert.equal(t.byRef(vm('vm-1')), undefined);
  assert.deepEqual(t.byBiosUuid('4237a1b2-0000-0000-0000-000000000001'), []);
  assert.equal(t.hasBiosUuid('4237a1b2-0000-0000-0000-000000000001'), false);
  assert.deepEqual(t.byInstanceUuid('5037a1b2-0000-0000-0000-000000000001'), []);
  assert.deepEqual(t.byHostName('node-1.example'), []);
  assert.deepEqual(t.byIp('10.0.0.11'), []);
  assert.equal(t.vmCount, 0);
});

test('given topology objects, should answer ancestors and follow renames, moves and removals', () => {
  const t = new IndexTables();
  const dc = mor('Datacenter', 'datacenter-2');
  const cluster = mor('ClusterComputeResource', 'domain-c7');
  const host = mor('HostSystem', 'host-9');
  t.apply({ kind: 'enter', ref: dc, changes: [assign('name', 'dc-east')] });
  t.apply({ kind: 'enter', ref: cluster, changes: [assign('name', 'c1'), assign('parent', dc)] });
  t.apply({ kind: 'enter', ref: host, changes: [assign('name', 'esx-1'), assign('parent', cluster)] });
  assert.deepEqual(
    t
      .topology()
      .chain(host)
      .map((n) => n.name),
    ['esx-1', 'c1', 'dc-east'],
  );
  t.apply({ kind: 'modify', ref: cluster, changes: [assign('name', 'c1-renamed')] });
  assert.deepEqual(
    t
      .topology()
      .chain(host)
      .map((n) => n.name),
    ['esx-1', 'c1-renamed', 'dc-east'],
  );
  t.apply({ kind: 'modify', ref: host, changes: [assign('parent', dc)] });
  assert.deepEqual(
    t
      .topology()
      .chain(host)
      .map((n) => n.name),
    ['esx-1', 'dc-east'],
  );
  t.apply({ kind: 'leave', ref: dc, changes: [] });
  assert.deepEqual(
    t
      .topology()
      .chain(host)
      .map((n) => n.name),
    ['esx-1'],
  );
  assert.equal(t.topologyCount, 2);
});
