// SPDX-License-Identifier: Apache-2.0
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment --
   client-node's model classes are plain data; these tests send object literals as real callers do. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CoreV1Api, PatchStrategy, setHeaderOptions, type V1Node } from '@kubernetes/client-node';
import { CloudNodeController } from '../../src/controllers/node/node-controller.ts';
import { UNINITIALIZED_TAINT_KEY } from '../../src/controllers/node/well-known.ts';
import { EventRecorder, type EventLogger } from '../../src/kube/event-recorder.ts';
import { KubeClient } from '../../src/kube/kube-client.ts';
import { NodeInformer, type NodeInformerError } from '../../src/kube/node-informer.ts';
import { KubeNodeWriter, NodeConflictError } from '../../src/kube/node-writer.ts';
import { FakeCloud, makeMetadata } from '../fakes/fake-cloud.ts';
import { startKubeApi, type KubeApiFixture } from '../support/kube-apiserver.ts';
import { RESOURCE_TYPES, type ResourceType } from '../kube-apiserver/resources.ts';
import type { KubeApiServerOptions } from '../kube-apiserver/server.ts';

const UNINIT = { key: UNINITIALIZED_TAINT_KEY, value: 'true', effect: 'NoSchedule' };

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
    }, 10);
  });
}

interface Harness {
  readonly kube: KubeApiFixture;
  readonly client: KubeClient;
  readonly informer: NodeInformer;
  readonly writer: KubeNodeWriter;
  readonly seen: string[];
  readonly errors: NodeInformerError[];
  readonly warnings: string[];
  readonly signal: AbortSignal;
}

/** Runs `body` against a fresh API server and a started informer; always tears both down. */
async function withHarness(
  options: KubeApiServerOptions,
  setup: (kube: KubeApiFixture, client: KubeClient) => Promise<void>,
  body: (h: Harness) => Promise<void>,
): Promise<void> {
  const kube = await startKubeApi(options);
  const stop = new AbortController();
  const client = new KubeClient({ kubeConfig: kube.kubeConfig, qps: 1000, burst: 1000 });
  const seen: string[] = [];
  const errors: NodeInformerError[] = [];
  const warnings: string[] = [];
  const logger: EventLogger = { warn: (_obj, msg) => warnings.push(msg) };
  const informer = new NodeInformer({
    client,
    backoff: { initialMs: 20, maxMs: 100 },
    onError: (e) => errors.push(e),
  });
  informer.addHandlers({
    onAdd: (n) => seen.push(`add ${n.metadata?.name ?? ''}`),
    onUpdate: (_o, n) => seen.push(`update ${n.metadata?.name ?? ''}`),
    onDelete: (n) => seen.push(`delete ${n.metadata?.name ?? ''}`),
  });
  const events = new EventRecorder({ client, logger, component: 'cloud-node-controller' });
  const writer = new KubeNodeWriter({ client, events });
  try {
    await setup(kube, client);
    await informer.start({ signal: stop.signal });
    await body({
      kube,
      client,
      informer,
      writer,
      seen,
      errors,
      warnings,
      signal: AbortSignal.timeout(10_000),
    });
  } finally {
    stop.abort();
    await events.stop();
    await informer.stop();
    await kube.close();
  }
}

const opts = (): { signal: AbortSignal } => ({ signal: AbortSignal.timeout(5000) });

/** Test-side writes go through client-node's typed API, as another client's would. */
function coreOf(client: KubeClient): CoreV1Api {
  return client.kubeConfig.makeApiClient(CoreV1Api);
}

async function createNode(client: KubeClient, body: V1Node): Promise<V1Node> {
  return coreOf(client).createNode({ body });
}

describe('NodeInformer against the in-memory API server', () => {
  test('given nodes before and after start, should sync, report add/update/delete and trim cached nodes', async () => {
    await withHarness(
      {},
      async (_kube, client) => {
        await createNode(client, {
          metadata: {
            name: 'n1',
            managedFields: [{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1' }],
          },
          status: { images: [{ names: ['busybox'], sizeBytes: 1 }] },
        });
      },
      async ({ kube, client, informer, seen, errors }) => {
        assert.equal(informer.synced, true);
        assert.deepEqual(seen, ['add n1']);
        const raw = kube.store.list(coreType('Node'), undefined)[0]!;
        assert.ok('managedFields' in (raw['metadata'] as object), 'the server keeps managedFields');
        assert.ok('images' in (raw['status'] as object), 'the server keeps status.images');
        const cached = informer.getNode('n1') as Record<string, Record<string, unknown>>;
        assert.equal('managedFields' in cached['metadata']!, false);
        assert.equal('images' in (cached['status'] ?? {}), false);

        await createNode(client, { metadata: { name: 'n2' } });
        await coreOf(client).patchNode(
          { name: 'n2', body: { metadata: { labels: { a: 'b' } } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        await coreOf(client).deleteNode({ name: 'n1' });
        await waitFor(() => seen.includes('delete n1'), 'the delete');
        assert.deepEqual(seen, ['add n1', 'add n2', 'update n2', 'delete n1']);
        assert.equal(informer.getNode('n2')?.metadata?.labels?.['a'], 'b');
        assert.deepEqual(
          informer.listNodes().map((n) => n.metadata?.name),
          ['n2'],
        );
        const watch = kube.requestLog.filter({ verb: 'watch', resource: 'nodes' })[0];
        assert.equal(watch?.query['allowWatchBookmarks'], 'true');
        assert.deepEqual(errors, []);
      },
    );
  });

  test('given a re-watch from a compacted resourceVersion, should relist and keep the cache right', async () => {
    await withHarness(
      { maxWatchMs: 150, bookmarkIntervalMs: 60_000 },
      async (_kube, client) => {
        await createNode(client, { metadata: { name: 'old' } });
      },
      async ({ kube, client, informer }) => {
        assert.equal(kube.requestLog.count({ verb: 'list', resource: 'nodes' }), 1);
        // A change the informer does not watch moves the store past the informer's resourceVersion.
        await coreOf(client).createNamespacedSecret({
          namespace: 'default',
          body: { metadata: { name: 'unrelated' } },
        });
        kube.store.compact();
        await waitFor(() => kube.requestLog.count({ verb: 'list', resource: 'nodes' }) >= 2, 'a relist');
        const compacted = kube.store.compactedResourceVersion;
        assert.ok(
          kube.requestLog
            .filter({ verb: 'watch', resource: 'nodes' })
            .some((w) => Number(w.query['resourceVersion']) < compacted),
          'a re-watch from before the compaction',
        );
        await createNode(client, { metadata: { name: 'new' } });
        await waitFor(() => informer.getNode('new') !== undefined, 'the node created after the relist');
        assert.deepEqual(
          informer.listNodes().map((n) => n.metadata?.name),
          ['old', 'new'],
        );
      },
    );
  });

  test('given stop() while watching, should end without reporting an error', async () => {
    await withHarness(
      {},
      () => Promise.resolve(),
      async ({ informer, errors }) => {
        await informer.stop();
        assert.deepEqual(errors, []);
        assert.equal(informer.synced, true);
      },
    );
  });
});

describe('KubeNodeWriter against the in-memory API server', () => {
  test('given a tainted node, should initialise it through CloudNodeController with exactly 2 node writes', async () => {
    await withHarness(
      {},
      async (_kube, client) => {
        await createNode(client, { metadata: { name: 'worker-1' }, spec: { taints: [UNINIT] } });
      },
      async ({ kube, informer, writer, signal }) => {
        const cloud = new FakeCloud();
        cloud.metadata.set('worker-1', makeMetadata());
        const controller = new CloudNodeController({ cloud, reader: informer, writer });
        kube.requestLog.clear();
        assert.equal(await controller.sync('worker-1', signal), 'initialized');
        const nodeWrites = kube.requestLog
          .filter({ resource: 'nodes' })
          .filter((r) => !['get', 'list', 'watch'].includes(r.verb));
        assert.deepEqual(
          nodeWrites.map((r) => [r.verb, r.subresource, r.patchType, r.code]),
          [
            ['patch', 'status', 'application/strategic-merge-patch+json', 200],
            ['patch', '', 'application/merge-patch+json', 200],
          ],
        );
        assert.equal(kube.requestLog.count({ resource: 'nodes', verb: 'get' }), 0);
        // The Event is sent in the background, after the writes.
        await waitFor(
          () => kube.requestLog.count({ resource: 'events', verb: 'create', code: 201 }) === 1,
          'the Synced event',
        );
        const stored = kube.store.list(coreType('Node'), undefined)[0]!;
        const spec = stored['spec'] as { providerID?: string; taints?: unknown[] };
        assert.equal(spec.providerID, makeMetadata().providerID);
        assert.deepEqual(spec.taints ?? [], []);
        assert.deepEqual(
          (stored['status'] as { addresses?: unknown }).addresses,
          makeMetadata().nodeAddresses,
        );
      },
    );
  });

  test('given a stale resourceVersion, should reject patchNode with NodeConflictError', async () => {
    await withHarness(
      {},
      async (_kube, client) => {
        await createNode(client, { metadata: { name: 'n1' } });
      },
      async ({ informer, writer }) => {
        const rv = informer.getNode('n1')?.metadata?.resourceVersion ?? '';
        await writer.patchNode('n1', { resourceVersion: rv, labels: { x: '1' } }, opts());
        await assert.rejects(
          writer.patchNode('n1', { resourceVersion: rv, labels: { x: '2' } }, opts()),
          (err: unknown) => err instanceof NodeConflictError && /Conflict/.test(err.message),
        );
      },
    );
  });

  test('given a uid precondition, should refuse a mismatch and delete on a match', async () => {
    await withHarness(
      {},
      async (_kube, client) => {
        await createNode(client, { metadata: { name: 'n1' } });
      },
      async ({ kube, informer, writer }) => {
        const uid = informer.getNode('n1')?.metadata?.uid;
        assert.ok(uid !== undefined && uid !== '');
        await assert.rejects(
          writer.deleteNode({ name: 'n1', uid: 'not-the-uid' }, opts()),
          NodeConflictError,
        );
        assert.equal(kube.store.list(coreType('Node'), undefined).length, 1);
        await writer.deleteNode({ name: 'n1', uid }, opts());
        assert.equal(kube.store.list(coreType('Node'), undefined).length, 0);
        const deletes = kube.requestLog.filter({ verb: 'delete', resource: 'nodes' });
        assert.deepEqual(
          deletes.map((d) => d.code),
          [409, 200],
        );
        await writer.deleteNode({ name: 'n1', uid }, opts());
      },
    );
  });

  test('given the same event twice, should create one Event and count it up', async () => {
    await withHarness(
      {},
      () => Promise.resolve(),
      async ({ kube, writer, warnings }) => {
        const event = {
          node: { name: 'n1', uid: 'u-1' },
          type: 'Warning' as const,
          reason: 'FailedToInitializeNode',
          message: 'boom',
        };
        await writer.recordEvent(event);
        await writer.recordEvent(event);
        const events = (): Record<string, unknown>[] => kube.store.list(coreType('Event'), 'default');
        await waitFor(() => events()[0]?.['count'] === 2, 'the count-up of the repeated event');
        const stored = events();
        assert.equal(stored.length, 1);
        const e = stored[0] as Record<string, unknown>;
        assert.equal(e['count'], 2);
        assert.equal(e['reason'], 'FailedToInitializeNode');
        assert.equal(e['type'], 'Warning');
        assert.deepEqual(e['involvedObject'], { kind: 'Node', apiVersion: 'v1', name: 'n1', uid: 'u-1' });
        assert.deepEqual(e['source'], { component: 'cloud-node-controller' });
        assert.match(String(e['firstTimestamp']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.deepEqual(warnings, []);
      },
    );
  });

  test('given an API server that is gone, should log the lost event and resolve', async () => {
    await withHarness(
      {},
      () => Promise.resolve(),
      async ({ kube, writer, warnings }) => {
        await kube.close();
        await writer.recordEvent({ node: { name: 'n1' }, type: 'Normal', reason: 'Synced', message: 'ok' });
        await waitFor(() => warnings.length > 0, 'the logged failure');
        assert.deepEqual(warnings, ['could not record event']);
      },
    );
  });
});

function coreType(kind: string): ResourceType {
  const type = RESOURCE_TYPES.find((t) => t.kind === kind && t.group === '');
  assert.ok(type !== undefined, kind);
  return type;
}
