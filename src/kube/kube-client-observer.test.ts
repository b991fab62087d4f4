// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { KubeConfig } from './client-node.ts';
import { startKubeApi, type KubeApiFixture } from '../../test/support/kube-apiserver.ts';
import { KubeClient } from './kube-client.ts';
import { PATCH_TYPE } from './kube-rest.ts';
import type { KubeRequestRecord } from './request-verb.ts';

interface NodeList {
  readonly metadata: { readonly resourceVersion: string };
  readonly items: readonly unknown[];
}

/** A KubeConfig for a port nothing listens on (taken, then closed). */
async function deadKubeConfig(): Promise<KubeConfig> {
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const address = server.address();
  await new Promise((res) => server.close(res));
  assert.ok(address !== null && typeof address === 'object');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'dead', server: `https://127.0.0.1:${String(address.port)}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'dead', cluster: 'dead', user: 'u' }],
    currentContext: 'dead',
  });
  return kc;
}

const brief = (r: KubeRequestRecord): string => `${r.verb} ${r.resource} ${r.code}`;

describe('KubeClient onRequest', () => {
  let kube: KubeApiFixture;
  before(async () => {
    kube = await startKubeApi();
  });
  after(async () => {
    await kube.close();
  });

  test('given typed calls, should report each with verb, resource and status, failures included', async () => {
    const seen: KubeRequestRecord[] = [];
    const client = new KubeClient({ kubeConfig: kube.kubeConfig, onRequest: (r) => seen.push(r) });
    const signal = AbortSignal.timeout(5_000);
    const nodes = '/api/v1/nodes';
    await client.rest.request({ method: 'POST', path: nodes, body: { metadata: { name: 'obs-1' } }, signal });
    await client.rest.request({ method: 'GET', path: nodes, signal });
    await client.rest.request({ method: 'GET', path: `${nodes}/obs-1`, signal });
    await client.rest.request({
      method: 'PATCH',
      path: `${nodes}/obs-1/status`,
      body: { status: { addresses: [{ type: 'Hostname', address: 'obs-1' }] } },
      contentType: PATCH_TYPE.merge,
      signal,
    });
    await assert.rejects(client.rest.request({ method: 'GET', path: `${nodes}/absent`, signal }));
    await client.rest.request({ method: 'DELETE', path: `${nodes}/obs-1`, signal });
    assert.deepEqual(seen.map(brief), [
      'POST nodes 201',
      'LIST nodes 200',
      'GET nodes 200',
      'PATCH nodes/status 200',
      'GET nodes 404',
      'DELETE nodes 200',
    ]);
    for (const r of seen) assert.ok(r.durationMs >= 0 && r.durationMs < 5_000, String(r.durationMs));
  });

  test('given a watch, should report one WATCH with 200 once the stream is open', async () => {
    const seen: KubeRequestRecord[] = [];
    const client = new KubeClient({ kubeConfig: kube.kubeConfig, onRequest: (r) => seen.push(r) });
    const list = await client.rest.request<NodeList>({
      method: 'GET',
      path: '/api/v1/nodes',
      signal: AbortSignal.timeout(5_000),
    });
    const ended = Promise.withResolvers<unknown>();
    const controller = await client.watch(
      '/api/v1/nodes',
      { resourceVersion: list.metadata.resourceVersion },
      () => undefined,
      ended.resolve,
    );
    assert.deepEqual(seen.map(brief), ['LIST nodes 200', 'WATCH nodes 200']);
    controller.abort();
    await ended.promise;
    assert.equal(seen.length, 2, 'the end of the stream is not another request');
  });

  test('given an unreachable API server, should report the call and the watch with code error', async () => {
    const seen: KubeRequestRecord[] = [];
    const client = new KubeClient({ kubeConfig: await deadKubeConfig(), onRequest: (r) => seen.push(r) });
    await assert.rejects(
      client.rest.request({ method: 'GET', path: '/api/v1/nodes', signal: AbortSignal.timeout(5_000) }),
    );
    const ended = Promise.withResolvers<unknown>();
    await client.watch('/api/v1/nodes', {}, () => undefined, ended.resolve);
    assert.ok((await ended.promise) instanceof Error);
    assert.deepEqual(seen.map(brief), ['LIST nodes error', 'WATCH nodes error']);
  });

  test('given an observer that throws, should leave the request unaffected', async () => {
    const client = new KubeClient({
      kubeConfig: kube.kubeConfig,
      onRequest: () => {
        throw new Error('observer broke');
      },
    });
    const list = await client.rest.request<NodeList>({
      method: 'GET',
      path: '/api/v1/nodes',
      signal: AbortSignal.timeout(5_000),
    });
    assert.ok(Array.isArray(list.items));
  });
});
