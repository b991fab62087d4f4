// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { miniMethods as M, miniRegistry as R } from '../../../test/fixtures/soap/mini-registry.ts';
import { decodeResponse } from './decode.ts';
import { encodeRequest } from './encode.ts';
import type { MethodSchema } from './schema.ts';
import { TypeIndex } from './type-index.ts';
import { ValueEncoder } from './value-encoder.ts';

/** Encodes `values` as the returnval elements of a response to `method`, with the encoder. */
function response(method: MethodSchema, values: readonly unknown[]): string {
  const enc = new ValueEncoder(new TypeIndex(R));
  enc.writeRaw(
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema"' +
      ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><${method.name}Response xmlns="urn:vim25">`,
  );
  values.forEach((v, i) => {
    enc.writeElement('returnval', method.returnType ?? 'anyType', v, `returnval[${String(i)}]`);
  });
  enc.writeRaw(`</${method.name}Response></soapenv:Body></soapenv:Envelope>`);
  return enc.output;
}

async function roundTrip(method: MethodSchema, value: unknown): Promise<unknown> {
  const values = method.returnsArray ? (value as unknown[]) : [value];
  const decoded = await decodeResponse(R, method, response(method, values));
  if (decoded.kind !== 'result') assert.fail('expected a result');
  return decoded.value;
}

const nic = {
  _type: 'GuestNicInfo',
  network: 'VM Network',
  ipAddress: ['10.0.0.5', 'fd00::5'],
  macAddress: '00:50:56:00:00:05',
  connected: true,
  deviceConfigId: 4000,
  ipConfig: {
    _type: 'NetIpConfigInfo',
    ipAddress: [
      {
        _type: 'NetIpConfigInfoIpAddress',
        ipAddress: '10.0.0.5',
        prefixLength: 24,
        lifetime: new Date('2027-02-03T04:05:06.789Z'),
      },
    ],
  },
};

test('given a RetrieveResult with anyType values of every kind should survive encode then decode', async () => {
  const value = {
    _type: 'RetrieveResult',
    token: 'tok',
    objects: [
      {
        _type: 'ObjectContent',
        obj: { type: 'VirtualMachine', value: 'vm-1' },
        propSet: [
          { _type: 'DynamicProperty', name: 'name', val: `Grüße p<a&s"s'>]]> 😀` },
          { _type: 'DynamicProperty', name: 'numeric-looking', val: '007' },
          { _type: 'DynamicProperty', name: 'int', val: -7 },
          { _type: 'DynamicProperty', name: 'long', val: 2 ** 40 },
          { _type: 'DynamicProperty', name: 'double', val: 0.25 },
          { _type: 'DynamicProperty', name: 'bool', val: false },
          { _type: 'DynamicProperty', name: 'when', val: new Date('2026-05-06T07:08:09.010Z') },
          { _type: 'DynamicProperty', name: 'host', val: { type: 'HostSystem', value: 'host-1' } },
          { _type: 'DynamicProperty', name: 'tags', val: ['a', 'b'] },
          { _type: 'DynamicProperty', name: 'guest.net', val: [nic] },
          { _type: 'DynamicProperty', name: 'nic', val: nic },
          {
            _type: 'DynamicProperty',
            name: 'state',
            val: { _type: 'NotAuthenticated', object: { type: 'Folder', value: 'f' }, privilegeId: 'P' },
          },
        ],
        missingSet: [
          {
            _type: 'MissingProperty',
            path: 'config',
            fault: {
              _type: 'LocalizedMethodFault',
              fault: { _type: 'InvalidProperty', name: 'config' },
              localizedMessage: 'no',
            },
          },
        ],
      },
    ],
  };
  assert.deepEqual(await roundTrip(M.RetrievePropertiesEx, value), value);
});

test('given a UserSession should survive encode then decode', async () => {
  const value = {
    _type: 'UserSession',
    key: 'k',
    userName: 'administrator@vsphere.local',
    fullName: 'Admin',
    loginTime: new Date('2026-01-01T00:00:00.000Z'),
    lastActiveTime: new Date('2026-01-01T00:01:00.123Z'),
    locale: 'en',
    messageLocale: 'en',
    extensionSession: true,
    callCount: 5,
  };
  assert.deepEqual(await roundTrip(M.Login, value), value);
});

test('given TraversalSpec inside SelectionSpec[] should keep its subtype across encode then decode', async () => {
  const method: MethodSchema = {
    name: 'EchoSpec',
    requestType: 'EchoSpecRequestType',
    returnType: 'PropertyFilterSpec',
    returnsArray: false,
  };
  const value = {
    _type: 'PropertyFilterSpec',
    propSet: [{ _type: 'PropertySpec', type: 'VirtualMachine', all: false, pathSet: ['name'] }],
    objectSet: [
      {
        _type: 'ObjectSpec',
        obj: { type: 'ContainerView', value: 'view-1' },
        skip: true,
        selectSet: [
          {
            _type: 'TraversalSpec',
            name: 'v',
            type: 'ContainerView',
            path: 'view',
            skip: false,
            selectSet: [{ _type: 'SelectionSpec', name: 'v' }],
          },
        ],
      },
    ],
  };
  assert.deepEqual(await roundTrip(method, value), value);
});

test('given an array method should round-trip its MoRefs as an array', async () => {
  const refs = [
    { type: 'VirtualMachine', value: 'vm-1' },
    { type: 'VirtualMachine', value: 'vm-2' },
  ];
  assert.deepEqual(await roundTrip(M.FindAllByIp, refs), refs);
});

test('given an encoded request should be well-formed XML that the streaming parser accepts', async () => {
  // The request body is not a response, so the decoder must reject it for that reason only.
  const xml = encodeRequest(R, M.Login, {
    _this: { type: 'SessionManager', value: 'SessionManager' },
    userName: 'u',
    password: `p<a&s"s'>]]>`,
  });
  await assert.rejects(
    decodeResponse(R, M.Login, xml),
    /expected <LoginResponse> or a SOAP Fault in the Body, got <Login>/,
  );
});
