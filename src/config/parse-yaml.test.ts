// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkConfigCase, loadOutcome, type ConfigCase } from '../../test/config/config-cases.ts';
import { parseYaml } from './parse-yaml.ts';

const vc = 'vcenter: {prod: {server: vc1}}\n';

const cases: readonly ConfigCase[] = [
  {
    name: 'given insecure-flag under global (INI style), should warn with the YAML key and not apply it',
    text: `global: {user: u, password: p, insecure-flag: true}\n${vc}`,
    warnings: ['global.insecure-flag is not a YAML key; did you mean insecureFlag?'],
    effective: { vcenters: { prod: { insecure: false } } },
  },
  {
    name: 'given other INI-style and mistyped keys, should suggest each',
    text: `global: {user: u, password: p, ca-file: /ca.pem, secretNameSpace: x}\nvirtualCenter: {a: {server: a1}}\nvcenters: {}\n${vc}`,
    warnings: [
      'global.ca-file is not a YAML key; did you mean caFile?',
      'global.secretNameSpace is not a YAML key; did you mean secretNamespace?',
      'virtualCenter is not a YAML key; did you mean vcenter?',
      'vcenters is not a YAML key; did you mean vcenter?',
    ],
  },
  {
    name: 'given an unknown key with no close match, should say it is ignored',
    text: `global: {user: u, password: p, flavour: vanilla}\n${vc}`,
    warnings: ['global.flavour is not a YAML key; it is ignored'],
  },
  {
    name: 'given the internal tenantref key, should say it is computed',
    text: 'global: {user: u, password: p}\nvcenter: {prod: {server: vc1, tenantref: x}}\n',
    warnings: ['vcenter.prod.tenantref is computed by the provider, not configurable; it is ignored'],
  },
  {
    name: 'given a duplicate key, should report both lines',
    text: 'global:\n  user: a\n  password: p\n  user: b\n' + vc,
    errors: ['global.user: duplicate key (lines 2 and 4); YAML keys must be unique'],
  },
  {
    name: 'given a duplicate vCenter name, should report it',
    text: 'global: {user: u, password: p}\nvcenter:\n  prod: {server: a}\n  prod: {server: b}\n',
    errors: ['vcenter.prod: duplicate key (lines 3 and 4); YAML keys must be unique'],
  },
  {
    name: 'given a section that is not a mapping, should report its shape',
    text: `global: [user, password]\n${vc}`,
    errors: [
      'global: expected a mapping of keys, got a list',
      'vcenter.prod.user: Username is missing: set user/password here or in global, or name a credentials Secret (secretName and secretNamespace)',
      'vcenter.prod.password: Password is missing: set user/password here or in global, or name a credentials Secret (secretName and secretNamespace)',
    ],
  },
  {
    name: 'given a nested list in datacenters, should point at the item',
    text: 'global: {user: u, password: p}\nvcenter: {prod: {server: vc1, datacenters: [[a]]}}\n',
    errors: ['vcenter.prod.datacenters[0]: expected a single value, got a list'],
  },
  {
    name: 'given anchors and a merge key, should apply them like yaml.v2',
    text: 'global: {user: u, password: p}\nvcenter:\n  a: &base {server: a1, port: 8443, datacenters: [dc1]}\n  b:\n    <<: *base\n    server: b1\n',
    effective: { vcenters: { a: { port: 8443 }, b: { server: 'b1', port: 8443, datacenters: ['dc1'] } } },
  },
  {
    name: 'given an empty value, should treat the key as unset',
    text: 'global:\n  user: u\n  password: p\n  port:\n' + vc,
    effective: { vcenters: { prod: { port: 443 } } },
  },
];

describe('parseYaml', () => {
  for (const c of cases)
    test(c.name, () => {
      checkConfigCase(c);
    });

  test('given YAML 1.1 scalars, should keep source text for strings and resolve booleans', () => {
    const r = parseYaml(
      'loadBalancer:\n  lbServiceId: 4711\n  tier1GatewayPath: 0x1F\n  snatDisabled: yes\n',
    );
    assert.equal(r.kind, 'mapping');
    const e = r.raw.loadBalancer?.entries;
    assert.deepEqual(e?.get('lbServiceId')?.value, {
      kind: 'scalar',
      text: '4711',
      type: 'int',
      value: 4711,
      bare: false,
    });
    const tier1 = e.get('tier1GatewayPath')?.value;
    assert.ok(tier1?.kind === 'scalar');
    assert.equal(tier1.text, '0x1F');
    const snat = e.get('snatDisabled')?.value;
    assert.ok(snat?.kind === 'scalar');
    assert.equal(snat.type, 'bool');
    assert.equal(snat.value, true);
  });

  test('given a syntax error on a line with a password, should not echo the password', () => {
    const out = loadOutcome('global:\n  password: "hunter2-secret\n  user: x\n');
    assert.equal(out.ok, false);
    assert.ok(out.errors.length > 0);
    for (const line of out.errors) assert.ok(!line.includes('hunter2'), line);
  });

  test('given a list at the top, should say it is not a mapping', () => {
    assert.deepEqual(parseYaml('- a\n- b\n'), { kind: 'not-mapping', found: 'a list' });
  });
});
