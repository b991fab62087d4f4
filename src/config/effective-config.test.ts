// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadOutcome } from '../../test/config/config-cases.ts';
import { effectiveConfig, secretRefText } from './effective-config.ts';

const secrets = ['vc-Passw0rd!', 'global-Passw0rd!', 'nsx-Passw0rd!', 'vmc-refresh-token-123'];

const text = `
global:
  user: administrator@vsphere.local
  password: "${secrets[1] ?? ''}"
vcenter:
  prod:
    server: vc1.example.com
    password: "${secrets[0] ?? ''}"
  shared:
    server: vc2.example.com
    secretName: vc2-creds
    secretNamespace: kube-system
nsxt:
  host: nsx.example.com
  user: admin
  password: "${secrets[2] ?? ''}"
  vmcAccessToken: "${secrets[3] ?? ''}"
  vmcAuthHost: console.cloud.vmware.com
labels: {zone: z}
`;

function load(): ReturnType<typeof effectiveConfig> {
  const out = loadOutcome(text);
  assert.ok(out.ok, out.ok ? '' : out.errors.join('\n'));
  return effectiveConfig(out.loaded.config, out.loaded.warnings);
}

describe('effectiveConfig', () => {
  test('given a config, should produce the documented top-level keys in order', () => {
    assert.deepEqual(Object.keys(load()), [
      'global',
      'vcenters',
      'labels',
      'nodes',
      'nsxt',
      'loadBalancer',
      'loadBalancerClasses',
      'route',
      'warnings',
    ]);
  });

  test('given a vCenter, should produce exactly the documented vCenter keys with a numeric port', () => {
    const vc = (load().vcenters as Record<string, Record<string, unknown>>).prod;
    assert.deepEqual(Object.keys(vc ?? {}), [
      'server',
      'port',
      'user',
      'password',
      'insecure',
      'caFile',
      'thumbprint',
      'datacenters',
      'ipFamilies',
      'secretRef',
      'soapRoundtripCount',
    ]);
    assert.equal(vc?.port, 443);
  });

  test('given secrets in the config, should print none of them and mark each as ***', () => {
    const doc = load();
    const json = JSON.stringify(doc);
    for (const s of secrets) assert.ok(!json.includes(s), `leaked ${s}`);
    const vcs = doc.vcenters as Record<string, Record<string, unknown>>;
    assert.equal(vcs.prod?.password, '***');
    assert.equal(vcs.shared?.password, null);
    assert.deepEqual(
      [(doc.nsxt as Record<string, unknown>).password, (doc.nsxt as Record<string, unknown>).vmcAccessToken],
      ['***', '***'],
    );
  });

  test('given SecretRefs of each kind, should name them as the reference does', () => {
    const vcs = load().vcenters as Record<string, Record<string, unknown>>;
    assert.equal(vcs.prod?.secretRef, null);
    assert.equal(vcs.shared?.secretRef, 'kube-system/vc2-creds');
    assert.equal(secretRefText({ kind: 'global' }), 'Global');
  });

  test('given absent optional sections and a warning, should print null sections and the warning line', () => {
    const doc = load();
    assert.deepEqual([doc.loadBalancer, doc.loadBalancerClasses, doc.route], [null, null, null]);
    assert.deepEqual(doc.warnings, [
      'labels.zone is set without region; zone and region labels are applied only when both are set',
    ]);
  });
});
