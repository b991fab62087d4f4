// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Agent, request } from 'undici';
import { HttpServerError, startHttpServer, type HealthCheck, type HttpServerOptions } from './http-server.ts';
import { CcmMetrics } from './metrics.ts';
import { generateSelfSignedCertificate } from './self-signed-cert.ts';

function options(overrides: Partial<HttpServerOptions> = {}): HttpServerOptions {
  return {
    bindAddress: '127.0.0.1',
    port: 0,
    tls: undefined,
    healthChecks: [],
    readyChecks: [],
    metrics: new CcmMetrics({ defaultMetrics: false }),
    signal: AbortSignal.timeout(10_000),
    ...overrides,
  };
}

async function get(
  server: { port: number; certPem: string },
  path: string,
  headers: Record<string, string> = {},
  method: 'GET' | 'HEAD' | 'POST' = 'GET',
) {
  const dispatcher = new Agent({ connect: { ca: server.certPem } });
  try {
    const res = await request(`https://127.0.0.1:${server.port}${path}`, { dispatcher, headers, method });
    return { status: res.statusCode, type: String(res.headers['content-type']), body: await res.body.text() };
  } finally {
    await dispatcher.close();
  }
}

describe('startHttpServer with a generated certificate', async () => {
  let leader: string | undefined;
  let synced: string | undefined = 'vc1 index not synced';
  const healthChecks: HealthCheck[] = [{ name: 'leader-election', check: () => leader }];
  const readyChecks: HealthCheck[] = [
    { name: 'config', check: () => Promise.resolve(undefined) },
    { name: 'vcenter-vc1', check: () => synced },
    {
      name: 'throws',
      check: () => {
        throw new Error('kaput');
      },
    },
  ];
  const metrics = new CcmMetrics({ defaultMetrics: false });
  const server = await startHttpServer(options({ healthChecks, readyChecks, metrics }));
  after(() => server.close());

  test('given a healthy process should answer /healthz with ok over TLS trusted by its own cert', async () => {
    assert.ok(server.port > 0);
    assert.deepEqual(await get(server, '/healthz'), {
      status: 200,
      type: 'text/plain; charset=utf-8',
      body: 'ok',
    });
  });

  test('given ?verbose should list every check', async () => {
    const res = await get(server, '/healthz?verbose');
    assert.equal(res.status, 200);
    assert.equal(res.body, '[+]ping ok\n[+]leader-election ok\nhealthz check passed\n');
  });

  test('given a failing health check should answer 500 naming it', async () => {
    leader = 'lease lost';
    try {
      const res = await get(server, '/healthz');
      assert.equal(res.status, 500);
      assert.match(res.body, /^\[-\]leader-election failed: lease lost$/m);
      assert.match(res.body, /healthz check failed\n$/);
    } finally {
      leader = undefined;
    }
  });

  test('given failing readiness checks should list them, a throw counting as failure', async () => {
    const res = await get(server, '/readyz');
    assert.equal(res.status, 500);
    assert.match(res.body, /^\[\+\]config ok$/m);
    assert.match(res.body, /^\[-\]vcenter-vc1 failed: vc1 index not synced$/m);
    assert.match(res.body, /^\[-\]throws failed: kaput$/m);
    assert.match(res.body, /readyz check failed\n$/);
  });

  test('given exclude and a single-check path should run only what was asked', async () => {
    synced = undefined;
    assert.equal((await get(server, '/readyz?exclude=throws')).body, 'ok');
    assert.equal((await get(server, '/readyz/vcenter-vc1')).status, 200);
    assert.equal((await get(server, '/readyz/throws')).status, 500);
    assert.equal((await get(server, '/readyz/nope')).status, 404);
  });

  test('given /metrics should serve text by default and OpenMetrics on request', async () => {
    metrics.nodeDeleted();
    const text = await get(server, '/metrics');
    assert.equal(text.status, 200);
    assert.match(text.type, /^text\/plain; version=0\.0\.4/);
    assert.match(text.body, /^vsphere_ccm_nodes_deleted_total 1$/m);
    const om = await get(server, '/metrics', { accept: 'application/openmetrics-text; version=1.0.0' });
    assert.match(om.type, /^application\/openmetrics-text/);
    assert.match(om.body, /# EOF\n?$/);
  });

  test('given other paths and methods should answer 404 and 405', async () => {
    assert.equal((await get(server, '/')).status, 404);
    assert.equal((await get(server, '/healthz/a/b')).status, 404);
    assert.equal((await get(server, '/healthz', {}, 'POST')).status, 405);
    const head = await get(server, '/healthz', {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  test('given a client that does not trust the cert should fail the TLS handshake', async () => {
    await assert.rejects(request(`https://127.0.0.1:${server.port}/healthz`), /certificate/i);
  });
});

test('given a check that never settles should time it out', async () => {
  const server = await startHttpServer(
    options({
      readyChecks: [{ name: 'slow', check: () => new Promise(() => undefined) }],
      checkTimeoutMs: 50,
    }),
  );
  try {
    const res = await get(server, '/readyz');
    assert.equal(res.status, 500);
    assert.match(res.body, /^\[-\]slow failed: timed out after 50 ms$/m);
  } finally {
    await server.close();
  }
});

test('given certificate files should serve with them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ccm-http-'));
  try {
    const pair = generateSelfSignedCertificate({ commonName: 'files', altNames: ['127.0.0.1'], days: 1 });
    await writeFile(join(dir, 'tls.crt'), pair.certPem);
    await writeFile(join(dir, 'tls.key'), pair.keyPem);
    const server = await startHttpServer(
      options({ tls: { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') } }),
    );
    try {
      assert.equal(server.certPem, pair.certPem);
      assert.equal((await get(server, '/healthz')).body, 'ok');
    } finally {
      await server.close();
    }
    await assert.rejects(
      startHttpServer(
        options({ tls: { certFile: join(dir, 'missing.crt'), keyFile: join(dir, 'tls.key') } }),
      ),
      (e: unknown) => e instanceof HttpServerError && e.code === 'TLS_FILES_UNREADABLE',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('given a port already in use should reject with HTTP_LISTEN_FAILED', async () => {
  const first = await startHttpServer(options());
  try {
    await assert.rejects(
      startHttpServer(options({ port: first.port })),
      (e: unknown) =>
        e instanceof HttpServerError &&
        e.code === 'HTTP_LISTEN_FAILED' &&
        e.message.includes(String(first.port)),
    );
  } finally {
    await first.close();
  }
});

test('given an aborted start signal should reject, and a later abort should not stop the server', async () => {
  await assert.rejects(startHttpServer(options({ signal: AbortSignal.abort(new Error('stop')) })), /stop/);
  const controller = new AbortController();
  const server = await startHttpServer(options({ signal: controller.signal }));
  try {
    controller.abort();
    assert.equal((await get(server, '/healthz')).body, 'ok');
  } finally {
    await server.close();
  }
});
