// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startKubeApiServer, type KubeApiServer } from './server.ts';

type Obj = Record<string, unknown>;

const CORE = '/api/v1/namespaces/default/events';
const V1 = '/apis/events.k8s.io/v1/namespaces/default/events';

describe('kube-apiserver fake: one Event store behind two APIs, and finalizers', () => {
  let kube: KubeApiServer;
  const req = async (method: string, path: string, body?: unknown, contentType?: string) => {
    const res = await fetch(`${kube.url}${path}`, {
      method,
      headers: { 'content-type': contentType ?? 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { code: res.status, body: (await res.json()) as Obj };
  };
  /** Starts a watch and resolves with its first `count` events. */
  const watch = async (
    path: string,
    count: number,
  ): Promise<{ events: Promise<Obj[]>; stop: () => void }> => {
    const ac = new AbortController();
    const res = await fetch(`${kube.url}${path}`, { signal: ac.signal });
    const events = (async () => {
      const got: Obj[] = [];
      let buf = '';
      const decoder = new TextDecoder();
      for await (const chunk of res.body ?? []) {
        buf += decoder.decode(chunk as Uint8Array, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          got.push(JSON.parse(buf.slice(0, nl)) as Obj);
          buf = buf.slice(nl + 1);
        }
        if (got.length >= count) break;
      }
      return got;
    })();
    return {
      events,
      stop: () => {
        ac.abort();
      },
    };
  };
  before(async () => {
    kube = await startKubeApiServer();
  });
  after(() => kube.close());

  test('given a core Event should read it through events.k8s.io with the fields renamed', async () => {
    await req('POST', CORE, {
      metadata: { name: 'core-1' },
      involvedObject: { kind: 'Node', name: 'n1', uid: 'u1' },
      reason: 'Synced',
      message: 'addresses set',
      type: 'Normal',
      source: { component: 'cloud-node-controller' },
      reportingComponent: 'cloud-node-controller',
      reportingInstance: 'ccm-0',
      count: 2,
      firstTimestamp: '2026-11-23T03:04:05Z',
      lastTimestamp: '2026-11-23T03:05:05Z',
    });
    const { code, body } = await req('GET', `${V1}/core-1`);
    assert.equal(code, 200);
    assert.equal(body['apiVersion'], 'events.k8s.io/v1');
    assert.deepEqual(
      [body['note'], body['regarding'], body['reportingController'], body['reportingInstance']],
      ['addresses set', { kind: 'Node', name: 'n1', uid: 'u1' }, 'cloud-node-controller', 'ccm-0'],
    );
    assert.deepEqual(
      [
        body['deprecatedSource'],
        body['deprecatedCount'],
        body['deprecatedFirstTimestamp'],
        body['deprecatedLastTimestamp'],
      ],
      [{ component: 'cloud-node-controller' }, 2, '2026-11-23T03:04:05Z', '2026-11-23T03:05:05Z'],
    );
    assert.equal(body['message'], undefined);
    const selected = await req('GET', `${V1}?fieldSelector=regarding.name%3Dn1`);
    assert.deepEqual(
      (selected.body['items'] as Obj[]).map((e) => (e['metadata'] as Obj)['name']),
      ['core-1'],
    );
  });

  test('given an events.k8s.io Event should list it as a core Event with the same resourceVersion', async () => {
    const created = await req('POST', V1, {
      metadata: { name: 'v1-1' },
      eventTime: '2026-11-23T03:04:05.123456Z',
      reportingController: 'vsphere-ccm',
      reportingInstance: 'ccm-1',
      action: 'Initialize',
      reason: 'Failed',
      note: 'zone tag invalid',
      type: 'Warning',
      regarding: { kind: 'Node', name: 'n2' },
    });
    assert.equal(created.code, 201);
    const list = await req('GET', `${CORE}?fieldSelector=involvedObject.name%3Dn2`);
    const items = list.body['items'] as Obj[];
    assert.equal(items.length, 1);
    const ev = items[0] ?? {};
    assert.deepEqual(
      [ev['message'], ev['involvedObject'], ev['reportingComponent'], ev['eventTime'], ev['action']],
      [
        'zone tag invalid',
        { kind: 'Node', name: 'n2' },
        'vsphere-ccm',
        '2026-11-23T03:04:05.123456Z',
        'Initialize',
      ],
    );
    assert.equal(
      (ev['metadata'] as Obj)['resourceVersion'],
      (created.body['metadata'] as Obj)['resourceVersion'],
    );
    const patched = await req('PATCH', `${V1}/v1-1`, { note: 'changed' }, 'application/merge-patch+json');
    assert.equal(patched.body['note'], 'changed');
    assert.equal((await req('GET', `${CORE}/v1-1`)).body['message'], 'changed');
    assert.equal((await req('DELETE', `${CORE}/v1-1`)).code, 200);
    assert.equal((await req('GET', `${V1}/v1-1`)).code, 404);
  });

  test('given a watch on one Events API should see a create through the other, in its own form', async () => {
    const rv = (await req('GET', V1)).body['metadata'] as Obj;
    const w = await watch(`${V1}?watch=true&resourceVersion=${String(rv['resourceVersion'])}`, 1);
    const coreWatch = await watch(`${CORE}?watch=true&resourceVersion=${String(rv['resourceVersion'])}`, 1);
    await req('POST', CORE, {
      metadata: { name: 'seen' },
      involvedObject: { kind: 'Node', name: 'n3' },
      reason: 'R',
      message: 'through core',
    });
    const [event] = await w.events;
    const [coreEvent] = await coreWatch.events;
    w.stop();
    coreWatch.stop();
    assert.equal(event?.['type'], 'ADDED');
    assert.equal((event['object'] as Obj)['note'], 'through core');
    assert.equal((coreEvent?.['object'] as Obj)['message'], 'through core');
  });

  test('given an object with finalizers should mark it on delete and remove it with the last finalizer', async () => {
    const cm = '/api/v1/namespaces/default/configmaps';
    await req('POST', cm, { metadata: { name: 'held', finalizers: ['a.example/x', 'b.example/y'] } });
    const start = (await req('GET', cm)).body['metadata'] as Obj;
    const w = await watch(`${cm}?watch=true&resourceVersion=${String(start['resourceVersion'])}`, 3);
    const deleted = await req('DELETE', `${cm}/held`);
    assert.equal(deleted.code, 200);
    const meta = deleted.body['metadata'] as Obj;
    assert.match(String(meta['deletionTimestamp']), /Z$/);
    assert.equal(meta['deletionGracePeriodSeconds'], 0);
    const again = await req('DELETE', `${cm}/held`);
    assert.equal((again.body['metadata'] as Obj)['resourceVersion'], meta['resourceVersion']);
    const added = await req(
      'PATCH',
      `${cm}/held`,
      { metadata: { finalizers: ['c.example/z'] } },
      'application/strategic-merge-patch+json',
    );
    assert.equal(added.code, 422);
    assert.match(
      String(added.body['message']),
      /no new finalizers can be added if the object is being deleted/,
    );
    const one = await req(
      'PATCH',
      `${cm}/held`,
      [{ op: 'remove', path: '/metadata/finalizers/0' }],
      'application/json-patch+json',
    );
    assert.deepEqual((one.body['metadata'] as Obj)['finalizers'], ['b.example/y']);
    const last = await req(
      'PATCH',
      `${cm}/held`,
      { metadata: { finalizers: null } },
      'application/merge-patch+json',
    );
    assert.equal(last.code, 200);
    assert.equal((await req('GET', `${cm}/held`)).code, 404);
    const events = await w.events;
    w.stop();
    assert.deepEqual(
      events.map((e) => e['type']),
      ['MODIFIED', 'MODIFIED', 'DELETED'],
    );
    assert.equal(((events[2]?.['object'] as Obj)['metadata'] as Obj)['finalizers'], undefined);
  });

  test('given a strategic merge patch on finalizers should merge them as a set', async () => {
    const cm = '/api/v1/namespaces/default/configmaps';
    await req('POST', cm, { metadata: { name: 'set', finalizers: ['a.example/x'] } });
    const smp = 'application/strategic-merge-patch+json';
    const merged = await req(
      'PATCH',
      `${cm}/set`,
      { metadata: { finalizers: ['a.example/x', 'b.example/y'] } },
      smp,
    );
    assert.deepEqual((merged.body['metadata'] as Obj)['finalizers'], ['a.example/x', 'b.example/y']);
    const removed = await req(
      'PATCH',
      `${cm}/set`,
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example/x'] } },
      smp,
    );
    assert.deepEqual((removed.body['metadata'] as Obj)['finalizers'], ['b.example/y']);
  });
});
