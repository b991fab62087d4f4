// SPDX-License-Identifier: Apache-2.0
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment --
   client-node's model classes are plain data; these tests send object literals as real callers do. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, Watch } from '@kubernetes/client-node';
import { startKubeApi, type KubeApiFixture } from '../support/kube-apiserver.ts';

interface Seen {
  readonly type: string;
  readonly object: { metadata?: { name?: string; resourceVersion?: string }; code?: number; reason?: string };
}

/** Watches `path` until `until` holds for the events so far or the stream ends; returns the events. */
async function watchUntil(
  kube: KubeApiFixture,
  path: string,
  query: Record<string, string | number | boolean>,
  until: (seen: readonly Seen[]) => boolean,
  act: () => Promise<void> = async () => {},
): Promise<{ seen: Seen[]; ended: boolean }> {
  const seen: Seen[] = [];
  let controller: AbortController | undefined;
  const result = await new Promise<{ seen: Seen[]; ended: boolean }>((resolve, reject) => {
    const guard = setTimeout(() => {
      reject(new Error(`watch timed out; saw ${JSON.stringify(seen)}`));
    }, 5000);
    const finish = (ended: boolean): void => {
      clearTimeout(guard);
      resolve({ seen, ended });
    };
    new Watch(kube.kubeConfig)
      .watch(
        path,
        query,
        (type, object: Seen['object']) => {
          seen.push({ type, object });
          if (until(seen)) finish(false);
        },
        () => {
          finish(true);
        },
      )
      .then(async (c) => {
        controller = c;
        await act();
      })
      .catch(reject);
  });
  controller?.abort();
  return result;
}

describe('kube-apiserver fake: list and watch', () => {
  let kube: KubeApiFixture;
  let core: CoreV1Api;
  before(async () => {
    kube = await startKubeApi({ bookmarkIntervalMs: 50, historyLimit: 50 });
    core = kube.kubeConfig.makeApiClient(CoreV1Api);
    for (const [name, zone] of [
      ['w1', 'a'],
      ['w2', 'b'],
      ['w3', 'a'],
    ] as const) {
      await core.createNode({ body: { metadata: { name, labels: { zone } } } });
    }
  });
  after(() => kube.close());

  test('given label and field selectors should list only the matching nodes', async () => {
    const byLabel = await core.listNode({ labelSelector: 'zone=a' });
    assert.deepEqual(
      byLabel.items.map((n) => n.metadata?.name),
      ['w1', 'w3'],
    );
    const notIn = await core.listNode({ labelSelector: 'zone notin (a)' });
    assert.deepEqual(
      notIn.items.map((n) => n.metadata?.name),
      ['w2'],
    );
    const byName = await core.listNode({ fieldSelector: 'metadata.name=w2' });
    assert.deepEqual(
      byName.items.map((n) => n.metadata?.name),
      ['w2'],
    );
    const secrets = await core.listSecretForAllNamespaces({
      fieldSelector: 'metadata.namespace=kube-system',
    });
    assert.equal(secrets.items.length, 0);
    await assert.rejects(
      core.listNode({ fieldSelector: 'spec.providerID=x' }),
      (err: { code?: number }) => err.code === 400,
    );
  });

  test('given limit should page with continue tokens at one resourceVersion', async () => {
    const first = await core.listNode({ limit: 2 });
    assert.equal(first.items.length, 2);
    const next = await core.listNode({ limit: 2, _continue: first.metadata?._continue ?? '' });
    assert.deepEqual(
      next.items.map((n) => n.metadata?.name),
      ['w3'],
    );
    assert.equal(next.metadata?.resourceVersion, first.metadata?.resourceVersion);
  });

  test('given a watch from the list resourceVersion should stream ADDED, MODIFIED and DELETED in order', async () => {
    const list = await core.listNode({});
    const { seen } = await watchUntil(
      kube,
      '/api/v1/nodes',
      { resourceVersion: list.metadata?.resourceVersion ?? '' },
      (s) => s.some((e) => e.type === 'DELETED'),
      async () => {
        await core.createNode({ body: { metadata: { name: 'w4' } } });
        await core.patchNode({
          name: 'w4',
          body: [{ op: 'add', path: '/metadata/labels', value: { x: 'y' } }],
        });
        await core.deleteNode({ name: 'w4' });
      },
    );
    assert.deepEqual(
      seen.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`),
      ['ADDED w4', 'MODIFIED w4', 'DELETED w4'],
    );
    const rvs = seen.map((e) => Number(e.object.metadata?.resourceVersion));
    assert.ok(rvs.every((rv, i) => i === 0 || rv > (rvs[i - 1] ?? 0)));
  });

  test('given a single-object field selector watch should see only that node', async () => {
    const { seen } = await watchUntil(
      kube,
      '/api/v1/nodes',
      { fieldSelector: 'metadata.name=w2' },
      (s) => s.length >= 1,
    );
    assert.deepEqual(
      seen.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`),
      ['ADDED w2'],
    );
  });

  test('given allowWatchBookmarks should send BOOKMARKs carrying the current resourceVersion', async () => {
    const rv = String(kube.store.resourceVersion);
    const { seen } = await watchUntil(
      kube,
      '/api/v1/nodes',
      { resourceVersion: rv, allowWatchBookmarks: true },
      (s) => s.filter((e) => e.type === 'BOOKMARK').length >= 2,
    );
    assert.ok(seen.every((e) => e.type === 'BOOKMARK' && e.object.metadata?.resourceVersion === rv));
  });

  test('given timeoutSeconds should end the watch from the server side', async () => {
    const started = Date.now();
    const { ended } = await watchUntil(
      kube,
      '/api/v1/nodes',
      { resourceVersion: String(kube.store.resourceVersion), timeoutSeconds: 1 },
      () => false,
    );
    assert.equal(ended, true);
    assert.ok(Date.now() - started >= 900);
  });

  test('given a resourceVersion older than the compaction window should send an in-stream 410 Expired', async () => {
    const old = String(kube.store.resourceVersion);
    await core.patchNode({
      name: 'w1',
      body: [{ op: 'add', path: '/metadata/labels/touched', value: 'yes' }],
    });
    kube.store.compact();
    const { seen, ended } = await watchUntil(kube, '/api/v1/nodes', { resourceVersion: old }, () => false);
    assert.equal(ended, true);
    assert.equal(seen.length, 1);
    const error = seen[0]!;
    assert.equal(error.type, 'ERROR');
    assert.equal(error.object.code, 410);
    assert.equal(error.object.reason, 'Expired');
    assert.equal(kube.requestLog.count({ verb: 'watch' }), 5);
  });
});
