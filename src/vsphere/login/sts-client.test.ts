// SPDX-License-Identifier: Apache-2.0
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Agent } from 'undici';
import {
  readTlsFixtures,
  startTlsServer,
  type TestHandler,
  type TlsFixtures,
  type TlsTestServer,
} from '../../../test/support/tls-server.ts';
import { createHttpAgent } from '../../vim25/http-agent.ts';
import { isLoginRejection } from './login-guard.ts';
import { parseSolutionUser, type SolutionUser } from './solution-user.ts';
import { requestHokToken, StsError, StsFaultError } from './sts-client.ts';
import { parseStsResponse } from './sts-response.ts';

const fixtures = join(import.meta.dirname, '../../../test/fixtures/sts');
const S = 'http://schemas.xmlsoap.org/soap/envelope/';
const WST = 'http://docs.oasis-open.org/ws-sx/ws-trust/200512';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';

/** An assertion that uses prefixes declared on its ancestors only. */
const inheritingAssertion =
  '<saml2:Assertion ID="_a-1" Version="2.0"><saml2:Subject><saml2:NameID>sol@vsphere.local</saml2:NameID></saml2:Subject>' +
  '<saml2:AttributeStatement><saml2:AttributeValue xsi:type="xs:string">x</saml2:AttributeValue></saml2:AttributeStatement></saml2:Assertion>';
const issued = (assertion: string, decls = `xmlns:saml2="${SAML}"`) =>
  `<?xml version="1.0"?><S:Envelope xmlns:S="${S}"><S:Body>` +
  `<wst:RequestSecurityTokenResponseCollection xmlns:wst="${WST}" ${decls} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema">` +
  `<wst:RequestSecurityTokenResponse><wst:Lifetime><wsu:Created xmlns:wsu="${WSU}">2026-11-23T10:00:00.000Z</wsu:Created>` +
  `<wsu:Expires xmlns:wsu="${WSU}">2026-11-23T10:10:00.000Z</wsu:Expires></wst:Lifetime>` +
  `<wst:RequestedSecurityToken>${assertion}</wst:RequestedSecurityToken></wst:RequestSecurityTokenResponse>` +
  '</wst:RequestSecurityTokenResponseCollection></S:Body></S:Envelope>';
const fault = (code: string, text: string) =>
  `<S:Envelope xmlns:S="${S}"><S:Body><S:Fault><faultcode xmlns:wsse="x">${code}</faultcode>` +
  `<faultstring>${text}</faultstring></S:Fault></S:Body></S:Envelope>`;

let fx: TlsFixtures;
let agent: Agent;
let user: SolutionUser;
const cleanups: (() => Promise<void>)[] = [];

before(async () => {
  fx = await readTlsFixtures();
  agent = createHttpAgent({ caPem: fx.caCert });
  user = parseSolutionUser({
    certificatePem: await readFile(join(fixtures, 'solution-user-cert.pem'), 'utf8'),
    privateKeyPem: await readFile(join(fixtures, 'solution-user-key.pem'), 'utf8'),
  });
});
after(async () => {
  await Promise.all(cleanups.map((c) => c()));
  await agent.close();
});

async function sts(handler: TestHandler): Promise<{ server: TlsTestServer; url: URL; bodies: string[] }> {
  const bodies: string[] = [];
  const server = await startTlsServer({
    cert: fx.serverCert,
    key: fx.serverKey,
    handler: (req, res, body) => {
      bodies.push(body);
      handler(req, res, body);
    },
  });
  cleanups.push(() => server.close());
  return { server, url: new URL('/sts/STSService', server.url), bodies };
}

const reply =
  (status: number, body: string): TestHandler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/xml' }).end(body);
  };

test('given an STS that issues a token, should POST a signed Issue request and return the assertion', async () => {
  const assertion = `<saml2:Assertion xmlns:saml2="${SAML}" ID="_tok" Version="2.0"></saml2:Assertion>`;
  const { server, url, bodies } = await sts(reply(200, issued(assertion)));
  const token = await requestHokToken(user, { url, dispatcher: agent });
  assert.equal(token.id, '_tok');
  assert.equal(token.expires?.toISOString(), '2026-11-23T10:10:00.000Z');
  assert.ok(token.assertion.startsWith('<saml2:Assertion'));
  assert.ok(token.assertion.includes('ID="_tok"') && token.assertion.endsWith('</saml2:Assertion>'));
  const req = server.requests[0]!;
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/sts/STSService');
  assert.equal(req.headers['soapaction'], `${WST}/RST/Issue`);
  assert.match(bodies[0] ?? '', /<RequestSecurityToken xmlns=/);
});

test('given an assertion relying on namespaces declared by the reply, should copy them onto it', () => {
  const token = parseStsResponse(issued(inheritingAssertion), 200, 'STS');
  const start = token.assertion.slice(0, token.assertion.indexOf('>') + 1);
  for (const decl of [
    `xmlns:saml2="${SAML}"`,
    'xmlns:xsi=',
    'xmlns:xs=',
    `xmlns:wst="${WST}"`,
    `xmlns:S="${S}"`,
  ])
    assert.ok(start.includes(decl), `${decl} on the start tag`);
  assert.ok(
    token.assertion.endsWith(inheritingAssertion.slice(inheritingAssertion.indexOf('>') + 1)),
    'content unchanged',
  );
});

test('given a SOAP fault, should reject with StsFaultError, a refused login', async () => {
  const { url } = await sts(reply(500, fault('wsse:FailedAuthentication', 'unknown solution user')));
  await assert.rejects(requestHokToken(user, { url, dispatcher: agent }), (err: unknown) => {
    assert.ok(err instanceof StsFaultError);
    assert.equal(err.code, 'STS_FAULT');
    assert.equal(err.faultCode, 'wsse:FailedAuthentication');
    assert.equal(err.faultString, 'unknown solution user');
    assert.equal(isLoginRejection(err), true);
    return true;
  });
});

test('given replies that carry no token, should reject with StsError and never echo them', () => {
  const cases: [number, string][] = [
    [503, '<html>SECRET-ish maintenance</html>'],
    [200, 'not xml SECRET-ish <'],
    [200, `<S:Envelope xmlns:S="${S}"><S:Body>SECRET-ish</S:Body></S:Envelope>`],
    [200, issued(`<saml2:Assertion xmlns:saml2="${SAML}">SECRET-ish</saml2:Assertion>`)],
    [200, issued(`<Assertion xmlns="urn:other">SECRET-ish</Assertion>`)],
  ];
  for (const [status, body] of cases) {
    assert.throws(
      () => parseStsResponse(body, status, 'STS'),
      (err: unknown) => {
        assert.ok(err instanceof StsError, body);
        assert.equal(err.status, status);
        assert.equal(isLoginRejection(err), false);
        assert.ok(!err.message.includes('SECRET-ish'));
        return true;
      },
    );
  }
});

test('given an STS that never answers, should give up after the timeout', async () => {
  const { url } = await sts(() => undefined);
  await assert.rejects(requestHokToken(user, { url, dispatcher: agent, timeoutMs: 150 }), (err: unknown) => {
    assert.ok(err instanceof StsError);
    assert.match(err.message, /no answer within 150 ms/);
    return true;
  });
});

test('given the caller aborts, should reject with the caller reason', async () => {
  const { url } = await sts(() => undefined);
  const controller = new AbortController();
  const reason = new Error('stop');
  const pending = requestHokToken(user, { url, dispatcher: agent }, { signal: controller.signal });
  setTimeout(() => {
    controller.abort(reason);
  }, 20);
  await assert.rejects(pending, (err) => err === reason);
});
