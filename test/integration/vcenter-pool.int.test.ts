// SPDX-License-Identifier: Apache-2.0
// The vCenter connection pool against one simulator: lazy connect, shared login, datacenter
// scoping, TLS from the configuration, logout on close.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { VCenterConfig } from '../../src/config/config.ts';
import type { CredentialProvider } from '../../src/credentials/credentials.ts';
import { findInCauses } from '../../src/lib/errors.ts';
import { VCenterPool, type VCenterPoolOptions } from '../../src/provider/vcenter-pool.ts';
import { VCenterUnavailableError } from '../../src/provider/vcenter-pool-errors.ts';
import { DatacenterNotFoundError } from '../../src/vsphere/datacenters.ts';
import { readInventory } from '../../src/vsphere/inventory/read-inventory.ts';
import { startVcsim, type Vcsim } from '../support/vcsim.ts';

const scenario = resolve(import.meta.dirname, '../vcsim/scenarios/basic.json');

describe('vCenter pool against the simulator', () => {
  let sim: Vcsim;
  let dir: string;
  let caFile: string;
  let credentials: CredentialProvider;

  const config = (extra: Partial<VCenterConfig> = {}): VCenterConfig => {
    const url = new URL(sim.sdkUrl);
    return {
      tenantRef: 'prod',
      server: url.hostname,
      port: Number(url.port),
      user: undefined,
      password: undefined,
      insecure: false,
      caFile,
      thumbprint: undefined,
      datacenters: [],
      ipFamilies: ['ipv4'],
      soapRoundtripCount: 3,
      secretRef: undefined,
      ...extra,
    };
  };
  const pools: VCenterPool[] = [];
  const makePool = (vc: VCenterConfig, extra: Partial<VCenterPoolOptions> = {}): VCenterPool => {
    const pool = new VCenterPool({ vcenters: [vc], credentials, callTimeoutMs: 5_000, ...extra });
    pools.push(pool);
    return pool;
  };

  before(async () => {
    sim = await startVcsim({ scenario });
    dir = await mkdtemp(join(tmpdir(), 'vcenter-pool-'));
    caFile = join(dir, 'ca.pem');
    await writeFile(caFile, sim.certPem);
    credentials = {
      resolve: () =>
        Promise.resolve({
          credentials: { kind: 'password', ...sim.credentials },
          version: 'v1',
          source: 'inline',
        }),
    };
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('given many concurrent first users, should connect lazily with one Login', async () => {
    await sim.control.resetCounters();
    const pool = makePool(config());
    assert.deepEqual((await sim.control.counters()).soap, {}, 'nothing is sent before first use');
    const clients = await Promise.all(Array.from({ length: 20 }, () => pool.get('prod')));
    assert.ok(clients.every((c) => c === clients[0]));
    const soap = (await sim.control.counters()).soap;
    assert.equal(soap['Login'], 1);
    assert.equal(soap['RetrieveServiceContent'], 1);
    const state = pool.state('prod')!;
    assert.equal(state.connected, true);
    assert.equal(state.datacenters, undefined, 'no datacenters configured: not scoped');
    const vms = await readInventory(clients[0]!, { vcenter: clients[0]!.host });
    assert.equal(vms.length, 6);
  });

  test('given datacenters by name, path and MoRef, should resolve them all in one retrieval', async () => {
    const byName = makePool(config({ datacenters: ['dc-east', 'dc-west'] }));
    const named = await byName.get('prod');
    assert.deepEqual(
      named.datacenters?.map((dc) => [dc.name, dc.path]),
      [
        ['dc-east', '/dc-east'],
        ['dc-west', '/regions/west/dc-west'],
      ],
    );
    const eastRef = named.datacenters[0]!.ref;
    assert.equal(eastRef.type, 'Datacenter');

    await sim.control.resetCounters();
    const mixed = makePool(
      config({
        datacenters: [`Datacenter:${eastRef.value}`, 'regions/west/dc-west', '/regions/west/dc-west'],
      }),
    );
    const client = await mixed.get('prod');
    assert.deepEqual(
      client.datacenters?.map((dc) => dc.path),
      ['/dc-east', '/regions/west/dc-west'],
    );
    assert.deepEqual(statePaths(mixed), ['/dc-east', '/regions/west/dc-west']);
    const soap = (await sim.control.counters()).soap;
    assert.equal(soap['RetrievePropertiesEx'], 1, 'one retrieval whatever the number of entries');
    assert.equal(soap['CreateContainerView'], undefined);
  });

  test('given an unknown datacenter, should fail the connect saying what exists and log out again', async () => {
    const sessionsBefore = await sim.control.sessionCount();
    const pool = makePool(config({ datacenters: ['dc-east', 'dc-nowhere'] }));
    const err = await pool.get('prod').catch((e: unknown) => e);
    assert.ok(err instanceof VCenterUnavailableError);
    assert.ok(findInCauses(err, (e): e is DatacenterNotFoundError => e instanceof DatacenterNotFoundError));
    assert.match(
      err.message,
      /^cannot connect to vCenter "prod" \(127\.0\.0\.1:\d+\): datacenter not found: dc-nowhere \(available: dc-east, dc-west\)$/,
    );
    const state = pool.state('prod')!;
    assert.equal(state.connected, false);
    assert.equal(state.lastError?.code, 'DATACENTER_NOT_FOUND');
    assert.equal(await sim.control.sessionCount(), sessionsBefore, 'the failed connect logged out');
  });

  test('given a thumbprint and no CA, should connect by pinning', async () => {
    for (const thumbprint of [sim.thumbprintSha256, sim.thumbprintSha1]) {
      const pool = makePool(config({ caFile: undefined, thumbprint }));
      const client = await pool.get('prod');
      assert.equal(pool.state('prod')?.connected, true);
      assert.equal(client.datacenters, undefined);
    }
  });

  test('given a wrong thumbprint, should refuse the server before any SOAP call', async () => {
    await sim.control.resetCounters();
    const wrong = sim.thumbprintSha256.replace(/^[0-9A-F]{2}/, (b) => (b === '00' ? '11' : '00'));
    const pool = makePool(config({ caFile: undefined, thumbprint: wrong }));
    await assert.rejects(pool.get('prod'), VCenterUnavailableError);
    assert.equal(pool.state('prod')?.lastError?.code, 'TLS_THUMBPRINT_MISMATCH');
    assert.deepEqual((await sim.control.counters()).soap, {});
  });

  test('given no CA, no thumbprint and no insecure flag, should refuse the self-signed server', async () => {
    const pool = makePool(config({ caFile: undefined }));
    const err = await pool.get('prod').catch((e: unknown) => e);
    assert.ok(err instanceof VCenterUnavailableError);
    assert.equal(pool.state('prod')?.lastError?.code, 'SOAP_TRANSPORT');
    const insecure = makePool(config({ caFile: undefined, insecure: true }));
    await insecure.get('prod');
    assert.equal(insecure.state('prod')?.connected, true);
  });

  test('given a CA file holding another CA, should refuse the server', async () => {
    const otherCa = resolve(import.meta.dirname, '../fixtures/tls/ca-cert.pem');
    const pool = makePool(config({ caFile: otherCa }));
    await assert.rejects(pool.get('prod'), VCenterUnavailableError);
    assert.equal(pool.state('prod')?.connected, false);
  });

  test('given a wrong password, should send it once across reconnects and connect once it changes', async () => {
    await sim.control.resetCounters();
    let password = 'Wrong-Pass-1!';
    const rotating: CredentialProvider = {
      resolve: () =>
        Promise.resolve({
          credentials: { kind: 'password', username: sim.credentials.username, password },
          version: password,
          source: 'inline',
        }),
    };
    const pool = makePool(config(), { credentials: rotating, retryInitialMs: 20 });
    const first = await pool.get('prod').catch((e: unknown) => e);
    assert.ok(first instanceof VCenterUnavailableError);
    assert.equal(pool.state('prod')?.lastError?.code, 'VIM_INVALID_LOGIN');
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await assert.rejects(pool.get('prod'), VCenterUnavailableError);
      assert.equal(pool.state('prod')?.lastError?.code, 'VIM_LOGIN_SUPPRESSED');
    }
    assert.equal((await sim.control.failedCounters()).soap['Login'], 1, 'one failed login in all');
    password = sim.credentials.password;
    await new Promise((r) => setTimeout(r, 1_000)); // past the connect backoff (20 ms doubled 4 times)
    await pool.get('prod');
    assert.equal(pool.state('prod')?.connected, true);
    assert.equal((await sim.control.counters()).soap['Login'], 2);
  });

  test('given open connections, close should log every session out', async () => {
    const pool = new VCenterPool({ vcenters: [config(), config({ tenantRef: 'again' })], credentials });
    const before = await sim.control.sessionCount();
    await Promise.all([pool.get('prod'), pool.get('again')]);
    assert.equal(await sim.control.sessionCount(), before + 2);
    await pool.close();
    assert.equal(await sim.control.sessionCount(), before);
    assert.deepEqual(
      pool.states().map((s) => s.connected),
      [false, false],
    );
  });
});

function statePaths(pool: VCenterPool): string[] | undefined {
  return pool.state('prod')?.datacenters?.map((dc) => dc.path);
}
