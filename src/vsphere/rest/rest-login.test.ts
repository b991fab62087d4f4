// SPDX-License-Identifier: Apache-2.0
// The `headers` and `soap-session` login strategies of VapiRestClient, against the fake vAPI.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import {
  isLogin,
  reply,
  startFakeVapi,
  withSessions,
  type FakeHandler,
  type FakeVapi,
} from '../../../test/fakes/fake-vapi-server.ts';
import { LoginGuard } from '../login/login-guard.ts';
import { RestLoginRejectedError, VapiRestClient, type RestLoginRequest } from './rest-client.ts';
import { RestTimeoutError, RestUnauthenticatedError } from './rest-errors.ts';
import { SharedSessionMissingError } from './rest-session.ts';

const open: FakeVapi[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});

const ok: FakeHandler = (req, res) => {
  reply(res, 200, { value: { echo: req.path } });
};

/** A refusal while making the login headers, as the STS's fault is. */
class Refused extends Error {
  readonly loginRejected = true;
}

interface Fake {
  readonly fake: FakeVapi;
  readonly state: { sessions: Set<string>; logins: number; authorization?: string };
}

async function fakeVapi(authorization?: string): Promise<Fake> {
  const state = {
    sessions: new Set<string>(),
    logins: 0,
    ...(authorization === undefined ? {} : { authorization }),
  };
  const fake = await startFakeVapi(withSessions(ok, state));
  open.push(fake);
  return { fake, state };
}

const calls = (f: Fake) => f.fake.requests.filter((r) => !isLogin(r));

describe('VapiRestClient headers login', () => {
  async function tokenClient(
    opts: { token?: () => string; guard?: LoginGuard; version?: () => string } = {},
  ) {
    const f = await fakeVapi('Token good');
    const seen: RestLoginRequest[] = [];
    const client = new VapiRestClient({
      baseUrl: f.fake.baseUrl,
      dispatcher: f.fake.dispatcher,
      timeoutMs: 5_000,
      ...(opts.guard === undefined ? {} : { loginGuard: opts.guard }),
      login: {
        kind: 'headers',
        credentials: () => ({
          version: opts.version?.() ?? 'v1',
          authorize: (request) => {
            seen.push(request);
            return { authorization: `Token ${opts.token?.() ?? 'good'}` };
          },
        }),
      },
    });
    return { ...f, client, seen };
  }

  test('given a headers login, should POST the session with those headers once and reuse the id', async () => {
    const t = await tokenClient();
    await Promise.all([t.client.get('/a'), t.client.get('/b'), t.client.get('/c')]);
    assert.equal(t.state.logins, 1);
    const login = t.fake.requests.find(isLogin);
    assert.equal(login?.headers.authorization, 'Token good');
    assert.equal(login.headers['vmware-use-header-authn'], 'true');
    assert.equal(login.body, '');
    assert.deepEqual(
      t.seen.map((r) => [r.method, r.url.href]),
      [['POST', `${t.fake.baseUrl.href}/com/vmware/cis/session`]],
    );
    assert.ok(calls(t).every((r) => r.headers['vmware-api-session-id'] === 'session-1'));
  });

  test('given a session the server dropped, should make fresh headers for the one re-login', async () => {
    const t = await tokenClient();
    await t.client.get('/a');
    t.state.sessions.clear();
    assert.deepEqual(await t.client.get('/b'), { echo: '/b' });
    assert.equal(t.seen.length, 2);
    assert.equal(t.state.logins, 2);
  });

  test('given a refused token, should count one refused login and send nothing until the version changes', async () => {
    let token = 'stale';
    let version = 'v1';
    const guard = new LoginGuard({ minLoginIntervalMs: 0 });
    const t = await tokenClient({ token: () => token, version: () => version, guard });
    await assert.rejects(t.client.get('/a'), (err: unknown) => {
      assert.ok(err instanceof RestLoginRejectedError);
      assert.ok(err instanceof RestUnauthenticatedError);
      assert.equal(err.loginRejected, true);
      return true;
    });
    assert.equal(guard.isSuppressed('v1'), true, 'the refusal is in the shared guard');
    await assert.rejects(t.client.get('/a'), (err: unknown) => {
      assert.ok(err instanceof RestUnauthenticatedError);
      assert.ok(err.cause instanceof RestLoginRejectedError);
      assert.match(err.message, /lockout guard/);
      return true;
    });
    assert.equal(t.state.logins, 1);
    assert.equal(t.seen.length, 1, 'no headers made for a held-back version');
    [token, version] = ['good', 'v2'];
    assert.deepEqual(await t.client.get('/b'), { echo: '/b' });
    assert.equal(t.state.logins, 2);
  });

  test('given a version the SOAP session had refused in the shared guard, should not send a vAPI login', async () => {
    const guard = new LoginGuard({ minLoginIntervalMs: 0 });
    await guard.admit('v1');
    guard.failed('v1', new Refused('InvalidLogin'));
    const t = await tokenClient({ guard });
    await assert.rejects(t.client.get('/a'), (err: unknown) => {
      assert.ok(err instanceof RestUnauthenticatedError);
      assert.ok(err.cause instanceof Refused);
      return true;
    });
    assert.equal(t.fake.requests.length, 0);
    assert.equal(t.seen.length, 0);
  });

  test('given headers that fail with a refusal (STS fault), should hold that version back', async () => {
    const f = await fakeVapi('Token good');
    let asked = 0;
    const client = new VapiRestClient({
      baseUrl: f.fake.baseUrl,
      dispatcher: f.fake.dispatcher,
      login: {
        kind: 'headers',
        credentials: () => ({
          version: 'cert-1',
          authorize: () => {
            asked += 1;
            return Promise.reject(new Refused('STS: unknown certificate'));
          },
        }),
      },
    });
    await assert.rejects(client.get('/a'), Refused);
    await assert.rejects(client.get('/a'), RestUnauthenticatedError);
    assert.equal(asked, 1);
    assert.equal(f.fake.requests.length, 0);
  });

  test('given headers that fail for another reason (STS outage), should try again on the next call', async () => {
    const f = await fakeVapi('Token good');
    let asked = 0;
    const client = new VapiRestClient({
      baseUrl: f.fake.baseUrl,
      dispatcher: f.fake.dispatcher,
      login: {
        kind: 'headers',
        credentials: () => ({
          version: 'cert-1',
          authorize: () => {
            asked += 1;
            if (asked === 1) throw new Error('STS unreachable');
            return { authorization: 'Token good' };
          },
        }),
      },
    });
    await assert.rejects(client.get('/a'), /STS unreachable/);
    assert.deepEqual(await client.get('/a'), { echo: '/a' });
    assert.equal(asked, 2);
  });
});

describe('VapiRestClient soap-session login', () => {
  async function sharedClient(
    opts: { cookie?: string | undefined; revalidate?: () => Promise<void>; timeoutMs?: number } = {},
  ) {
    const f = await fakeVapi();
    const soap = { cookie: 'cookie' in opts ? opts.cookie : '"soap-1"', revalidations: 0 };
    f.state.sessions.add('soap-1');
    const client = new VapiRestClient({
      baseUrl: f.fake.baseUrl,
      dispatcher: f.fake.dispatcher,
      timeoutMs: opts.timeoutMs ?? 5_000,
      login: {
        kind: 'soap-session',
        sessionId: () => soap.cookie,
        revalidate: async () => {
          soap.revalidations += 1;
          await opts.revalidate?.();
        },
      },
    });
    return { ...f, client, soap };
  }

  test('given a shared SOAP session, should send its unquoted id on every call and never log in', async () => {
    const s = await sharedClient();
    await Promise.all([s.client.get('/a'), s.client.post('/b', { action: 'x' })]);
    assert.equal(s.fake.requests.filter(isLogin).length, 0);
    assert.deepEqual(
      s.fake.requests.map((r) => r.headers['vmware-api-session-id']),
      ['soap-1', 'soap-1'],
    );
    assert.equal(s.soap.revalidations, 0);
  });

  test('given 6 concurrent calls refused after the SOAP session ended, should revalidate once and retry with the new id', async () => {
    const s = await sharedClient({
      revalidate: async () => {
        // The SOAP session logs in again: a new cookie that vAPI accepts.
        await new Promise((resolve) => setTimeout(resolve, 20));
        s.soap.cookie = '"soap-2"';
        s.state.sessions.add('soap-2');
      },
    });
    s.state.sessions.clear();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => s.client.get(`/c${String(i)}`)));
    assert.deepEqual(results[5], { echo: '/c5' });
    assert.equal(s.soap.revalidations, 1);
    const ids = s.fake.requests.map((r) => r.headers['vmware-api-session-id']);
    assert.deepEqual(
      [ids.filter((id) => id === 'soap-1').length, ids.filter((id) => id === 'soap-2').length],
      [6, 6],
    );
    assert.equal(s.fake.requests.filter(isLogin).length, 0);
  });

  test('given a SOAP session alive but refused by vAPI, should retry once and surface RestUnauthenticatedError', async () => {
    const s = await sharedClient();
    s.state.sessions.clear();
    await assert.rejects(s.client.get('/a'), RestUnauthenticatedError);
    assert.equal(s.soap.revalidations, 1);
    assert.equal(s.fake.requests.length, 2);
  });

  test('given no SOAP session yet, should have it revalidated first and then use its id', async () => {
    const s = await sharedClient({
      cookie: undefined,
      revalidate: () => {
        s.soap.cookie = 'soap-1';
        return Promise.resolve();
      },
    });
    assert.deepEqual(await s.client.get('/a'), { echo: '/a' });
    assert.equal(s.soap.revalidations, 1);
  });

  test('given a SOAP session that stays logged out, should reject SharedSessionMissingError without a call', async () => {
    const s = await sharedClient({ cookie: undefined });
    await assert.rejects(s.client.get('/a'), SharedSessionMissingError);
    assert.equal(s.fake.requests.length, 0);
  });

  test('given a revalidation that never ends, should time the call out', async () => {
    const s = await sharedClient({ timeoutMs: 100, revalidate: () => new Promise<void>(() => undefined) });
    s.state.sessions.clear();
    await assert.rejects(s.client.get('/a'), RestTimeoutError);
  });

  test('given logout, should send nothing: the SOAP session is its owner’s to end', async () => {
    const s = await sharedClient();
    await s.client.get('/a');
    await s.client.logout();
    assert.equal(s.fake.requests.filter((r) => r.method === 'DELETE').length, 0);
    assert.deepEqual(await s.client.get('/b'), { echo: '/b' });
  });
});
