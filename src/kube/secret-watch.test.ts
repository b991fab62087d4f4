// SPDX-License-Identifier: Apache-2.0
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeSecretApi, type FakeSecretApi } from '../../test/support/fake-secret-api.ts';
import { observedHttpApi } from './call-options.ts';
import { createConfiguration } from './client-node.ts';
import type { KubeRequestRecord } from './request-verb.ts';
import { SecretWatch, SecretWatchError, type SecretSnapshot } from './secret-watch.ts';

const NS = 'kube-system';
const NAME = 'vsphere-creds';

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = performance.now();
  while (!predicate()) {
    if (performance.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const decoded = (s: SecretSnapshot | undefined, key: string): string | undefined => {
  if (s?.exists !== true) return undefined;
  const v = s.data[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString();
};

describe('SecretWatch against a fake Secret API', () => {
  let api: FakeSecretApi;
  let watch: SecretWatch | undefined;
  const changes: SecretSnapshot[] = [];
  const errors: SecretWatchError[] = [];

  const make = (opts: { backoffMs?: number } = {}) => {
    watch = new SecretWatch({
      kubeConfig: api.kubeConfig(),
      namespace: NS,
      name: NAME,
      onChange: (s) => changes.push(s),
      onError: (e) => errors.push(e),
      backoff: { initialMs: opts.backoffMs ?? 20, maxMs: 100 },
    });
    return watch;
  };
  const lists = () => api.requests.filter((r) => r.query['watch'] === undefined);
  const watches = () => api.requests.filter((r) => r.query['watch'] === 'true');

  beforeEach(async () => {
    api = await startFakeSecretApi();
    changes.length = 0;
    errors.length = 0;
  });
  afterEach(async () => {
    await watch?.close();
    watch = undefined;
    await api.close();
  });

  test('given the Secret exists, should list only it by field selector and report it', async () => {
    api.putSecret(NS, 'other-secret', { 'x.username': 'not-mine' });
    api.putSecret(NS, NAME, { 'vc.username': 'admin' });
    const w = make();
    await w.start();
    assert.equal(w.synced, true);
    assert.equal(decoded(w.snapshot, 'vc.username'), 'admin');
    assert.equal(changes.length, 1);
    await waitFor('the watch', () => api.openWatches() === 1);
    for (const r of api.requests) {
      assert.equal(r.path, `/api/v1/namespaces/${NS}/secrets`);
      assert.equal(r.query['fieldSelector'], `metadata.name=${NAME}`);
    }
    const [first] = watches();
    assert.equal(first?.query['allowWatchBookmarks'], 'true');
    assert.equal(first.query['resourceVersion'], '102');
  });

  test('given the Secret changes, should report the new data through the watch without re-listing', async () => {
    api.putSecret(NS, NAME, { 'vc.password': 'one' });
    const w = make();
    await w.start();
    await waitFor('the watch', () => api.openWatches() === 1);
    api.putSecret(NS, 'other-secret', { a: 'b' });
    api.putSecret(NS, NAME, { 'vc.password': 'two' });
    await waitFor('the change', () => decoded(w.snapshot, 'vc.password') === 'two');
    assert.equal(lists().length, 1);
    assert.equal(changes.length, 2);
  });

  test('given the Secret does not exist, should be synced with an absent snapshot, then see it created', async () => {
    const w = make();
    await w.start();
    assert.equal(w.synced, true);
    assert.deepEqual(w.snapshot, { exists: false, deleted: false });
    await waitFor('the watch', () => api.openWatches() === 1);
    api.putSecret(NS, NAME, { 'vc.password': 'one' });
    await waitFor('the creation', () => decoded(w.snapshot, 'vc.password') === 'one');
  });

  test('given the Secret is deleted, should report it as deleted', async () => {
    api.putSecret(NS, NAME, { 'vc.password': 'one' });
    const w = make();
    await w.start();
    await waitFor('the watch', () => api.openWatches() === 1);
    api.deleteSecret(NS, NAME);
    await waitFor('the deletion', () => w.snapshot?.exists === false);
    assert.deepEqual(w.snapshot, { exists: false, deleted: true });
  });

  test('given the watch ends normally, should resume from the last resourceVersion without re-listing', async () => {
    api.putSecret(NS, NAME, { 'vc.password': 'one' });
    const w = make();
    await w.start();
    await waitFor('the watch', () => api.openWatches() === 1);
    api.putSecret(NS, NAME, { 'vc.password': 'two' });
    await waitFor('the change', () => decoded(w.snapshot, 'vc.password') === 'two');
    api.endWatches();
    await waitFor('the second watch', () => watches().length === 2 && api.openWatches() === 1);
    assert.equal(watches()[1]?.query['resourceVersion'], '102');
    assert.equal(lists().length, 1);
  });

  test('given a bookmark, should resume from the bookmark resourceVersion', async () => {
    api.putSecret(NS, NAME, { 'vc.password': 'one' });
    const w = make();
    await w.start();
    await waitFor('the watch', () => api.openWatches() === 1);
    api.putSecret(NS, 'other-secret', { a: 'b' });
    api.putSecret(NS, 'other-secret', { a: 'c' });
    api.bookmark();
    await new Promise((r) => setTimeout(r, 50));
    api.endWatches();
    await waitFor('the second watch', () => watches().length === 2);
    assert.equal(watches()[1]?.query['resourceVersion'], '103');
    assert.equal(changes.length, 1);
  });

  test('given history was compacted (in-stream 410 Expired), should re-list and catch up', async () => {
    api.putSecret(NS, NAME, { 'vc.password': 'one' });
    const w = make();
    await w.start();
    await waitFor('the watch', () => api.openWatches() === 1);
    api.endWatches();
    api.putSecret(NS, NAME, { 'vc.password': 'two' });
    api.compact();
    await waitFor('the re-list', () => lists().length === 2);
    await waitFor('the change', () => decoded(w.snapshot, 'vc.password') === 'two');
    assert.equal(errors.length, 0);
  });

  test('given HTTP 410 on the watch request, should re-list', async () => {
    api.putSecret(NS, NAME, { 'vc.password': 'one' });
    const w = make();
    await w.start();
    await waitFor('the watch', () => api.openWatches() === 1);
    api.failNext(1, 410);
    api.endWatches();
    await waitFor('the re-list', () => lists().length === 2);
    assert.equal(errors.length, 0);
  });

  test('given a deletion missed while disconnected, should report it after the re-list', async () => {
    api.putSecret(NS, NAME, { 'vc.password': 'one' });
    const w = make();
    await w.start();
    await waitFor('the watch', () => api.openWatches() === 1);
    api.endWatches();
    api.deleteSecret(NS, NAME);
    api.compact();
    await waitFor('the deletion', () => w.snapshot?.exists === false);
    assert.deepEqual(w.snapshot, { exists: false, deleted: true });
  });

  test('given the API fails at first, should report the error, back off, and sync once it recovers', async () => {
    api.putSecret(NS, NAME, { 'vc.password': 'one' });
    api.failNext(2, 503);
    const w = make({ backoffMs: 50 });
    const started = performance.now();
    await w.start();
    assert.equal(w.synced, false);
    assert.ok(w.lastError instanceof SecretWatchError);
    assert.equal(w.lastError.status, 503);
    assert.match(w.lastError.message, /HTTP 503/);
    await waitFor('the sync', () => w.synced);
    assert.ok(performance.now() - started >= 50 + 100 - 10, 'backed off 50 ms then 100 ms');
    assert.equal(decoded(w.snapshot, 'vc.password'), 'one');
    await waitFor('the watch', () => api.openWatches() === 1);
    assert.equal(w.lastError, undefined);
    assert.equal(errors.length, 2);
  });

  test('given a forbidden watch, should report it and keep retrying from the same resourceVersion', async () => {
    api.putSecret(NS, NAME, { 'vc.password': 'one' });
    const w = make();
    await w.start();
    await waitFor('the watch', () => api.openWatches() === 1);
    api.failNext(1, 403);
    api.endWatches();
    await waitFor('the error', () => errors.length === 1);
    assert.equal(errors[0]?.status, 403);
    await waitFor('the new watch', () => api.openWatches() === 1);
    assert.equal(watches().at(-1)?.query['resourceVersion'], '101');
    assert.equal(lists().length, 1);
  });

  test('given a request observer, should report each watch request with its outcome, and lists through httpApi', async () => {
    api.putSecret(NS, NAME, { 'vc.password': 'one' });
    const seen: KubeRequestRecord[] = [];
    const onRequest = (r: KubeRequestRecord): void => {
      seen.push(r);
    };
    watch = new SecretWatch({
      kubeConfig: api.kubeConfig(),
      httpApi: observedHttpApi(createConfiguration().httpApi, onRequest),
      onRequest,
      namespace: NS,
      name: NAME,
      onError: (e) => errors.push(e),
      backoff: { initialMs: 20, maxMs: 100 },
    });
    await watch.start();
    await waitFor('the watch', () => api.openWatches() === 1);
    api.failNext(1, 403);
    api.endWatches();
    await waitFor('the failed watch and the next', () => errors.length === 1 && api.openWatches() === 1);
    await waitFor('the reports', () => seen.length === 4);
    assert.deepEqual(
      seen.map((r) => `${r.verb} ${r.resource} ${r.code}`),
      ['LIST secrets 200', 'WATCH secrets 200', 'WATCH secrets 403', 'WATCH secrets 200'],
    );
    assert.ok(seen.every((r) => r.durationMs >= 0));
  });

  test('given the start signal aborts, should stop and leave no watch open', async () => {
    api.putSecret(NS, NAME, { 'vc.password': 'one' });
    const ac = new AbortController();
    const w = make();
    await w.start({ signal: ac.signal });
    await waitFor('the watch', () => api.openWatches() === 1);
    ac.abort();
    await w.close();
    await waitFor('the watch to close', () => api.openWatches() === 0);
    const count = api.requests.length;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(api.requests.length, count);
  });

  test('given an unreachable API server, should report it without hanging', async () => {
    const other = await startFakeSecretApi();
    const kc = other.kubeConfig();
    await other.close();
    watch = new SecretWatch({
      kubeConfig: kc,
      namespace: NS,
      name: NAME,
      backoff: { initialMs: 20, maxMs: 50 },
    });
    await watch.start();
    assert.equal(watch.synced, false);
    assert.match(watch.lastError?.message ?? '', /unreachable/);
  });
});
