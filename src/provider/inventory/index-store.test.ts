// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mor } from '../../vim25/mor.ts';
import type { ObjectChange, WatchEvent } from '../../vsphere/update-watcher.ts';
import { IndexStore } from './index-store.ts';

const uuid = (i: number) => `4237a1b2-0000-0000-0000-00000000000${i}`;
const enter = (i: number): ObjectChange => ({
  kind: 'enter',
  ref: mor('VirtualMachine', `vm-${i}`),
  changes: [{ name: 'config.uuid', op: 'assign', val: uuid(i).toUpperCase() }],
});
const sync = (...objects: ObjectChange[]): WatchEvent => ({ type: 'sync', objects });
const update = (...objects: ObjectChange[]): WatchEvent => ({ type: 'update', objects });
const leave = (i: number): ObjectChange => ({
  kind: 'leave',
  ref: mor('VirtualMachine', `vm-${i}`),
  changes: [],
});

test('given a resync, should swap in new tables whole and count the generation', () => {
  const store = new IndexStore();
  store.apply(sync(enter(1), enter(2)), 0);
  const first = store.tables;
  assert.equal(store.apply(sync(enter(2), enter(3)), 10), 'sync');
  assert.notEqual(store.tables, first, 'new tables, not the old ones patched');
  assert.equal(first?.vmCount, 2, 'the old tables were left complete');
  assert.equal(store.generation, 2);
  const tables = store.tables!;
  assert.equal(tables.hasBiosUuid(uuid(1)), false);
  assert.equal(tables.hasBiosUuid(uuid(3)), true);
});

test('given an update before any sync, should build complete tables rather than patch nothing', () => {
  const store = new IndexStore();
  assert.equal(store.apply(update(enter(1)), 0), 'sync');
  assert.equal(store.generation, 1);
});

test('given a VM leaving, should record its UUID absent with its MoRef, once', () => {
  const store = new IndexStore();
  store.apply(sync(enter(1), enter(2)), 0);
  assert.equal(store.apply(update(leave(1)), 1_000), 'update');
  assert.deepEqual(store.absence(uuid(1)), { since: 1_000, lastRefs: [mor('VirtualMachine', 'vm-1')] });
  assert.equal(store.absence(uuid(2)), undefined);
  store.apply(sync(enter(2)), 20_000);
  assert.equal(store.absence(uuid(1))?.since, 1_000, 'a later observation keeps the first time');
});

test('given a UUID missing from a resync, should record it absent at the resync', () => {
  const store = new IndexStore();
  store.apply(sync(enter(1), enter(2)), 0);
  store.apply(sync(enter(2)), 5_000);
  assert.deepEqual(store.absence(uuid(1)), { since: 5_000, lastRefs: [mor('VirtualMachine', 'vm-1')] });
});

test('given a VM unregistered then registered again, should clear its absence', () => {
  const store = new IndexStore();
  store.apply(sync(enter(1)), 0);
  store.apply(update(leave(1)), 1_000);
  store.apply(update(enter(1)), 2_000);
  assert.equal(store.absence(uuid(1)), undefined);
  store.apply(update(leave(1)), 3_000);
  store.apply(sync(enter(1)), 4_000);
  assert.equal(store.absence(uuid(1)), undefined);
});

test('given one of two clones sharing a UUID leaving, should not call the UUID absent', () => {
  const store = new IndexStore();
  const clone: ObjectChange = { ...enter(1), ref: mor('VirtualMachine', 'vm-9') };
  store.apply(sync(enter(1), clone), 0);
  store.apply(update(leave(1)), 1_000);
  assert.equal(store.absence(uuid(1)), undefined);
  store.apply(update({ ...leave(1), ref: mor('VirtualMachine', 'vm-9') }), 2_000);
  assert.deepEqual(store.absence(uuid(1))?.lastRefs, [mor('VirtualMachine', 'vm-9')]);
});

test('given a UUID never seen, should have no absence record', () => {
  const store = new IndexStore();
  store.apply(sync(enter(1)), 0);
  assert.equal(store.absence(uuid(5)), undefined);
});
