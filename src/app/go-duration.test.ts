// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseGoDuration } from './go-duration.ts';

describe('parseGoDuration', () => {
  const cases: readonly [string, number | undefined][] = [
    ['15s', 15_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['2h45m', 9_900_000],
    ['-2s', -2000],
    ['0', 0],
    ['1000us', 1],
    ['1000000ns', 1],
    ['', undefined],
    ['15', undefined],
    ['s', undefined],
    ['1d', undefined],
    ['1s ', undefined],
  ];
  for (const [text, want] of cases) {
    test(`given "${text}" should return ${String(want)}`, () => {
      assert.equal(parseGoDuration(text), want);
    });
  }
});
