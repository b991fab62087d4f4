// SPDX-License-Identifier: Apache-2.0
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment --
   client-node's model classes are plain data; these tests send object literals as real callers do. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiException, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startKubeApi, type KubeApiFixture } from '../support/kube-apiserver.ts';
import { applyJsonPatch, applyMergePatch } from './json-patch.ts';
import { KubeStatusError } from './status.ts';
import { applyStrategicMergePatch } from './strategic-merge.ts';

const smp = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

async function failure(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException)
      return { code: err.code, body: JSON.parse(String(err.body)) as Record<string, unknown> };
    throw err;
  }
  return assert.fail('expected the request to fail');
}

describe('strategic merge patch (pure)', () => {
  const base = {
    metadata: { labels: { a: '1', b: '2' }, finalizers: ['x'] },
    spec: { taints: [{ key: 't1', effect: 'NoSchedule' }] },
    status: {
      addresses: [
        { type: 'InternalIP', address: '10.0.0.1' },
        { type: 'Hostname', address: 'n1' },
      ],
    },
  };

  test('given two InternalIPs in a patch should collapse them into the first InternalIP, keeping order', () => {
    const out = applyStrategicMergePatch('Node', base, {
      status: {
        addresses: [
          { type: 'ExternalIP', address: '1.2.3.4' },
          { type: 'InternalIP', address: '10.0.0.2' },
          { type: 'InternalIP', address: '10.0.0.3' },
        ],
      },
    });
    assert.deepEqual((out['status'] as { addresses: unknown }).addresses, [
      { type: 'InternalIP', address: '10.0.0.3' },
      { type: 'Hostname', address: 'n1' },
      { type: 'ExternalIP', address: '1.2.3.4' },
    ]);
  });

  test('given $patch replace in a list should replace the whole list, and $setElementOrder should reorder', () => {
    const replaced = applyStrategicMergePatch('Node', base, {
      status: { addresses: [{ $patch: 'replace' }, { type: 'InternalIP', address: '10.0.0.7' }] },
    });
    assert.deepEqual((replaced['status'] as { addresses: unknown }).addresses, [
      { type: 'InternalIP', address: '10.0.0.7' },
    ]);
    const reordered = applyStrategicMergePatch('Node', base, {
      status: { '$setElementOrder/addresses': [{ type: 'Hostname' }, { type: 'InternalIP' }] },
    });
    assert.deepEqual(
      (reordered['status'] as { addresses: { type: string }[] }).addresses.map((a) => a.type),
      ['Hostname', 'InternalIP'],
    );
  });

  test('given taints, labels and finalizers should replace taints, merge labels with null deleting, union finalizers', () => {
    const out = applyStrategicMergePatch('Node', base, {
      metadata: { labels: { a: null, c: '3' }, finalizers: ['y'] },
      spec: { taints: [{ key: 't2', effect: 'NoExecute' }] },
    });
    assert.deepEqual(out['metadata'], { labels: { b: '2', c: '3' }, finalizers: ['x', 'y'] });
    assert.deepEqual(out['spec'], { taints: [{ key: 't2', effect: 'NoExecute' }] });
  });

  test('given a keyed $patch delete should remove that element', () => {
    const out = applyStrategicMergePatch('Node', base, {
      status: { addresses: [{ type: 'Hostname', $patch: 'delete' }] },
    });
    assert.deepEqual((out['status'] as { addresses: unknown }).addresses, [
      { type: 'InternalIP', address: '10.0.0.1' },
    ]);
  });
});

describe('JSON merge patch and JSON patch (pure)', () => {
  test('given a merge patch should replace lists whole and delete on null', () => {
    assert.deepEqual(applyMergePatch({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { c: null } }), {
      a: [3],
      b: { d: 2 },
    });
  });

  test('given JSON patch ops should apply add, replace, remove, move, copy and test', () => {
    const out = applyJsonPatch({ a: { b: 1 }, l: [1, 2] }, [
      { op: 'test', path: '/a/b', value: 1 },
      { op: 'add', path: '/l/-', value: 3 },
      { op: 'replace', path: '/a/b', value: 2 },
      { op: 'copy', from: '/a', path: '/c' },
      { op: 'move', from: '/c/b', path: '/d' },
      { op: 'remove', path: '/l/0' },
    ]);
    assert.deepEqual(out, { a: { b: 2 }, l: [2, 3], c: {}, d: 2 });
  });

  test('given a failing test op should throw a 422 Status naming the path', () => {
    assert.throws(
      () => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]),
      (err: unknown) =>
        err instanceof KubeStatusError &&
        err.status.code === 422 &&
        err.status.details?.causes?.[0]?.message === 'testing value /a failed: test failed',
    );
  });
});

describe('kube-apiserver fake: PATCH through client-node', () => {
  let kube: KubeApiFixture;
  let core: CoreV1Api;
  before(async () => {
    kube = await startKubeApi();
    core = kube.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNode({
      body: {
        metadata: { name: 'n1', labels: { a: '1' } },
        spec: {
          taints: [
            { key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true', effect: 'NoSchedule' },
          ],
        },
        status: { addresses: [{ type: 'Hostname', address: 'n1' }] },
      },
    });
  });
  after(() => kube.close());

  test('given a strategic merge patch on node status should merge addresses by type', async () => {
    const body = {
      status: {
        addresses: [
          { type: 'InternalIP', address: '10.0.0.1' },
          { type: 'ExternalIP', address: '10.0.0.1' },
        ],
      },
    };
    const out = await core.patchNodeStatus({ name: 'n1', body }, smp);
    assert.deepEqual(
      out.status?.addresses?.map((a) => `${a.type}=${a.address}`),
      ['Hostname=n1', 'InternalIP=10.0.0.1', 'ExternalIP=10.0.0.1'],
    );
    assert.equal(
      kube.requestLog.filter({ verb: 'patch', subresource: 'status' })[0]?.patchType,
      PatchStrategy.StrategicMergePatch,
    );
  });

  test('given duplicate addresses in a merge patch should answer 422 Duplicate value', async () => {
    const body = {
      status: {
        addresses: [
          { type: 'InternalIP', address: '10.0.0.5' },
          { type: 'InternalIP', address: '10.0.0.5' },
        ],
      },
    };
    const res = await failure(core.patchNodeStatus({ name: 'n1', body }, merge));
    assert.equal(res.code, 422);
    assert.equal(res.body['reason'], 'Invalid');
    assert.equal(
      res.body['message'],
      'Node "n1" is invalid: status.addresses[1]: Duplicate value: {"type":"InternalIP","address":"10.0.0.5"}',
    );
  });

  test('given a status patch on the main resource should ignore it', async () => {
    const out = await core.patchNode({ name: 'n1', body: { status: { addresses: [] } } }, merge);
    assert.ok((out.status?.addresses?.length ?? 0) > 0);
  });

  test('given a taint patch should replace the whole list', async () => {
    const out = await core.patchNode(
      { name: 'n1', body: { spec: { taints: [{ key: 'k', effect: 'NoExecute' }] } } },
      smp,
    );
    assert.deepEqual(
      out.spec?.taints?.map((t) => t.key),
      ['k'],
    );
  });

  test('given an invalid label value should answer 422 with the real message', async () => {
    const res = await failure(
      core.patchNode({ name: 'n1', body: { metadata: { labels: { zone: 'Zone A' } } } }, merge),
    );
    assert.equal(res.code, 422);
    assert.match(
      String(res.body['message']),
      /^Node "n1" is invalid: metadata\.labels: Invalid value: "Zone A": a valid label must be an empty string/,
    );
    const causes = (res.body['details'] as { causes: { reason: string; field: string }[] }).causes;
    assert.deepEqual(
      causes.map((c) => [c.reason, c.field]),
      [['FieldValueInvalid', 'metadata.labels']],
    );
    const long = await failure(
      core.patchNode({ name: 'n1', body: { metadata: { labels: { zone: 'a'.repeat(64) } } } }, merge),
    );
    assert.match(String(long.body['message']), /must be no more than 63 characters/);
  });

  test('given a JSON patch with a failing test op should answer 422 and change nothing', async () => {
    const before = await core.readNode({ name: 'n1' });
    const res = await failure(
      core.patchNode({
        name: 'n1',
        body: [
          { op: 'test', path: '/metadata/resourceVersion', value: '1' },
          { op: 'replace', path: '/metadata/labels', value: {} },
        ],
      }),
    );
    assert.equal(res.code, 422);
    assert.equal(
      (await core.readNode({ name: 'n1' })).metadata?.resourceVersion,
      before.metadata?.resourceVersion,
    );
  });

  test('given a patch carrying a stale resourceVersion should answer 409 Conflict', async () => {
    const res = await failure(
      core.patchNode({ name: 'n1', body: { metadata: { resourceVersion: '1', labels: { b: '2' } } } }, merge),
    );
    assert.equal(res.code, 409);
    assert.equal(res.body['reason'], 'Conflict');
  });

  test('given an apply patch should answer 415', async () => {
    const res = await fetch(`${kube.url}/api/v1/nodes/n1`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/apply-patch+yaml' },
      body: '{}',
    });
    assert.equal(res.status, 415);
    assert.equal(((await res.json()) as { reason: string }).reason, 'UnsupportedMediaType');
  });
});
