// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CcmError } from '../../lib/errors.ts';
import type { TagIndex } from '../../vsphere/inventory/zone-resolver.ts';
import { TagSnapshotRefresher, type TagSource } from './tag-snapshot.ts';

class TagsDownError extends CcmError {
  readonly code = 'TAGS_DOWN';
}

const tags = (zone: string): TagIndex => ({
  zones: new Map([['ClusterComputeResource:domain-c1', zone]]),
  regions: new Map([['Datacenter:datacenter-1', 'region-1']]),
});

/** A source answering from a script; each call takes the next entry (the last one repeats). */
function scripted(script: (() => TagIndex)[]): { source: TagSource; calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    source: () => {
      const next = script[Math.min(calls, script.length - 1)]!;
      calls += 1;
      return Promise.resolve().then(next);
    },
  };
}

test('given a successful read, should make it current with its time', async () => {
  const { source } = scripted([() => tags('zone-a')]);
  const r = new TagSnapshotRefresher({ source, now: () => 42 });
  assert.equal(r.current(), undefined);
  await r.refresh(new AbortController().signal);
  assert.equal(r.current()?.index.zones.get('ClusterComputeResource:domain-c1'), 'zone-a');
  assert.deepEqual(r.state(), { loadedAt: 42, lastError: undefined, refreshes: 1 });
});

test('given a failed read, should keep the previous snapshot and record the error', async () => {
  const fail = () => {
    throw new TagsDownError('session expired');
  };
  const { source } = scripted([() => tags('zone-a'), fail]);
  let now = 1;
  const r = new TagSnapshotRefresher({ source, now: () => now });
  await r.refresh(new AbortController().signal);
  now = 2;
  await assert.rejects(r.refresh(new AbortController().signal), TagsDownError);
  assert.equal(r.current()?.loadedAt, 1);
  assert.equal(r.current()?.index.zones.get('ClusterComputeResource:domain-c1'), 'zone-a');
  assert.deepEqual(r.state().lastError, { code: 'TAGS_DOWN', message: 'session expired', at: 2 });
});

test('given a running refresher, should read at once, retry sooner after a failure, then keep the period', async () => {
  let n = 0;
  const { source, calls } = scripted([
    () => {
      n += 1;
      throw new Error('down');
    },
    () => tags(`zone-${++n}`),
  ]);
  const ac = new AbortController();
  const r = new TagSnapshotRefresher({ source, periodMs: 60_000, retryInitialMs: 20 });
  const running = r.run(ac.signal);
  await new Promise((res) => setTimeout(res, 200));
  assert.equal(calls(), 2, 'one failure, one retry, then waiting a whole period');
  assert.equal(r.current()?.index.zones.get('ClusterComputeResource:domain-c1'), 'zone-2');
  ac.abort();
  await running;
});

test('given a read that hangs, should give up after the timeout', async () => {
  const source: TagSource = (signal) =>
    new Promise((_res, rej) => {
      signal.addEventListener('abort', () => {
        rej(signal.reason as Error);
      });
    });
  const r = new TagSnapshotRefresher({ source, timeoutMs: 50 });
  const started = performance.now();
  await assert.rejects(r.refresh(new AbortController().signal));
  assert.ok(performance.now() - started < 1_000);
  assert.equal(r.state().lastError?.code, 'UNKNOWN');
});
