// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceContent } from '../vim25/generated/data-objects.ts';
import { CurrentTimeMethod, RetrievePropertiesExMethod } from '../vim25/generated/methods.ts';
import { InvalidLoginError, NotAuthenticatedError } from '../vim25/faults.ts';
import { FakeRoundTripper } from '../../test/fakes/fake-round-tripper.ts';
import type { VCenterCredentials } from '../credentials/credentials.ts';
import { UnsupportedLoginModeError, type Authenticator } from './login/authenticator.ts';
import { LoginGuard } from './login/login-guard.ts';
import { SessionManagerRejectedError } from './login/session-manager-login.ts';
import {
  LoginSuppressedError,
  SessionClosedError,
  VimSession,
  type SessionCredentials,
  type SessionEvent,
} from './session.ts';

const sc = {
  rootFolder: { type: 'Folder', value: 'group-d1' },
  propertyCollector: { type: 'PropertyCollector', value: 'propertyCollector' },
  sessionManager: { type: 'SessionManager', value: 'SessionManager' },
} as unknown as ServiceContent;

const notAuth = (): NotAuthenticatedError =>
  new NotAuthenticatedError({
    faultCode: 'ServerFaultCode',
    faultString: 'expired',
    detail: { _type: 'NotAuthenticated' },
  });
const invalidLogin = (): InvalidLoginError =>
  new InvalidLoginError({
    faultCode: 'ServerFaultCode',
    faultString: 'Login failure',
    detail: { _type: 'InvalidLogin' },
  });

/** A server whose session expires whenever `expire()` is called. */
function fakeServer(opts: { password?: string } = {}) {
  let valid = false;
  const rt = new FakeRoundTripper((method, req) => {
    if (method === 'Login') {
      if (opts.password !== undefined && req['password'] !== opts.password) throw invalidLogin();
      valid = true;
      return { userName: req['userName'], key: 'k' };
    }
    if (method === 'Logout') {
      valid = false;
      return undefined;
    }
    if (!valid) throw notAuth();
    return new Date(0);
  });
  return {
    rt,
    expire: () => {
      valid = false;
    },
  };
}

function session(
  rt: FakeRoundTripper,
  creds: () => SessionCredentials,
  extra: Partial<{ minLoginIntervalMs: number; now: () => number }> = {},
) {
  return new VimSession({
    transport: rt,
    serviceContent: sc,
    credentials: creds,
    keepAliveMs: 0,
    minLoginIntervalMs: 0,
    ...extra,
  });
}

test('given many concurrent first calls, should log in exactly once', async () => {
  const { rt } = fakeServer();
  const s = session(rt, () => ({ username: 'u', password: 'p' }));
  await Promise.all(Array.from({ length: 8 }, () => s.roundTrip(CurrentTimeMethod, {})));
  assert.equal(rt.count('Login'), 1);
  assert.equal(rt.count('CurrentTime'), 8);
});

test('given the session expires under concurrent calls, should re-login once and retry each call', async () => {
  const { rt, expire } = fakeServer();
  const s = session(rt, () => ({ username: 'u', password: 'p' }));
  await s.login();
  expire();
  const results = await Promise.all(Array.from({ length: 5 }, () => s.roundTrip(CurrentTimeMethod, {})));
  assert.equal(results.length, 5);
  assert.equal(rt.count('Login'), 2);
});

test('given a property read answered with a missingSet NotAuthenticated, should re-login and retry', async () => {
  let authed = false;
  const rt = new FakeRoundTripper((method) => {
    if (method === 'Login') {
      authed = true;
      return { userName: 'u' };
    }
    return authed
      ? {
          objects: [
            { obj: { type: 'VirtualMachine', value: 'vm-1' }, propSet: [{ name: 'name', val: 'a' }] },
          ],
        }
      : {
          objects: [
            {
              obj: { type: 'VirtualMachine', value: 'vm-1' },
              missingSet: [{ path: 'name', fault: { fault: { _type: 'NotAuthenticated' } } }],
            },
          ],
        };
  });
  const s = session(rt, () => ({ username: 'u', password: 'p' }));
  await s.login();
  authed = false;
  const result = (await s.roundTrip(RetrievePropertiesExMethod, {})) as { objects: { propSet: unknown[] }[] };
  assert.equal(result.objects[0]?.propSet.length, 1);
  assert.equal(rt.count('Login'), 2);
});

test('given a session that stays unauthenticated, should fail after one re-login, not loop', async () => {
  const rt = new FakeRoundTripper((method) => {
    if (method === 'Login') return { userName: 'u' };
    throw notAuth();
  });
  const s = session(rt, () => ({ username: 'u', password: 'p' }));
  await assert.rejects(s.roundTrip(CurrentTimeMethod, {}), NotAuthenticatedError);
  assert.equal(rt.count('Login'), 2);
  assert.equal(rt.count('CurrentTime'), 2);
});

test('given a wrong password, should not send the same credentials again until they change', async () => {
  const { rt } = fakeServer({ password: 'right' });
  let password = 'wrong';
  const s = session(rt, () => ({ username: 'u', password }));
  await assert.rejects(s.login(), InvalidLoginError);
  await assert.rejects(s.login(), LoginSuppressedError);
  await assert.rejects(s.roundTrip(CurrentTimeMethod, {}), LoginSuppressedError);
  assert.equal(rt.count('Login'), 1);
  password = 'right';
  await s.roundTrip(CurrentTimeMethod, {});
  assert.equal(rt.count('Login'), 2);
});

test('given the invalid-login backoff has passed, should try the same credentials once more', async () => {
  const { rt } = fakeServer({ password: 'right' });
  let now = 1_000_000;
  const s = new VimSession({
    transport: rt,
    serviceContent: sc,
    credentials: () => ({ username: 'u', password: 'wrong' }),
    keepAliveMs: 0,
    minLoginIntervalMs: 0,
    invalidLoginBackoffMs: 60_000,
    now: () => now,
  });
  await assert.rejects(s.login(), InvalidLoginError);
  now += 59_000;
  await assert.rejects(s.login(), LoginSuppressedError);
  now += 2_000;
  await assert.rejects(s.login(), InvalidLoginError);
  assert.equal(rt.count('Login'), 2);
});

test('given two logins in a row, should space them by the minimum login interval', async () => {
  const { rt, expire } = fakeServer();
  const s = session(rt, () => ({ username: 'u', password: 'p' }), { minLoginIntervalMs: 80 });
  await s.login();
  expire();
  const started = performance.now();
  await s.roundTrip(CurrentTimeMethod, {});
  assert.ok(performance.now() - started >= 70, 'the re-login waited for the interval');
  assert.equal(rt.count('Login'), 2);
});

test('given close, should log out once and refuse further calls without sending them', async () => {
  const { rt } = fakeServer();
  const s = session(rt, () => ({ username: 'u', password: 'p' }));
  await s.login();
  await s.close();
  await s.close();
  assert.equal(rt.count('Logout'), 1);
  assert.equal(rt.sessionCookie, undefined);
  await assert.rejects(s.roundTrip(CurrentTimeMethod, {}), SessionClosedError);
  assert.equal(rt.count('CurrentTime'), 0);
});

test('given credentials that change, should use the new ones at the next re-login', async () => {
  const { rt, expire } = fakeServer();
  let username = 'first';
  const s = session(rt, () => ({ username, password: 'p' }));
  await s.login();
  username = 'second';
  expire();
  await s.roundTrip(CurrentTimeMethod, {});
  const logins = rt.calls.filter((c) => c.method === 'Login').map((c) => c.request['userName']);
  assert.deepEqual(logins, ['first', 'second']);
});

test('given resolved credentials, should key the lockout on their version', async () => {
  const { rt } = fakeServer({ password: 'right' });
  let version = 'rv-1';
  let password = 'wrong';
  const s = new VimSession({
    transport: rt,
    serviceContent: sc,
    credentials: () => ({
      credentials: { kind: 'password', username: 'u', password },
      version,
      source: 'test',
    }),
    keepAliveMs: 0,
    minLoginIntervalMs: 0,
  });
  await assert.rejects(s.login(), InvalidLoginError);
  // Same version: held back even though the provider would now return another value.
  password = 'right';
  await assert.rejects(s.login(), LoginSuppressedError);
  version = 'rv-2';
  await s.login();
  assert.equal(rt.count('Login'), 2);
});

test('given an authenticator whose mode is refused, should try once, hold back, and report the mode without secrets', async () => {
  const rt = new FakeRoundTripper(() => new Date(0));
  let attempts = 0;
  const authenticate: Authenticator = () => {
    attempts++;
    return Promise.reject(
      new SessionManagerRejectedError('session manager refused the bearer token (HTTP 401)', 401),
    );
  };
  const events: SessionEvent[] = [];
  const s = new VimSession({
    transport: rt,
    serviceContent: sc,
    credentials: () => ({
      kind: 'session-manager',
      url: 'https://sm.example/session?k=v',
      token: 'bearer-secret',
    }),
    authenticate,
    keepAliveMs: 0,
    minLoginIntervalMs: 0,
    onEvent: (e) => events.push(e),
  });
  await assert.rejects(s.login(), SessionManagerRejectedError);
  await assert.rejects(s.roundTrip(CurrentTimeMethod, {}), LoginSuppressedError);
  assert.equal(attempts, 1);
  assert.equal(rt.count('CurrentTime'), 0);
  assert.deepEqual(events, [
    {
      type: 'login-failed',
      username: 'session manager https://sm.example/session',
      mode: 'session-manager',
      code: 'SESSION_MANAGER_REJECTED',
    },
  ]);
});

test('given a guard shared by two sessions of one vCenter, should not retry refused credentials in the second', async () => {
  const { rt } = fakeServer({ password: 'right' });
  const guard = new LoginGuard({ minLoginIntervalMs: 0 });
  const make = () =>
    new VimSession({
      transport: rt,
      serviceContent: sc,
      credentials: () => ({ username: 'u', password: 'wrong' }),
      guard,
      keepAliveMs: 0,
    });
  await assert.rejects(make().login(), InvalidLoginError);
  await assert.rejects(make().login(), LoginSuppressedError);
  assert.equal(rt.count('Login'), 1);
});

test('given the default authenticator and certificate credentials, should refuse without calling the server', async () => {
  const { rt } = fakeServer();
  const creds: VCenterCredentials = { kind: 'certificate', certificatePem: 'c', privateKeyPem: 'k' };
  const s = session(rt, () => creds);
  await assert.rejects(s.login(), UnsupportedLoginModeError);
  // Not a refusal by the server: nothing is held back.
  await assert.rejects(s.login(), UnsupportedLoginModeError);
  assert.equal(rt.calls.length, 0);
});

test('given a successful login, should report the mode and the server user name', async () => {
  const { rt } = fakeServer();
  const events: SessionEvent[] = [];
  const s = new VimSession({
    transport: rt,
    serviceContent: sc,
    credentials: () => ({ kind: 'password', username: 'admin', password: 'pw' }),
    keepAliveMs: 0,
    minLoginIntervalMs: 0,
    onEvent: (e) => events.push(e),
  });
  await s.login();
  assert.deepEqual(events, [{ type: 'login', username: 'admin', mode: 'password', relogin: false }]);
});
