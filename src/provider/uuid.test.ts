// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { swapUuidByteOrder } from './uuid.ts';

describe('swapUuidByteOrder', () => {
  const swaps: readonly (readonly [input: string, output: string])[] = [
    ['56492e42-22ad-3911-6d72-59cc8f26bc90', '422e4956-ad22-1139-6d72-59cc8f26bc90'],
    ['422e4956-ad22-1139-6d72-59cc8f26bc90', '56492e42-22ad-3911-6d72-59cc8f26bc90'],
    ['422E4956-AD22-1139-6D72-59CC8F26BC90', '56492e42-22ad-3911-6d72-59cc8f26bc90'],
    ['00112233-4455-6677-8899-aabbccddeeff', '33221100-5544-7766-8899-aabbccddeeff'],
    // Characters past 36 are dropped and separator positions are not checked, as in the reference.
    ['00112233-4455-6677-8899-aabbccddeeffXYZ', '33221100-5544-7766-8899-aabbccddeeff'],
    ['00112233x4455x6677x8899xaabbccddeeff', '33221100-5544-7766-8899-aabbccddeeff'],
  ];
  for (const [input, output] of swaps) {
    test(`given ${input}, should give ${output}`, () => {
      assert.equal(swapUuidByteOrder(input), output);
    });
  }

  for (const input of ['', 'abc', 'ABCDEF', '56492e42-22ad-3911-6d72-59cc8f26bc9']) {
    test(`given ${JSON.stringify(input)} (shorter than 36), should return it unchanged`, () => {
      assert.equal(swapUuidByteOrder(input), input);
    });
  }

  test('given any UUID, should be its own inverse (after lower-casing)', () => {
    const uuid = '42278c9d-79fb-f2af-b060-d7f167fa261c';
    assert.equal(swapUuidByteOrder(swapUuidByteOrder(uuid)), uuid);
    assert.notEqual(swapUuidByteOrder(uuid), uuid);
  });
});
