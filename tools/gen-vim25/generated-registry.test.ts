// SPDX-License-Identifier: Apache-2.0
// Checks the committed output's internal consistency: every name the codec may follow resolves.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MethodSchema } from '../../src/vim25/codec/schema.ts';
import * as methods from '../../src/vim25/generated/methods.ts';
import { typeRegistry } from '../../src/vim25/generated/type-registry.ts';
import { allowList } from './allow-list.ts';
import { xsdPrimitives } from './vim-model.ts';

function resolves(type: string): boolean {
  return xsdPrimitives.has(type) || Object.hasOwn(typeRegistry, type);
}

const schemas = Object.entries(methods).filter(([name]) => name.endsWith('Method')) as [
  string,
  MethodSchema,
][];

describe('generated type registry', () => {
  test('given every data type should resolve its base and field types', () => {
    for (const [name, schema] of Object.entries(typeRegistry)) {
      if (schema.kind === 'data') {
        if (schema.base !== undefined) assert.equal(typeRegistry[schema.base]?.kind, 'data', `${name}.base`);
        for (const f of schema.fields) assert.ok(resolves(f.type), `${name}.${f.name}: ${f.type}`);
      }
      if (schema.kind === 'array') assert.ok(resolves(schema.itemType), `${name} item ${schema.itemType}`);
    }
  });

  test('given the allow-list should contain every extra type, method and the MoRef', () => {
    assert.deepEqual(typeRegistry['ManagedObjectReference'], { kind: 'moref' });
    for (const t of allowList.extraTypes) assert.equal(typeRegistry[t]?.kind, 'data', t);
    assert.deepEqual(schemas.map(([, s]) => s.name).sort(), [...allowList.methods].sort());
  });

  test('given every method schema should resolve its request and return types', () => {
    for (const [exportName, s] of schemas) {
      assert.equal(exportName, `${s.name}Method`);
      assert.equal(typeRegistry[s.requestType]?.kind, 'data', s.requestType);
      if (s.returnType !== undefined) assert.ok(resolves(s.returnType), `${s.name} returns ${s.returnType}`);
      assert.equal(typeof (methods as Record<string, unknown>)[s.name], 'function', `${s.name} wrapper`);
    }
  });

  test('given the primitive ArrayOf wrappers should decode to their primitive', () => {
    assert.deepEqual(typeRegistry['ArrayOfString'], {
      kind: 'array',
      itemElement: 'string',
      itemType: 'string',
    });
    assert.deepEqual(typeRegistry['ArrayOfLong'], { kind: 'array', itemElement: 'long', itemType: 'long' });
    assert.deepEqual(typeRegistry['ArrayOfManagedObjectReference'], {
      kind: 'array',
      itemElement: 'ManagedObjectReference',
      itemType: 'ManagedObjectReference',
    });
  });
});
