// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfigText } from '../config/load-config.ts';
import { openConfigPool } from './config-pool.ts';

const SECRET_CONFIG = `
global:
  secretName: vsphere-creds
  secretNamespace: kube-system
vcenter:
  east:
    server: 127.0.0.1
    datacenters: [dc1]
`;

/** Runs `body` with no kubeconfig reachable the way client-node's `loadFromDefault` looks. */
async function withoutKubeconfig(body: () => Promise<void>): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'ccm-nohome-'));
  const saved = { ...process.env };
  try {
    process.env['HOME'] = home;
    delete process.env['KUBECONFIG'];
    delete process.env['KUBERNETES_SERVICE_HOST'];
    delete process.env['KUBERNETES_SERVICE_PORT'];
    await body();
  } finally {
    process.env = saved;
    await rm(home, { recursive: true, force: true });
  }
}

describe('openConfigPool', () => {
  it('given Secret credentials and no kubeconfig anywhere, should fail naming it instead of using localhost:8080', async () => {
    await withoutKubeconfig(async () => {
      const { config } = loadConfigText(SECRET_CONFIG, { env: {} });
      await assert.rejects(openConfigPool(config), (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.equal((err as { code?: string }).code, 'KUBECONFIG_MISSING');
        assert.match(err.message, /no kubeconfig was found/);
        return true;
      });
    });
  });

  it('given inline credentials and no kubeconfig anywhere, should open and resolve them without Kubernetes', async () => {
    await withoutKubeconfig(async () => {
      const { config } = loadConfigText(
        'global:\n  user: u\n  password: p\nvcenter:\n  east:\n    server: 127.0.0.1\n    datacenters: [dc1]\n',
        { env: {} },
      );
      const opened = await openConfigPool(config);
      try {
        const east = config.vcenters.get('east');
        assert.ok(east !== undefined);
        const creds = await opened.credentials.resolve(east, { signal: AbortSignal.timeout(5_000) });
        assert.equal(creds.source, 'inline');
        assert.deepEqual(creds.credentials, { kind: 'password', username: 'u', password: 'p' });
      } finally {
        await opened.close();
      }
    });
  });
});
