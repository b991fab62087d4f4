// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceContent } from '../vim25/generated/data-objects.ts';
import { FakeRoundTripper } from '../../test/fakes/fake-round-tripper.ts';
import { retrieveAll, retrieveProperties } from './property-collector.ts';

const sc = {
  propertyCollector: { type: 'PropertyCollector', value: 'propertyCollector' },
} as unknown as ServiceContent;
const oc = (value: string) => ({
  obj: { type: 'VirtualMachine', value },
  propSet: [{ name: 'config.uuid', val: `uuid-${value}` }],
});

test('given a result in three pages, should follow the tokens and return every object', async () => {
  const rt = new FakeRoundTripper((method, req) => {
    if (method === 'RetrievePropertiesEx') return { token: 't1', objects: [oc('vm-1')] };
    if (req['token'] === 't1') return { token: 't2', objects: [oc('vm-2')] };
    return { objects: [oc('vm-3')] };
  });
  const out = await retrieveProperties(
    { rt, serviceContent: sc },
    {
      type: 'VirtualMachine',
      paths: ['config.uuid'],
      from: { view: { type: 'ContainerView', value: 'session[1]1' } },
      maxObjects: 1,
    },
  );
  assert.deepEqual(
    out.map((o) => o.props['config.uuid']),
    ['uuid-vm-1', 'uuid-vm-2', 'uuid-vm-3'],
  );
  assert.deepEqual(
    rt.calls.map((c) => c.method),
    ['RetrievePropertiesEx', 'ContinueRetrievePropertiesEx', 'ContinueRetrievePropertiesEx'],
  );
  assert.deepEqual(rt.calls[0]?.request['options'], { maxObjects: 1 });
});

test('given an abort between pages, should cancel the server-side result set and reject', async () => {
  const ac = new AbortController();
  const rt = new FakeRoundTripper((method) => {
    if (method === 'RetrievePropertiesEx') {
      ac.abort(new Error('stop'));
      return { token: 't1', objects: [oc('vm-1')] };
    }
    return undefined;
  });
  await assert.rejects(retrieveAll({ rt, serviceContent: sc }, [], { signal: ac.signal }), /stop/);
  assert.deepEqual(
    rt.calls.map((c) => c.method),
    ['RetrievePropertiesEx', 'CancelRetrievePropertiesEx'],
  );
});

test('given a property the server refuses, should report it as missing, not as absent', async () => {
  const rt = new FakeRoundTripper(() => ({
    objects: [
      {
        obj: { type: 'VirtualMachine', value: 'vm-1' },
        propSet: [{ name: 'name', val: 'a' }],
        missingSet: [{ path: 'config.uuid', fault: { fault: { _type: 'NoPermission' } } }],
      },
    ],
  }));
  const [vm] = await retrieveProperties(
    { rt, serviceContent: sc },
    {
      type: 'VirtualMachine',
      paths: ['name', 'config.uuid'],
      from: { refs: [{ type: 'VirtualMachine', value: 'vm-1' }] },
    },
  );
  assert.ok(vm);
  assert.equal(vm.props.name, 'a');
  assert.deepEqual(vm.missing, [{ path: 'config.uuid', faultName: 'NoPermission' }]);
});

test('given no result at all, should return an empty list', async () => {
  const rt = new FakeRoundTripper(() => undefined);
  assert.deepEqual(await retrieveAll({ rt, serviceContent: sc }, []), []);
});
