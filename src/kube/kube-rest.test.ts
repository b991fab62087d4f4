// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startKubeApi, type KubeApiFixture } from '../../test/support/kube-apiserver.ts';
import { parseBody, statusText } from './api-status.ts';
import { ApiException } from './client-node.ts';
import { KubeRest, PATCH_TYPE } from './kube-rest.ts';
import { PooledHttpLibrary } from './pooled-http.ts';

interface NodeView {
  readonly metadata: {
    readonly name: string;
    readonly resourceVersion: string;
    readonly labels?: Record<string, string>;
  };
}

describe('KubeRest against the in-memory API server', () => {
  let kube: KubeApiFixture;
  let http: PooledHttpLibrary;
  let rest: KubeRest;
  const signal = (): AbortSignal => AbortSignal.timeout(5_000);
  before(async () => {
    kube = await startKubeApi();
    http = new PooledHttpLibrary(kube.kubeConfig);
    rest = new KubeRest({ kubeConfig: kube.kubeConfig, http });
  });
  after(async () => {
    await http.close();
    await kube.close();
  });

  it('given a create, a selector list and a merge patch, should send JSON and return the answers as sent', async () => {
    const created = await rest.request<NodeView>({
      method: 'POST',
      path: '/api/v1/nodes',
      body: { metadata: { name: 'r1', labels: { pool: 'a' } } },
      signal: signal(),
    });
    assert.equal(created.metadata.name, 'r1');
    const list = await rest.request<{ items: NodeView[] }>({
      method: 'GET',
      path: '/api/v1/nodes',
      query: { labelSelector: 'pool=a', limit: 10, continue: undefined },
      signal: signal(),
    });
    assert.deepEqual(
      list.items.map((n) => n.metadata.name),
      ['r1'],
    );
    const patched = await rest.request<NodeView>({
      method: 'PATCH',
      path: '/api/v1/nodes/r1',
      body: { metadata: { labels: { zone: 'z1' } } },
      contentType: PATCH_TYPE.merge,
      signal: signal(),
    });
    assert.deepEqual(patched.metadata.labels, { pool: 'a', zone: 'z1' });
    const logged = kube.requestLog.filter({ verb: 'list', resource: 'nodes' }).at(-1);
    assert.ok(logged !== undefined);
    assert.equal(logged.query['labelSelector'], 'pool=a');
    assert.equal('continue' in logged.query, false);
  });

  it('given a stale resourceVersion, should reject with ApiException 409 carrying the Status', async () => {
    await rest.request({
      method: 'POST',
      path: '/api/v1/nodes',
      body: { metadata: { name: 'r2' } },
      signal: signal(),
    });
    const err: unknown = await rest
      .request({
        method: 'PATCH',
        path: '/api/v1/nodes/r2',
        body: { metadata: { resourceVersion: '1', labels: { a: 'b' } } },
        contentType: PATCH_TYPE.merge,
        signal: signal(),
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof ApiException);
    assert.equal((err as ApiException<string>).code, 409);
    assert.match(statusText(parseBody((err as ApiException<string>).body)), /^Conflict: /);
  });

  it('given an aborted signal, should not send', async () => {
    const before = kube.requestLog.entries.length;
    await assert.rejects(
      rest.request({ method: 'GET', path: '/api/v1/nodes', signal: AbortSignal.abort(new Error('stop')) }),
      /stop/,
    );
    assert.equal(kube.requestLog.entries.length, before);
  });
});
