// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { equalFold, goTrimSpace } from './go-strings.ts';

describe('goTrimSpace', () => {
  const rows: readonly (readonly [input: string, output: string])[] = [
    ['  abc\t\n', 'abc'],
    ['\u0085abc\u00a0', 'abc'],
    ['\u3000abc\u2029', 'abc'],
    ['\ufeffabc', '\ufeffabc'],
    ['a b', 'a b'],
    ['', ''],
  ];
  for (const [input, output] of rows) {
    test(`given ${JSON.stringify(input)}, should give ${JSON.stringify(output)}`, () => {
      assert.equal(goTrimSpace(input), output);
    });
  }
});

describe('equalFold', () => {
  const rows: readonly (readonly [a: string, b: string, equal: boolean])[] = [
    ['VM Network', 'vm network', true],
    ['InTerNal_NEt', 'internal_net', true],
    ['internal_net', 'internal_net2', false],
    ['Straße', 'STRASSE', false],
    ['ÄÖÜ', 'äöü', true],
    ['\u212a', 'k', true],
    ['', '', true],
  ];
  for (const [a, b, equal] of rows) {
    test(`given ${JSON.stringify(a)} and ${JSON.stringify(b)}, should be ${equal ? 'equal' : 'different'}`, () => {
      assert.equal(equalFold(a, b), equal);
    });
  }
});
