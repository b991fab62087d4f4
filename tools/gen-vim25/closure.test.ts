// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClosureRoots } from './closure.ts';
import { computeClosure, descendants } from './closure.ts';
import { AllowListError } from './errors.ts';
import { fixtureModel } from './fixture-model.ts';

const none: ClosureRoots = { methods: [], managedObjects: {}, extraTypes: [], expandSubtypesOf: [] };
// Always emitted: the MoRef, and the ArrayOf wrappers of primitives.
const always = [
  'ArrayOfAnyURI',
  'ArrayOfManagedObjectReference',
  'ArrayOfString',
  'ArrayOfUri',
  'ManagedObjectReference',
];

describe('computeClosure', () => {
  const model = fixtureModel();

  test('given no roots should emit only the MoRef and primitive ArrayOf wrappers', () => {
    assert.deepEqual(computeClosure(model, none).types, always);
  });

  test('given a method should include its request type and sort methods by name', () => {
    const c = computeClosure(model, { ...none, methods: ['FindByUuid', 'Destroy_Task'] });
    assert.deepEqual(c.types, [...always, 'DestroyRequestType', 'FindByUuidRequestType'].sort());
    assert.deepEqual(
      c.methods.map((m) => m.name),
      ['Destroy_Task', 'FindByUuid'],
    );
  });

  test('given a subtype should include its base chain but not its siblings', () => {
    const c = computeClosure(model, { ...none, extraTypes: ['NotFound'] });
    for (const t of ['NotFound', 'RuntimeFault', 'MethodFault', 'LocalizedMethodFault', 'DynamicData']) {
      assert.ok(c.types.includes(t), `${t} should be included`);
    }
    assert.equal(c.types.includes('SelectionSpec'), false);
  });

  test('given a polymorphic field should include the base but not its subtypes', () => {
    const c = computeClosure(model, { ...none, extraTypes: ['ObjectSpec'] });
    assert.ok(c.types.includes('SelectionSpec'));
    assert.equal(c.types.includes('TraversalSpec'), false);
  });

  test('given a base listed in expandSubtypesOf should include its subtypes once the base is reached', () => {
    const roots = { ...none, extraTypes: ['ObjectSpec'], expandSubtypesOf: ['SelectionSpec'] };
    assert.ok(computeClosure(model, roots).types.includes('TraversalSpec'));
    const unreached = computeClosure(model, { ...none, expandSubtypesOf: ['SelectionSpec'] });
    assert.equal(unreached.types.includes('TraversalSpec'), false);
  });

  test('given a reached type with an ArrayOf wrapper should include the wrapper, and only then', () => {
    const reached = computeClosure(model, { ...none, extraTypes: ['ObjectSpec'] });
    assert.ok(reached.types.includes('ArrayOfSelectionSpec'));
    assert.equal(reached.types.includes('ArrayOfUnreached'), false);
    assert.ok(
      computeClosure(model, { ...none, extraTypes: ['Unreached'] }).types.includes('ArrayOfUnreached'),
    );
  });

  test('given managed objects should keep only the allow-listed properties and follow their types', () => {
    const c = computeClosure(model, {
      ...none,
      managedObjects: { VirtualMachine: ['runtime'], ManagedEntity: ['name'] },
    });
    assert.deepEqual(
      c.managedObjects.map((mo) => [mo.name, mo.properties.map((p) => p.name)]),
      [
        ['ManagedEntity', ['name']],
        ['VirtualMachine', ['runtime']],
      ],
    );
    assert.ok(c.types.includes('VirtualMachineRuntimeInfo'));
    assert.ok(c.types.includes('VirtualMachinePowerState'));
    assert.equal(c.types.includes('HostRuntimeInfo'), false);
  });

  test('given unknown names in the allow-list should fail with AllowListError', () => {
    const cases: ClosureRoots[] = [
      { ...none, methods: ['NoSuchMethod'] },
      { ...none, extraTypes: ['NoSuchType'] },
      { ...none, expandSubtypesOf: ['NoSuchType'] },
      { ...none, managedObjects: { NoSuchObject: [] } },
      { ...none, managedObjects: { ManagedEntity: ['noSuchProperty'] } },
    ];
    for (const roots of cases) assert.throws(() => computeClosure(model, roots), AllowListError);
  });

  test('given a managed object whose base is not listed should fail', () => {
    assert.throws(
      () => computeClosure(model, { ...none, managedObjects: { VirtualMachine: [] } }),
      /VirtualMachine extends ManagedEntity, which is not allow-listed/,
    );
  });

  test('given an inherited property listed on the subtype should fail', () => {
    assert.throws(
      () =>
        computeClosure(model, { ...none, managedObjects: { ManagedEntity: [], VirtualMachine: ['name'] } }),
      /name is not an own property of managed object VirtualMachine/,
    );
  });
});

describe('descendants', () => {
  test('given a root should list every subtype transitively, sorted', () => {
    assert.deepEqual(descendants(fixtureModel(), 'MethodFault'), ['NotFound', 'RuntimeFault']);
  });
});
