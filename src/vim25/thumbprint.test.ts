// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  certificateThumbprint,
  formatThumbprint,
  InvalidThumbprintError,
  parseThumbprint,
} from './thumbprint.ts';

const sha1Hex = createHash('sha1').update('x').digest('hex');
const sha256Hex = createHash('sha256').update('x').digest('hex');
const colons = (hex: string): string => (hex.match(/../g) ?? []).join(':');

test('given a colon-separated upper-case SHA-1 should return it as sha1 unchanged', () => {
  const text = colons(sha1Hex).toUpperCase();
  assert.deepEqual(parseThumbprint(text), { algorithm: 'sha1', hex: text });
});

test('given a lower-case SHA-256 without separators should normalise to upper-case pairs', () => {
  assert.deepEqual(parseThumbprint(sha256Hex), { algorithm: 'sha256', hex: colons(sha256Hex).toUpperCase() });
});

test('given space-separated pairs with surrounding blanks should accept them', () => {
  const text = `  ${(sha1Hex.match(/../g) ?? []).join(' ')}\n`;
  assert.equal(parseThumbprint(text).hex, colons(sha1Hex).toUpperCase());
});

test('given invalid inputs should throw InvalidThumbprintError naming the reason', () => {
  const cases: readonly [string, RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    [colons(sha1Hex).slice(0, -3), /19 bytes/],
    [`${sha256Hex}00`, /33 bytes/],
    [colons(sha1Hex).replace(/^../, 'ZZ'), /hex digits/],
    [sha1Hex.slice(1), /odd number/],
    [`${sha1Hex.slice(0, 4)}:${sha1Hex.slice(4)}`, /pairs/],
    ['AB:CD:', /pairs/],
  ];
  for (const [input, reason] of cases) {
    assert.throws(
      () => parseThumbprint(input),
      (err: unknown) => err instanceof InvalidThumbprintError && reason.test(err.message),
      `input ${JSON.stringify(input)}`,
    );
  }
});

test('given DER bytes should hash them with the requested algorithm', () => {
  const der = Buffer.from('not really DER, any bytes hash');
  const expected = createHash('sha256').update(der).digest('hex');
  assert.deepEqual(certificateThumbprint(der, 'sha256'), parseThumbprint(expected));
  assert.equal(certificateThumbprint(der, 'sha1').algorithm, 'sha1');
});

test('given a thumbprint should format it with its algorithm name', () => {
  assert.equal(formatThumbprint(parseThumbprint(sha1Hex)), `SHA-1 ${colons(sha1Hex).toUpperCase()}`);
  assert.match(formatThumbprint(parseThumbprint(sha256Hex)), /^SHA-256 [0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
});
