// SPDX-License-Identifier: Apache-2.0
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GlobalConfig, VCenterConfig } from '../config/config.ts';
import { readTlsFixtures } from '../../test/support/tls-server.ts';
import type { CredentialSource, CredentialSourceState } from './credential-source.ts';
import type { VCenterCredentials } from './credentials.ts';
import {
  CredentialSourceUnavailableError,
  CredentialsNotFoundError,
  SourcedCredentialProvider,
  type CredentialProviderOptions,
  type SourceLocation,
} from './credential-provider.ts';
import { SecretDataError, parseSecretData } from './secret-data-parser.ts';

/** An in-memory source whose content and sync the test drives. */
class FakeSource implements CredentialSource {
  readonly name: string;
  starts = 0;
  #state: CredentialSourceState = {
    synced: false,
    entries: undefined,
    invalid: undefined,
    lastError: undefined,
  };
  readonly #synced = Promise.withResolvers<undefined>();
  readonly syncOnStart: boolean;

  constructor(name: string, syncOnStart: boolean) {
    this.name = name;
    this.syncOnStart = syncOnStart;
  }
  set(data: Record<string, string>): void {
    try {
      this.#state = {
        ...this.#state,
        entries: parseSecretData(new Map(Object.entries(data)), this.name),
        invalid: undefined,
      };
    } catch (err) {
      assert.ok(err instanceof SecretDataError);
      this.#state = { ...this.#state, invalid: err, lastError: err };
    }
  }
  sync(): void {
    this.#state = { ...this.#state, synced: true };
    this.#synced.resolve(undefined);
  }
  state(): CredentialSourceState {
    return this.#state;
  }
  start(): Promise<void> {
    this.starts++;
    if (!this.syncOnStart) return this.#synced.promise.then(() => undefined); // a slow first read
    this.sync();
    return Promise.resolve();
  }
  synced(options?: { signal?: AbortSignal }): Promise<void> {
    const signal = options?.signal;
    if (signal === undefined) return this.#synced.promise;
    return Promise.race([
      this.#synced.promise,
      new Promise<never>((_, reject) => {
        signal.addEventListener('abort', () => {
          reject(signal.reason as Error);
        });
      }),
    ]);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const GLOBAL: CredentialProviderOptions['global'] = {
  user: undefined,
  password: undefined,
  secretName: undefined,
  secretNamespace: undefined,
  secretsDirectory: undefined,
};

function vcenter(over: Partial<VCenterConfig> = {}): VCenterConfig {
  return {
    tenantRef: 'prod',
    server: '10.0.0.1',
    port: 443,
    user: undefined,
    password: undefined,
    insecure: false,
    caFile: undefined,
    thumbprint: undefined,
    datacenters: [],
    ipFamilies: ['ipv4'],
    soapRoundtripCount: 3,
    secretRef: undefined,
    ...over,
  };
}

function setup(opts: {
  global?: Partial<
    Pick<GlobalConfig, 'user' | 'password' | 'secretName' | 'secretNamespace' | 'secretsDirectory'>
  >;
  vcenters: VCenterConfig[];
  syncOnStart?: boolean;
  syncTimeoutMs?: number;
}) {
  const sources = new Map<string, FakeSource>();
  const locations: SourceLocation[] = [];
  const provider = new SourcedCredentialProvider({
    global: { ...GLOBAL, ...opts.global },
    vcenters: opts.vcenters,
    syncTimeoutMs: opts.syncTimeoutMs ?? 2_000,
    createSource: (location) => {
      locations.push(location);
      const name =
        location.kind === 'secret'
          ? `secret ${location.namespace}/${location.name}`
          : `directory ${location.path}`;
      const source = new FakeSource(name, opts.syncOnStart ?? true);
      sources.set(name, source);
      return source;
    },
  });
  return { provider, sources, locations };
}

const pw = (username: string, password: string): VCenterCredentials => ({
  kind: 'password',
  username,
  password,
});
const SECRET_REF = { kind: 'secret', namespace: 'kube-system', name: 'vc-creds' } as const;

describe('SourcedCredentialProvider precedence', () => {
  test('given inline user and password on the vCenter, should use them before its Secret', async () => {
    const vc = vcenter({ user: 'vc-user', password: 'vc-pass', secretRef: SECRET_REF });
    const { provider, sources } = setup({ global: { user: 'g-user', password: 'g-pass' }, vcenters: [vc] });
    await provider.start();
    sources
      .get('secret kube-system/vc-creds')!
      .set({ '10.0.0.1.username': 's-user', '10.0.0.1.password': 's-pass' });
    const got = await provider.resolve(vc);
    assert.deepEqual(got.credentials, pw('vc-user', 'vc-pass'));
    assert.equal(got.source, 'inline');
  });

  test('given the user on the vCenter and the password in Global, should combine them field by field', async () => {
    const vc = vcenter({ user: 'vc-user' });
    const { provider } = setup({ global: { user: 'g-user', password: 'g-pass' }, vcenters: [vc] });
    await provider.start();
    assert.deepEqual((await provider.resolve(vc)).credentials, pw('vc-user', 'g-pass'));
  });

  test('given no inline credentials, should use the vCenter Secret entry for vc.server', async () => {
    const vc = vcenter({ tenantRef: 'tenant-a', server: 'vc.example.com', secretRef: SECRET_REF });
    const { provider, sources } = setup({ vcenters: [vc] });
    await provider.start();
    sources.get('secret kube-system/vc-creds')!.set({
      'tenant-a.username': 'wrong-key',
      'tenant-a.password': 'wrong-key',
      'vc.example.com.username': 's-user',
      'vc.example.com.password': 's-pass',
    });
    const got = await provider.resolve(vc);
    assert.deepEqual(got.credentials, pw('s-user', 's-pass'));
    assert.equal(got.source, 'secret kube-system/vc-creds');
  });

  test('given secretRef global, should look in the Global Secret, then the secrets directory', async () => {
    const a = vcenter({ tenantRef: 'a', server: 'a.example.com', secretRef: { kind: 'global' } });
    const b = vcenter({ tenantRef: 'b', server: 'b.example.com', secretRef: { kind: 'global' } });
    const { provider, sources, locations } = setup({
      global: { secretName: 'global-creds', secretNamespace: 'kube-system', secretsDirectory: '/run/creds' },
      vcenters: [a, b],
    });
    assert.deepEqual(locations, [
      { kind: 'secret', namespace: 'kube-system', name: 'global-creds' },
      { kind: 'directory', path: '/run/creds' },
    ]);
    await provider.start();
    sources
      .get('secret kube-system/global-creds')!
      .set({ 'a.example.com.username': 'sa', 'a.example.com.password': 'pa' });
    sources.get('directory /run/creds')!.set({
      'a.example.com.username': 'da',
      'a.example.com.password': 'da',
      'b.example.com.username': 'db',
      'b.example.com.password': 'pb',
    });
    assert.deepEqual((await provider.resolve(a)).credentials, pw('sa', 'pa'));
    const gotB = await provider.resolve(b);
    assert.deepEqual(gotB.credentials, pw('db', 'pb'));
    assert.equal(gotB.source, 'directory /run/creds');
  });

  test('given two vCenters on the same Secret, should create and start one source', async () => {
    const { provider, locations, sources } = setup({
      vcenters: [
        vcenter({ tenantRef: 'a', secretRef: SECRET_REF }),
        vcenter({ tenantRef: 'b', secretRef: SECRET_REF }),
      ],
    });
    await provider.start();
    assert.equal(locations.length, 1);
    assert.equal(sources.get('secret kube-system/vc-creds')!.starts, 1);
  });

  test('given no source has an entry, should fail with CredentialsNotFoundError naming where it looked', async () => {
    const vc = vcenter({ secretRef: SECRET_REF });
    const { provider, sources } = setup({ vcenters: [vc] });
    await provider.start();
    sources.get('secret kube-system/vc-creds')!.set({ 'other.username': 'u', 'other.password': 'p' });
    await assert.rejects(provider.resolve(vc), (err: unknown) => {
      assert.ok(err instanceof CredentialsNotFoundError);
      assert.equal(err.code, 'CREDENTIALS_NOT_FOUND');
      assert.equal(
        err.message,
        'Credentials not found for 10.0.0.1 (secret kube-system/vc-creds: no entry for 10.0.0.1)',
      );
      return true;
    });
  });

  test('given neither inline credentials nor a secretRef, should say so', async () => {
    const vc = vcenter({ user: 'only-user' });
    const { provider } = setup({ vcenters: [vc] });
    await provider.start();
    await assert.rejects(
      provider.resolve(vc),
      /Credentials not found for 10\.0\.0\.1 \(no inline user\/password/,
    );
  });

  test('given the Secret content is invalid, should fail with its parse error rather than "not found"', async () => {
    const vc = vcenter({ secretRef: SECRET_REF });
    const { provider, sources } = setup({ vcenters: [vc] });
    await provider.start();
    sources.get('secret kube-system/vc-creds')!.set({ '10.0.0.1.usernme': 'u', '10.0.0.1.password': 'p' });
    await assert.rejects(provider.resolve(vc), (err: unknown) => {
      assert.ok(err instanceof SecretDataError);
      assert.match(err.message, /10\.0\.0\.1\.usernme: Unknown secret key/);
      return true;
    });
  });

  test('given a PEM certificate and key inline, should give certificate credentials', async () => {
    const tls = await readTlsFixtures();
    const vc = vcenter({ user: tls.serverCert, password: tls.serverKey });
    const { provider } = setup({ vcenters: [vc] });
    await provider.start();
    assert.equal((await provider.resolve(vc)).credentials.kind, 'certificate');
  });

  test('given a PEM user without a valid key inline, should fail naming the field, not the value', async () => {
    const tls = await readTlsFixtures();
    const vc = vcenter({ user: tls.serverCert, password: 'hunter2-xyz' });
    const { provider } = setup({ vcenters: [vc] });
    await provider.start();
    await assert.rejects(
      provider.resolve(vc),
      (err: unknown) =>
        err instanceof SecretDataError &&
        !err.message.includes('hunter2-xyz') &&
        /user: Invalid/.test(err.message),
    );
  });
});

describe('SourcedCredentialProvider versions and rejection', () => {
  test('given the same credentials, should give the same version; changed credentials, a new one', async () => {
    const vc = vcenter({ secretRef: SECRET_REF });
    const { provider, sources } = setup({ vcenters: [vc] });
    await provider.start();
    const secret = sources.get('secret kube-system/vc-creds')!;
    secret.set({ '10.0.0.1.username': 'u', '10.0.0.1.password': 'first-password' });
    const v1 = (await provider.resolve(vc)).version;
    assert.equal((await provider.resolve(vc)).version, v1);
    secret.set({ '10.0.0.1.username': 'u', '10.0.0.1.password': 'second-password' });
    const v2 = (await provider.resolve(vc)).version;
    assert.notEqual(v2, v1);
    for (const v of [v1, v2]) {
      assert.match(v, /^[0-9a-f]{32}$/);
      assert.ok(!v.includes('password'));
    }
  });

  test('given the same credentials in two providers, should not give a guessable version', async () => {
    const vc = vcenter({ user: 'u', password: 'p' });
    const one = setup({ vcenters: [vc] }).provider;
    const two = setup({ vcenters: [vc] }).provider;
    await Promise.all([one.start(), two.start()]);
    assert.notEqual((await one.resolve(vc)).version, (await two.resolve(vc)).version);
  });

  test('given inline credentials were refused, should fall back to the Secret, and back when both are refused', async () => {
    const vc = vcenter({ user: 'stale', password: 'stale-pass', secretRef: SECRET_REF });
    const { provider, sources } = setup({ vcenters: [vc] });
    await provider.start();
    sources
      .get('secret kube-system/vc-creds')!
      .set({ '10.0.0.1.username': 'u', '10.0.0.1.password': 'rotated' });
    const inline = await provider.resolve(vc);
    assert.equal(inline.source, 'inline');
    provider.reportInvalidLogin(vc, inline.version);
    const fromSecret = await provider.resolve(vc);
    assert.deepEqual(fromSecret.credentials, pw('u', 'rotated'));
    provider.reportInvalidLogin(vc, fromSecret.version);
    assert.equal((await provider.resolve(vc)).version, inline.version);
  });

  test('given refused inline credentials and no other source, should still return them (the session guards retries)', async () => {
    const vc = vcenter({ user: 'u', password: 'p' });
    const { provider } = setup({ vcenters: [vc] });
    await provider.start();
    const first = await provider.resolve(vc);
    provider.reportInvalidLogin(vc, first.version);
    assert.equal((await provider.resolve(vc)).version, first.version);
  });
});

describe('SourcedCredentialProvider lifecycle', () => {
  test('given a source that syncs late, should make resolve wait for it', async () => {
    const vc = vcenter({ secretRef: SECRET_REF });
    const { provider, sources } = setup({ vcenters: [vc], syncOnStart: false, syncTimeoutMs: 50 });
    await provider.start();
    const secret = sources.get('secret kube-system/vc-creds')!;
    setTimeout(() => {
      secret.set({ '10.0.0.1.username': 'u', '10.0.0.1.password': 'p' });
      secret.sync();
    }, 20);
    assert.deepEqual((await provider.resolve(vc)).credentials, pw('u', 'p'));
  });

  test('given a source that never syncs, should bound start() and resolve() by syncTimeoutMs', async () => {
    const vc = vcenter({ secretRef: SECRET_REF });
    const { provider } = setup({ vcenters: [vc], syncOnStart: false, syncTimeoutMs: 100 });
    const started = performance.now();
    await provider.start();
    await assert.rejects(
      provider.resolve(vc),
      /Credentials not found for 10\.0\.0\.1 \(secret kube-system\/vc-creds: not synced yet\)/,
    );
    const ms = performance.now() - started;
    assert.ok(ms >= 190 && ms < 1_000, `took ${ms} ms`);
  });

  test('given resolve before start, should fail at once naming the unstarted source', async () => {
    const vc = vcenter({ secretRef: SECRET_REF });
    const { provider } = setup({ vcenters: [vc] });
    await assert.rejects(provider.resolve(vc), /not started/);
  });

  test('given an aborted start signal, should reject with its reason', async () => {
    const { provider } = setup({ vcenters: [vcenter({ secretRef: SECRET_REF })], syncOnStart: false });
    const ac = new AbortController();
    const pending = provider.start({ signal: ac.signal });
    ac.abort(new Error('shutting down'));
    await assert.rejects(pending, /shutting down/);
  });

  test('given a vCenter not in the configured list, should start its source on first use', async () => {
    const { provider, sources } = setup({ vcenters: [] });
    await provider.start();
    const vc = vcenter({ secretRef: { kind: 'secret', namespace: 'ns', name: 'late' } });
    const pending = provider.resolve(vc);
    const late = sources.get('secret ns/late')!;
    assert.equal(late.starts, 1);
    late.set({ '10.0.0.1.username': 'u', '10.0.0.1.password': 'p' });
    assert.deepEqual((await pending).credentials, pw('u', 'p'));
  });

  test('given a Secret reference but no kubeconfig, should refuse at construction', () => {
    assert.throws(
      () => new SourcedCredentialProvider({ global: GLOBAL, vcenters: [vcenter({ secretRef: SECRET_REF })] }),
      CredentialSourceUnavailableError,
    );
  });
});
