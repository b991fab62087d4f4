// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CurrentTimeMethod } from '../vim25/generated/methods.ts';
import { NotAuthenticatedError, SoapTimeoutError, SoapTransportError } from '../vim25/faults.ts';
import { FakeRoundTripper } from '../../test/fakes/fake-round-tripper.ts';
import { withNetworkRetry } from './retry.ts';

const failing = (errors: Error[]) =>
  new FakeRoundTripper(() => {
    const next = errors.shift();
    if (next !== undefined) throw next;
    return 'ok';
  });

test('given two connection resets and a round-trip count of 3, should succeed on the third attempt', async () => {
  const inner = failing([
    new SoapTransportError('ECONNRESET', undefined),
    new SoapTransportError('ECONNREFUSED', undefined),
  ]);
  assert.equal(await withNetworkRetry(inner, 3).roundTrip(CurrentTimeMethod, {}), 'ok');
  assert.equal(inner.count('CurrentTime'), 3);
});

test('given more network failures than the count allows, should give up after the count', async () => {
  const inner = failing([0, 1, 2].map(() => new SoapTransportError('ECONNRESET', undefined)));
  await assert.rejects(withNetworkRetry(inner, 2).roundTrip(CurrentTimeMethod, {}), SoapTransportError);
  assert.equal(inner.count('CurrentTime'), 2);
});

test('given a fault, an HTTP error or a timeout, should not retry', async () => {
  for (const err of [
    new NotAuthenticatedError({
      faultCode: 'ServerFaultCode',
      faultString: 'x',
      detail: { _type: 'NotAuthenticated' },
    }),
    new SoapTransportError('HTTP 503', 503),
    new SoapTimeoutError('CurrentTime', 100),
  ]) {
    const inner = failing([err]);
    await assert.rejects(withNetworkRetry(inner, 3).roundTrip(CurrentTimeMethod, {}));
    assert.equal(inner.count('CurrentTime'), 1, err.name);
  }
});

test('given the cookie set through the wrapper, should store it on the transport', () => {
  const inner = failing([]);
  const rt = withNetworkRetry(inner, 3);
  rt.sessionCookie = 'abc';
  assert.equal(inner.sessionCookie, 'abc');
  assert.equal(rt.sessionCookie, 'abc');
});
