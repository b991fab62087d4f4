// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeNode } from '../controllers/node/kube-node.ts';
import type { NodeWriter } from '../controllers/node/node-ports.ts';
import { leaderGuardedWriter, NotLeaderError } from './leader-guarded-writer.ts';

function recordingWriter(calls: string[]): NodeWriter {
  return {
    patchNodeStatus: (name) => {
      calls.push(`status ${name}`);
      return Promise.resolve({ name } as unknown as KubeNode);
    },
    patchNode: (name) => {
      calls.push(`spec ${name}`);
      return Promise.resolve();
    },
    deleteNode: (node) => {
      calls.push(`delete ${node.name}`);
      return Promise.resolve();
    },
    recordEvent: (event) => {
      calls.push(`event ${event.reason}`);
      return Promise.resolve();
    },
  };
}

const SPEC = { resourceVersion: '1' };
const opts = { signal: AbortSignal.timeout(5_000) };
const event = { node: { name: 'n1' }, type: 'Normal', reason: 'Synced', message: 'ok' } as const;

describe('leaderGuardedWriter', () => {
  it('given the lease is held, should pass every write through', async () => {
    const calls: string[] = [];
    const w = leaderGuardedWriter(recordingWriter(calls), () => true);
    await w.patchNodeStatus('n1', { addresses: [] }, opts);
    await w.patchNode('n1', SPEC, opts);
    await w.deleteNode({ name: 'n1' }, opts);
    await w.recordEvent(event, opts);
    assert.deepEqual(calls, ['status n1', 'spec n1', 'delete n1', 'event Synced']);
  });

  it('given the lease is no longer held, should refuse Node writes with NOT_LEADER and drop Events', async () => {
    const calls: string[] = [];
    let held = true;
    const w = leaderGuardedWriter(recordingWriter(calls), () => held);
    await w.patchNode('n1', SPEC, opts);
    held = false;
    await assert.rejects(w.patchNodeStatus('n2', { addresses: [] }, opts), NotLeaderError);
    await assert.rejects(w.patchNode('n2', SPEC, opts), /no longer holds the leader lease/);
    await assert.rejects(w.deleteNode({ name: 'n2' }, opts), { code: 'NOT_LEADER' });
    await w.recordEvent(event, opts);
    assert.deepEqual(calls, ['spec n1']);
  });
});
