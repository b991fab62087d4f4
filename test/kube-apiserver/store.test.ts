// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findResourceType } from './resources.ts';
import { ObjectStore } from './store.ts';

const nodes = findResourceType('', 'v1', 'nodes')!;

test('given more changes than the history limit should compact the oldest and refuse watches from before it', () => {
  const store = new ObjectStore(2);
  const start = store.resourceVersion;
  for (const name of ['a', 'b', 'c']) store.put(nodes, { metadata: { name } }, 'ADDED');
  assert.equal(store.eventsSince(start), undefined);
  assert.deepEqual(
    store.eventsSince(start + 1)?.map((e) => e.object['metadata']),
    [
      { name: 'b', resourceVersion: String(start + 2) },
      { name: 'c', resourceVersion: String(start + 3) },
    ],
  );
});

test('given a removal should record DELETED with a new resourceVersion and hand out copies only', () => {
  const store = new ObjectStore(10);
  const stored = store.put(nodes, { metadata: { name: 'a' } }, 'ADDED');
  (stored['metadata'] as Record<string, unknown>)['name'] = 'mutated';
  assert.ok(store.get(nodes, '', 'a'));
  const gone = store.remove(nodes, '', 'a');
  assert.equal(
    (gone?.['metadata'] as { resourceVersion: string }).resourceVersion,
    String(store.resourceVersion),
  );
  assert.equal(store.get(nodes, '', 'a'), undefined);
  assert.equal(store.eventsSince(store.compactedResourceVersion)?.at(-1)?.type, 'DELETED');
});
