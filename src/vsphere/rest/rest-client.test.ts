// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, test } from 'node:test';
import { Agent } from 'undici';
import {
  isLogin,
  reply,
  replyText,
  startFakeVapi,
  withSessions,
  type FakeHandler,
  type FakeVapi,
} from '../../../test/fakes/fake-vapi-server.ts';
import { VapiRestClient, type RestCallEvent, type RestCredentials } from './rest-client.ts';
import {
  RestDecodeError,
  RestError,
  RestNotFoundError,
  RestTimeoutError,
  RestTransportError,
  RestUnauthenticatedError,
} from './rest-errors.ts';

const secret = 'pass';

interface Harness {
  fake: FakeVapi;
  client: VapiRestClient;
  state: { sessions: Set<string>; logins: number; password?: string };
  events: RestCallEvent[];
}

const open: FakeVapi[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});

async function harness(
  next: FakeHandler,
  opts: { timeoutMs?: number; credentials?: () => RestCredentials } = {},
): Promise<Harness> {
  const state = { sessions: new Set<string>(), logins: 0 };
  const fake = await startFakeVapi(withSessions(next, state));
  open.push(fake);
  const events: RestCallEvent[] = [];
  const client = new VapiRestClient({
    baseUrl: fake.baseUrl,
    dispatcher: fake.dispatcher,
    credentials: opts.credentials ?? (() => ({ username: 'user', password: secret })),
    timeoutMs: opts.timeoutMs ?? 5_000,
    onCall: (e) => events.push(e),
  });
  return { fake, client, state, events };
}

const ok: FakeHandler = (req, res) => {
  reply(res, 200, { value: { echo: req.path } });
};

function nonLogin(h: Harness): number {
  return h.fake.requests.filter((r) => !isLogin(r)).length;
}

describe('VapiRestClient sessions', () => {
  test('given 10 concurrent first calls, should log in once and send the session id on every call', async () => {
    const h = await harness(ok);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => h.client.get(`/x/${String(i)}`)));
    assert.equal(h.state.logins, 1);
    assert.deepEqual(results[3], { echo: '/x/3' });
    const calls = h.fake.requests.filter((r) => !isLogin(r));
    assert.equal(calls.length, 10);
    assert.ok(calls.every((r) => r.headers['vmware-api-session-id'] === 'session-1'));
  });

  test('given a login, should use basic auth with header authentication', async () => {
    const h = await harness(ok);
    await h.client.get('/x');
    const login = h.fake.requests.find(isLogin);
    assert.equal(login?.headers.authorization, `Basic ${Buffer.from(`user:${secret}`).toString('base64')}`);
    assert.equal(login.headers['vmware-use-header-authn'], 'true');
    assert.equal(login.headers['vmware-api-session-id'], undefined);
  });

  test('given a session the server dropped, should log in again once and retry the call', async () => {
    const h = await harness(ok);
    await h.client.get('/a');
    h.state.sessions.clear();
    assert.deepEqual(await h.client.get('/b'), { echo: '/b' });
    assert.equal(h.state.logins, 2);
    assert.deepEqual(
      h.fake.requests.filter((r) => !isLogin(r)).map((r) => [r.path, r.headers['vmware-api-session-id']]),
      [
        ['/a', 'session-1'],
        ['/b', 'session-1'],
        ['/b', 'session-2'],
      ],
    );
  });

  test('given 8 concurrent calls refused with the same dropped session, should share one re-login', async () => {
    const h = await harness(ok);
    await h.client.get('/warm');
    h.state.sessions.clear();
    const results = await Promise.all(Array.from({ length: 8 }, () => h.client.get('/y')));
    assert.equal(results.length, 8);
    assert.equal(h.state.logins, 2);
  });

  test('given a retry that is refused again, should surface RestUnauthenticatedError after one re-login', async () => {
    const h = await harness((_req, res) => {
      reply(res, 401, { type: 'com.vmware.vapi.std.errors.unauthenticated' });
    });
    await assert.rejects(h.client.get('/z'), (err: unknown) => {
      assert.ok(err instanceof RestUnauthenticatedError);
      assert.equal(err.status, 401);
      assert.equal(err.code, 'REST_UNAUTHENTICATED');
      return true;
    });
    assert.equal(h.state.logins, 2);
    assert.equal(nonLogin(h), 2);
  });

  test('given a wrong password, should not send the same credentials again until they change', async () => {
    let password = 'wrong';
    const h = await harness(ok, { credentials: () => ({ username: 'user', password }) });
    await assert.rejects(h.client.get('/a'), RestUnauthenticatedError);
    await assert.rejects(h.client.get('/a'), (err: unknown) => {
      assert.ok(err instanceof RestUnauthenticatedError);
      assert.ok(err.cause instanceof RestUnauthenticatedError);
      assert.match(err.message, /lockout guard/);
      return true;
    });
    await assert.rejects(Promise.all([h.client.get('/b'), h.client.get('/c')]), RestUnauthenticatedError);
    assert.equal(h.state.logins, 1);
    assert.equal(nonLogin(h), 0);
    password = secret;
    assert.deepEqual(await h.client.get('/d'), { echo: '/d' });
    assert.equal(h.state.logins, 2);
  });

  test('given a login failing with 503, should try again on the next call', async () => {
    let down = true;
    const fake = await startFakeVapi((req, res) => {
      if (isLogin(req) && down) {
        reply(res, 503, { type: 'com.vmware.vapi.std.errors.service_unavailable' });
        return;
      }
      reply(res, 200, { value: isLogin(req) ? 'sid' : 'ok' });
    });
    open.push(fake);
    const client = new VapiRestClient({
      baseUrl: fake.baseUrl,
      dispatcher: fake.dispatcher,
      credentials: () => ({ username: 'user', password: secret }),
    });
    await assert.rejects(client.get('/a'), (err: unknown) => err instanceof RestError && err.status === 503);
    down = false;
    assert.equal(await client.get('/a'), 'ok');
    assert.equal(fake.requests.filter(isLogin).length, 2);
  });

  test('given credentials that rotate, should ask for them at each login', async () => {
    let asked = 0;
    const h = await harness(ok, {
      credentials: () => {
        asked += 1;
        return { username: 'user', password: secret };
      },
    });
    await h.client.get('/a');
    await h.client.get('/b');
    h.state.sessions.clear();
    await h.client.get('/c');
    assert.equal(asked, 2);
  });

  test('given logout, should delete the session once and log in again on the next call', async () => {
    const h = await harness(ok);
    await h.client.get('/a');
    await h.client.logout();
    await h.client.logout();
    const deletes = h.fake.requests.filter(
      (r) => r.method === 'DELETE' && r.path === '/com/vmware/cis/session',
    );
    assert.equal(deletes.length, 1);
    assert.equal(deletes[0]?.headers['vmware-api-session-id'], 'session-1');
    await h.client.get('/b');
    assert.equal(h.state.logins, 2);
  });

  test('given a server that fails the logout, should still resolve and forget the session', async () => {
    const fake = await startFakeVapi((req, res) => {
      if (req.method === 'DELETE') replyText(res, 500, 'boom');
      else reply(res, 200, { value: 'sid' });
    });
    open.push(fake);
    const client = new VapiRestClient({
      baseUrl: fake.baseUrl,
      dispatcher: fake.dispatcher,
      credentials: () => ({ username: 'user', password: secret }),
    });
    await client.get('/a');
    await client.logout();
    await client.get('/b');
    assert.equal(fake.requests.filter(isLogin).length, 2);
  });
});

describe('VapiRestClient requests and replies', () => {
  test('given an action without a body, should POST {} as JSON with ~action', async () => {
    const h = await harness(ok);
    await h.client.post('/com/vmware/cis/tagging/tag-association/id:t1', { action: 'list-attached-objects' });
    const call = h.fake.requests.find((r) => !isLogin(r));
    assert.equal(call?.body, '{}');
    assert.equal(call.action, 'list-attached-objects');
    assert.equal(call.headers['content-type'], 'application/json');
    assert.equal(call.headers.accept, 'application/json');
  });

  test('given {"value":null} or an empty body, should resolve undefined', async () => {
    const h = await harness((req, res) => {
      if (req.path === '/null') reply(res, 200, { value: null });
      else reply(res, 200);
    });
    assert.equal(await h.client.get('/null'), undefined);
    assert.equal(await h.client.delete('/empty'), undefined);
  });

  test('given a success reply that is not JSON, should reject RestDecodeError', async () => {
    const h = await harness((_req, res) => {
      replyText(res, 200, '<html>proxy</html>');
    });
    await assert.rejects(h.client.get('/x'), RestDecodeError);
  });

  test('given an error reply, should type it from the body', async () => {
    const h = await harness((_req, res) => {
      reply(res, 400, {
        type: 'com.vmware.vapi.std.errors.not_found',
        value: {
          error_type: 'NOT_FOUND',
          messages: [{ default_message: 'Tag t9 not found', id: 'x', args: [] }],
        },
      });
    });
    await assert.rejects(h.client.get('/x'), (err: unknown) => {
      assert.ok(err instanceof RestNotFoundError);
      assert.equal(err.status, 400);
      assert.equal(err.errorType, 'com.vmware.vapi.std.errors.not_found');
      assert.deepEqual(err.messages, ['Tag t9 not found']);
      assert.deepEqual(err.request, { method: 'GET', path: '/x' });
      return true;
    });
  });

  test('given a path without a leading slash, should reject before any request', async () => {
    const h = await harness(ok);
    await assert.rejects(h.client.get('x'), TypeError);
    assert.equal(h.fake.requests.length, 0);
  });

  test('given calls, should report each exchange to onCall without secrets', async () => {
    const h = await harness(ok);
    await h.client.post('/p', { action: 'do' });
    assert.deepEqual(
      h.events.map((e) => [e.path, e.action, e.status]),
      [
        ['/com/vmware/cis/session', undefined, 200],
        ['/p', 'do', 200],
      ],
    );
    assert.ok(h.events.every((e) => e.durationMs >= 0));
    assert.ok(!JSON.stringify(h.events).includes('session-1'));
  });
});

describe('VapiRestClient time bounds, aborts and transport', () => {
  test('given a server that never answers, should reject RestTimeoutError within the bound', async () => {
    const h = await harness(() => undefined, { timeoutMs: 150 });
    const started = performance.now();
    await assert.rejects(h.client.get('/hang'), (err: unknown) => {
      assert.ok(err instanceof RestTimeoutError);
      assert.equal(err.timeoutMs, 150);
      return true;
    });
    assert.ok(performance.now() - started < 2_000);
  });

  test('given a reply body that stops half way, should reject RestTimeoutError', async () => {
    const h = await harness(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"value":');
      },
      { timeoutMs: 150 },
    );
    await assert.rejects(h.client.get('/half'), RestTimeoutError);
  });

  test('given a login that never answers, should time out the waiting call', async () => {
    const fake = await startFakeVapi(() => undefined);
    open.push(fake);
    const client = new VapiRestClient({
      baseUrl: fake.baseUrl,
      dispatcher: fake.dispatcher,
      credentials: () => ({ username: 'user', password: secret }),
      timeoutMs: 100,
    });
    await assert.rejects(client.get('/x'), RestTimeoutError);
    await assert.rejects(client.get('/x', { timeoutMs: 50 }), RestTimeoutError);
  });

  test('given an aborted signal, should reject with its reason', async () => {
    const h = await harness(() => undefined);
    const ac = new AbortController();
    const call = h.client.get('/hang', { signal: ac.signal });
    const reason = new Error('stop');
    setTimeout(() => {
      ac.abort(reason);
    }, 50);
    await assert.rejects(call, (err: unknown) => err === reason);
  });

  test('given one waiter aborting during a shared login, should not cancel the login for the others', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const state = { sessions: new Set<string>(), logins: 0 };
    const inner = withSessions(ok, state);
    const fake = await startFakeVapi(async (req, res) => {
      if (isLogin(req)) await gate;
      return inner(req, res);
    });
    open.push(fake);
    const client = new VapiRestClient({
      baseUrl: fake.baseUrl,
      dispatcher: fake.dispatcher,
      credentials: () => ({ username: 'user', password: secret }),
    });
    const ac = new AbortController();
    const aborted = client.get('/a', { signal: ac.signal });
    const other = client.get('/b');
    ac.abort(new Error('gone'));
    await assert.rejects(aborted, /gone/);
    release();
    assert.deepEqual(await other, { echo: '/b' });
    assert.equal(state.logins, 1);
  });

  test('given a refused connection, should reject RestTransportError with the cause and no status', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    const dispatcher = new Agent();
    try {
      const client = new VapiRestClient({
        baseUrl: new URL(`http://127.0.0.1:${String(port)}/rest`),
        dispatcher,
        credentials: () => ({ username: 'user', password: secret }),
      });
      await assert.rejects(client.get('/x'), (err: unknown) => {
        assert.ok(err instanceof RestTransportError);
        assert.equal(err.status, undefined);
        assert.equal(err.code, 'REST_TRANSPORT');
        assert.ok(err.cause instanceof Error);
        return true;
      });
    } finally {
      await dispatcher.destroy();
    }
  });
});

describe('VapiRestClient secrets', () => {
  test('given failures of every kind, should never put the password or session id in an error', async () => {
    const password = 'S3cr3t-Pa55';
    let mode = 'ok';
    const fake = await startFakeVapi((req, res) => {
      if (isLogin(req) && mode === 'garbled') replyText(res, 200, 'sid-LEAK-123 not json');
      else if (isLogin(req) && mode === 'refuse') reply(res, 401, {});
      else if (isLogin(req)) reply(res, 200, { value: 'sid-LEAK-123' });
      else reply(res, 401, {});
    });
    open.push(fake);
    const client = new VapiRestClient({
      baseUrl: fake.baseUrl,
      dispatcher: fake.dispatcher,
      credentials: () => ({ username: 'user', password }),
    });
    const errors: unknown[] = [];
    const collect = (p: Promise<unknown>): Promise<void> =>
      p.then(
        () => assert.fail('expected a rejection'),
        (err: unknown) => {
          errors.push(err);
        },
      );
    await collect(client.get('/a'));
    await client.logout();
    mode = 'garbled';
    await collect(client.get('/b'));
    mode = 'refuse';
    await collect(client.get('/c'));
    await collect(client.get('/d'));
    assert.equal(errors.length, 4);
    for (const err of errors) {
      const text = describeDeep(err);
      assert.ok(!text.includes(password), text);
      assert.ok(!text.includes('sid-LEAK'), text);
      assert.ok(!text.includes(Buffer.from(`user:${password}`).toString('base64')), text);
    }
  });
});

/** Message, stack and enumerable fields of an error and its causes. */
function describeDeep(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  while (cur instanceof Error) {
    parts.push(cur.message, cur.stack ?? '', JSON.stringify(cur));
    cur = cur.cause;
  }
  return parts.join('\n');
}
