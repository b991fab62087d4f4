// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidLoginError, SoapTimeoutError } from '../../vim25/faults.ts';
import { isLoginRejection, LoginGuard, LoginSuppressedError } from './login-guard.ts';
import { SessionManagerError, SessionManagerRejectedError } from './session-manager-login.ts';
import { StsError, StsFaultError } from './sts-response.ts';

const invalidLogin = (): InvalidLoginError =>
  new InvalidLoginError({
    faultCode: 'ServerFaultCode',
    faultString: 'Login failure',
    detail: { _type: 'InvalidLogin' },
  });

function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

test('given refusals of every login mode, should count them as rejections and nothing else', () => {
  assert.equal(isLoginRejection(invalidLogin()), true);
  assert.equal(isLoginRejection(new SessionManagerRejectedError('refused', 401)), true);
  assert.equal(isLoginRejection(new StsFaultError('STS', 'wsse:FailedAuthentication', 'no')), true);
  assert.equal(isLoginRejection(new Error('wrapped', { cause: invalidLogin() })), true);
  assert.equal(isLoginRejection(new SessionManagerError('HTTP 503', 503)), false);
  assert.equal(isLoginRejection(new StsError('unreachable', undefined)), false);
  assert.equal(isLoginRejection(new SoapTimeoutError('Login', 30_000)), false);
  assert.equal(isLoginRejection(undefined), false);
});

test('given a rejected version, should suppress it until the backoff ends and let other versions through', async () => {
  const c = clock();
  const guard = new LoginGuard({ minLoginIntervalMs: 0, invalidLoginBackoffMs: 60_000, now: c.now });
  await guard.admit('v1');
  const refusal = invalidLogin();
  guard.failed('v1', refusal);
  await assert.rejects(guard.admit('v1'), (err: unknown) => {
    assert.ok(err instanceof LoginSuppressedError);
    assert.equal(err.code, 'VIM_LOGIN_SUPPRESSED');
    assert.equal(err.cause, refusal);
    return true;
  });
  assert.equal(guard.isSuppressed('v1'), true);
  await guard.admit('v2');
  c.advance(59_999);
  await assert.rejects(guard.admit('v1'), LoginSuppressedError);
  c.advance(1);
  await guard.admit('v1');
  assert.equal(guard.isSuppressed('v1'), false);
});

test('given a failure that is not a refusal, should not suppress the version', async () => {
  const guard = new LoginGuard({ minLoginIntervalMs: 0 });
  guard.failed('v1', new SessionManagerError('HTTP 502', 502));
  await guard.admit('v1');
  assert.equal(guard.isSuppressed('v1'), false);
});

test('given a success after a refusal of the same version, should forget the refusal', async () => {
  const guard = new LoginGuard({ minLoginIntervalMs: 0 });
  guard.failed('v1', invalidLogin());
  guard.succeeded('v1');
  await guard.admit('v1');
});

test('given two attempts in a row, should space them by the minimum interval', async () => {
  const guard = new LoginGuard({ minLoginIntervalMs: 60 });
  await guard.admit('v1');
  const started = performance.now();
  await guard.admit('v1');
  assert.ok(performance.now() - started >= 50, 'the second attempt waited');
});

test('given an abort while waiting for the interval, should reject with the reason', async () => {
  const guard = new LoginGuard({ minLoginIntervalMs: 10_000 });
  await guard.admit('v1');
  const reason = new Error('shutdown');
  const controller = new AbortController();
  const pending = guard.admit('v1', { signal: controller.signal });
  controller.abort(reason);
  await assert.rejects(pending, (err) => err === reason);
});

test('given many rejected versions, should remember only the most recent ones', () => {
  const guard = new LoginGuard({ minLoginIntervalMs: 0 });
  for (let i = 0; i < 20; i++) guard.failed(`v${String(i)}`, invalidLogin());
  assert.equal(guard.isSuppressed('v0'), false);
  assert.equal(guard.isSuppressed('v19'), true);
});
