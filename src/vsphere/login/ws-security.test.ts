// SPDX-License-Identifier: Apache-2.0
// The signed envelopes of the STS Issue request and of LoginByToken, checked independently of the
// code that made them: digests recomputed from the sent bytes, the signature verified with the
// certificate's public key. (The simulator harness re-checks them with a real exc-c14n.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSolutionUser } from './solution-user.ts';
import { buildIssueRequest } from './sts-client.ts';
import { signedLoginEnvelope } from './token-login.ts';
import { bodyElement, c14nAttr, c14nText, timestampElement } from './ws-security.ts';

const fixtures = join(import.meta.dirname, '../../../test/fixtures/sts');
const user = parseSolutionUser({
  certificatePem: await readFile(join(fixtures, 'solution-user-cert.pem'), 'utf8'),
  privateKeyPem: await readFile(join(fixtures, 'solution-user-key.pem'), 'utf8'),
});
const now = new Date('2026-11-23T10:00:00.000Z');

function between(text: string, open: string, close: string): string {
  const start = text.indexOf(open);
  const end = text.indexOf(close, start);
  assert.ok(start >= 0 && end > start, `${open} … ${close} present`);
  return text.slice(start, end + close.length);
}

/** The element carrying `wsu:Id="id"`, from its start tag to its (non-nested) end tag. */
function elementById(text: string, id: string): string {
  const at = text.indexOf(`wsu:Id="${id}"`);
  assert.ok(at > 0, `element ${id} present`);
  const start = text.lastIndexOf('<', at);
  const name = /^<([\w:.-]+)/.exec(text.slice(start))?.[1];
  assert.ok(name !== undefined);
  return between(text.slice(start), `<${name}`, `</${name}>`);
}

/** Verifies the envelope's signature; returns the local names of the elements it covers. */
function verifySigned(envelope: string, key: KeyObject): string[] {
  const signedInfo = between(envelope, '<ds:SignedInfo', '</ds:SignedInfo>');
  const value = between(envelope, '<ds:SignatureValue>', '</ds:SignatureValue>').replace(
    /<\/?ds:SignatureValue>/g,
    '',
  );
  assert.ok(
    verify('sha256', Buffer.from(signedInfo), key, Buffer.from(value, 'base64')),
    'signature verifies',
  );
  const covered: string[] = [];
  for (const m of signedInfo.matchAll(
    /<ds:Reference URI="#([^"]+)">.*?<ds:DigestValue>([^<]+)<\/ds:DigestValue>/g,
  )) {
    const element = elementById(envelope, m[1]!);
    assert.equal(createHash('sha256').update(element).digest('base64'), m[2], `digest of ${m[1]!}`);
    covered.push(/^<[\w-]+:(\w+)/.exec(element)![1]!);
  }
  return covered;
}

test('given a solution user, should sign an Issue request over timestamp and body with its key', () => {
  const envelope = buildIssueRequest(user, now, 600_000);
  assert.deepEqual(verifySigned(envelope, user.certificate.publicKey).sort(), ['Body', 'Timestamp']);
  assert.ok(envelope.includes(`>${user.certificateBase64}</wsse:BinarySecurityToken>`));
  assert.ok(
    envelope.includes('<KeyType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/PublicKey</KeyType>'),
  );
  assert.ok(envelope.includes('<Delegatable>true</Delegatable>'));
  assert.ok(
    envelope.includes(
      '<wsu:Created>2026-11-23T10:00:00.000Z</wsu:Created><wsu:Expires>2026-11-23T10:10:00.000Z</wsu:Expires>',
    ),
    'the token lifetime asked for',
  );
  const sigId = /<ds:Signature xmlns:ds="[^"]+" Id="([^"]+)">/.exec(envelope)?.[1];
  assert.ok(
    sigId !== undefined && envelope.includes(`<UseKey Sig="${sigId}"></UseKey>`),
    'UseKey names the signature',
  );
  const certRef = /<wsse:Reference URI="#([^"]+)"/.exec(envelope)?.[1];
  assert.ok(certRef !== undefined && envelope.includes(`wsu:Id="${certRef}">${user.certificateBase64}`));
});

test('given two requests, should use fresh ids each time', () => {
  const ids = (e: string) => [...e.matchAll(/wsu:Id="([^"]+)"/g)].map((m) => m[1]);
  const a = ids(buildIssueRequest(user, now));
  const b = ids(buildIssueRequest(user, now));
  assert.equal(a.length, 3);
  assert.equal(new Set([...a, ...b]).size, 6);
});

test('given a token, should sign LoginByToken with the holder key and reference the assertion', () => {
  const assertion =
    '<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="_tok-1"></saml2:Assertion>';
  const element =
    '<LoginByToken xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this></LoginByToken>';
  const envelope = signedLoginEnvelope(element, { assertion, id: '_tok-1', expires: undefined }, user, now);
  assert.deepEqual(verifySigned(envelope, user.certificate.publicKey).sort(), ['Body', 'Timestamp']);
  assert.ok(
    envelope.includes(`</wsu:Timestamp>${assertion}<ds:Signature`),
    'the assertion travels verbatim in the header',
  );
  assert.match(envelope, /<wsse:KeyIdentifier ValueType="[^"]+#SAMLID">_tok-1<\/wsse:KeyIdentifier>/);
  assert.ok(between(envelope, '<soapenv:Body', '</soapenv:Body>').includes(element));
});

test('given text with markup characters, should escape it the way canonical XML does', () => {
  assert.equal(c14nText('a&b<c>d\re"f\'\t\n'), 'a&amp;b&lt;c&gt;d&#xD;e"f\'\t\n');
  assert.equal(c14nAttr('a&b<c>d"e\t\n\r'), 'a&amp;b&lt;c>d&quot;e&#x9;&#xA;&#xD;');
  assert.equal(
    timestampElement('_t', now, now),
    '<wsu:Timestamp xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" wsu:Id="_t">' +
      '<wsu:Created>2026-11-23T10:00:00.000Z</wsu:Created><wsu:Expires>2026-11-23T10:00:00.000Z</wsu:Expires></wsu:Timestamp>',
  );
});

test('given body content that relies on the envelope xsi prefix, should refuse to sign it', () => {
  assert.throws(
    () => bodyElement('_b', '<X xmlns="urn:vim25"><v xsi:type="xsd:string">a</v></X>'),
    TypeError,
  );
});
