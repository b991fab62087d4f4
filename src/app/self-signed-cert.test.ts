// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { test } from 'node:test';
import { generateSelfSignedCertificate, positiveInteger } from './self-signed-cert.ts';

test('given names and addresses should produce a valid self-signed certificate covering them', () => {
  const now = new Date('2026-01-02T03:04:05Z');
  const pair = generateSelfSignedCertificate({
    commonName: 'vsphere-ccm',
    altNames: ['localhost', '127.0.0.1', '::1', 'ccm.example.org', 'fe80::1:2'],
    days: 365,
    now,
  });
  const cert = new X509Certificate(pair.certPem);
  assert.equal(cert.subject, 'CN=vsphere-ccm');
  assert.equal(cert.issuer, 'CN=vsphere-ccm');
  assert.equal(cert.verify(cert.publicKey), true);
  assert.equal(cert.checkPrivateKey(createPrivateKey(pair.keyPem)), true);
  assert.equal(cert.checkHost('localhost'), 'localhost');
  assert.equal(cert.checkHost('ccm.example.org'), 'ccm.example.org');
  assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(cert.checkIP('::1'), '::1');
  assert.equal(cert.checkIP('fe80::1:2'), 'fe80::1:2');
  assert.equal(cert.checkIP('10.0.0.1'), undefined);
  assert.equal(cert.ca, true);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.equal(cert.validFromDate.getTime(), now.getTime() - 3_600_000);
  assert.equal(cert.validToDate.getTime(), now.getTime() + 365 * 86_400_000);
});

test('given a validity ending after 2049 should still parse', () => {
  const pair = generateSelfSignedCertificate({
    commonName: 'x',
    altNames: ['localhost'],
    days: 20_000,
    now: new Date('2040-01-01T00:00:00Z'),
  });
  assert.equal(new X509Certificate(pair.certPem).validToDate.getUTCFullYear(), 2094);
});

test('given two generations should use distinct keys and serials', () => {
  const a = new X509Certificate(
    generateSelfSignedCertificate({ commonName: 'x', altNames: [], days: 1 }).certPem,
  );
  const b = new X509Certificate(
    generateSelfSignedCertificate({ commonName: 'x', altNames: [], days: 1 }).certPem,
  );
  assert.notEqual(a.serialNumber, b.serialNumber);
  assert.notEqual(a.fingerprint256, b.fingerprint256);
});

test('given a number with leading zero bytes or a high first bit, should encode the minimal DER INTEGER', () => {
  assert.deepEqual([...positiveInteger(Buffer.from([0x00, 0x00, 0x12, 0x34]))], [0x02, 0x02, 0x12, 0x34]);
  assert.deepEqual([...positiveInteger(Buffer.from([0x00, 0x85]))], [0x02, 0x02, 0x00, 0x85]);
  assert.deepEqual([...positiveInteger(Buffer.from([0x85]))], [0x02, 0x02, 0x00, 0x85]);
  assert.deepEqual([...positiveInteger(Buffer.from([0x00]))], [0x02, 0x01, 0x00]);
});
