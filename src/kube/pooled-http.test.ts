// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeConfig, createConfiguration } from './client-node.ts';
import { readTlsFixtures, startTlsServer, type TlsTestServer } from '../../test/support/tls-server.ts';
import { KubeRest } from './kube-rest.ts';
import { PooledHttpLibrary } from './pooled-http.ts';

const LIST = { method: 'GET', path: '/api/v1/nodes' } as const;
const NODE_LIST = JSON.stringify({
  apiVersion: 'v1',
  kind: 'NodeList',
  metadata: { resourceVersion: '7' },
  items: [],
});

function kubeConfigFor(server: TlsTestServer, caCert: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(
    {
      name: 'c',
      server: server.url.origin,
      caData: Buffer.from(caCert).toString('base64'),
      skipTLSVerify: false,
    },
    { name: 'u', token },
  );
  return kc;
}

interface NodeList {
  readonly metadata: { readonly resourceVersion: string };
}

describe('PooledHttpLibrary', () => {
  let server: TlsTestServer;
  let caCert: string;
  before(async () => {
    const tls = await readTlsFixtures();
    caCert = tls.caCert;
    server = await startTlsServer({
      cert: tls.serverCert,
      key: tls.serverKey,
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(NODE_LIST);
      },
    });
  });
  after(() => server.close());

  it('given twenty sequential requests, should reuse its pooled connections and send the token on each', async () => {
    const kc = kubeConfigFor(server, caCert, 'tok-1');
    const http = new PooledHttpLibrary(kc);
    const before = server.tcpConnections;
    const seen = server.requests.length;
    try {
      for (let i = 0; i < 20; i++) {
        const list = await new KubeRest({ kubeConfig: kc, http }).request<NodeList>({
          ...LIST,
          signal: AbortSignal.timeout(5_000),
        });
        assert.equal(list.metadata.resourceVersion, '7');
      }
    } finally {
      await http.close();
    }
    // undici may open another socket while one is being released (2 here); never one per call.
    assert.ok(
      server.tcpConnections - before <= 5,
      `${String(server.tcpConnections - before)} connections for 20 calls`,
    );
    const sent = server.requests.slice(seen);
    assert.equal(sent.length, 20);
    for (const r of sent) assert.equal(r.headers.authorization, 'Bearer tok-1');
  });

  it("given client-node's own library, should open a connection per call (the reason this class exists)", async () => {
    const kc = kubeConfigFor(server, caCert, 'tok-1');
    const before = server.tcpConnections;
    for (let i = 0; i < 3; i++)
      await new KubeRest({ kubeConfig: kc, http: createConfiguration().httpApi }).request({
        ...LIST,
        signal: AbortSignal.timeout(5_000),
      });
    assert.equal(server.tcpConnections - before, 3);
  });

  it('given a token changed in the KubeConfig, should send the new one on the next call over the same pool', async () => {
    const kc = kubeConfigFor(server, caCert, 'tok-1');
    const http = new PooledHttpLibrary(kc);
    try {
      await new KubeRest({ kubeConfig: kc, http }).request<NodeList>({
        ...LIST,
        signal: AbortSignal.timeout(5_000),
      });
      kc.users = kc.users.map((u) => ({ ...u, token: 'tok-2' }));
      const seen = server.requests.length;
      await new KubeRest({ kubeConfig: kc, http }).request<NodeList>({
        ...LIST,
        signal: AbortSignal.timeout(5_000),
      });
      assert.equal(server.requests[seen]?.headers.authorization, 'Bearer tok-2');
    } finally {
      await http.close();
    }
  });

  it('given a server certificate the cluster CA did not sign, should refuse the call', async () => {
    const tls = await readTlsFixtures();
    const kc = kubeConfigFor(server, tls.impostorCert, 'tok-1');
    const http = new PooledHttpLibrary(kc);
    try {
      await assert.rejects(
        new KubeRest({ kubeConfig: kc, http }).request<NodeList>({
          ...LIST,
          signal: AbortSignal.timeout(5_000),
        }),
      );
    } finally {
      await http.close();
    }
  });

  it('given a closed library, should refuse further calls', async () => {
    const kc = kubeConfigFor(server, caCert, 'tok-1');
    const http = new PooledHttpLibrary(kc);
    await http.close();
    await assert.rejects(
      new KubeRest({ kubeConfig: kc, http }).request<NodeList>({
        ...LIST,
        signal: AbortSignal.timeout(5_000),
      }),
      /closed/,
    );
  });
});
