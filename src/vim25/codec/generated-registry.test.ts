// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { miniMethods, miniRegistry } from '../../../test/fixtures/soap/mini-registry.ts';
import * as G from '../generated/methods.ts';
import { typeRegistry } from '../generated/type-registry.ts';
import { decodeResponse } from './decode.ts';
import { encodeRequest } from './encode.ts';
import type { MethodSchema } from './schema.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/soap');

/** Which method each fixture answers, by file name. */
const FIXTURE_METHODS: Readonly<Record<string, keyof typeof miniMethods>> = {
  'create-container-view-invalid-argument.xml': 'CreateContainerView',
  'create-container-view.xml': 'CreateContainerView',
  'create-filter.xml': 'CreateFilter',
  'current-time-not-authenticated.xml': 'CurrentTime',
  'current-time.xml': 'CurrentTime',
  'destroy-view-bogus-moref.xml': 'DestroyView',
  'destroy-view.xml': 'DestroyView',
  'find-by-uuid-hit.xml': 'FindByUuid',
  'find-by-uuid-miss.xml': 'FindByUuid',
  'login-invalid.xml': 'Login',
  'login.xml': 'Login',
  'logout.xml': 'Logout',
  'retrieve-properties-after-logout.xml': 'RetrievePropertiesEx',
  'retrieve-properties-bogus-moref.xml': 'RetrievePropertiesEx',
  'retrieve-properties-invalid-property.xml': 'RetrievePropertiesEx',
  'retrieve-properties-utf8-name.xml': 'RetrievePropertiesEx',
  'retrieve-properties-vms.xml': 'RetrievePropertiesEx',
  'retrieve-service-content.xml': 'RetrieveServiceContent',
  'vcenter-fault-invalid-collector-version.xml': 'WaitForUpdatesEx',
  'vcenter-fault-managed-object-not-found-cause.xml': 'DestroyView',
  'vcenter-fault-not-authenticated.xml': 'RetrievePropertiesEx',
  'vcenter-retrieve-properties-vms.xml': 'RetrievePropertiesEx',
  'wait-for-updates-ex-no-change.xml': 'WaitForUpdatesEx',
  'wait-for-updates-ex.xml': 'WaitForUpdatesEx',
};

/** Fixtures holding elements the mini registry leaves out on purpose. */
const RICHER_WITH_GENERATED = new Set([
  'retrieve-service-content.xml',
  'vcenter-retrieve-properties-vms.xml',
]);

const GENERATED_METHODS: Readonly<Partial<Record<keyof typeof miniMethods, MethodSchema>>> = {
  RetrieveServiceContent: G.RetrieveServiceContentMethod,
  Login: G.LoginMethod,
  Logout: G.LogoutMethod,
  CurrentTime: G.CurrentTimeMethod,
  RetrievePropertiesEx: G.RetrievePropertiesExMethod,
  CreateContainerView: G.CreateContainerViewMethod,
  DestroyView: G.DestroyViewMethod,
  CreateFilter: G.CreateFilterMethod,
  WaitForUpdatesEx: G.WaitForUpdatesExMethod,
  FindByUuid: G.FindByUuidMethod,
  FindAllByIp: G.FindAllByIpMethod,
};

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

function at(value: unknown, ...path: (string | number)[]): unknown {
  let cur = value;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

test('given every fixture should have a method mapping', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.xml'));
  assert.deepEqual(files.sort(), Object.keys(FIXTURE_METHODS).sort());
});

test('given the generated registry should decode every fixture like the mini registry', async () => {
  for (const [file, name] of Object.entries(FIXTURE_METHODS)) {
    if (RICHER_WITH_GENERATED.has(file)) continue;
    const xml = fixture(file);
    const expected = await decodeResponse(miniRegistry, miniMethods[name], xml);
    const method = GENERATED_METHODS[name];
    assert.ok(method !== undefined, `no generated method for ${name}`);
    assert.deepEqual(await decodeResponse(typeRegistry, method, xml), expected, file);
  }
});

test('given the generated registry should type what the mini registry leaves out', async () => {
  const sc = await decodeResponse(
    typeRegistry,
    G.RetrieveServiceContentMethod,
    fixture('retrieve-service-content.xml'),
  );
  assert.equal(sc.kind, 'result');
  assert.deepEqual(at(sc, 'value', 'alarmManager'), { type: 'AlarmManager', value: 'AlarmManager' });
  assert.deepEqual(at(sc, 'value', 'rootFolder'), { type: 'Folder', value: 'group-d1' });

  const rpe = await decodeResponse(
    typeRegistry,
    G.RetrievePropertiesExMethod,
    fixture('vcenter-retrieve-properties-vms.xml'),
  );
  const summary = at(rpe, 'value', 'objects', 0, 'propSet', 6, 'val');
  assert.equal(at(summary, '_type'), 'VirtualMachineSummary');
  assert.equal(at(summary, 'config', 'tpmPresent'), false);
  assert.equal(at(summary, 'runtime', 'device', 0, 'key'), 4000);
  assert.equal(at(summary, 'customValue', 0, '_type'), 'CustomFieldStringValue');
  assert.equal(at(summary, 'customValue', 0, 'key'), 101);
  assert.equal(at(summary, 'customValue', 0, 'value'), 'team-a');
  const nics = at(rpe, 'value', 'objects', 0, 'propSet', 1, 'val');
  assert.deepEqual(at(nics, 0, 'ipAddress'), ['10.0.0.11', 'fe80::250:56ff:fe9a:101']);
  assert.equal(at(nics, 0, 'futureNicField'), 'added in a newer release');
});

test('given the generated registry should encode requests exactly like the mini registry', () => {
  const login = {
    _this: { type: 'SessionManager', value: 'SessionManager' },
    userName: 'u',
    password: `p<a&s"s'>]]>`,
  };
  assert.equal(
    encodeRequest(typeRegistry, G.LoginMethod, login),
    encodeRequest(miniRegistry, miniMethods.Login, login),
  );
  const rpe = {
    _this: { type: 'PropertyCollector', value: 'propertyCollector' },
    specSet: [
      {
        propSet: [{ type: 'VirtualMachine', pathSet: ['name', 'config.uuid', 'guest.net', 'summary'] }],
        objectSet: [
          {
            obj: { type: 'ContainerView', value: 'view-1' },
            skip: true,
            selectSet: [
              { _type: 'TraversalSpec', name: 'view', type: 'ContainerView', path: 'view', skip: false },
            ],
          },
        ],
      },
    ],
    options: { maxObjects: 500 },
  };
  const xml = encodeRequest(typeRegistry, G.RetrievePropertiesExMethod, rpe);
  assert.equal(xml, encodeRequest(miniRegistry, miniMethods.RetrievePropertiesEx, rpe));
  assert.match(xml, /<selectSet xsi:type="TraversalSpec"><name>view<\/name>/);
});
