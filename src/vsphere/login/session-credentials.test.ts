// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { credentialIdentity, versionCredentials } from './session-credentials.ts';

const fixtures = join(import.meta.dirname, '../../../test/fixtures/sts');

test('given resolved credentials, should keep the provider version as is', () => {
  const credentials = { kind: 'password', username: 'u', password: 'p' } as const;
  assert.deepEqual(versionCredentials({ credentials, version: 'rv-42', source: 'inline' }), {
    credentials,
    version: 'rv-42',
  });
});

test('given a bare user/password pair, should turn it into password credentials with a digest version', () => {
  const a = versionCredentials({ username: 'u', password: 'secret-1' });
  assert.deepEqual(a.credentials, { kind: 'password', username: 'u', password: 'secret-1' });
  assert.match(a.version, /^sha256:[0-9a-f]{64}$/);
  assert.ok(!a.version.includes('secret-1'));
  assert.equal(versionCredentials({ username: 'u', password: 'secret-1' }).version, a.version);
  assert.notEqual(versionCredentials({ username: 'u', password: 'secret-2' }).version, a.version);
});

test('given unversioned credentials of each mode, should give different versions for different values', () => {
  const versions = new Set(
    [
      { kind: 'session-manager', url: 'https://sm/x', token: 't1' },
      { kind: 'session-manager', url: 'https://sm/x', token: 't2' },
      { kind: 'session-manager', url: 'https://sm/x', token: undefined },
      { kind: 'certificate', certificatePem: 'c', privateKeyPem: 'k1' },
      { kind: 'certificate', certificatePem: 'c', privateKeyPem: 'k2' },
    ].map((c) => versionCredentials(c as Parameters<typeof versionCredentials>[0]).version),
  );
  assert.equal(versions.size, 5);
});

test('given credentials of each mode, should name who logs in without any secret', async () => {
  const cert = await readFile(join(fixtures, 'solution-user-cert.pem'), 'utf8');
  assert.equal(credentialIdentity({ kind: 'password', username: 'admin', password: 'pw' }), 'admin');
  assert.equal(
    credentialIdentity({
      kind: 'session-manager',
      url: 'https://user:pw@sm.example:8443/s?key=secret',
      token: 'tok',
    }),
    'session manager https://sm.example:8443/s',
  );
  assert.match(
    credentialIdentity({ kind: 'certificate', certificatePem: cert, privateKeyPem: 'KEY' }),
    /^certificate .*CN=k8s-ccm-solution/,
  );
  assert.equal(
    credentialIdentity({ kind: 'certificate', certificatePem: 'garbage', privateKeyPem: 'KEY' }),
    'certificate (unparsable)',
  );
});
