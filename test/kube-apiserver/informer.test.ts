// SPDX-License-Identifier: Apache-2.0
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment --
   client-node's model classes are plain data; these tests send object literals as real callers do. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreV1Api, makeInformer, type V1Node } from '@kubernetes/client-node';
import { startKubeApi } from '../support/kube-apiserver.ts';

function waitFor(cond: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = setInterval(() => {
      if (cond()) {
        clearInterval(tick);
        resolve();
      } else if (Date.now() - started > 8000) {
        clearInterval(tick);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 20);
  });
}

test('given a client-node informer should see adds and deletes, and relist after a 410 on re-watch', async () => {
  const kube = await startKubeApi({ maxWatchMs: 200 });
  const core = kube.kubeConfig.makeApiClient(CoreV1Api);
  const informer = makeInformer<V1Node>(kube.kubeConfig, '/api/v1/nodes', () => core.listNode());
  const seen: string[] = [];
  informer.on('add', (n) => seen.push(`add ${n.metadata?.name ?? ''}`));
  informer.on('delete', (n) => seen.push(`delete ${n.metadata?.name ?? ''}`));
  let stopped = false;
  informer.on('error', () => {
    if (!stopped) void informer.start();
  });
  try {
    await informer.start();
    await core.createNode({ body: { metadata: { name: 'i1' } } });
    await core.createNode({ body: { metadata: { name: 'i2' } } });
    await core.deleteNode({ name: 'i2' });
    await waitFor(() => seen.includes('delete i2'), 'the delete event');
    // The informer's next re-watch starts from a compacted resourceVersion.
    await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'unrelated' } } });
    kube.store.compact();
    await waitFor(() => kube.requestLog.count({ verb: 'list', resource: 'nodes' }) >= 2, 'a relist');
    const compacted = kube.store.compactedResourceVersion;
    const expiredWatch = kube.requestLog
      .filter({ verb: 'watch', resource: 'nodes' })
      .some((w) => Number(w.query['resourceVersion']) < compacted);
    assert.ok(expiredWatch, 'a re-watch from before the compaction');
    assert.deepEqual(seen, ['add i1', 'add i2', 'delete i2']);
    assert.deepEqual(
      informer.list().map((n) => n.metadata?.name),
      ['i1'],
    );
  } finally {
    stopped = true;
    await informer.stop();
    await kube.close();
  }
});
