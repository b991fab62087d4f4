// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detach, detachRef } from './detach.ts';

test('given strings short and long, should return equal text', () => {
  const reply = `<val>4237a1b2-c3d4-e5f6-0718-293a4b5c6d01</val>${'x'.repeat(16_000)}`;
  const uuid = reply.slice(5, 41);
  assert.equal(detach(uuid), '4237a1b2-c3d4-e5f6-0718-293a4b5c6d01');
  assert.equal(detach('vm-1'), 'vm-1');
  assert.equal(detach('ünïcødé-and-more-than-13'), 'ünïcødé-and-more-than-13');
});

test('given a MoRef or something else, should copy the MoRef and refuse the rest', () => {
  assert.deepEqual(detachRef({ type: 'VirtualMachine', value: 'vm-1', extra: 1 }), {
    type: 'VirtualMachine',
    value: 'vm-1',
  });
  for (const bad of [undefined, null, 'vm-1', { type: 'VirtualMachine' }, { type: 1, value: 'x' }]) {
    assert.equal(detachRef(bad), undefined);
  }
});
