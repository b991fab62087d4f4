// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mor } from '../../vim25/mor.ts';
import { AbsenceTracker } from './absence-tracker.ts';

const ref = mor('VirtualMachine', 'vm-1');

test('given a UUID marked absent twice, should keep the first sighting', () => {
  const t = new AbsenceTracker();
  t.markAbsent('u1', [ref], 1_000);
  t.markAbsent('u1', [mor('VirtualMachine', 'vm-2')], 5_000);
  assert.deepEqual(t.get('u1'), { since: 1_000, lastRefs: [ref] });
});

test('given a UUID that came back, should forget its absence', () => {
  const t = new AbsenceTracker();
  t.markAbsent('u1', [ref], 1_000);
  t.markPresent('u1');
  assert.equal(t.get('u1'), undefined);
  t.markAbsent('u1', [ref], 9_000);
  assert.equal(t.get('u1')?.since, 9_000);
});

test('given records older than the retention, should drop them when new ones arrive', () => {
  const t = new AbsenceTracker({ retentionMs: 100 });
  t.markAbsent('old', [ref], 0);
  t.markAbsent('new', [ref], 500);
  assert.equal(t.get('old'), undefined);
  assert.equal(t.get('new')?.since, 500);
});

test('given more records than allowed, should drop the oldest', () => {
  const t = new AbsenceTracker({ maxRecords: 2 });
  for (const [i, uuid] of ['a', 'b', 'c'].entries()) t.markAbsent(uuid, [ref], i);
  assert.equal(t.size, 2);
  assert.equal(t.get('a'), undefined);
  assert.ok(t.get('c'));
});
