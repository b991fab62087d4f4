// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeRoundTripper } from '../../../test/fakes/fake-round-tripper.ts';
import type { MethodSchema } from '../../vim25/codec/schema.ts';
import type { CallOptions } from '../../vim25/round-tripper.ts';
import type { EnvelopeBuilder } from '../../vim25/soap-transport.ts';
import { UnsupportedLoginModeError } from './login-target.ts';
import { parseSolutionUser } from './solution-user.ts';
import { loginByToken } from './token-login.ts';

const fixtures = join(import.meta.dirname, '../../../test/fixtures/sts');
const user = parseSolutionUser({
  certificatePem: await readFile(join(fixtures, 'solution-user-cert.pem'), 'utf8'),
  privateKeyPem: await readFile(join(fixtures, 'solution-user-key.pem'), 'utf8'),
});
const sessionManager = { type: 'SessionManager', value: 'SessionManager' };
const token = {
  assertion:
    '<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="_t"></saml2:Assertion>',
  id: '_t',
  expires: undefined,
};

test('given a transport that cannot send a signed envelope, should refuse before any call', async () => {
  const rt = new FakeRoundTripper(() => ({ userName: 'x' }));
  await assert.rejects(
    loginByToken({ transport: rt, sessionManager }, token, user),
    UnsupportedLoginModeError,
  );
  assert.equal(rt.calls.length, 0);
});

test('given an envelope-capable transport, should send LoginByToken in a signed envelope with the call options', async () => {
  const sent: { method: string; request: object; envelope: string; options: CallOptions | undefined }[] = [];
  const transport = {
    roundTrip: () => Promise.reject(new Error('LoginByToken must not use the plain envelope')),
    roundTripWithEnvelope: (
      method: MethodSchema,
      request: object,
      build: EnvelopeBuilder,
      options?: CallOptions,
    ) => {
      sent.push({
        method: method.name,
        request,
        envelope: build('<LoginByToken xmlns="urn:vim25"/>'),
        options,
      });
      return Promise.resolve({ userName: 'sol@vsphere.local', key: 'k' });
    },
  };
  const signal = new AbortController().signal;
  const session = await loginByToken({ transport, sessionManager }, token, user, { signal, timeoutMs: 1234 });
  assert.equal(session.userName, 'sol@vsphere.local');
  assert.equal(sent.length, 1);
  const call = sent[0]!;
  assert.equal(call.method, 'LoginByToken');
  assert.deepEqual(call.request, { _this: sessionManager });
  assert.deepEqual(call.options, { signal, timeoutMs: 1234 });
  assert.ok(call.envelope.includes(token.assertion));
  assert.ok(call.envelope.includes('<LoginByToken xmlns="urn:vim25"/></soapenv:Body>'));
});
