// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AllowListError, GoSourceError } from './errors.ts';
import { fixtureModel } from './fixture-model.ts';
import { parseGoDecls } from './go-parser.ts';
import type { VimDataType, VimModel } from './vim-model.ts';
import { applyFieldOverrides, buildVimModel, mapGoElem } from './vim-model.ts';

function data(model: VimModel, name: string): VimDataType {
  const t = model.types.get(name);
  assert.equal(t?.kind, 'data', `${name} should be a data type`);
  return t;
}

describe('buildVimModel', () => {
  const model = fixtureModel();

  test('given an embedded struct should make it the base and keep own fields in Go order', () => {
    const spec = data(model, 'TraversalSpec');
    assert.equal(spec.base, 'SelectionSpec');
    assert.deepEqual(
      spec.fields.map((f) => f.name),
      ['type', 'skip', 'selectSet'],
    );
    assert.equal(data(model, 'MethodFault').base, undefined);
  });

  test('given pointer, omitempty and slice fields should derive optional and array', () => {
    const fields = data(model, 'TraversalSpec').fields;
    assert.deepEqual(fields, [
      { name: 'type', type: 'string', array: false, optional: false },
      { name: 'skip', type: 'boolean', array: false, optional: true },
      { name: 'selectSet', type: 'SelectionSpec', array: true, optional: true },
    ]);
  });

  test('given Go primitives, enums and string aliases should map to XSD names', () => {
    assert.deepEqual(
      data(model, 'VirtualMachineRuntimeInfo').fields.map((f) => [f.name, f.type, f.array, f.optional]),
      [
        ['powerState', 'VirtualMachinePowerState', false, false],
        ['bootTime', 'dateTime', false, true],
        ['maxMemoryUsage', 'int', false, true],
        ['checksum', 'base64Binary', false, true],
        ['digest', 'base64Binary', false, false],
        ['url', 'string', false, false],
      ],
    );
    assert.deepEqual(model.types.get('VirtualMachinePowerState'), {
      kind: 'enum',
      name: 'VirtualMachinePowerState',
      values: ['poweredOff', 'poweredOn'],
    });
    assert.equal(model.types.has('VersionURI'), false);
  });

  test('given a Base interface field should type it by the polymorphic base', () => {
    assert.equal(data(model, 'LocalizedMethodFault').fields[0]?.type, 'MethodFault');
  });

  test('given subtypes should index them under their direct base', () => {
    assert.deepEqual(model.subtypes.get('SelectionSpec'), ['TraversalSpec']);
    assert.deepEqual(model.subtypes.get('MethodFault'), ['RuntimeFault']);
    assert.deepEqual(model.subtypes.get('DynamicData'), [
      'HostRuntimeInfo',
      'LocalizedMethodFault',
      'ObjectSpec',
      'SelectionSpec',
      'Unreached',
      'VirtualMachineRuntimeInfo',
    ]);
  });

  test('given ArrayOf wrappers should take primitive item types from the element name', () => {
    assert.deepEqual(model.types.get('ArrayOfAnyURI'), {
      kind: 'array',
      name: 'ArrayOfAnyURI',
      itemElement: 'anyURI',
      itemType: 'anyURI',
    });
    assert.deepEqual(model.types.get('ArrayOfSelectionSpec'), {
      kind: 'array',
      name: 'ArrayOfSelectionSpec',
      itemElement: 'SelectionSpec',
      itemType: 'SelectionSpec',
    });
    assert.equal(model.types.get('ManagedObjectReference')?.kind, 'moref');
  });

  test('given ArrayOfUri holding strings should keep ArrayOfString as the wrapper of string', () => {
    assert.equal(model.arrayOf.get('string'), 'ArrayOfString');
    assert.equal(model.types.get('ArrayOfUri')?.kind, 'array');
  });

  test('given methods should resolve request aliases and returnval shapes', () => {
    assert.deepEqual(model.methods.get('Destroy_Task'), {
      name: 'Destroy_Task',
      requestType: 'DestroyRequestType',
      returnType: 'ManagedObjectReference',
      returnsArray: false,
      returnOptional: false,
    });
    assert.equal(model.methods.get('FindByUuid')?.returnOptional, true);
    assert.equal(model.methods.get('FindAllByIp')?.returnsArray, true);
    assert.equal(model.methods.get('Logout')?.returnType, undefined);
    assert.equal(model.types.has('LogoutResponse'), false, 'response wrappers are not data types');
  });

  test('given mo.go should give every managed-object property optional', () => {
    const vm = model.managedObjects.get('VirtualMachine');
    assert.equal(vm?.base, 'ManagedEntity');
    assert.deepEqual(vm.properties, [
      { name: 'runtime', type: 'VirtualMachineRuntimeInfo', array: false, optional: true },
      { name: 'network', type: 'ManagedObjectReference', array: true, optional: true },
    ]);
  });

  test('given a field of an unknown Go type should fail', () => {
    const decls = parseGoDecls('type A struct {\n\tB Missing `xml:"b"`\n}\n', 'types.go');
    assert.throws(
      () => buildVimModel({ types: decls, methods: [], managedObjects: [] }),
      (err: unknown) => err instanceof GoSourceError && err.message === 'unknown Go type Missing',
    );
  });

  test('given a struct named like a Base interface should keep the struct', () => {
    const decls = parseGoDecls('type BaseConfigInfo struct {\n}\n', 'types.go');
    assert.equal(mapGoElem('BaseConfigInfo', decls), 'BaseConfigInfo');
  });
});

describe('applyFieldOverrides', () => {
  test('given an override should replace the field type and array flag only', () => {
    const model = applyFieldOverrides(fixtureModel(), {
      'VirtualMachineRuntimeInfo.digest': { type: 'byte', array: true },
    });
    assert.deepEqual(data(model, 'VirtualMachineRuntimeInfo').fields[4], {
      name: 'digest',
      type: 'byte',
      array: true,
      optional: false,
    });
  });

  test('given an override for a missing field should fail', () => {
    assert.throws(
      () =>
        applyFieldOverrides(fixtureModel(), {
          'VirtualMachineRuntimeInfo.nope': { type: 'byte', array: true },
        }),
      AllowListError,
    );
  });
});
