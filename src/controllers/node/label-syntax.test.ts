// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidLabelKey, isValidLabelValue } from './label-syntax.ts';

test('given label values, should accept exactly what the API server accepts', () => {
  const cases: [string, boolean][] = [
    ['', true],
    ['zone-a', true],
    ['eu_west.1', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['Zone A', false],
    ['eu/west', false],
    ['-edge', false],
    ['edge.', false],
  ];
  for (const [value, ok] of cases) assert.equal(isValidLabelValue(value), ok, JSON.stringify(value));
});

test('given label keys, should accept qualified names only', () => {
  const cases: [string, boolean][] = [
    ['topology.kubernetes.io/zone', true],
    ['pool', true],
    ['example.com/gpu_type', true],
    ['Example.com/pool', false],
    ['/pool', false],
    ['example.com/', false],
    ['a/b/c', false],
    [`${'a'.repeat(254)}/x`, false],
  ];
  for (const [key, ok] of cases) assert.equal(isValidLabelKey(key), ok, key);
});
