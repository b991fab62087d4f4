// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { getCACertificates } from 'node:tls';
import { after, before, test } from 'node:test';
import { Agent, request, type Dispatcher } from 'undici';
import {
  readTlsFixtures,
  startTlsServer,
  type TestHandler,
  type TlsFixtures,
  type TlsTestServer,
} from '../../test/support/tls-server.ts';
import { TlsThumbprintMismatchError } from './faults.ts';
import {
  CaFileReadError,
  createHttpAgent,
  defaultTrustedCas,
  InvalidCaBundleError,
  loadCaFile,
} from './http-agent.ts';
import { InvalidThumbprintError } from './thumbprint.ts';

const fixturesDir = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'tls');
const closeEachResponse: TestHandler = (_req, res) => {
  res.writeHead(200, { connection: 'close' }).end('ok');
};

let fx: TlsFixtures;
let trusted: TlsTestServer;
let impostor: TlsTestServer;
let serverSha1: string;
let serverSha256: string;

before(async () => {
  fx = await readTlsFixtures();
  trusted = await startTlsServer({ cert: fx.serverCert, key: fx.serverKey });
  impostor = await startTlsServer({ cert: fx.impostorCert, key: fx.impostorKey });
  const cert = new X509Certificate(fx.serverCert);
  serverSha1 = cert.fingerprint;
  serverSha256 = cert.fingerprint256;
});

after(async () => {
  await Promise.all([trusted.close(), impostor.close()]);
});

/** Runs `fn` with a fresh agent and always closes it. */
async function withAgent<T>(agent: Dispatcher, fn: (a: Dispatcher) => Promise<T>): Promise<T> {
  try {
    return await fn(agent);
  } finally {
    await agent.destroy();
  }
}

async function get(agent: Dispatcher, server: TlsTestServer): Promise<string> {
  const res = await request(server.url, { dispatcher: agent });
  assert.equal(res.statusCode, 200);
  return res.body.text();
}

/** Asserts that a GET fails before the server sees any request, returning the error. */
async function assertRejectedBeforeRequest(agent: Dispatcher, server: TlsTestServer): Promise<unknown> {
  const before = server.requests.length;
  const err = await get(agent, server).then(
    () => assert.fail('request unexpectedly succeeded'),
    (e: unknown) => e,
  );
  assert.equal(server.requests.length, before, 'the server must not receive any request');
  return err;
}

test('given default trust should reject a certificate from an unknown CA', async () => {
  await withAgent(createHttpAgent({}), async (agent) => {
    const err = await assertRejectedBeforeRequest(agent, trusted);
    assert.match(String((err as { code?: unknown }).code), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/);
  });
});

test('given the test CA as caPem should trust the server it signed', async () => {
  await withAgent(createHttpAgent({ caPem: fx.caCert }), async (agent) => {
    assert.equal(await get(agent, trusted), 'ok');
  });
});

test('given the test CA as caPem should still reject the self-signed impostor', async () => {
  await withAgent(createHttpAgent({ caPem: fx.caCert }), async (agent) => {
    await assertRejectedBeforeRequest(agent, impostor);
  });
});

test('given insecure should accept an unverifiable certificate', async () => {
  await withAgent(createHttpAgent({ insecure: true }), async (agent) => {
    assert.equal(await get(agent, impostor), 'ok');
  });
});

test('given the SHA-1 or SHA-256 pin of the server should connect without CA trust', async () => {
  for (const thumbprint of [serverSha1, serverSha256]) {
    await withAgent(createHttpAgent({ thumbprint }), async (agent) => {
      assert.equal(await get(agent, trusted), 'ok', thumbprint);
    });
  }
});

test('given the pin in lower case without colons should accept it', async () => {
  const thumbprint = serverSha256.replaceAll(':', '').toLowerCase();
  await withAgent(createHttpAgent({ thumbprint }), async (agent) => {
    assert.equal(await get(agent, trusted), 'ok');
  });
});

test('given a wrong pin should reject with expected and got thumbprints and send nothing', async () => {
  await withAgent(createHttpAgent({ thumbprint: serverSha256 }), async (agent) => {
    const err = await assertRejectedBeforeRequest(agent, impostor);
    assert.ok(err instanceof TlsThumbprintMismatchError, String(err));
    assert.equal(err.code, 'TLS_THUMBPRINT_MISMATCH');
    const impostorSha256 = new X509Certificate(fx.impostorCert).fingerprint256;
    assert.ok(err.message.includes(`expected SHA-256 ${serverSha256}`), err.message);
    assert.ok(err.message.includes(`got SHA-256 ${impostorSha256}`), err.message);
  });
});

test('given a wrong pin plus insecure should still reject', async () => {
  await withAgent(createHttpAgent({ thumbprint: serverSha1, insecure: true }), async (agent) => {
    const err = await assertRejectedBeforeRequest(agent, impostor);
    assert.ok(err instanceof TlsThumbprintMismatchError, String(err));
  });
});

test('given a wrong pin plus a CA that trusts the server should reject: the pin wins', async () => {
  await withAgent(createHttpAgent({ thumbprint: serverSha1, caPem: fx.impostorCert }), async (agent) => {
    const err = await assertRejectedBeforeRequest(agent, impostor);
    assert.ok(err instanceof TlsThumbprintMismatchError, String(err));
  });
});

test('given a pin on new sockets should check every handshake, never resuming a session', async () => {
  const server = await startTlsServer({ cert: fx.serverCert, key: fx.serverKey, handler: closeEachResponse });
  try {
    await withAgent(createHttpAgent({ thumbprint: serverSha256 }), async (agent) => {
      for (let i = 0; i < 3; i++) assert.equal(await get(agent, server), 'ok');
    });
    assert.equal(server.handshakes, 3);
    assert.equal(server.resumedHandshakes, 0);
    // A new socket after the certificate changed must be checked again.
    server.setCertificate({ cert: fx.impostorCert, key: fx.impostorKey });
    await withAgent(createHttpAgent({ thumbprint: serverSha256 }), async (agent) => {
      const err = await assertRejectedBeforeRequest(agent, server);
      assert.ok(err instanceof TlsThumbprintMismatchError, String(err));
    });
  } finally {
    await server.close();
  }
});

test('given an agent with session caching (control) should resume, proving the check above can fail', async () => {
  const server = await startTlsServer({ cert: fx.serverCert, key: fx.serverKey, handler: closeEachResponse });
  try {
    await withAgent(new Agent({ connect: { rejectUnauthorized: false } }), async (agent) => {
      for (let i = 0; i < 3; i++) assert.equal(await get(agent, server), 'ok');
    });
    assert.equal(server.handshakes, 3);
    assert.ok(server.resumedHandshakes > 0, 'undici caches sessions by default');
  } finally {
    await server.close();
  }
});

test('given 20 sequential requests on a one-connection agent should use one keep-alive connection', async () => {
  const server = await startTlsServer({ cert: fx.serverCert, key: fx.serverKey });
  try {
    await withAgent(createHttpAgent({ thumbprint: serverSha1, connections: 1 }), async (agent) => {
      for (let i = 0; i < 20; i++) assert.equal(await get(agent, server), 'ok');
    });
    assert.equal(server.requests.length, 20);
    assert.equal(server.tcpConnections, 1);
  } finally {
    await server.close();
  }
});

test('given 20 back-to-back requests with default pooling should keep at most two connections', async () => {
  // undici hands a socket back to its pool one event-loop turn after the response ends, so a
  // request issued immediately after the previous one may open a second socket, never more.
  const server = await startTlsServer({ cert: fx.serverCert, key: fx.serverKey });
  try {
    await withAgent(createHttpAgent({ caPem: fx.caCert }), async (agent) => {
      for (let i = 0; i < 20; i++) assert.equal(await get(agent, server), 'ok');
    });
    assert.equal(server.requests.length, 20);
    assert.ok(server.tcpConnections >= 1 && server.tcpConnections <= 2, String(server.tcpConnections));
  } finally {
    await server.close();
  }
});

test('given malformed settings should fail at creation with configuration errors', () => {
  assert.throws(() => createHttpAgent({ thumbprint: 'AB:CD' }), InvalidThumbprintError);
  assert.throws(() => createHttpAgent({ caPem: 'not a certificate' }), InvalidCaBundleError);
  const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
  assert.throws(() => createHttpAgent({ caPem: fx.caCert + broken }), /#2/);
});

test('given a CA file should load it, and name the file when it is missing or holds no certificate', async () => {
  assert.equal(await loadCaFile(join(fixturesDir, 'ca-cert.pem')), fx.caCert);
  const missing = join(fixturesDir, 'missing.pem');
  await assert.rejects(
    loadCaFile(missing),
    (e: unknown) => e instanceof CaFileReadError && e.message.includes(missing) && e.cause !== undefined,
  );
  const notPem = join(fixturesDir, 'README.md');
  await assert.rejects(
    loadCaFile(notPem),
    (e: unknown) => e instanceof InvalidCaBundleError && e.message.includes(notPem),
  );
});

test('given an aborted signal should reject loadCaFile with its reason', async () => {
  const reason = new Error('stop');
  await assert.rejects(
    loadCaFile(join(fixturesDir, 'ca-cert.pem'), { signal: AbortSignal.abort(reason) }),
    reason,
  );
});

test('given no CA bundle, should trust the system store as well as Node’s default roots', () => {
  const trusted = new Set(defaultTrustedCas());
  for (const ca of getCACertificates('system')) assert.ok(trusted.has(ca));
  for (const ca of getCACertificates('default')) assert.ok(trusted.has(ca));
});
