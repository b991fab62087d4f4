// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trimNode } from './node-informer.ts';

test('given a node with managedFields and images, should drop both and keep everything else', () => {
  const node = {
    metadata: { name: 'n1', resourceVersion: '7', managedFields: [{ manager: 'kubelet' }] },
    spec: { providerID: 'vsphere://x' },
    status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }], images: [{ names: ['a'] }] },
  };
  const trimmed = trimNode(node);
  assert.deepEqual(trimmed, {
    metadata: { name: 'n1', resourceVersion: '7' },
    spec: { providerID: 'vsphere://x' },
    status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
  });
  assert.equal(node.metadata.managedFields.length, 1, 'the input is not mutated');
  assert.equal(node.status.images.length, 1, 'the input is not mutated');
});

test('given a node without those fields, should return an equal copy', () => {
  const node = { metadata: { name: 'n2' } };
  const trimmed = trimNode(node);
  assert.deepEqual(trimmed, node);
  assert.notEqual(trimmed, node);
});
