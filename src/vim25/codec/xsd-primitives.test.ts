// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  P_ANY,
  P_BOOLEAN,
  P_DATETIME,
  P_FLOAT,
  P_INTEGER,
  P_NONE,
  P_STRING,
  isXsdPrimitive,
  parsePrimitive,
  primitiveCode,
} from './xsd-primitives.ts';

test('given primitive names should map to their decoding codes', () => {
  assert.equal(primitiveCode('string'), P_STRING);
  assert.equal(primitiveCode('base64Binary'), P_STRING);
  assert.equal(primitiveCode('long'), P_INTEGER);
  assert.equal(primitiveCode('double'), P_FLOAT);
  assert.equal(primitiveCode('dateTime'), P_DATETIME);
  assert.equal(primitiveCode('anyType'), P_ANY);
  assert.equal(primitiveCode('GuestNicInfo'), P_NONE);
  assert.equal(isXsdPrimitive('toString'), false);
});

test('given strings should keep them verbatim, never guessing numbers', () => {
  for (const s of ['007', '1e3', ' padded ', '', 'true']) assert.equal(parsePrimitive(P_STRING, s), s);
});

test('given boolean lexical forms should accept true/false/1/0 only', () => {
  assert.equal(parsePrimitive(P_BOOLEAN, 'true'), true);
  assert.equal(parsePrimitive(P_BOOLEAN, ' 1 '), true);
  assert.equal(parsePrimitive(P_BOOLEAN, 'false'), false);
  assert.equal(parsePrimitive(P_BOOLEAN, '0'), false);
  for (const bad of ['yes', 'TRUE', '', '2']) assert.equal(parsePrimitive(P_BOOLEAN, bad), undefined);
});

test('given integer and float lexical forms should parse valid ones and reject the rest', () => {
  assert.equal(parsePrimitive(P_INTEGER, '-42'), -42);
  assert.equal(parsePrimitive(P_INTEGER, '+7'), 7);
  assert.equal(parsePrimitive(P_INTEGER, '21474836480'), 21474836480);
  for (const bad of ['', '-', '0x10', '1e3', '1.0', 'NaN', ' '])
    assert.equal(parsePrimitive(P_INTEGER, bad), undefined, bad);
  assert.equal(parsePrimitive(P_FLOAT, '1.5E2'), 150);
  assert.equal(parsePrimitive(P_FLOAT, '.5'), 0.5);
  assert.equal(parsePrimitive(P_FLOAT, '-INF'), -Infinity);
  assert.ok(Number.isNaN(parsePrimitive(P_FLOAT, 'NaN')));
  for (const bad of ['', 'Infinity', '0x1', 'abc'])
    assert.equal(parsePrimitive(P_FLOAT, bad), undefined, bad);
});

test('given dateTime forms should parse zones and fractions, treating a missing zone as UTC', () => {
  assert.deepEqual(
    parsePrimitive(P_DATETIME, '2026-11-23T04:38:57.834069893Z'),
    new Date('2026-11-23T04:38:57.834Z'),
  );
  assert.deepEqual(parsePrimitive(P_DATETIME, '2026-11-23T06:38:57+02:00'), new Date('2026-11-23T04:38:57Z'));
  assert.deepEqual(parsePrimitive(P_DATETIME, '2026-11-23T04:38:57'), new Date('2026-11-23T04:38:57Z'));
  for (const bad of ['', '2026-11-23', 'yesterday', '2026-13-45T99:99:99Z'])
    assert.equal(parsePrimitive(P_DATETIME, bad), undefined, bad);
});
