// SPDX-License-Identifier: Apache-2.0
// Credentials from a Kubernetes Secret (served by a local fake of the Secret API) and from a
// secrets directory reach a real login on the simulator; rotating them applies without restart,
// and a wrong password costs exactly one failed login while it stays unchanged.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { VCenterConfig } from '../../src/config/config.ts';
import {
  SourcedCredentialProvider,
  type CredentialProviderOptions,
} from '../../src/credentials/credential-provider.ts';
import { retrieveServiceContent } from '../../src/vim25/client.ts';
import { InvalidLoginError } from '../../src/vim25/faults.ts';
import { LoginSuppressedError, VimSession, type LoginCredentials } from '../../src/vsphere/session.ts';
import { startFakeSecretApi, type FakeSecretApi } from '../support/fake-secret-api.ts';
import { simTransport } from '../support/sim-transport.ts';
import { startVcsim, type Vcsim } from '../support/vcsim.ts';

const scenario = resolve(import.meta.dirname, '../vcsim/scenarios/basic.json');
const NS = 'kube-system';
const SECRET = 'vsphere-creds';
const WRONG_PASSWORD = 'Not-The-Password-1!';
/** The bound: new credentials apply at the next login within 10 s. */
const ROTATION_BOUND_MS = 10_000;

const GLOBAL: CredentialProviderOptions['global'] = {
  user: undefined,
  password: undefined,
  secretName: undefined,
  secretNamespace: undefined,
  secretsDirectory: undefined,
};

describe('credential sources against the simulator', () => {
  let sim: Vcsim;
  let api: FakeSecretApi;
  let vc: VCenterConfig;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    sim = await startVcsim({ scenario });
    const sdk = new URL(sim.sdkUrl);
    vc = {
      tenantRef: 'sim',
      server: sdk.hostname,
      port: Number(sdk.port),
      user: undefined,
      password: undefined,
      insecure: false,
      caFile: undefined,
      thumbprint: undefined,
      datacenters: [],
      ipFamilies: ['ipv4'],
      soapRoundtripCount: 3,
      secretRef: undefined,
    };
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    api = await startFakeSecretApi();
    await sim.control.resetCounters();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await api.close();
  });

  const keys = (password: string): Record<string, string> => ({
    [`${vc.server}.username`]: sim.credentials.username,
    [`${vc.server}.password`]: password,
  });

  /** A provider and a long-lived session that reads credentials from it at every login. */
  async function sessionWith(provider: SourcedCredentialProvider, forVc: VCenterConfig): Promise<VimSession> {
    await provider.start();
    const bare = simTransport(sim);
    const session = new VimSession({
      transport: bare.transport,
      serviceContent: await retrieveServiceContent(bare.transport),
      credentials: async (): Promise<LoginCredentials> => {
        const { credentials } = await provider.resolve(forVc);
        assert.equal(credentials.kind, 'password');
        return credentials;
      },
      minLoginIntervalMs: 100,
    });
    cleanups.push(async () => {
      await session.close();
      await provider.close();
      await bare.close();
    });
    return session;
  }

  const logins = async (): Promise<number> => (await sim.control.counters()).soap['Login'] ?? 0;

  /**
   * The wrong password fails once; while it is unchanged every further login is refused locally.
   * Then `rotate()` puts the right one in place, and a login must succeed within the bound.
   */
  async function assertOneFailureThenRotation(
    session: VimSession,
    rotate: () => Promise<void>,
  ): Promise<void> {
    await assert.rejects(session.login(), InvalidLoginError);
    assert.equal(await logins(), 1);
    for (let i = 0; i < 5; i++) {
      await assert.rejects(session.login(), LoginSuppressedError);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await logins(), 1, 'no second attempt with the same wrong password');

    await rotate();
    const rotatedAt = performance.now();
    for (;;) {
      try {
        await session.login();
        break;
      } catch (err) {
        assert.ok(err instanceof LoginSuppressedError, `unexpected ${String(err)}`);
        assert.ok(
          performance.now() - rotatedAt < ROTATION_BOUND_MS,
          'rotated credentials not used within 10 s',
        );
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.ok(performance.now() - rotatedAt < ROTATION_BOUND_MS);
    assert.equal(await logins(), 2, 'exactly one failed and one successful login');
  }

  test('given credentials in the vCenter Secret, should log in with them, watching only that Secret', async () => {
    api.putSecret(NS, 'unrelated', { 'other.username': 'x', 'other.password': 'y' });
    api.putSecret(NS, SECRET, keys(sim.credentials.password));
    const forVc = { ...vc, secretRef: { kind: 'secret', namespace: NS, name: SECRET } } as const;
    const provider = new SourcedCredentialProvider({
      global: GLOBAL,
      vcenters: [forVc],
      kubeConfig: api.kubeConfig(),
    });
    const session = await sessionWith(provider, forVc);
    await session.login();
    assert.equal(session.userSession?.userName, sim.credentials.username);
    assert.equal(await logins(), 1);
    assert.ok(api.requests.length >= 1);
    for (const r of api.requests) assert.equal(r.query['fieldSelector'], `metadata.name=${SECRET}`);
  });

  test('given a wrong password in the Global Secret, should fail once, then log in within 10 s of the Secret being fixed', async () => {
    api.putSecret(NS, SECRET, keys(WRONG_PASSWORD));
    const forVc = { ...vc, secretRef: { kind: 'global' } } as const;
    const provider = new SourcedCredentialProvider({
      global: { ...GLOBAL, secretName: SECRET, secretNamespace: NS },
      vcenters: [forVc],
      kubeConfig: api.kubeConfig(),
    });
    const session = await sessionWith(provider, forVc);
    const before = await provider.resolve(forVc);
    await assertOneFailureThenRotation(session, () => {
      api.putSecret(NS, SECRET, keys(sim.credentials.password));
      return Promise.resolve();
    });
    assert.notEqual((await provider.resolve(forVc)).version, before.version);
  });

  test('given a wrong password in a mounted secrets directory, should fail once, then log in after a ..data swap', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ccm-int-secrets-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeAtomic(dir, 1, keys(WRONG_PASSWORD));
    const forVc = { ...vc, secretRef: { kind: 'global' } } as const;
    const provider = new SourcedCredentialProvider({
      global: { ...GLOBAL, secretsDirectory: dir },
      vcenters: [forVc],
    });
    const session = await sessionWith(provider, forVc);
    await assertOneFailureThenRotation(session, () => writeAtomic(dir, 2, keys(sim.credentials.password)));
  });

  test('given file notifications are missed, should still apply a rotated file by the periodic re-read within 10 s', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ccm-int-secrets-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    for (const [k, v] of Object.entries(keys(WRONG_PASSWORD))) await writeFile(join(dir, k), `${v}\n`);
    const forVc = { ...vc, secretRef: { kind: 'global' } } as const;
    const provider = new SourcedCredentialProvider({
      global: { ...GLOBAL, secretsDirectory: dir },
      vcenters: [forVc],
      directory: { fsWatch: false },
    });
    const session = await sessionWith(provider, forVc);
    await assertOneFailureThenRotation(session, () =>
      writeFile(join(dir, `${vc.server}.password`), `${sim.credentials.password}\n`),
    );
  });
});

/** Lays out a Secret volume the way the kubelet's atomic writer does. */
async function writeAtomic(dir: string, generation: number, files: Record<string, string>): Promise<void> {
  const target = `..gen_${generation}`;
  await mkdir(join(dir, target));
  for (const [k, v] of Object.entries(files)) await writeFile(join(dir, target, k), v);
  await symlink(target, join(dir, '..data_tmp'));
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const k of Object.keys(files)) await symlink(join('..data', k), join(dir, k)).catch(() => undefined);
  if (generation > 1) await rm(join(dir, `..gen_${generation - 1}`), { recursive: true });
}
