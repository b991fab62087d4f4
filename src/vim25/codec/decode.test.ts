// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { miniMethods as M, miniRegistry as R } from '../../../test/fixtures/soap/mini-registry.ts';
import type { SoapFault } from '../faults.ts';
import { decodeResponse } from './decode.ts';
import type { MethodSchema } from './schema.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/soap');

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

async function result(name: string, method: MethodSchema): Promise<unknown> {
  const decoded = await decodeResponse(R, method, fixture(name));
  if (decoded.kind !== 'result') assert.fail(`${name} should decode to a result`);
  return decoded.value;
}

async function fault(name: string, method: MethodSchema): Promise<SoapFault> {
  const decoded = await decodeResponse(R, method, fixture(name));
  if (decoded.kind !== 'fault') assert.fail(`${name} should decode to a fault`);
  return decoded.fault;
}

/** Follows `path` (property names and array indexes) into a decoded value; undefined if absent. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let cur = value;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/** Index of the propSet values of each ObjectContent, by MoRef value then property path. */
function props(value: unknown): Map<string, Map<string, unknown>> {
  const out = new Map<string, Map<string, unknown>>();
  for (const oc of at(value, 'objects') as unknown[]) {
    const byName = new Map<string, unknown>();
    for (const p of (at(oc, 'propSet') ?? []) as { name: string; val: unknown }[]) byName.set(p.name, p.val);
    out.set(at(oc, 'obj', 'value') as string, byName);
  }
  return out;
}

test('given vcsim RetrieveServiceContent should decode MoRefs and the typed AboutInfo', async () => {
  const sc = await result('retrieve-service-content.xml', M.RetrieveServiceContent);
  assert.equal(at(sc, '_type'), 'ServiceContent');
  assert.deepEqual(at(sc, 'rootFolder'), { type: 'Folder', value: 'group-d1' });
  assert.deepEqual(at(sc, 'propertyCollector'), { type: 'PropertyCollector', value: 'propertyCollector' });
  assert.deepEqual(at(sc, 'searchIndex'), { type: 'SearchIndex', value: 'SearchIndex' });
  assert.equal(at(sc, 'about', '_type'), 'AboutInfo');
  assert.equal(at(sc, 'about', 'apiVersion'), '6.5');
  assert.equal(at(sc, 'about', 'apiType'), 'VirtualCenter');
  // Not in the mini registry: kept leniently as text.
  assert.equal(at(sc, 'alarmManager'), 'AlarmManager');
});

test('given vcsim Login should decode the UserSession with dates, booleans and a long', async () => {
  const s = await result('login.xml', M.Login);
  assert.equal(at(s, '_type'), 'UserSession');
  assert.equal(at(s, 'userName'), 'user');
  assert.ok(at(s, 'loginTime') instanceof Date);
  assert.equal((at(s, 'loginTime') as Date).toISOString(), '2026-11-23T04:38:43.748Z');
  assert.equal(at(s, 'extensionSession'), false);
  assert.equal(at(s, 'callCount'), 1);
});

test('given vcsim RetrievePropertiesEx over a ContainerView should decode every VM typed', async () => {
  const value = await result('retrieve-properties-vms.xml', M.RetrievePropertiesEx);
  assert.equal(at(value, '_type'), 'RetrieveResult');
  const vms = props(value);
  assert.deepEqual([...vms.keys()], ['vm-57', 'vm-60', 'vm-63', 'vm-66']);
  const vm = vms.get('vm-57')!;
  assert.equal(vm.get('name'), 'DC0_H0_VM0');
  assert.equal(vm.get('config.uuid'), '265104de-1472-547c-b873-6dc7883fb6cb');
  assert.equal(vm.get('runtime.powerState'), 'poweredOn');
  assert.deepEqual(vm.get('guest.net'), [
    { _type: 'GuestNicInfo', macAddress: '00:0c:29:36:63:62', connected: true, deviceConfigId: 4000 },
  ]);
  const summary = vm.get('summary');
  assert.equal(at(summary, '_type'), 'VirtualMachineSummary');
  assert.deepEqual(at(summary, 'vm'), { type: 'VirtualMachine', value: 'vm-57' });
  assert.deepEqual(at(summary, 'runtime', 'host'), { type: 'HostSystem', value: 'host-21' });
  assert.equal(at(summary, 'runtime', 'toolsInstallerMounted'), false);
  assert.ok(at(summary, 'runtime', 'bootTime') instanceof Date);
  assert.equal(at(summary, 'config', 'memorySizeMB'), 32);
  assert.equal(at(summary, 'config', 'template'), false);
  assert.equal(at(summary, 'storage', 'committed'), 0);
  assert.equal(at(summary, 'overallStatus'), 'green');
});

test('given a multi-byte VM name from vcsim should keep it exactly', async () => {
  const vms = props(await result('retrieve-properties-utf8-name.xml', M.RetrievePropertiesEx));
  assert.equal(vms.get('vm-57')?.get('name'), 'Grüße-€-😀 & 007');
});

test('given a vCenter-style response with xsi prefixes should decode arrays, MoRefs and primitives', async () => {
  const value = await result('vcenter-retrieve-properties-vms.xml', M.RetrievePropertiesEx);
  assert.equal(at(value, 'token'), '3');
  const vms = props(value);
  const vm = vms.get('vm-1001')!;
  assert.equal(vm.get('name'), 'Grüße k8s-node-01 & <prod> 😀');
  const nics = vm.get('guest.net') as unknown[];
  assert.equal(nics.length, 2);
  assert.deepEqual(at(nics[0], 'ipAddress'), ['10.0.0.11', 'fe80::250:56ff:fe9a:101']);
  assert.deepEqual(at(nics[1], 'ipAddress'), ['192.168.5.7']);
  assert.equal(at(nics[1], 'connected'), false);
  assert.equal(at(nics[1], 'deviceConfigId'), 4001);
  assert.deepEqual(at(nics[1], 'dnsConfig', 'ipAddress'), ['10.0.0.2']);
  assert.equal(at(nics[1], 'dnsConfig', 'searchDomain'), undefined);
  assert.equal(at(nics[0], 'ipConfig', 'ipAddress', 1, 'prefixLength'), 64);
  assert.deepEqual(at(nics[0], 'ipConfig', 'ipAddress', 1, 'lifetime'), new Date('2027-01-01T00:00:00Z'));
  assert.deepEqual(vm.get('network'), [
    { type: 'Network', value: 'network-7' },
    { type: 'DistributedVirtualPortgroup', value: 'dvportgroup-12' },
  ]);
  assert.deepEqual(vm.get('runtime.host'), { type: 'HostSystem', value: 'host-21' });
  const summary = vm.get('summary');
  assert.equal(at(summary, 'storage', 'committed'), 21474836480);
  assert.deepEqual(at(summary, 'storage', 'timestamp'), new Date('2026-11-23T02:00:00.500Z'));
  assert.deepEqual(at(summary, 'runtime', 'bootTime'), new Date('2026-11-20T08:15:30.123Z'));
  assert.equal(at(summary, 'config', 'annotation'), 'line one\nline two & "quoted"');
  assert.equal(at(summary, 'guest', 'toolsStatus'), 'toolsOk');
  const vm2 = vms.get('vm-1002')!;
  assert.equal(vm2.get('name'), '007');
  assert.deepEqual(vm2.get('guest.net'), []);
  assert.equal(vm2.get('summary.config.numCpu'), 2);
  assert.equal(vm2.get('config.template'), false);
  assert.equal(vms.get('vm-1003')?.get('name'), '1e3');
});

test('given elements and types the schema does not know should decode them leniently', async () => {
  const vm = props(await result('vcenter-retrieve-properties-vms.xml', M.RetrievePropertiesEx)).get(
    'vm-1001',
  )!;
  const nic = (vm.get('guest.net') as unknown[])[0]!;
  assert.equal(at(nic, 'futureNicField'), 'added in a newer release');
  const summary = vm.get('summary');
  assert.deepEqual(at(summary, 'customValue'), {
    _type: 'CustomFieldStringValue',
    key: '101',
    value: 'team-a',
  });
  assert.deepEqual(at(summary, 'runtime', 'device'), {
    runtimeState: {
      _type: 'VirtualMachineDeviceRuntimeInfoVirtualEthernetCardRuntimeState',
      vmDirectPathGen2Active: 'false',
    },
    key: '4000',
  });
  assert.equal(at(summary, 'config', 'tpmPresent'), 'false');
});

test('given a missingSet entry should decode its typed fault', async () => {
  const value = await result('vcenter-retrieve-properties-vms.xml', M.RetrievePropertiesEx);
  const oc = at(value, 'objects', 2);
  assert.deepEqual(at(oc, 'missingSet'), [
    {
      _type: 'MissingProperty',
      path: 'guest.net',
      fault: {
        _type: 'LocalizedMethodFault',
        fault: {
          _type: 'NoPermission',
          object: { type: 'VirtualMachine', value: 'vm-1003' },
          privilegeId: 'System.Read',
        },
        localizedMessage: '',
      },
    },
  ]);
});

test('given vcsim RetrievePropertiesEx after Logout should decode NotAuthenticated in missingSet', async () => {
  const value = await result('retrieve-properties-after-logout.xml', M.RetrievePropertiesEx);
  const oc = at(value, 'objects', 0);
  assert.equal(at(oc, 'propSet'), undefined);
  const missing = at(oc, 'missingSet') as unknown[];
  assert.deepEqual(
    missing.map((m) => [
      at(m, 'path'),
      at(m, 'fault', 'fault', '_type'),
      at(m, 'fault', 'fault', 'privilegeId'),
    ]),
    [
      ['name', 'NotAuthenticated', 'System.Read'],
      ['runtime.powerState', 'NotAuthenticated', 'System.Read'],
    ],
  );
  assert.deepEqual(at(missing[0], 'fault', 'fault', 'object'), { type: 'VirtualMachine', value: 'vm-57' });
});

test('given an invalid property path should decode the InvalidProperty missingSet fault', async () => {
  const value = await result('retrieve-properties-invalid-property.xml', M.RetrievePropertiesEx);
  const missing = at(value, 'objects', 0, 'missingSet') as unknown[];
  assert.deepEqual(at(missing[0], 'fault', 'fault'), {
    _type: 'InvalidProperty',
    name: 'config.noSuchProperty',
  });
});

test('given a call without a session should decode the NotAuthenticated fault detail', async () => {
  const f = await fault('current-time-not-authenticated.xml', M.CurrentTime);
  assert.equal(f.faultCode, 'ServerFaultCode');
  assert.equal(f.faultString, '');
  assert.deepEqual(f.detail, {
    _type: 'NotAuthenticated',
    object: { type: 'ServiceInstance', value: 'ServiceInstance' },
    privilegeId: 'System.View',
  });
});

test('given faults from vcsim should decode each typed detail', async () => {
  assert.deepEqual((await fault('login-invalid.xml', M.Login)).detail, { _type: 'InvalidLogin' });
  const mo = await fault('retrieve-properties-bogus-moref.xml', M.RetrievePropertiesEx);
  assert.deepEqual(mo.detail, {
    _type: 'ManagedObjectNotFound',
    obj: { type: 'VirtualMachine', value: 'vm-does-not-exist' },
  });
  assert.match(mo.faultString, /already been deleted/);
  const dv = await fault('destroy-view-bogus-moref.xml', M.DestroyView);
  assert.deepEqual(dv.detail?.obj, { type: 'ContainerView', value: 'no-such-view' });
  const ia = await fault('create-container-view-invalid-argument.xml', M.CreateContainerView);
  assert.deepEqual(ia.detail, { _type: 'InvalidArgument', invalidProperty: 'type' });
});

test('given vCenter-style faults with other prefixes should decode detail, cause and messages', async () => {
  const icv = await fault('vcenter-fault-invalid-collector-version.xml', M.WaitForUpdatesEx);
  assert.equal(icv.faultString, 'The specified version is invalid.');
  assert.deepEqual(icv.detail, {
    _type: 'InvalidCollectorVersion',
    faultMessage: [
      {
        _type: 'LocalizableMessage',
        key: 'vmodl.query.InvalidCollectorVersion.summary',
        arg: [
          { _type: 'KeyAnyValue', key: 'version', value: '42' },
          { _type: 'KeyAnyValue', key: 'attempt', value: 3 },
        ],
        message: 'The specified version is invalid.',
      },
    ],
  });
  const na = await fault('vcenter-fault-not-authenticated.xml', M.RetrievePropertiesEx);
  assert.equal(na.detail?._type, 'NotAuthenticated');
  const mo = await fault('vcenter-fault-managed-object-not-found-cause.xml', M.DestroyView);
  assert.equal(
    mo.faultString,
    "The object 'vim.VirtualMachine:vm-404' has already been deleted or has not been completely created",
  );
  assert.deepEqual(mo.detail, {
    _type: 'ManagedObjectNotFound',
    faultCause: {
      _type: 'LocalizedMethodFault',
      fault: { _type: 'InvalidArgument', invalidProperty: 'obj' },
      localizedMessage: 'A specified parameter was not correct: obj',
    },
    obj: { type: 'VirtualMachine', value: 'vm-404' },
  });
});

test('given WaitForUpdatesEx should decode the UpdateSet with enums, MoRefs and ArrayOf values', async () => {
  const us = await result('wait-for-updates-ex.xml', M.WaitForUpdatesEx);
  assert.equal(at(us, '_type'), 'UpdateSet');
  assert.equal(at(us, 'version'), '-');
  const filterSet = at(us, 'filterSet') as unknown[];
  assert.equal(filterSet.length, 1);
  assert.equal(at(filterSet[0], 'filter', 'type'), 'PropertyFilter');
  const objectSet = at(filterSet[0], 'objectSet') as unknown[];
  assert.equal(objectSet.length, 4);
  assert.equal(at(objectSet[0], 'kind'), 'enter');
  const changes = at(objectSet[0], 'changeSet') as unknown[];
  assert.deepEqual(
    changes.map((c) => [at(c, 'name'), at(c, 'op')]),
    [
      ['name', 'assign'],
      ['runtime.powerState', 'assign'],
      ['guest.net', 'assign'],
    ],
  );
  assert.ok(Array.isArray(at(changes[2], 'val')));
});

test('given a WaitForUpdatesEx with no changes should return undefined', async () => {
  assert.equal(await result('wait-for-updates-ex-no-change.xml', M.WaitForUpdatesEx), undefined);
});

test('given single MoRef, dateTime and void results should decode per the method', async () => {
  assert.deepEqual(await result('find-by-uuid-hit.xml', M.FindByUuid), {
    type: 'VirtualMachine',
    value: 'vm-57',
  });
  assert.equal(await result('find-by-uuid-miss.xml', M.FindByUuid), undefined);
  assert.deepEqual(await result('current-time.xml', M.CurrentTime), new Date('2026-11-23T04:38:57.834Z'));
  assert.equal(await result('logout.xml', M.Logout), undefined);
  assert.equal(await result('destroy-view.xml', M.DestroyView), undefined);
  const view = (await result('create-container-view.xml', M.CreateContainerView)) as {
    type: string;
    value: string;
  };
  assert.equal(view.type, 'ContainerView');
  assert.match(view.value, /^session\[/);
  const filter = (await result('create-filter.xml', M.CreateFilter)) as { type: string };
  assert.equal(filter.type, 'PropertyFilter');
});

test('given an array method with no returnval should return an empty array', async () => {
  const xml = fixture('find-by-uuid-miss.xml').replaceAll('FindByUuidResponse', 'FindAllByIpResponse');
  assert.deepEqual(await decodeResponse(R, M.FindAllByIp, xml), { kind: 'result', value: [] });
});

test('given an array method with one returnval should still return an array', async () => {
  const xml = fixture('find-by-uuid-hit.xml').replaceAll('FindByUuidResponse', 'FindAllByIpResponse');
  assert.deepEqual(await decodeResponse(R, M.FindAllByIp, xml), {
    kind: 'result',
    value: [{ type: 'VirtualMachine', value: 'vm-57' }],
  });
});
