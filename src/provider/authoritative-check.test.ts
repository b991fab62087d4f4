// SPDX-License-Identifier: Apache-2.0
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceContent } from '../vim25/generated/data-objects.ts';
import type { VimClient } from '../vim25/client.ts';
import {
  ManagedObjectNotFoundError,
  NotAuthenticatedError,
  SoapTransportError,
  VimFaultError,
} from '../vim25/faults.ts';
import { mor } from '../vim25/mor.ts';
import { FakeRoundTripper } from '../../test/fakes/fake-round-tripper.ts';
import { CheckTimeoutError, PoolAuthoritativeCheck, UnclearAnswerError } from './authoritative-check.ts';

const sc = {
  propertyCollector: mor('PropertyCollector', 'propertyCollector'),
  searchIndex: mor('SearchIndex', 'SearchIndex'),
} as unknown as ServiceContent;
const vm42 = mor('VirtualMachine', 'vm-42');

function checkOver(handler: ConstructorParameters<typeof FakeRoundTripper>[0]): {
  check: PoolAuthoritativeCheck;
  rt: FakeRoundTripper;
  asked: string[];
} {
  const rt = new FakeRoundTripper(handler);
  const asked: string[] = [];
  const client: VimClient = { rt, serviceContent: sc };
  const check = new PoolAuthoritativeCheck({
    clients: {
      get: (tenantRef) => {
        asked.push(tenantRef);
        return Promise.resolve(client);
      },
    },
  });
  return { check, rt, asked };
}

const notFound = (obj: { type: string; value: string }) =>
  new ManagedObjectNotFoundError({
    faultCode: 'ServerFaultCode',
    faultString: 'The object has already been deleted or has not been completely created',
    detail: { _type: 'ManagedObjectNotFound', obj },
  });

describe('PoolAuthoritativeCheck.checkRef', () => {
  test('given ManagedObjectNotFound for the VM itself, should answer gone with one retrieval', async () => {
    const { check, rt, asked } = checkOver(() => {
      throw notFound(vm42);
    });
    assert.equal(await check.checkRef('prod', vm42), 'gone');
    assert.deepEqual(asked, ['prod']);
    assert.deepEqual(
      rt.calls.map((c) => c.method),
      ['RetrievePropertiesEx'],
    );
    const spec = (rt.calls[0]?.request['specSet'] as { objectSet: { obj: unknown }[] }[])[0];
    assert.deepEqual(spec?.objectSet[0]?.obj, vm42);
  });

  test('given ManagedObjectNotFound about another object, should reject rather than answer gone', async () => {
    const { check } = checkOver(() => {
      throw notFound(mor('PropertyCollector', 'session[x]'));
    });
    await assert.rejects(check.checkRef('prod', vm42), ManagedObjectNotFoundError);
  });

  test('given the object in the result, should answer present whatever its properties', async () => {
    const { check } = checkOver(() => ({
      objects: [
        {
          obj: vm42,
          missingSet: [{ path: 'runtime.powerState', fault: { fault: { _type: 'NoPermission' } } }],
        },
      ],
    }));
    assert.equal(await check.checkRef('prod', vm42), 'present');
  });

  test('given an empty result without a fault, should reject as unclear', async () => {
    const { check } = checkOver(() => ({ objects: [] }));
    await assert.rejects(check.checkRef('prod', vm42), UnclearAnswerError);
  });

  for (const [what, error] of [
    ['a transport failure', new SoapTransportError('connection refused', undefined)],
    [
      'a lost session',
      new NotAuthenticatedError({ faultCode: 'x', faultString: 'y', detail: { _type: 'NotAuthenticated' } }),
    ],
    [
      'a missing permission',
      new VimFaultError({ faultCode: 'x', faultString: 'y', detail: { _type: 'NoPermission' } }),
    ],
  ] as const) {
    test(`given ${what}, should reject with it`, async () => {
      const { check } = checkOver(() => {
        throw error;
      });
      await assert.rejects(check.checkRef('prod', vm42), (err) => err === error);
    });
  }

  test('given a vCenter that cannot be connected, should reject with the pool error', async () => {
    const failure = new Error('unavailable');
    const check = new PoolAuthoritativeCheck({ clients: { get: () => Promise.reject(failure) } });
    await assert.rejects(check.checkRef('prod', vm42), (err) => err === failure);
  });

  test('given a vCenter that never answers, should reject within the time bound', async () => {
    const check = new PoolAuthoritativeCheck({
      clients: {
        get: () =>
          Promise.resolve({
            serviceContent: sc,
            rt: {
              roundTrip: (_m, _r, options) =>
                new Promise((_res, rej) => {
                  options?.signal?.addEventListener('abort', () => {
                    rej(options.signal?.reason as Error);
                  });
                }),
            },
          }),
      },
      timeoutMs: 50,
    });
    await assert.rejects(
      check.checkRef('prod', vm42),
      (err) =>
        err instanceof CheckTimeoutError &&
        /did not answer the check of VirtualMachine:vm-42 within 0.05 s/.test(err.message),
    );
  });
});

describe('PoolAuthoritativeCheck.findByUuid', () => {
  test('given no VM for either form, should search the whole inventory for each and answer undefined', async () => {
    const { check, rt } = checkOver(() => undefined);
    assert.equal(await check.findByUuid('prod', ['uuid-a', 'uuid-b']), undefined);
    assert.deepEqual(
      rt.calls.map((c) => [c.method, c.request['uuid'], c.request['datacenter'], c.request['vmSearch']]),
      [
        ['FindByUuid', 'uuid-a', undefined, true],
        ['FindByUuid', 'uuid-b', undefined, true],
      ],
    );
    assert.equal(rt.calls[0]?.request['instanceUuid'], false, 'BIOS UUID, not instance UUID');
  });

  test('given a VM for the first form, should answer it without asking for the second', async () => {
    const { check, rt } = checkOver(() => vm42);
    assert.deepEqual(await check.findByUuid('prod', ['uuid-a', 'uuid-b']), vm42);
    assert.equal(rt.count('FindByUuid'), 1);
  });

  test('given a failing search, should reject, never answer undefined', async () => {
    const { check } = checkOver(() => {
      throw new SoapTransportError('reset', undefined);
    });
    await assert.rejects(check.findByUuid('prod', ['uuid-a']), SoapTransportError);
  });
});
