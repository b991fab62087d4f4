// SPDX-License-Identifier: Apache-2.0
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeSecretApi, type FakeSecretApi } from '../../test/support/fake-secret-api.ts';
import type { CredentialSourceEvent } from './credential-source.ts';
import { SecretDataError } from './secret-data-parser.ts';
import { CredentialsSecretMissingError, SecretCredentialSource } from './secret-source.ts';

const NS = 'kube-system';
const NAME = 'vsphere-creds';
const VC = '10.0.0.1';

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = performance.now();
  while (!predicate()) {
    if (performance.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('SecretCredentialSource against a fake Secret API', () => {
  let api: FakeSecretApi;
  let source: SecretCredentialSource;
  const events: CredentialSourceEvent[] = [];
  const passwordOf = (): string | undefined => {
    const c = source.state().entries?.get(VC);
    return c?.kind === 'password' ? c.password : undefined;
  };

  beforeEach(async () => {
    api = await startFakeSecretApi();
    events.length = 0;
    source = new SecretCredentialSource({
      kubeConfig: api.kubeConfig(),
      namespace: NS,
      name: NAME,
      onEvent: (e) => events.push(e),
      watch: { backoff: { initialMs: 20, maxMs: 100 } },
    });
  });
  afterEach(async () => {
    await source.close();
    await api.close();
  });

  test('given a Secret, should serve its credentials and follow a rotation', async () => {
    api.putSecret(NS, NAME, { [`${VC}.username`]: 'admin', [`${VC}.password`]: 'one' });
    await source.start();
    assert.equal(source.name, `secret ${NS}/${NAME}`);
    assert.equal(source.state().synced, true);
    assert.equal(passwordOf(), 'one');
    await waitFor('the watch', () => api.openWatches() === 1);
    api.putSecret(NS, NAME, { [`${VC}.username`]: 'admin', [`${VC}.password`]: 'two' });
    await waitFor('the rotation', () => passwordOf() === 'two');
    assert.deepEqual(
      events.map((e) => e.type),
      ['updated', 'updated'],
    );
  });

  test('given the Secret is deleted, should keep serving its last credentials and report the deletion', async () => {
    api.putSecret(NS, NAME, { [`${VC}.username`]: 'admin', [`${VC}.password`]: 'one' });
    await source.start();
    await waitFor('the watch', () => api.openWatches() === 1);
    api.deleteSecret(NS, NAME);
    await waitFor('the deletion', () => source.state().lastError !== undefined);
    const err = source.state().lastError;
    assert.ok(err instanceof CredentialsSecretMissingError);
    assert.equal(err.deleted, true);
    assert.equal(err.message, `secret ${NS}/${NAME} was deleted; its last credentials are still used`);
    assert.equal(passwordOf(), 'one');
    api.putSecret(NS, NAME, { [`${VC}.username`]: 'admin', [`${VC}.password`]: 'one' });
    await waitFor('the re-creation', () => source.state().lastError === undefined);
    assert.equal(passwordOf(), 'one');
  });

  test('given no such Secret, should be synced with no entries and say it does not exist', async () => {
    await source.start();
    assert.equal(source.state().synced, true);
    assert.equal(source.state().entries, undefined);
    assert.equal(source.state().lastError?.message, `secret ${NS}/${NAME} does not exist`);
  });

  test('given an invalid Secret, should mark it invalid until it is corrected', async () => {
    api.putSecret(NS, NAME, { [`${VC}.user`]: 'admin', [`${VC}.password`]: 'one' });
    await source.start();
    assert.ok(source.state().invalid instanceof SecretDataError);
    assert.match(
      source.state().invalid?.message ?? '',
      /^secret kube-system\/vsphere-creds: 10\.0\.0\.1\.user: Unknown secret key/,
    );
    await waitFor('the watch', () => api.openWatches() === 1);
    api.putSecret(NS, NAME, { [`${VC}.username`]: 'admin', [`${VC}.password`]: 'one' });
    await waitFor('the correction', () => passwordOf() === 'one');
    assert.equal(source.state().invalid, undefined);
    assert.equal(source.state().lastError, undefined);
  });

  test('given the API answers 403, should be synced with the error, then recover', async () => {
    api.putSecret(NS, NAME, { [`${VC}.username`]: 'admin', [`${VC}.password`]: 'one' });
    api.failNext(1, 403);
    await source.start();
    assert.equal(source.state().synced, true);
    assert.match(source.state().lastError?.message ?? '', /HTTP 403: Forbidden/);
    await waitFor('the recovery', () => passwordOf() === 'one' && source.state().lastError === undefined);
  });
});
