// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSolutionUser, SolutionUserKeyError } from './solution-user.ts';

const fixtures = join(import.meta.dirname, '../../../test/fixtures/sts');
const read = (name: string): Promise<string> => readFile(join(fixtures, name), 'utf8');
const certPem = await read('solution-user-cert.pem');

function keyError(fn: () => unknown, secret: string): SolutionUserKeyError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SolutionUserKeyError, `expected SolutionUserKeyError, got ${String(err)}`);
    assert.equal(err.code, 'SOLUTION_USER_KEY_INVALID');
    assert.ok(!err.message.includes(secret.slice(40, 80)), 'no key material in the message');
    return err;
  }
  assert.fail('expected a SolutionUserKeyError');
}

test('given a matching RSA certificate and key, should expose them ready to sign', async () => {
  const user = parseSolutionUser({
    certificatePem: certPem,
    privateKeyPem: await read('solution-user-key.pem'),
  });
  assert.equal(user.privateKey.asymmetricKeyType, 'rsa');
  assert.match(user.subject, /CN=k8s-ccm-solution/);
  assert.deepEqual(Buffer.from(user.certificateBase64, 'base64'), user.certificate.raw);
});

test('given the key of another certificate, should refuse the pair', async () => {
  const key = await read('unknown-user-key.pem');
  const err = keyError(() => parseSolutionUser({ certificatePem: certPem, privateKeyPem: key }), key);
  assert.match(err.message, /does not belong to the certificate .*k8s-ccm-solution/);
});

test('given text that is not a certificate, should say so', async () => {
  const key = await read('solution-user-key.pem');
  const err = keyError(
    () => parseSolutionUser({ certificatePem: 'not a certificate', privateKeyPem: key }),
    key,
  );
  assert.match(err.message, /not a PEM certificate/);
});

test('given text that is not a private key, should say so without echoing it', () => {
  const garbage = `-----BEGIN PRIVATE KEY-----\n${'QUJD'.repeat(30)}\n-----END PRIVATE KEY-----\n`;
  const err = keyError(() => parseSolutionUser({ certificatePem: certPem, privateKeyPem: garbage }), garbage);
  assert.match(err.message, /not a PEM private key/);
});

test('given an EC key, should explain that the STS needs RSA', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const err = keyError(() => parseSolutionUser({ certificatePem: certPem, privateKeyPem: pem }), pem);
  assert.match(err.message, /is ec; the vCenter STS needs RSA/);
});
