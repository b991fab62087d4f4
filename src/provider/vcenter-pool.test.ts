// SPDX-License-Identifier: Apache-2.0
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { VCenterConfig } from '../config/config.ts';
import type { ResolvedCredentials, VCenterCredentials } from '../credentials/credentials.ts';
import { findInCauses } from '../lib/errors.ts';
import type { ServiceContent } from '../vim25/generated/data-objects.ts';
import { InvalidLoginError, ManagedObjectNotFoundError, SoapTransportError } from '../vim25/faults.ts';
import { CurrentTime } from '../vim25/generated/methods.ts';
import { serviceInstance } from '../vim25/client.ts';
import { mor } from '../vim25/mor.ts';
import type { TaggingClient } from '../vsphere/rest/tagging.ts';
import { LoginSuppressedError } from '../vsphere/session.ts';
import { DatacenterNotFoundError } from '../vsphere/datacenters.ts';
import { FakeRoundTripper } from '../../test/fakes/fake-round-tripper.ts';
import type { ConnectedVCenter, VCenterConnectRequest, VCenterConnector } from './connect-vcenter.ts';
import {
  VCenterPool,
  type RejectionAwareCredentialProvider,
  type VCenterPoolEvent,
  type VCenterPoolOptions,
} from './vcenter-pool.ts';
import {
  UnknownVCenterError,
  VCenterConnectTimeoutError,
  VCenterPoolClosedError,
  VCenterUnavailableError,
} from './vcenter-pool-errors.ts';

const tlsFixtures = resolve(import.meta.dirname, '../../test/fixtures/tls');

function vc(tenantRef: string, extra: Partial<VCenterConfig> = {}): VCenterConfig {
  return {
    tenantRef,
    server: `${tenantRef}.example.com`,
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
    ...extra,
  };
}

/** Credentials whose password (and so version) the test can change. */
class FakeCredentials implements RejectionAwareCredentialProvider {
  password = 'pw-1';
  resolves = 0;
  readonly reported: string[] = [];
  reportInvalidLogin(vc: VCenterConfig, version: string): void {
    this.reported.push(`${vc.tenantRef} ${version}`);
  }
  resolve(): Promise<ResolvedCredentials> {
    this.resolves += 1;
    const credentials: VCenterCredentials = { kind: 'password', username: 'u', password: this.password };
    return Promise.resolve({ credentials, version: `v-${this.password}`, source: 'inline' });
  }
}

interface Attempt {
  readonly request: VCenterConnectRequest;
  readonly signal: AbortSignal;
  readonly closed: () => boolean;
}

type Behaviour = (
  attempt: Attempt,
) => Promise<ConnectedVCenter['datacenters']> | ConnectedVCenter['datacenters'];

/** A connector whose outcome per tenant is scripted, recording every attempt. */
class FakeConnector {
  readonly attempts: Attempt[] = [];
  readonly behaviours = new Map<string, Behaviour>();
  rt = new FakeRoundTripper(() => new Date(0));
  closeDelayMs = 0;

  readonly connect: VCenterConnector = async (request, { signal }) => {
    let closed = false;
    const attempt = { request, signal, closed: () => closed };
    this.attempts.push(attempt);
    // Like the session: the guard admits the credential version and records a refusal.
    const resolved = await request.credentials();
    await request.loginGuard.admit(resolved.version, { signal });
    const behaviour = this.behaviours.get(request.config.tenantRef) ?? (() => undefined);
    let datacenters: ConnectedVCenter['datacenters'];
    try {
      datacenters = await behaviour(attempt);
    } catch (err) {
      request.loginGuard.failed(resolved.version, err);
      request.onSessionEvent({ type: 'login-failed', username: 'u', code: 'TEST' });
      throw err;
    }
    request.loginGuard.succeeded(resolved.version);
    const connection = {
      host: `${request.config.server}:443`,
      rt: this.rt,
      serviceContent: { rootFolder: mor('Folder', 'group-d1') } as ServiceContent,
      // The pool hands the tagging client through untouched; these tests never call it.
      tagging: Object.create(null) as TaggingClient,
      close: async () => {
        closed = true;
        if (this.closeDelayMs > 0) await new Promise((r) => setTimeout(r, this.closeDelayMs).unref());
      },
    };
    return { connection, datacenters };
  };

  of(tenantRef: string): Attempt[] {
    return this.attempts.filter((a) => a.request.config.tenantRef === tenantRef);
  }
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener(
      'abort',
      () => {
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

function setup(vcenters: VCenterConfig[], extra: Partial<VCenterPoolOptions> = {}) {
  const clock = { t: 1_000_000 };
  const connector = new FakeConnector();
  const credentials = new FakeCredentials();
  const events: VCenterPoolEvent[] = [];
  const pool = new VCenterPool({
    vcenters,
    credentials,
    connector: connector.connect,
    now: () => clock.t,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { pool, connector, credentials, events, clock };
}

describe('VCenterPool', () => {
  test('given a new pool, should not connect or resolve credentials before first use', () => {
    const { pool, connector, credentials } = setup([vc('a'), vc('b')]);
    assert.deepEqual(pool.tenantRefs, ['a', 'b']);
    assert.equal(connector.attempts.length, 0);
    assert.equal(credentials.resolves, 0);
    const state = pool.state('a')!;
    assert.equal(state.connected, false);
    assert.equal(state.lastAttempt, undefined);
    assert.equal(state.lastError, undefined);
  });

  test('given many concurrent first users, should connect once and hand all the same client', async () => {
    const { pool, connector } = setup([vc('a')]);
    const clients = await Promise.all(Array.from({ length: 10 }, () => pool.get('a')));
    assert.equal(connector.attempts.length, 1);
    assert.ok(clients.every((c) => c === clients[0]));
    assert.equal(await pool.get('a'), clients[0]);
    assert.equal(connector.attempts.length, 1);
    await pool.close();
  });

  test('given one vCenter is slow to connect, should not delay another', async () => {
    const { pool, connector } = setup([vc('slow'), vc('fast')]);
    const release = deferred();
    connector.behaviours.set('slow', async () => {
      await release.promise;
      return undefined;
    });
    const slow = pool.get('slow');
    const fast = await pool.get('fast');
    assert.equal(fast.tenantRef, 'fast');
    assert.equal(pool.state('slow')?.connected, false);
    assert.equal(pool.state('fast')?.connected, true);
    release.resolve();
    assert.equal((await slow).tenantRef, 'slow');
    await pool.close();
  });

  test('given the config, should hand the connector its TLS settings and the provider credentials', async () => {
    const { pool, connector } = setup([vc('a', { insecure: true, thumbprint: 'AA:BB' })]);
    await pool.get('a');
    const request = connector.attempts[0]!.request;
    assert.deepEqual(request.tls, { insecure: true, thumbprint: 'AA:BB' });
    assert.deepEqual(await request.credentials(), {
      credentials: { kind: 'password', username: 'u', password: 'pw-1' },
      version: 'v-pw-1',
      source: 'inline',
    });
    await pool.close();
  });

  test('given two vCenters share a CA file, should read it once and pass its PEM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pool-ca-'));
    try {
      const caFile = join(dir, 'ca.pem');
      await copyFile(join(tlsFixtures, 'ca-cert.pem'), caFile);
      const { pool, connector } = setup([vc('a', { caFile }), vc('b', { caFile })]);
      await pool.get('a');
      await rm(caFile);
      await pool.get('b');
      const pem = await readFile(join(tlsFixtures, 'ca-cert.pem'), 'utf8');
      assert.deepEqual(
        connector.attempts.map((a) => a.request.tls.caPem),
        [pem, pem],
      );
      await pool.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('given a missing CA file, should fail the connect with the path and record it', async () => {
    const { pool, connector } = setup([vc('a', { caFile: join(tmpdir(), 'no-such-dir-x', 'ca.pem') })]);
    const err = await pool.get('a').catch((e: unknown) => e);
    assert.ok(err instanceof VCenterUnavailableError);
    assert.match(err.message, /no-such-dir-x/);
    assert.equal(pool.state('a')?.lastError?.code, 'TLS_CA_FILE_UNREADABLE');
    assert.equal(connector.attempts.length, 0);
  });

  test('given a failed connect, should fail fast during the backoff and retry after it, doubling', async () => {
    const { pool, connector, clock, events, credentials } = setup([vc('a')], {
      retryInitialMs: 1_000,
      retryMaxMs: 3_000,
    });
    let fail = true;
    connector.behaviours.set('a', () => {
      if (fail) throw new SoapTransportError('connect ECONNREFUSED', undefined);
      return undefined;
    });
    const first = await pool.get('a').catch((e: unknown) => e);
    assert.ok(first instanceof VCenterUnavailableError);
    assert.equal(first.retryAt, clock.t + 1_000);
    assert.ok(findInCauses(first, (e): e is SoapTransportError => e instanceof SoapTransportError));
    let state = pool.state('a')!;
    assert.equal(state.connected, false);
    assert.equal(state.consecutiveFailures, 1);
    assert.equal(state.lastAttempt, clock.t);
    assert.deepEqual(state.lastError, {
      code: 'SOAP_TRANSPORT',
      message: 'connect ECONNREFUSED',
      at: clock.t,
    });

    clock.t += 999;
    await assert.rejects(pool.get('a'), /is unavailable, next attempt in 1 s: connect ECONNREFUSED/);
    assert.equal(connector.attempts.length, 1);

    clock.t += 1;
    await assert.rejects(pool.get('a'), VCenterUnavailableError);
    assert.equal(connector.attempts.length, 2);
    assert.equal(pool.state('a')?.nextAttempt, clock.t + 2_000);

    clock.t += 2_000;
    await assert.rejects(pool.get('a'));
    assert.equal(pool.state('a')?.nextAttempt, clock.t + 3_000, 'capped at retryMaxMs');

    fail = false;
    clock.t += 3_000;
    await pool.get('a');
    state = pool.state('a')!;
    assert.equal(state.connected, true);
    assert.equal(state.consecutiveFailures, 0);
    assert.equal(state.lastSuccess, clock.t);
    assert.equal(state.nextAttempt, undefined);
    assert.equal(state.lastError?.code, 'SOAP_TRANSPORT', 'the last error is kept for diagnosis');
    assert.deepEqual(
      events.flatMap((e) => (e.type === 'connect-failed' ? [e.retryInMs] : [])),
      [1_000, 2_000, 3_000],
    );
    assert.deepEqual(credentials.reported, [], 'an outage is not a refusal of the credentials');
    await pool.close();
  });

  test('given an unknown datacenter, should fail the connect with that error as the cause', async () => {
    const { pool, connector } = setup([vc('a', { datacenters: ['dc-x'] })]);
    connector.behaviours.set('a', () => {
      throw new DatacenterNotFoundError(['dc-x'], ['dc-east']);
    });
    const err = await pool.get('a').catch((e: unknown) => e);
    assert.ok(err instanceof VCenterUnavailableError);
    assert.equal(
      err.message,
      'cannot connect to vCenter "a" (a.example.com): datacenter not found: dc-x (available: dc-east)',
    );
    assert.ok(err.cause instanceof DatacenterNotFoundError);
    assert.equal(pool.state('a')?.lastError?.code, 'DATACENTER_NOT_FOUND');
  });

  test('given resolved datacenters, should expose them on the client and in the state', async () => {
    const { pool, connector, events } = setup([vc('a', { datacenters: ['dc-east'] })]);
    const dc = { ref: mor('Datacenter', 'datacenter-2'), name: 'dc-east', path: '/dc-east' };
    connector.behaviours.set('a', () => [dc]);
    const client = await pool.get('a');
    assert.deepEqual(client.datacenters, [dc]);
    assert.deepEqual(pool.state('a')?.datacenters, [dc]);
    assert.deepEqual(
      events.find((e) => e.type === 'connected'),
      { type: 'connected', tenantRef: 'a', durationMs: 0, datacenters: ['/dc-east'] },
    );
    await pool.close();
  });

  test('given an InvalidLogin, should not use the same credentials again until they change', async () => {
    const { pool, connector, credentials, clock } = setup([vc('a')], { retryInitialMs: 10 });
    connector.behaviours.set('a', async ({ request }) => {
      const { credentials: creds } = await request.credentials();
      if (creds.kind === 'password' && creds.password === 'good') return undefined;
      throw new InvalidLoginError({
        faultCode: 'ServerFaultCode',
        faultString: 'Login failure',
        detail: { _type: 'InvalidLogin' },
      });
    });
    await assert.rejects(
      pool.get('a'),
      (e: unknown) => findInCauses(e, (x) => x instanceof InvalidLoginError) !== undefined,
    );
    assert.equal(connector.attempts.length, 1);
    assert.deepEqual(credentials.reported, ['a v-pw-1'], 'the provider may now offer another source');

    clock.t += 60_000;
    const again = await pool.get('a').catch((e: unknown) => e);
    assert.ok(findInCauses(again, (x): x is LoginSuppressedError => x instanceof LoginSuppressedError));
    assert.equal(connector.attempts.length, 1, 'the same credentials were not sent again');
    assert.equal(pool.state('a')?.lastError?.code, 'VIM_LOGIN_SUPPRESSED');

    credentials.password = 'good';
    clock.t += 60_000;
    await pool.get('a');
    assert.equal(connector.attempts.length, 2);
    assert.equal(pool.state('a')?.connected, true);
    assert.equal(
      connector.attempts[0]!.request.loginGuard,
      connector.attempts[1]!.request.loginGuard,
      'one guard per vCenter, kept across reconnects',
    );
    await pool.close();
  });

  test('given the InvalidLogin backoff has passed, should try the same credentials once more', async () => {
    const { pool, connector, clock } = setup([vc('a')], {
      retryInitialMs: 10,
      invalidLoginBackoffMs: 300_000,
    });
    connector.behaviours.set('a', () => {
      throw new InvalidLoginError({
        faultCode: 'ServerFaultCode',
        faultString: 'Login failure',
        detail: { _type: 'InvalidLogin' },
      });
    });
    await assert.rejects(pool.get('a'));
    clock.t += 299_999;
    await assert.rejects(pool.get('a'));
    assert.equal(connector.attempts.length, 1);
    clock.t += 100; // past both the InvalidLogin backoff and the connect retry backoff
    await assert.rejects(pool.get('a'));
    assert.equal(connector.attempts.length, 2);
  });

  test('given calls through the client, should track reachability and report each transition once', async () => {
    const { pool, connector, events, clock } = setup([vc('a')]);
    let outcome: 'ok' | 'down' | 'fault' = 'ok';
    connector.rt = new FakeRoundTripper(() => {
      if (outcome === 'down') throw new SoapTransportError('socket hang up', undefined);
      if (outcome === 'fault')
        throw new ManagedObjectNotFoundError({
          faultCode: 'x',
          faultString: 'gone',
          detail: { _type: 'ManagedObjectNotFound' },
        });
      return new Date(0);
    });
    const client = await pool.get('a');
    const call = () => CurrentTime(client.rt, { _this: serviceInstance });

    outcome = 'down';
    clock.t += 10;
    await assert.rejects(call(), SoapTransportError);
    await assert.rejects(call(), SoapTransportError);
    let state = pool.state('a')!;
    assert.equal(state.connected, false);
    assert.deepEqual(state.lastError, { code: 'SOAP_TRANSPORT', message: 'socket hang up', at: clock.t });

    outcome = 'fault';
    clock.t += 10;
    await assert.rejects(call(), ManagedObjectNotFoundError);
    state = pool.state('a')!;
    assert.equal(state.connected, true, 'a fault is an answer: the vCenter is reachable');
    assert.equal(state.lastSuccess, clock.t);

    outcome = 'ok';
    await call();
    assert.deepEqual(
      events.filter((e) => e.type === 'reachability'),
      [
        { type: 'reachability', tenantRef: 'a', connected: false },
        { type: 'reachability', tenantRef: 'a', connected: true },
      ],
    );
    await pool.close();
  });

  test('given a caller gives up, should let the shared connect finish for the others', async () => {
    const { pool, connector } = setup([vc('a')]);
    const release = deferred();
    connector.behaviours.set('a', async () => {
      await release.promise;
      return undefined;
    });
    const impatient = new AbortController();
    const first = pool.get('a', { signal: impatient.signal });
    const second = pool.get('a');
    impatient.abort(new Error('caller gave up'));
    await assert.rejects(first, /caller gave up/);
    release.resolve();
    assert.equal((await second).tenantRef, 'a');
    assert.equal(connector.attempts.length, 1);
    await pool.close();
  });

  test('given a connect that hangs, should abort it at the connect timeout', async () => {
    const { pool, connector } = setup([vc('a')], { connectTimeoutMs: 50 });
    connector.behaviours.set('a', ({ signal }) => untilAborted(signal));
    const err = await pool.get('a').catch((e: unknown) => e);
    assert.ok(err instanceof VCenterUnavailableError);
    assert.ok(err.cause instanceof VCenterConnectTimeoutError);
    assert.equal(pool.state('a')?.lastError?.code, 'VCENTER_CONNECT_TIMEOUT');
  });

  test('given an unknown tenant, should reject naming the known ones', async () => {
    const { pool } = setup([vc('a'), vc('b')]);
    await assert.rejects(
      pool.get('zzz'),
      (e: unknown) => e instanceof UnknownVCenterError && /have: a, b/.test(e.message),
    );
    assert.equal(pool.state('zzz'), undefined);
  });

  test('given the same tenant twice, should refuse the configuration', () => {
    assert.throws(() => setup([vc('a'), vc('a')]), TypeError);
  });

  test('given open and connecting vCenters, close should log out the open ones and abort the others', async () => {
    const { pool, connector } = setup([vc('open'), vc('hanging'), vc('never')]);
    connector.behaviours.set('hanging', ({ signal }) => untilAborted(signal));
    await pool.get('open');
    const hanging = pool.get('hanging');
    await new Promise((r) => setImmediate(r));
    await pool.close();
    await assert.rejects(hanging, VCenterPoolClosedError);
    assert.equal(connector.of('open')[0]!.closed(), true);
    assert.equal(connector.of('hanging')[0]!.signal.aborted, true);
    assert.equal(connector.of('never').length, 0);
    assert.deepEqual(
      pool.states().map((s) => s.connected),
      [false, false, false],
    );
    await assert.rejects(pool.get('open'), VCenterPoolClosedError);
    await pool.close();
  });

  test('given a logout that hangs, close should still end within its bound', async () => {
    const { pool, connector, events } = setup([vc('a')], { closeTimeoutMs: 50 });
    connector.closeDelayMs = 5_000;
    await pool.get('a');
    const started = performance.now();
    await pool.close();
    assert.ok(performance.now() - started < 2_000);
    assert.deepEqual(
      events.filter((e) => e.type === 'closed'),
      [{ type: 'closed', tenantRef: 'a', timedOut: true }],
    );
  });

  test('given connectAll, should try every vCenter and report each state', async () => {
    const { pool, connector } = setup([vc('up'), vc('down')]);
    connector.behaviours.set('down', () => {
      throw new SoapTransportError('connect ECONNREFUSED', undefined);
    });
    const states = await pool.connectAll();
    assert.deepEqual(
      states.map((s) => [s.tenantRef, s.connected, s.lastError?.code]),
      [
        ['up', true, undefined],
        ['down', false, 'SOAP_TRANSPORT'],
      ],
    );
    await pool.close();
  });
});
