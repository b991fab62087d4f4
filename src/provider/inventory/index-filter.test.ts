// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceContent } from '../../vim25/generated/data-objects.ts';
import { SoapTransportError } from '../../vim25/faults.ts';
import { mor } from '../../vim25/mor.ts';
import { FakeRoundTripper } from '../../../test/fakes/fake-round-tripper.ts';
import { indexFilterSetup, TOPOLOGY_TYPES } from './index-filter.ts';
import { VM_INDEX_PATHS } from './indexed-vm.ts';

const rootFolder = mor('Folder', 'group-d1');
const sc = { rootFolder, viewManager: mor('ViewManager', 'ViewManager') } as unknown as ServiceContent;

function viewMaker(failAt?: number) {
  let views = 0;
  return new FakeRoundTripper((method) => {
    if (method !== 'CreateContainerView') return undefined;
    views += 1;
    if (views === failAt) throw new SoapTransportError('connection reset', undefined);
    return mor('ContainerView', `session[x]view-${views}`);
  });
}

test('given no datacenters, should watch one view over the root folder and the root folder itself', async () => {
  const rt = viewMaker();
  const { spec, cleanup } = await indexFilterSetup(
    { rt, serviceContent: sc },
    undefined,
  )(new AbortController().signal);
  const create = rt.calls.filter((c) => c.method === 'CreateContainerView');
  assert.equal(create.length, 1);
  const request = create[0]!.request;
  assert.deepEqual(request['container'], rootFolder);
  assert.deepEqual(request['type'], ['VirtualMachine', ...TOPOLOGY_TYPES]);
  assert.deepEqual(spec.propSet[0], { type: 'VirtualMachine', pathSet: [...VM_INDEX_PATHS] });
  assert.ok(spec.propSet.slice(1).every((p) => p.pathSet?.join() === 'name,parent'));
  assert.deepEqual(
    spec.objectSet.map((o) => [o.obj.value, o.skip]),
    [
      ['session[x]view-1', true],
      ['group-d1', false],
    ],
  );
  await cleanup();
  assert.equal(rt.count('DestroyView'), 1);
});

test('given datacenters, should watch a view per datacenter plus each datacenter and its ancestors', async () => {
  const rt = viewMaker();
  const dcs = [mor('Datacenter', 'datacenter-2'), mor('Datacenter', 'datacenter-9')];
  const { spec, cleanup } = await indexFilterSetup(
    { rt, serviceContent: sc },
    dcs,
  )(new AbortController().signal);
  const containers = rt.calls
    .filter((c) => c.method === 'CreateContainerView')
    .map((c) => c.request['container']);
  assert.deepEqual(containers, dcs);
  const extra = spec.objectSet.filter((o) => o.obj.type === 'Datacenter');
  assert.deepEqual(
    extra.map((o) => o.obj),
    dcs,
  );
  assert.ok(extra.every((o) => o.skip === false && o.selectSet?.[0]?.name === 'toParent'));
  assert.equal(spec.objectSet.filter((o) => o.obj.type === 'ContainerView').length, 2);
  await cleanup();
  assert.equal(rt.count('DestroyView'), 2);
});

test('given a view that cannot be created, should destroy the ones already made and fail', async () => {
  const rt = viewMaker(2);
  const dcs = [mor('Datacenter', 'datacenter-2'), mor('Datacenter', 'datacenter-9')];
  await assert.rejects(
    indexFilterSetup({ rt, serviceContent: sc }, dcs)(new AbortController().signal),
    SoapTransportError,
  );
  assert.deepEqual(
    rt.calls.filter((c) => c.method === 'DestroyView').map((c) => c.request['_this']),
    [mor('ContainerView', 'session[x]view-1')],
  );
});
