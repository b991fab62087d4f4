// SPDX-License-Identifier: Apache-2.0
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Agent } from 'undici';
import { FakeRoundTripper } from '../../../test/fakes/fake-round-tripper.ts';
import { readTlsFixtures, startTlsServer, type TlsTestServer } from '../../../test/support/tls-server.ts';
import { createHttpAgent } from '../../vim25/http-agent.ts';
import { createAuthenticator, passwordAuthenticator, UnsupportedLoginModeError } from './authenticator.ts';
import { SolutionUserKeyError } from './solution-user.ts';

const sessionManager = { type: 'SessionManager', value: 'SessionManager' };
const server = { tls: undefined as TlsTestServer | undefined, agent: undefined as Agent | undefined };

before(async () => {
  const fx = await readTlsFixtures();
  server.tls = await startTlsServer({
    cert: fx.serverCert,
    key: fx.serverKey,
    handler: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"ticket-1"}');
    },
  });
  server.agent = createHttpAgent({ caPem: fx.caCert });
});
after(async () => {
  await server.agent?.close();
  await server.tls?.close();
});

const echo = () =>
  new FakeRoundTripper((method, req) => ({
    userName: `${method}:${String(req['userName'] ?? req['cloneTicket'])}`,
  }));

test('given password credentials, should call Login with the user name and password', async () => {
  const rt = echo();
  const session = await passwordAuthenticator(
    { kind: 'password', username: 'u', password: 'p' },
    { transport: rt, sessionManager },
    {},
  );
  assert.equal(session.userName, 'Login:u');
  assert.deepEqual(rt.calls[0]?.request, { _this: sessionManager, userName: 'u', password: 'p' });
});

test('given the password-only authenticator and another mode, should refuse without any call', async () => {
  const rt = echo();
  await assert.rejects(
    passwordAuthenticator(
      { kind: 'session-manager', url: 'https://sm', token: 't' },
      { transport: rt, sessionManager },
      {},
    ),
    UnsupportedLoginModeError,
  );
  assert.equal(rt.calls.length, 0);
});

test('given a mode whose options are missing, should refuse without any call', async () => {
  const rt = echo();
  const authenticate = createAuthenticator({});
  await assert.rejects(
    authenticate(
      { kind: 'session-manager', url: 'https://sm', token: 't' },
      { transport: rt, sessionManager },
      {},
    ),
    UnsupportedLoginModeError,
  );
  await assert.rejects(
    authenticate(
      { kind: 'certificate', certificatePem: 'c', privateKeyPem: 'k' },
      { transport: rt, sessionManager },
      {},
    ),
    UnsupportedLoginModeError,
  );
  assert.equal(rt.calls.length, 0);
});

test('given session-manager credentials, should clone the session with the ticket the service gave', async () => {
  const rt = echo();
  const authenticate = createAuthenticator({ sessionManager: { dispatcher: server.agent! } });
  const session = await authenticate(
    { kind: 'session-manager', url: server.tls!.url.href, token: 't' },
    { transport: rt, sessionManager },
    {},
  );
  assert.equal(session.userName, 'CloneSession:ticket-1');
  assert.deepEqual(rt.calls[0]?.request, { _this: sessionManager, cloneTicket: 'ticket-1' });
});

test('given an unusable certificate, should fail before asking the STS', async () => {
  const rt = echo();
  const before = server.tls!.requests.length;
  const authenticate = createAuthenticator({ sts: { url: server.tls!.url, dispatcher: server.agent! } });
  await assert.rejects(
    authenticate(
      { kind: 'certificate', certificatePem: 'nope', privateKeyPem: 'nope' },
      { transport: rt, sessionManager },
      {},
    ),
    SolutionUserKeyError,
  );
  assert.equal(server.tls!.requests.length, before);
  assert.equal(rt.calls.length, 0);
});
