// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseSolutionUser } from './solution-user.ts';
import { vapiTokenAuthorization } from './vapi-token-auth.ts';

const fixtures = join(import.meta.dirname, '../../../test/fixtures/sts');
const user = parseSolutionUser({
  certificatePem: await readFile(join(fixtures, 'solution-user-cert.pem'), 'utf8'),
  privateKeyPem: await readFile(join(fixtures, 'solution-user-key.pem'), 'utf8'),
});
const token = { assertion: '<saml2:Assertion ID="_t"></saml2:Assertion>', id: '_t', expires: undefined };

function params(header: string): Record<string, string> {
  assert.ok(header.startsWith('SIGN '));
  return Object.fromEntries([...header.slice(5).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

test('given a request, should carry the zipped token and a signature over nonce, request line and body hash', () => {
  const url = new URL('https://VC.Example.com:8443/rest/com/vmware/cis/session');
  const p = params(vapiTokenAuthorization(token, user, { method: 'post', url }, '1700000000000:42'));
  assert.deepEqual(Object.keys(p), ['token', 'signature_alg', 'signature', 'nonce', 'bodyhash']);
  assert.equal(gunzipSync(Buffer.from(p['token']!, 'base64')).toString('utf8'), token.assertion);
  assert.equal(p['signature_alg'], 'RSA-SHA256');
  assert.equal(p['nonce'], '1700000000000:42');
  const bodyHash = createHash('sha256').update('').digest();
  assert.equal(p['bodyhash'], bodyHash.toString('base64'));
  const message = Buffer.concat([
    Buffer.from('1700000000000:42\nPOST\n/rest/com/vmware/cis/session\nvc.example.com\n8443\n'),
    bodyHash,
    Buffer.from('\n'),
  ]);
  assert.ok(verify('sha256', message, user.certificate.publicKey, Buffer.from(p['signature']!, 'base64')));
});

test('given a URL without a port or with an IPv6 host, should sign port 80 and the bare address', () => {
  const check = (url: string, line: string) => {
    const p = params(
      vapiTokenAuthorization(token, user, { method: 'POST', url: new URL(url), body: '{}' }, 'n'),
    );
    const bodyHash = createHash('sha256').update('{}').digest();
    const message = Buffer.concat([Buffer.from(`n\nPOST\n/rest/x\n${line}\n`), bodyHash, Buffer.from('\n')]);
    assert.ok(
      verify('sha256', message, user.certificate.publicKey, Buffer.from(p['signature']!, 'base64')),
      url,
    );
  };
  check('https://vc/rest/x', 'vc\n80');
  check('https://[fd00::1]:443/rest/x', 'fd00::1\n80');
  check('https://[fd00::1]:9443/rest/x', 'fd00::1\n9443');
});

test('given two calls without a nonce, should use different nonces', () => {
  const url = new URL('https://vc/rest/com/vmware/cis/session');
  assert.notEqual(
    params(vapiTokenAuthorization(token, user, { method: 'POST', url }))['nonce'],
    params(vapiTokenAuthorization(token, user, { method: 'POST', url }))['nonce'],
  );
});
