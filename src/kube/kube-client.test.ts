// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startKubeApi } from '../../test/support/kube-apiserver.ts';
import { KubeClient, KubeConfigInvalidError, KubeConfigMissingError, loadKubeConfig } from './kube-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'kube-client-test-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: { server: 'https://api.example:6443', insecure-skip-tls-verify: true }
users:
- name: u1
  user: { token: abc }
contexts:
- name: ctx
  context: { cluster: c1, user: u1 }
current-context: ctx
`;

describe('loadKubeConfig', () => {
  test('given a kubeconfig file, should use its current cluster', () => {
    const file = join(dir, 'config');
    writeFileSync(file, KUBECONFIG);
    const kc = loadKubeConfig({ kubeconfig: file, env: {} });
    assert.equal(kc.getCurrentCluster()?.server, 'https://api.example:6443');
    assert.equal(kc.getCurrentUser()?.token, 'abc');
  });

  test('given a kubeconfig and --master, should override only the server', () => {
    const file = join(dir, 'config-master');
    writeFileSync(file, KUBECONFIG);
    const kc = loadKubeConfig({ kubeconfig: file, master: 'https://other:443', env: {} });
    assert.equal(kc.getCurrentCluster()?.server, 'https://other:443');
    assert.equal(kc.getCurrentUser()?.token, 'abc');
  });

  test('given nothing, should throw KubeConfigMissingError instead of using localhost:8080', () => {
    assert.throws(
      () => loadKubeConfig({ env: {}, serviceAccountDir: join(dir, 'none') }),
      (err: unknown) => err instanceof KubeConfigMissingError && /--kubeconfig/.test(err.message),
    );
  });

  test('given the service env but no token file, should throw KubeConfigMissingError', () => {
    const env = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
    assert.throws(
      () => loadKubeConfig({ env, serviceAccountDir: join(dir, 'none') }),
      KubeConfigMissingError,
    );
  });

  test('given an unreadable kubeconfig, should throw KubeConfigInvalidError', () => {
    assert.throws(
      () => loadKubeConfig({ kubeconfig: join(dir, 'missing'), env: {} }),
      KubeConfigInvalidError,
    );
  });

  test('given the in-cluster env and token, should use the service address and token file', () => {
    const sa = join(dir, 'sa');
    mkdirSync(sa);
    writeFileSync(join(sa, 'token'), 'tok');
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' };
    const kc = loadKubeConfig({ env, serviceAccountDir: sa });
    assert.equal(kc.getCurrentCluster()?.server, 'https://[fd00::1]:6443');
    assert.equal(kc.getCurrentCluster()?.caFile, join(sa, 'ca.crt'));
    const provider = kc.getCurrentUser()?.authProvider as { config?: Record<string, string> } | undefined;
    assert.equal(provider?.config?.['tokenFile'], join(sa, 'token'));
  });

  test('given only --master, should use it without credentials', () => {
    const kc = loadKubeConfig({
      master: 'http://127.0.0.1:1',
      env: {},
      serviceAccountDir: join(dir, 'none'),
    });
    assert.equal(kc.getCurrentCluster()?.server, 'http://127.0.0.1:1');
  });
});

describe('KubeClient rate limit', () => {
  test('given burst 2 and qps 10, should make the third call wait 100 ms for a token', async () => {
    const kube = await startKubeApi();
    try {
      const sleeps: number[] = [];
      const client = new KubeClient({
        kubeConfig: kube.kubeConfig,
        qps: 10,
        burst: 2,
        clock: () => 0,
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
      });
      const signal = AbortSignal.timeout(5000);
      for (let i = 0; i < 3; i++) await client.rest.request({ method: 'GET', path: '/api/v1/nodes', signal });
      assert.deepEqual(sleeps, [100]);
      assert.equal(kube.requestLog.count({ verb: 'list', resource: 'nodes' }), 3);
    } finally {
      await kube.close();
    }
  });

  test('given an aborted signal while waiting for a token, should reject without sending', async () => {
    const kube = await startKubeApi();
    try {
      const client = new KubeClient({ kubeConfig: kube.kubeConfig, qps: 0.001, burst: 1 });
      const signal = AbortSignal.timeout(5000);
      await client.rest.request({ method: 'GET', path: '/api/v1/nodes', signal });
      const waiting = new AbortController();
      const call = client.rest.request({ method: 'GET', path: '/api/v1/nodes', signal: waiting.signal });
      waiting.abort(new Error('stop'));
      await assert.rejects(call, /stop/);
      assert.equal(kube.requestLog.count({ verb: 'list', resource: 'nodes' }), 1);
    } finally {
      await kube.close();
    }
  });
});
