// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mor } from '../../vim25/mor.ts';
import { applyVmChanges, emptyVm, VM_INDEX_PATHS } from './indexed-vm.ts';

const vmRef = mor('VirtualMachine', 'vm-1');
const assign = (name: string, val: unknown) => ({ name, op: 'assign', val });

test('given every watched property, should fill the record with normalised values', () => {
  const vm = applyVmChanges(emptyVm(vmRef), [
    assign('name', 'node-1'),
    assign('config.uuid', ' 4237A1B2-C3D4-E5F6-0718-293A4B5C6D01 '),
    assign('config.instanceUuid', '5037A1B2-C3D4-E5F6-0718-293A4B5C6D01'),
    assign('runtime.powerState', 'poweredOn'),
    assign('runtime.connectionState', 'connected'),
    assign('runtime.host', mor('HostSystem', 'host-1')),
    assign('resourcePool', mor('ResourcePool', 'resgroup-1')),
    assign('parent', mor('Folder', 'group-v1')),
    assign('guest.hostName', 'Node-1'),
    assign('guest.ipAddress', '10.0.0.11'),
    assign('guest.net', [
      {
        network: 'VM Network',
        deviceConfigId: 4000,
        macAddress: '00:50:56:aa:00:01',
        ipAddress: ['10.0.0.11'],
      },
      { deviceConfigId: -1, connected: true },
    ]),
    assign('summary.config.numCpu', 4),
    assign('summary.config.memorySizeMB', 8192),
    assign('summary.config.guestId', 'ubuntu64Guest'),
    assign('config.extraConfig', [
      { key: 'govcsim', value: 'TRUE' },
      { key: 'guestinfo.metadata', value: 'e30=' },
      { key: 'guestinfo.metadata.encoding', value: 'base64' },
      { key: 'guestinfo.userdata', value: 'secret' },
    ]),
  ]);
  assert.deepEqual(vm, {
    ref: vmRef,
    name: 'node-1',
    biosUuid: '4237a1b2-c3d4-e5f6-0718-293a4b5c6d01',
    instanceUuid: '5037a1b2-c3d4-e5f6-0718-293a4b5c6d01',
    powerState: 'poweredOn',
    connectionState: 'connected',
    host: mor('HostSystem', 'host-1'),
    resourcePool: mor('ResourcePool', 'resgroup-1'),
    parent: mor('Folder', 'group-v1'),
    guestHostName: 'Node-1',
    guestIpAddress: '10.0.0.11',
    nics: [
      {
        network: 'VM Network',
        deviceConfigId: 4000,
        macAddress: '00:50:56:aa:00:01',
        ipAddresses: ['10.0.0.11'],
      },
      { network: undefined, deviceConfigId: -1, macAddress: undefined, ipAddresses: [] },
    ],
    numCpu: 4,
    memoryMB: 8192,
    guestId: 'ubuntu64Guest',
    guestInfo: { 'guestinfo.metadata': 'e30=', 'guestinfo.metadata.encoding': 'base64' },
  });
});

test('given a remove or an assign without value, should unset the property', () => {
  const vm = applyVmChanges(emptyVm(vmRef), [
    assign('guest.hostName', 'a'),
    assign('guest.ipAddress', '10.0.0.1'),
  ]);
  const after = applyVmChanges(vm, [
    { name: 'guest.hostName', op: 'remove' },
    { name: 'guest.ipAddress', op: 'assign' },
  ]);
  assert.equal(after.guestHostName, undefined);
  assert.equal(after.guestIpAddress, undefined);
});

test('given a property it does not watch or values of the wrong type, should ignore them', () => {
  const vm = applyVmChanges(emptyVm(vmRef), [
    assign('summary.quickStats', { overallCpuUsage: 1 }),
    assign('config.uuid', ''),
    assign('summary.config.numCpu', '4'),
    assign('runtime.host', 'host-1'),
    assign('guest.net', 'eth0'),
    assign('config.extraConfig', [null, { key: 7, value: 'x' }, { key: 'guestinfo.metadata', value: 3 }]),
  ]);
  assert.deepEqual(vm, emptyVm(vmRef));
});

test('given the watched paths, should name each once and include the cloud-init metadata source', () => {
  assert.equal(new Set(VM_INDEX_PATHS).size, VM_INDEX_PATHS.length);
  assert.ok(VM_INDEX_PATHS.includes('config.extraConfig'));
});
