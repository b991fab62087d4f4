// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeGoBase64 } from './go-base64.ts';

/** Input and Go's `StdEncoding.DecodeString` outcome: the decoded text or the error text. */
const rows: readonly (readonly [input: string, outcome: { text: string } | { error: string }])[] = [
  ['', { text: '' }],
  ['aGVsbG8=', { text: 'hello' }],
  ['aGVsbA==', { text: 'hell' }],
  ['aGVsbG8h', { text: 'hello!' }],
  ['aGVs\nbG8=', { text: 'hello' }],
  ['aGVsbG8=\r\n', { text: 'hello' }],
  ['aGVsbA=\n=', { text: 'hell' }],
  ['aGVsbG8', { error: 'illegal base64 data at input byte 4' }],
  ['aGVsbA=', { error: 'illegal base64 data at input byte 7' }],
  ['aGVsbA', { error: 'illegal base64 data at input byte 4' }],
  ['a', { error: 'illegal base64 data at input byte 0' }],
  ['not*base64', { error: 'illegal base64 data at input byte 3' }],
  ['aGVs bG8=', { error: 'illegal base64 data at input byte 4' }],
  ['aGVsbG8=x', { error: 'illegal base64 data at input byte 8' }],
  ['aGVsbA=x', { error: 'illegal base64 data at input byte 6' }],
  ['=aGV', { error: 'illegal base64 data at input byte 0' }],
  ['a===', { error: 'illegal base64 data at input byte 1' }],
  ['aGVsbA==aGVs', { error: 'illegal base64 data at input byte 8' }],
  ['aGVs-G8=', { error: 'illegal base64 data at input byte 4' }],
  ['aGVsbG9=', { text: 'hello' }],
];

describe('decodeGoBase64', () => {
  for (const [input, outcome] of rows) {
    test(`given ${JSON.stringify(input)}, should give ${JSON.stringify(outcome)}`, () => {
      const got = decodeGoBase64(input);
      const actual =
        'error' in got ? { error: got.error } : { text: Buffer.from(got.bytes).toString('latin1') };
      assert.deepEqual(actual, outcome);
    });
  }
});
