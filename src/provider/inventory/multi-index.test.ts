// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MultiIndex } from './multi-index.ts';

test('given one value per key, should add, replace and remove it', () => {
  const m = new MultiIndex<string>();
  m.add('k', 'a', 'v1');
  m.add('k', 'a', 'v2');
  assert.deepEqual(m.get('k'), ['v2']);
  m.delete('k', 'other');
  assert.deepEqual(m.get('k'), ['v2'], 'another id does not remove it');
  m.delete('k', 'a');
  assert.deepEqual([m.get('k'), m.has('k'), m.size], [[], false, 0]);
});

test('given several values under one key, should keep them in order and shrink back', () => {
  const m = new MultiIndex<string>();
  m.add('k', 'a', 'A');
  m.add('k', 'b', 'B');
  m.add('k', 'c', 'C');
  m.add('k', 'a', 'A2');
  assert.deepEqual(m.get('k'), ['A2', 'B', 'C']);
  m.delete('k', 'b');
  m.delete('k', 'a');
  assert.deepEqual(m.get('k'), ['C']);
  m.add('k', 'd', 'D');
  assert.deepEqual(m.get('k'), ['C', 'D']);
  m.delete('k', 'c');
  m.delete('k', 'd');
  assert.equal(m.has('k'), false);
});

test('given keys, should list each that has a value', () => {
  const m = new MultiIndex<number>();
  m.add('x', '1', 1);
  m.add('y', '1', 1);
  m.add('y', '2', 2);
  assert.deepEqual([...m.keys()].sort(), ['x', 'y']);
  assert.equal(m.size, 2);
});
