// SPDX-License-Identifier: Apache-2.0
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agent } from 'undici';
import {
  readTlsFixtures,
  startTlsServer,
  type TestHandler,
  type TlsFixtures,
  type TlsTestServer,
} from '../../../test/support/tls-server.ts';
import { createHttpAgent } from '../../vim25/http-agent.ts';
import { isLoginRejection } from './login-guard.ts';
import {
  fetchCloneTicket,
  ServiceAccountTokenError,
  SessionManagerError,
  SessionManagerRejectedError,
  SessionManagerUrlError,
} from './session-manager-login.ts';

let fx: TlsFixtures;
let agent: Agent;
let dir: string;
const cleanups: (() => Promise<void>)[] = [];

before(async () => {
  fx = await readTlsFixtures();
  agent = createHttpAgent({ caPem: fx.caCert });
  dir = await mkdtemp(join(tmpdir(), 'sm-login-'));
});
after(async () => {
  await Promise.all(cleanups.map((c) => c()));
  await agent.close();
  await rm(dir, { recursive: true, force: true });
});

async function serve(handler: TestHandler): Promise<TlsTestServer> {
  const server = await startTlsServer({ cert: fx.serverCert, key: fx.serverKey, handler });
  cleanups.push(() => server.close());
  return server;
}

const json =
  (status: number, body: string): TestHandler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  };

test('given a token, should GET the URL with it as bearer and return the clone ticket', async () => {
  const server = await serve(json(200, '{"token":"cst-VCT-1234"}'));
  const url = new URL('/session?tenant=a', server.url).href;
  const ticket = await fetchCloneTicket({ url, token: 'tok-1' }, { dispatcher: agent });
  assert.equal(ticket, 'cst-VCT-1234');
  assert.equal(server.requests.length, 1);
  const req = server.requests[0]!;
  assert.equal(req.method, 'GET');
  assert.equal(req.url, '/session?tenant=a');
  assert.equal(req.headers.authorization, 'Bearer tok-1');
});

test('given no token, should send the service-account token file, trimmed', async () => {
  const server = await serve(json(200, '{"token":"t"}'));
  const path = join(dir, 'token');
  await writeFile(path, 'eyJhbGciOi.sa-token\n');
  await fetchCloneTicket(
    { url: new URL('/s', server.url).href, token: undefined },
    { dispatcher: agent, serviceAccountTokenPath: path },
  );
  assert.equal(server.requests[0]?.headers.authorization, 'Bearer eyJhbGciOi.sa-token');
});

test('given no token and no readable token file, should fail naming the file and send nothing', async () => {
  const server = await serve(json(200, '{"token":"t"}'));
  const path = join(dir, 'missing');
  await assert.rejects(
    fetchCloneTicket(
      { url: new URL('/s', server.url).href, token: undefined },
      { dispatcher: agent, serviceAccountTokenPath: path },
    ),
    (err: unknown) => {
      assert.ok(err instanceof ServiceAccountTokenError);
      assert.equal(err.code, 'SESSION_MANAGER_TOKEN_UNREADABLE');
      assert.ok(err.message.includes(path));
      return true;
    },
  );
  assert.equal(server.requests.length, 0);
});

test('given an http, relative or credential-carrying URL, should refuse it before any I/O', async () => {
  const server = await serve(json(200, '{"token":"t"}'));
  const plain = new URL(server.url);
  plain.protocol = 'http:';
  for (const url of [plain.href, '/session', `https://user:pw@${server.url.host}/s`]) {
    await assert.rejects(
      fetchCloneTicket({ url, token: 'secret-token' }, { dispatcher: agent }),
      (err: unknown) => {
        assert.ok(err instanceof SessionManagerUrlError, url);
        assert.equal(err.code, 'SESSION_MANAGER_URL_INVALID');
        assert.ok(!err.message.includes('secret-token') && !err.message.includes(':pw@'));
        return true;
      },
    );
  }
  assert.equal(server.tcpConnections, 0);
});

test('given 401 or 403, should reject as a refused login without the token in the message', async () => {
  for (const status of [401, 403]) {
    const server = await serve(json(status, '{"error":"denied"}'));
    await assert.rejects(
      fetchCloneTicket({ url: server.url.href, token: 'secret-token' }, { dispatcher: agent }),
      (err: unknown) => {
        assert.ok(err instanceof SessionManagerRejectedError);
        assert.equal(err.status, status);
        assert.equal(isLoginRejection(err), true);
        assert.ok(!err.message.includes('secret-token'));
        return true;
      },
    );
  }
});

test('given another error status or an unusable reply, should reject with SessionManagerError, never echoing the body', async () => {
  const cases: [number, string][] = [
    [500, 'cst-VCT-leak'],
    [302, ''],
    [200, 'cst-VCT-leak not json'],
    [200, '{"ticket":"cst-VCT-leak"}'],
    [200, '{"token":""}'],
    [200, 'null'],
    [200, 'x'.repeat(70_000)],
  ];
  for (const [status, body] of cases) {
    const server = await serve(json(status, body));
    await assert.rejects(
      fetchCloneTicket({ url: server.url.href, token: 't' }, { dispatcher: agent }),
      (err: unknown) => {
        assert.ok(err instanceof SessionManagerError, `${String(status)} ${body.slice(0, 20)}`);
        assert.equal(err.status, status);
        assert.equal(isLoginRejection(err), false);
        assert.ok(!err.message.includes('cst-VCT-leak'));
        return true;
      },
    );
  }
});

test('given a token with a line break, should refuse to send it', async () => {
  const server = await serve(json(200, '{"token":"t"}'));
  await assert.rejects(
    fetchCloneTicket({ url: server.url.href, token: 'a\r\nX-Evil: 1' }, { dispatcher: agent }),
    SessionManagerError,
  );
  assert.equal(server.requests.length, 0);
});

test('given a service that never answers, should give up after the timeout', async () => {
  const server = await serve(() => undefined);
  const started = performance.now();
  await assert.rejects(
    fetchCloneTicket({ url: server.url.href, token: 't' }, { dispatcher: agent, timeoutMs: 150 }),
    (err: unknown) => {
      assert.ok(err instanceof SessionManagerError);
      assert.match(err.message, /no answer within 150 ms/);
      return true;
    },
  );
  assert.ok(performance.now() - started < 2_000);
});

test('given the caller aborts, should reject with the caller reason', async () => {
  const server = await serve(() => undefined);
  const controller = new AbortController();
  const reason = new Error('shutting down');
  const pending = fetchCloneTicket(
    { url: server.url.href, token: 't' },
    { dispatcher: agent },
    { signal: controller.signal },
  );
  setTimeout(() => {
    controller.abort(reason);
  }, 20);
  await assert.rejects(pending, (err) => err === reason);
});

test('given an unreachable service, should reject with SessionManagerError without status', async () => {
  const server = await serve(json(200, '{}'));
  const url = server.url.href;
  await server.close();
  await assert.rejects(fetchCloneTicket({ url, token: 't' }, { dispatcher: agent }), (err: unknown) => {
    assert.ok(err instanceof SessionManagerError);
    assert.equal(err.status, undefined);
    return true;
  });
});
