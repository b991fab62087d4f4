// SPDX-License-Identifier: Apache-2.0
// The three vCenter login modes (password, shared session manager, solution-user SAML token) and
// the lockout rule, against the simulator harness: its STS checks the WS-Security signatures and
// its counters show how many logins reached (and failed at) the server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request, type Agent } from 'undici';
import type { VCenterCredentials } from '../../src/credentials/credentials.ts';
import { retrieveServiceContent } from '../../src/vim25/client.ts';
import { InvalidLoginError } from '../../src/vim25/faults.ts';
import { createHttpAgent } from '../../src/vim25/http-agent.ts';
import { AcquireCloneTicket, CurrentTime, Login } from '../../src/vim25/generated/methods.ts';
import { createAuthenticator } from '../../src/vsphere/login/authenticator.ts';
import { LoginGuard, LoginSuppressedError } from '../../src/vsphere/login/login-guard.ts';
import {
  SessionManagerRejectedError,
  SessionManagerUrlError,
} from '../../src/vsphere/login/session-manager-login.ts';
import { parseSolutionUser } from '../../src/vsphere/login/solution-user.ts';
import { buildIssueRequest, requestHokToken, StsFaultError } from '../../src/vsphere/login/sts-client.ts';
import { parseStsResponse } from '../../src/vsphere/login/sts-response.ts';
import { loginByToken } from '../../src/vsphere/login/token-login.ts';
import { vapiTokenAuthorization } from '../../src/vsphere/login/vapi-token-auth.ts';
import { VimSession, type SessionEvent } from '../../src/vsphere/session.ts';
import {
  openVCenterConnection,
  STS_PATH,
  type VCenterConnection,
} from '../../src/vsphere/vcenter-connection.ts';
import { simTransport } from '../support/sim-transport.ts';
import {
  readTlsFixtures,
  startTlsServer,
  type TlsFixtures,
  type TlsTestServer,
} from '../support/tls-server.ts';
import { startVcsim, type Vcsim } from '../support/vcsim.ts';

const fixtures = resolve(import.meta.dirname, '../fixtures/sts');

/** Type, login mode and user name of a session event. */
const summary = (e: SessionEvent): (string | undefined)[] =>
  e.type === 'login' || e.type === 'login-failed' ? [e.type, e.mode, e.username] : [e.type];
const solutionUserName = 'k8s-ccm-solution@vsphere.local';

interface Pem {
  readonly cert: string;
  readonly key: string;
}

async function readPair(name: string): Promise<Pem> {
  const [cert, key] = await Promise.all([
    readFile(join(fixtures, `${name}-cert.pem`), 'utf8'),
    readFile(join(fixtures, `${name}-key.pem`), 'utf8'),
  ]);
  return { cert, key };
}

describe('vCenter login modes against the simulator', () => {
  let sim: Vcsim;
  let tls: TlsFixtures;
  let solution: Pem;
  let unknown: Pem;
  let vcAgent: Agent;
  let smAgent: Agent;
  let tmp: string;

  before(async () => {
    [tls, solution, unknown] = await Promise.all([
      readTlsFixtures(),
      readPair('solution-user'),
      readPair('unknown-user'),
    ]);
    sim = await startVcsim({
      scenario: {
        credentials: { username: 'administrator@vsphere.local', password: 'Login-Modes-1!' },
        datacenters: [{ name: 'dc-1' }],
        tags: {
          categories: [{ name: 'k8s-zone', tags: ['zone-a'] }],
          attachments: [
            {
              category: 'k8s-zone',
              tag: 'zone-a',
              object: { kind: 'datacenter', datacenter: 'dc-1', name: 'dc-1' },
            },
          ],
        },
        solutionUsers: [{ name: solutionUserName, certificatePem: solution.cert }],
      },
    });
    vcAgent = createHttpAgent({ caPem: sim.certPem });
    smAgent = createHttpAgent({ caPem: tls.caCert });
    tmp = await mkdtemp(join(tmpdir(), 'login-modes-'));
  });
  after(async () => {
    await Promise.all([
      vcAgent.close(),
      smAgent.close(),
      sim.close(),
      rm(tmp, { recursive: true, force: true }),
    ]);
  });

  const base = (): URL => new URL(new URL(sim.sdkUrl).origin);
  const authenticator = (extra: { serviceAccountTokenPath?: string } = {}) =>
    createAuthenticator({
      sessionManager: { dispatcher: smAgent, timeoutMs: 5_000, ...extra },
      sts: { url: new URL(STS_PATH, base()), dispatcher: vcAgent, timeoutMs: 5_000 },
    });

  /** A session over its own transport; `close` logs out and releases the transport's agent. */
  async function session(
    credentials: () => VCenterCredentials,
    opts: { guard?: LoginGuard; events?: SessionEvent[]; serviceAccountTokenPath?: string } = {},
  ) {
    const bare = simTransport(sim);
    const serviceContent = await retrieveServiceContent(bare.transport);
    const s = new VimSession({
      transport: bare.transport,
      serviceContent,
      credentials,
      authenticate: authenticator(
        opts.serviceAccountTokenPath === undefined
          ? {}
          : { serviceAccountTokenPath: opts.serviceAccountTokenPath },
      ),
      keepAliveMs: 0,
      minLoginIntervalMs: 0,
      ...(opts.guard === undefined ? {} : { guard: opts.guard }),
      onEvent: (e) => opts.events?.push(e),
    });
    return {
      session: s,
      async close() {
        await s.close();
        await bare.close();
      },
    };
  }

  /** A shared-session service on a local TLS server: checks the bearer token, hands out clone tickets. */
  async function sessionManagerService(opts: { bearer: string; ticket?: () => Promise<string> }) {
    const admin = simTransport(sim);
    const sc = await retrieveServiceContent(admin.transport);
    await Login(admin.transport, {
      _this: sc.sessionManager!,
      userName: sim.credentials.username,
      password: sim.credentials.password,
    });
    const ticket = opts.ticket ?? (() => AcquireCloneTicket(admin.transport, { _this: sc.sessionManager! }));
    const server: TlsTestServer = await startTlsServer({
      cert: tls.serverCert,
      key: tls.serverKey,
      handler: (req, res) => {
        if (req.headers.authorization !== `Bearer ${opts.bearer}`) {
          res.writeHead(401).end();
          return;
        }
        ticket().then(
          (token) =>
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token })),
          () => res.writeHead(500).end(),
        );
      },
    });
    return {
      url: new URL('/session', server.url).href,
      server,
      async close() {
        await server.close();
        await admin.close();
      },
    };
  }

  const counters = async () => {
    const [calls, failed] = await Promise.all([sim.control.counters(), sim.control.failedCounters()]);
    return { calls, failed };
  };

  test('given a wrong password, should send one Login and then hold the same credentials back', async () => {
    await sim.control.resetCounters();
    const s = await session(() => ({
      kind: 'password',
      username: sim.credentials.username,
      password: 'wrong',
    }));
    try {
      await assert.rejects(s.session.login(), InvalidLoginError);
      await assert.rejects(s.session.login(), LoginSuppressedError);
      const { calls, failed } = await counters();
      assert.equal(calls.soap['Login'], 1);
      assert.equal(failed.soap['Login'], 1);
    } finally {
      await s.close();
    }
  });

  test('given a session-manager URL and token, should clone the shared session without a password', async () => {
    const sm = await sessionManagerService({ bearer: 'shared-secret' });
    await sim.control.resetCounters();
    const events: SessionEvent[] = [];
    const s = await session(() => ({ kind: 'session-manager', url: sm.url, token: 'shared-secret' }), {
      events,
    });
    try {
      await s.session.login();
      assert.equal(s.session.userSession?.userName, sim.credentials.username);
      assert.ok(
        (await CurrentTime(s.session, {
          _this: { type: 'ServiceInstance', value: 'ServiceInstance' },
        })) instanceof Date,
      );
      const { calls, failed } = await counters();
      assert.equal(calls.soap['CloneSession'], 1);
      assert.equal(calls.soap['Login'], undefined);
      assert.deepEqual(failed.soap, {});
      assert.equal(sm.server.requests.length, 1);
      assert.deepEqual(
        events.map((e) => summary(e).slice(0, 2)),
        [['login', 'session-manager']],
      );
      assert.ok(!JSON.stringify(events).includes('shared-secret'), 'events never carry the token');
    } finally {
      await s.close();
      await sm.close();
    }
  });

  test('given no token, should send the service-account token file as the bearer', async () => {
    const path = join(tmp, 'sa-token');
    await writeFile(path, 'pod-service-account-token\n');
    const sm = await sessionManagerService({ bearer: 'pod-service-account-token' });
    const s = await session(() => ({ kind: 'session-manager', url: sm.url, token: undefined }), {
      serviceAccountTokenPath: path,
    });
    try {
      await s.session.login();
      assert.equal(sm.server.requests[0]?.headers.authorization, 'Bearer pod-service-account-token');
    } finally {
      await s.close();
      await sm.close();
    }
  });

  test('given a token the session manager refuses, should ask it once and never call CloneSession', async () => {
    const sm = await sessionManagerService({ bearer: 'right' });
    await sim.control.resetCounters();
    const s = await session(() => ({ kind: 'session-manager', url: sm.url, token: 'wrong' }));
    try {
      await assert.rejects(s.session.login(), SessionManagerRejectedError);
      await assert.rejects(s.session.login(), LoginSuppressedError);
      assert.equal(sm.server.requests.length, 1);
      assert.equal((await counters()).calls.soap['CloneSession'], undefined);
    } finally {
      await s.close();
      await sm.close();
    }
  });

  test('given a clone ticket vCenter refuses, should fail one CloneSession and hold the credentials back', async () => {
    const sm = await sessionManagerService({
      bearer: 'right',
      ticket: () => Promise.resolve('not-a-ticket'),
    });
    await sim.control.resetCounters();
    const s = await session(() => ({ kind: 'session-manager', url: sm.url, token: 'right' }));
    try {
      await assert.rejects(s.session.login(), InvalidLoginError);
      await assert.rejects(s.session.login(), LoginSuppressedError);
      const { calls, failed } = await counters();
      assert.equal(calls.soap['CloneSession'], 1);
      assert.equal(failed.soap['CloneSession'], 1);
      assert.equal(sm.server.requests.length, 1);
    } finally {
      await s.close();
      await sm.close();
    }
  });

  test('given an http:// session-manager URL, should refuse it without sending anything', async () => {
    const s = await session(() => ({
      kind: 'session-manager',
      url: 'http://127.0.0.1:9/session',
      token: 'secret',
    }));
    await sim.control.resetCounters();
    try {
      await assert.rejects(s.session.login(), (err: unknown) => {
        assert.ok(err instanceof SessionManagerUrlError);
        assert.ok(!err.message.includes('secret'));
        return true;
      });
      assert.deepEqual((await counters()).calls.soap, {});
    } finally {
      await s.close();
    }
  });

  test('given a registered solution-user certificate, should log in with a signed holder-of-key token', async () => {
    await sim.control.resetCounters();
    const events: SessionEvent[] = [];
    const s = await session(
      () => ({ kind: 'certificate', certificatePem: solution.cert, privateKeyPem: solution.key }),
      { events },
    );
    try {
      await s.session.login();
      assert.equal(s.session.userSession?.userName, solutionUserName);
      await sim.control.terminateSessions();
      // The expired session is noticed by the next call, which logs in again with a new token.
      assert.ok(
        (await CurrentTime(s.session, {
          _this: { type: 'ServiceInstance', value: 'ServiceInstance' },
        })) instanceof Date,
      );
      const { calls, failed } = await counters();
      assert.deepEqual(calls.sts, { Issue: 2 });
      assert.equal(calls.soap['LoginByToken'], 2);
      // Only the call that found its session terminated failed; no login did.
      assert.deepEqual(failed, { soap: { CurrentTime: 1 }, rest: {}, sts: {} });
      assert.deepEqual(events.map(summary), [
        ['login', 'certificate', solutionUserName],
        ['login', 'certificate', solutionUserName],
      ]);
    } finally {
      await s.close();
    }
  });

  test('given an unregistered certificate, should be refused by the STS once and not asked again', async () => {
    await sim.control.resetCounters();
    const s = await session(() => ({
      kind: 'certificate',
      certificatePem: unknown.cert,
      privateKeyPem: unknown.key,
    }));
    try {
      await assert.rejects(s.session.login(), (err: unknown) => {
        assert.ok(err instanceof StsFaultError);
        assert.match(err.faultCode, /FailedAuthentication/);
        return true;
      });
      await assert.rejects(s.session.login(), LoginSuppressedError);
      const { calls, failed } = await counters();
      assert.deepEqual(calls.sts, { Issue: 1 });
      assert.deepEqual(failed.sts, { Issue: 1 });
      assert.equal(calls.soap['LoginByToken'], undefined);
    } finally {
      await s.close();
    }
  });

  test('given a token presented with a key it is not bound to, should be refused by LoginByToken', async () => {
    await sim.control.resetCounters();
    const owner = parseSolutionUser({ certificatePem: solution.cert, privateKeyPem: solution.key });
    const thief = parseSolutionUser({ certificatePem: unknown.cert, privateKeyPem: unknown.key });
    const token = await requestHokToken(owner, { url: new URL(STS_PATH, base()), dispatcher: vcAgent });
    await using bare = simTransport(sim);
    const sc = await retrieveServiceContent(bare.transport);
    const target = { transport: bare.transport, sessionManager: sc.sessionManager! };
    await assert.rejects(loginByToken(target, token, thief), InvalidLoginError);
    const user = await loginByToken(target, token, owner);
    assert.equal(user.userName, solutionUserName);
    assert.equal((await counters()).failed.soap['LoginByToken'], 1);
  });

  test('given an Issue request changed after signing or too old, should be refused by the STS', async () => {
    const user = parseSolutionUser({ certificatePem: solution.cert, privateKeyPem: solution.key });
    const post = async (envelope: string) => {
      const res = await request(new URL(STS_PATH, base()), {
        dispatcher: vcAgent,
        method: 'POST',
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue',
        },
        body: envelope,
      });
      return parseStsResponse(await res.body.text(), res.statusCode, 'STS');
    };
    const faultOf = async (envelope: string) => {
      try {
        await post(envelope);
      } catch (err) {
        assert.ok(err instanceof StsFaultError);
        return err.faultCode;
      }
      assert.fail('the STS accepted the request');
    };
    const fresh = buildIssueRequest(user, new Date());
    assert.equal((await post(fresh)).id.startsWith('_'), true, 'the untouched request is accepted');
    const tampered = fresh.replace('<Delegatable>true</Delegatable>', '<Delegatable>false</Delegatable>');
    assert.notEqual(tampered, fresh);
    assert.equal(await faultOf(tampered), 'wsse:FailedCheck');
    assert.equal(
      await faultOf(buildIssueRequest(user, new Date(Date.now() - 3_600_000))),
      'wsse:MessageExpired',
    );
  });

  test('given a holder-of-key token, should open a vAPI session with a signed SIGN header, and only with the holder key', async () => {
    const owner = parseSolutionUser({ certificatePem: solution.cert, privateKeyPem: solution.key });
    const thief = parseSolutionUser({ certificatePem: unknown.cert, privateKeyPem: unknown.key });
    const token = await requestHokToken(owner, { url: new URL(STS_PATH, base()), dispatcher: vcAgent });
    const url = new URL('/rest/com/vmware/cis/session', base());
    const login = async (authorization: string) => {
      const res = await request(url, {
        dispatcher: vcAgent,
        method: 'POST',
        headers: { authorization, 'vmware-use-header-authn': 'true', accept: 'application/json' },
      });
      return { status: res.statusCode, text: await res.body.text() };
    };
    assert.equal((await login(vapiTokenAuthorization(token, thief, { method: 'POST', url }))).status, 401);
    const other = new URL(url);
    other.pathname = '/rest/com/vmware/cis/tagging/category';
    assert.equal(
      (await login(vapiTokenAuthorization(token, owner, { method: 'POST', url: other }))).status,
      401,
    );
    const ok = await login(vapiTokenAuthorization(token, owner, { method: 'POST', url }));
    assert.equal(ok.status, 200);
    const sessionId = (JSON.parse(ok.text) as { value: string }).value;
    const categories = await request(new URL('/rest/com/vmware/cis/tagging/category', base()), {
      dispatcher: vcAgent,
      headers: { 'vmware-api-session-id': sessionId, accept: 'application/json' },
    });
    assert.equal(categories.statusCode, 200);
    await categories.body.dump();
  });

  test('given one guard shared by two connections, should not retry refused credentials by reconnecting', async () => {
    await sim.control.resetCounters();
    const guard = new LoginGuard({ minLoginIntervalMs: 0 });
    const creds = (): VCenterCredentials => ({
      kind: 'certificate',
      certificatePem: unknown.cert,
      privateKeyPem: unknown.key,
    });
    const first = await session(creds, { guard });
    const second = await session(creds, { guard });
    try {
      await assert.rejects(first.session.login(), StsFaultError);
      await assert.rejects(second.session.login(), LoginSuppressedError);
      assert.deepEqual((await counters()).calls.sts, { Issue: 1 });
    } finally {
      await first.close();
      await second.close();
    }
  });

  /** A clone-ticket source that logs in afresh each time, so it survives terminated sessions. */
  const freshTicket = async (): Promise<string> => {
    await using admin = simTransport(sim);
    const sc = await retrieveServiceContent(admin.transport);
    await Login(admin.transport, {
      _this: sc.sessionManager!,
      userName: sim.credentials.username,
      password: sim.credentials.password,
    });
    return await AcquireCloneTicket(admin.transport, { _this: sc.sessionManager! });
  };

  const connect = (credentials: VCenterCredentials) =>
    openVCenterConnection({
      server: base().href,
      tls: { caPem: sim.certPem },
      sessionManagerTls: { caPem: tls.caCert },
      credentials: () => credentials,
      loginGuard: new LoginGuard({ minLoginIntervalMs: 0 }),
    });

  /** The zone tag's id, found through the connection's tagging client, and what carries it. */
  async function zoneAttachments(conn: VCenterConnection) {
    const categories = await conn.tagging.listCategories();
    assert.equal(categories.length, 1);
    const tags = await conn.tagging.listTagsForCategory(categories[0]!);
    assert.equal(tags.length, 1);
    return conn.tagging.listAttachedObjectsOnTags(tags);
  }

  const sessionLogins = 'POST /rest/com/vmware/cis/session';

  test('given openVCenterConnection in each mode, should list tags through vAPI with at most one vAPI login', async () => {
    const sm = await sessionManagerService({ bearer: 'conn-token' });
    const modes: {
      credentials: VCenterCredentials;
      restLogins: number | undefined;
      issues: number | undefined;
    }[] = [
      {
        credentials: {
          kind: 'password',
          username: sim.credentials.username,
          password: sim.credentials.password,
        },
        restLogins: 1,
        issues: undefined,
      },
      {
        credentials: { kind: 'session-manager', url: sm.url, token: 'conn-token' },
        restLogins: undefined,
        issues: undefined,
      },
      {
        credentials: { kind: 'certificate', certificatePem: solution.cert, privateKeyPem: solution.key },
        restLogins: 1,
        issues: 2,
      },
    ];
    try {
      for (const { credentials, restLogins, issues } of modes) {
        await sim.control.resetCounters();
        const conn = await connect(credentials);
        try {
          const attached = await zoneAttachments(conn);
          assert.equal(attached.length, 1, credentials.kind);
          assert.deepEqual(
            attached[0]!.objectIds.map((o) => o.type),
            ['Datacenter'],
            credentials.kind,
          );
          // A second round reuses the session: still at most one vAPI login.
          await zoneAttachments(conn);
          const { calls, failed } = await counters();
          assert.equal(calls.rest[sessionLogins], restLogins, `${credentials.kind}: vAPI logins`);
          assert.equal(calls.rest['GET /rest/com/vmware/cis/tagging/category'], 2, credentials.kind);
          assert.equal(
            calls.rest[
              'POST /rest/com/vmware/cis/tagging/tag-association?~action=list-attached-objects-on-tags'
            ],
            2,
            credentials.kind,
          );
          assert.equal(calls.sts?.['Issue'], issues, `${credentials.kind}: STS tokens`);
          assert.deepEqual(failed.rest, {}, credentials.kind);
        } finally {
          await conn.close();
        }
        if (credentials.kind === 'session-manager') {
          // Closing the connection logged the shared session out; vAPI had none of its own to end.
          assert.equal((await counters()).calls.rest['DELETE /rest/com/vmware/cis/session'], undefined);
        }
      }
    } finally {
      await sm.close();
    }
  });

  test('given a shared session that ended, should clone a new one once and retry the vAPI call with it', async () => {
    const sm = await sessionManagerService({ bearer: 'shared', ticket: freshTicket });
    const conn = await connect({ kind: 'session-manager', url: sm.url, token: 'shared' });
    try {
      await conn.tagging.listCategories();
      await sim.control.terminateSessions();
      await sim.control.resetCounters();
      const attached = await zoneAttachments(conn);
      assert.equal(attached.length, 1);
      const { calls, failed } = await counters();
      // The first call after the end was refused, revalidation found the session gone and
      // cloned a new one; the retry and every later call went through. No vAPI login at all.
      assert.deepEqual(failed.rest, { 'GET /rest/com/vmware/cis/tagging/category': 1 });
      assert.equal(calls.rest['GET /rest/com/vmware/cis/tagging/category'], 2);
      assert.equal(calls.soap['CloneSession'], 1);
      assert.equal(calls.rest[sessionLogins], undefined);
      assert.equal(sm.server.requests.length, 2);
    } finally {
      await conn.close();
      await sm.close();
    }
  });

  test('given a certificate vAPI session that ended, should log in again with a fresh token once', async () => {
    const conn = await connect({
      kind: 'certificate',
      certificatePem: solution.cert,
      privateKeyPem: solution.key,
    });
    try {
      await conn.tagging.listCategories();
      await sim.control.terminateSessions();
      await sim.control.resetCounters();
      assert.equal((await conn.tagging.listCategories()).length, 1);
      const { calls, failed } = await counters();
      assert.deepEqual(failed.rest, { 'GET /rest/com/vmware/cis/tagging/category': 1 });
      assert.equal(calls.rest[sessionLogins], 1);
      assert.deepEqual(calls.sts, { Issue: 1 });
    } finally {
      await conn.close();
    }
  });

  test('given the harness, should accept a live SOAP session id on vAPI and refuse it once the session ended', async () => {
    await using bare = simTransport(sim);
    const sc = await retrieveServiceContent(bare.transport);
    await Login(bare.transport, {
      _this: sc.sessionManager!,
      userName: sim.credentials.username,
      password: sim.credentials.password,
    });
    const cookie = bare.transport.sessionCookie!.replace(/^"(.*)"$/, '$1');
    const list = async () => {
      const res = await request(new URL('/rest/com/vmware/cis/tagging/category', base()), {
        dispatcher: vcAgent,
        headers: { 'vmware-api-session-id': cookie, accept: 'application/json' },
      });
      await res.body.dump();
      return res.statusCode;
    };
    const before = await sim.control.sessions();
    assert.equal(await list(), 200);
    assert.deepEqual(await sim.control.sessions(), before, 'a shared SOAP session is not a vAPI session');
    await sim.control.terminateSessions();
    assert.equal(await list(), 401);
  });
});
