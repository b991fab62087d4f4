// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Agent } from 'undici';
import { FakeRoundTripper } from '../../../test/fakes/fake-round-tripper.ts';
import type { VCenterCredentials } from '../../credentials/credentials.ts';
import type { ServiceContent } from '../../vim25/generated/data-objects.ts';
import { versionCredentials, type SessionCredentials } from '../login/session-credentials.ts';
import type { RestHeadersLogin, RestSoapSessionLogin } from './rest-login.ts';
import { vapiLoginFor, VapiLoginModeUnsupportedError, type VapiLoginContext } from './rest-login-modes.ts';

const sc = {
  propertyCollector: { type: 'PropertyCollector', value: 'propertyCollector' },
  sessionManager: { type: 'SessionManager', value: 'SessionManager' },
} as unknown as ServiceContent;

const request = { method: 'POST', url: new URL('https://vc.example.com/rest/com/vmware/cis/session') };
const signal = AbortSignal.timeout(5_000);
// Never used for a request here: the tests that would reach the STS are integration tests.
const stsAgent = new Agent();
after(() => stsAgent.close());

function context(credentials: () => SessionCredentials, cookie?: string) {
  const soap = new FakeRoundTripper(() => ({ objects: [] }));
  const ctx: VapiLoginContext = {
    credentials,
    sts: { url: new URL('https://vc.example.com/sts/STSService'), dispatcher: stsAgent },
    session: { roundTrip: (m, r, o) => soap.roundTrip(m, r, o), serviceContent: sc },
    sessionCookie: () => cookie,
  };
  return { ctx, soap };
}

function headers(login: RestHeadersLogin | RestSoapSessionLogin): RestHeadersLogin {
  assert.equal(login.kind, 'headers');
  return login;
}

describe('vapiLoginFor', () => {
  test('given password credentials, should log in with basic auth under the SOAP session’s version', async () => {
    const creds: VCenterCredentials = { kind: 'password', username: 'admin@vsphere.local', password: 'pw:1' };
    const { ctx } = context(() => ({ credentials: creds, version: 'secret-v7', source: 'inline' }));
    const login = await headers(vapiLoginFor('password', ctx)).credentials();
    assert.equal(login.version, 'secret-v7');
    const made = await login.authorize(request, { signal });
    assert.deepEqual(made, {
      authorization: `Basic ${Buffer.from('admin@vsphere.local:pw:1').toString('base64')}`,
    });
  });

  test('given unversioned credentials, should key the guard on the same digest the SOAP session uses', async () => {
    const creds: VCenterCredentials = { kind: 'password', username: 'u', password: 'p' };
    const { ctx } = context(() => creds);
    const login = await headers(vapiLoginFor('password', ctx)).credentials();
    assert.equal(login.version, versionCredentials(creds).version);
  });

  test('given credentials that rotate, should read them at every login', async () => {
    let password = 'one';
    const { ctx } = context(() => ({ kind: 'password', username: 'u', password }));
    const strategy = headers(vapiLoginFor('password', ctx));
    const first = await strategy.credentials();
    password = 'two';
    const second = await strategy.credentials();
    assert.notEqual(first.version, second.version);
    assert.notDeepEqual(
      await first.authorize(request, { signal }),
      await second.authorize(request, { signal }),
    );
  });

  test('given credentials that changed to a session manager, should refuse the vAPI login before sending', async () => {
    const { ctx } = context(() => ({ kind: 'session-manager', url: 'https://sm.example.com/s', token: 't' }));
    await assert.rejects(
      Promise.resolve(headers(vapiLoginFor('certificate', ctx)).credentials()),
      VapiLoginModeUnsupportedError,
    );
  });

  test('given a session-manager connection, should share the SOAP cookie and revalidate by reading currentSession', async () => {
    const { ctx, soap } = context(
      () => ({ kind: 'session-manager', url: 'https://sm.example.com/s', token: 't' }),
      '"52c0ffee"',
    );
    const login = vapiLoginFor('session-manager', ctx);
    assert.equal(login.kind, 'soap-session');
    assert.equal(login.sessionId(), '"52c0ffee"');
    await login.revalidate({ signal });
    assert.deepEqual(
      soap.calls.map((c) => c.method),
      ['RetrievePropertiesEx'],
    );
    const spec = (soap.calls[0]?.request['specSet'] as { propSet: unknown[]; objectSet: unknown[] }[])[0];
    assert.deepEqual(spec?.propSet, [{ type: 'SessionManager', pathSet: ['currentSession'] }]);
    assert.deepEqual(spec.objectSet, [{ obj: sc.sessionManager }]);
  });
});
