// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const here = (file: string): string => pathToFileURL(`${import.meta.dirname}/${file}`).href;

/**
 * Runs in a fresh process (hooks are process-wide): trims, records every client-node module that
 * loads, builds a KubeConfig, authenticates a request and starts nothing. Prints JSON.
 */
const SCRIPT = `
import { registerHooks } from 'node:module';
const { trimClientNodeImports } = await import(${JSON.stringify(here('client-node-trim.ts'))});
trimClientNodeImports();
const loaded = [];
registerHooks({ resolve(s, c, next) { const r = next(s, c); if (r.url.includes('client-node/dist/')) loaded.push(r.url.split('client-node/dist/')[1]); return r; } });
const { KubeConfig, RequestContext, Watch } = await import(${JSON.stringify(here('client-node.ts'))});
await import(${JSON.stringify(here('kube-client.ts'))});
const kc = new KubeConfig();
kc.loadFromOptions({
  clusters: [{ name: 'c', server: 'https://10.0.0.1:6443', skipTLSVerify: false }],
  users: [{ name: 'u', token: 'tok' }],
  contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
  currentContext: 'x',
});
const ctx = new RequestContext('https://10.0.0.1:6443/api/v1/nodes', 'GET');
await kc.applySecurityAuthentication(ctx);
const loadedBeforeOidc = [...loaded];
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = b64({ alg: 'none' }) + '.' + b64({ exp: 4102444800 }) + '.sig';
const oidc = new KubeConfig();
oidc.loadFromOptions({
  clusters: [{ name: 'c', server: 'https://10.0.0.1:6443', skipTLSVerify: false }],
  users: [{ name: 'o', authProvider: { name: 'oidc', config: { 'id-token': jwt, 'client-id': 'ccm' } } }],
  contexts: [{ name: 'x', cluster: 'c', user: 'o' }],
  currentContext: 'x',
});
const octx = new RequestContext('https://10.0.0.1:6443/api/v1/nodes', 'GET');
await oidc.applySecurityAuthentication(octx);
process.stdout.write(JSON.stringify({
  loaded: loadedBeforeOidc,
  oidcAuth: octx.getHeaders()['Authorization'] === 'Bearer ' + jwt,
  oidcLoadedLater: loaded.includes('oidc_auth.js'),
  server: kc.getCurrentCluster()?.server,
  auth: ctx.getHeaders()['Authorization'],
  watch: typeof new Watch(kc).watch,
}));
`;

describe('trimClientNodeImports', () => {
  it("given the daemon's imports, should load KubeConfig and Watch without client-node's generated API layer or openid-client", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      timeout: 30_000,
    });
    const out = JSON.parse(stdout) as {
      loaded: string[];
      server: string;
      auth: string;
      watch: string;
      oidcAuth: boolean;
      oidcLoadedLater: boolean;
    };
    assert.equal(out.server, 'https://10.0.0.1:6443');
    assert.equal(out.auth, 'Bearer tok');
    assert.equal(out.watch, 'function');
    assert.ok(out.loaded.includes('config.js'), out.loaded.join(' '));
    // What the trim keeps out: the package index, the API classes and the models.
    const heavy = out.loaded.filter(
      (m) =>
        m === 'index.js' ||
        m === 'gen/index.js' ||
        (m.startsWith('gen/apis/') && m !== 'gen/apis/exception.js') ||
        m.startsWith('gen/models/') ||
        m.startsWith('gen/types/'),
    );
    assert.deepEqual(heavy, []);
    // openid-client is loaded only when an OIDC user first authenticates, and then works as before.
    assert.equal(out.loaded.includes('oidc_auth.js'), false);
    assert.equal(out.oidcAuth, true);
    assert.equal(out.oidcLoadedLater, true);
  });
});
