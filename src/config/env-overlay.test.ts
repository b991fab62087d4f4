// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkConfigCase, type ConfigCase } from '../../test/config/config-cases.ts';
import { parseConfigText } from './detect-format.ts';
import { applyEnvOverrides } from './env-overlay.ts';

const fileVc = 'vcenter: {prod: {server: vc1.example.com, datacenters: [dc-file]}}\n';
const sha1 = '01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67';

const cases: readonly ConfigCase[] = [
  {
    name: 'given VSPHERE_USER and VSPHERE_PASSWORD, should let vCenters inherit them like file values',
    text: fileVc,
    env: { VSPHERE_USER: 'env-user', VSPHERE_PASSWORD: 'env-pass' },
    effective: {
      global: { user: 'env-user', password: '***' },
      vcenters: { prod: { user: 'env-user', password: '***' } },
    },
  },
  {
    name: 'given VSPHERE_VCENTER, should define that vCenter (a no-op in the reference)',
    text: '# everything from the environment\n',
    env: { VSPHERE_VCENTER: 'vc.env.example.com', VSPHERE_USER: 'u', VSPHERE_PASSWORD: 'p' },
    effective: { vcenters: { 'vc.env.example.com': { server: 'vc.env.example.com', user: 'u' } } },
  },
  {
    name: 'given VSPHERE_VCENTER_PORT, should set the Global port and never create a vCenter named after it',
    text: `global: {user: u, password: p}\n${fileVc}`,
    env: { VSPHERE_VCENTER_PORT: '8443' },
    effective: { global: { port: 8443 }, vcenters: { prod: { port: 8443 } } },
  },
  {
    name: 'given a full VSPHERE_VCENTER_<ID> group, should apply every per-vCenter variable',
    text: '# env only\n',
    env: {
      VSPHERE_VCENTER_1: 'tenant-a',
      VCENTER_1_SERVER: '10.0.0.5',
      VCENTER_1_USERNAME: 'a-user',
      VCENTER_1_PASSWORD: 'a-pass',
      VCENTER_1_PORT: '9443',
      VCENTER_1_INSECURE: 'true',
      VCENTER_1_ROUNDTRIP: '5',
      VCENTER_1_IP_FAMILY: 'ipv6',
      VCENTER_1_DATACENTERS: 'dc1, dc2',
      VCENTER_1_CAFILE: '/ca.pem',
      VCENTER_1_THUMBPRINT: sha1,
      VCENTER_1_SECRET_NAME: 'a-creds',
      VCENTER_1_SECRET_NAMESPACE: 'kube-system',
    },
    effective: {
      vcenters: {
        'tenant-a': {
          server: '10.0.0.5',
          user: 'a-user',
          password: '***',
          port: 9443,
          insecure: true,
          soapRoundtripCount: 5,
          ipFamilies: ['ipv6'],
          datacenters: ['dc1', 'dc2'],
          caFile: '/ca.pem',
          thumbprint: sha1,
          secretRef: 'kube-system/a-creds',
        },
      },
    },
  },
  {
    name: 'given a vCenter group without INSECURE, ROUNDTRIP and IP_FAMILY, should inherit them (the reference inverts these checks)',
    text: 'global: {user: u, password: p, insecureFlag: true, soapRoundtripCount: 7, ipFamily: [ipv6]}\n',
    env: { VSPHERE_VCENTER_X: 'vc-x' },
    effective: {
      vcenters: { 'vc-x': { server: 'vc-x', insecure: true, soapRoundtripCount: 7, ipFamilies: ['ipv6'] } },
    },
  },
  {
    name: 'given a group naming a vCenter of the file, should override only what the environment sets',
    text: `global: {user: u, password: p}\n${fileVc}`,
    env: { VSPHERE_VCENTER_1: 'prod', VCENTER_1_PORT: '9443' },
    effective: { vcenters: { prod: { server: 'vc1.example.com', datacenters: ['dc-file'], port: 9443 } } },
  },
  {
    name: 'given a bad per-vCenter port, should report it under the variable name',
    text: `global: {user: u, password: p}\n${fileVc}`,
    env: { VSPHERE_VCENTER_1: 'prod', VCENTER_1_PORT: '44x' },
    errors: ['env VCENTER_1_PORT: not a number "44x"'],
  },
  {
    name: 'given bad Global values, should report each variable (the reference only logs them)',
    text: `global: {user: u, password: p}\n${fileVc}`,
    env: { VSPHERE_INSECURE: 'maybe', VSPHERE_ROUNDTRIP_COUNT: '-1', VSPHERE_THUMBPRINT: 'AB:CD' },
    errors: [
      'env VSPHERE_INSECURE: not a boolean "maybe"; use true or false',
      'env VSPHERE_ROUNDTRIP_COUNT: not a number "-1"',
      'env VSPHERE_THUMBPRINT: thumbprint is 2 bytes long; expected 20 (SHA-1) or 32 (SHA-256)',
    ],
  },
  {
    name: 'given per-vCenter variables without their VSPHERE_VCENTER_<ID>, should warn that they are ignored',
    text: `global: {user: u, password: p}\n${fileVc}`,
    env: { VCENTER_2_USERNAME: 'x', VCENTER_2_SECRET_NAMESPACE: 'ns' },
    warnings: [
      'env VCENTER_2_USERNAME is ignored: VSPHERE_VCENTER_2 is not set',
      'env VCENTER_2_SECRET_NAMESPACE is ignored: VSPHERE_VCENTER_2 is not set',
    ],
  },
  {
    name: 'given a value containing "=", should keep it whole (the reference skips it)',
    text: fileVc,
    env: { VSPHERE_USER: 'domain=corp', VSPHERE_PASSWORD: 'a=b=c' },
    effective: { vcenters: { prod: { user: 'domain=corp', password: '***' } } },
  },
  {
    name: 'given an empty variable, should leave the file value alone',
    text: `global: {user: file-user, password: p}\n${fileVc}`,
    env: { VSPHERE_USER: '' },
    effective: { vcenters: { prod: { user: 'file-user' } } },
  },
  {
    name: 'given VSPHERE_SECRETS_DIRECTORY, should count as a credential source',
    text: fileVc,
    env: { VSPHERE_SECRETS_DIRECTORY: '/etc/cloud/secrets' },
    effective: {
      global: { secretsDirectory: '/etc/cloud/secrets' },
      vcenters: { prod: { secretRef: 'Global', user: null } },
    },
  },
  {
    name: 'given Global datacenters, labels and nodes from the environment, should apply them',
    text: `global: {user: u, password: p}\nvcenter: {prod: {server: vc1}}\n`,
    env: {
      VSPHERE_DATACENTER: 'dc1,dc2',
      VSPHERE_LABEL_ZONE: 'k8s-zone',
      VSPHERE_LABEL_REGION: 'k8s-region',
      VSPHERE_NODES_INTERNAL_NETWORK_SUBNET_CIDR: '10.0.0.0/8, fd00::/8',
      VSPHERE_NODES_EXTERNAL_VM_NETWORK_NAME: 'VM Network',
    },
    effective: {
      vcenters: { prod: { datacenters: ['dc1', 'dc2'] } },
      labels: { zone: 'k8s-zone', region: 'k8s-region' },
      nodes: { internalNetworkSubnetCidrs: ['10.0.0.0/8', 'fd00::/8'], externalVmNetworkName: 'VM Network' },
    },
  },
  {
    name: 'given a bad CIDR in the environment, should report the variable',
    text: `global: {user: u, password: p}\n${fileVc}`,
    env: { VSPHERE_NODES_EXTERNAL_NETWORK_SUBNET_CIDR: '10.0.0.0/40' },
    errors: [
      'env VSPHERE_NODES_EXTERNAL_NETWORK_SUBNET_CIDR: not a CIDR "10.0.0.0/40": the prefix must be a number from 0 to 32',
    ],
  },
  {
    name: 'given NSX-T entirely from the environment, should configure it (the reference rejects env-only NSX-T)',
    text: `global: {user: u, password: p}\n${fileVc}`,
    env: {
      NSXT_MANAGER_HOST: 'nsx.example.com',
      NSXT_USERNAME: 'admin',
      NSXT_PASSWORD: 'secret',
      NSXT_ALLOW_UNVERIFIED_SSL: 'true',
    },
    effective: { nsxt: { host: 'nsx.example.com', user: 'admin', password: '***', insecure: true } },
  },
  {
    name: 'given NSXT_* without a host or nsxt section, should warn and leave NSX-T off',
    text: `global: {user: u, password: p}\n${fileVc}`,
    env: { NSXT_PASSWORD: 'x' },
    warnings: ['env NSXT_PASSWORD is ignored: there is no nsxt section and no NSXT_MANAGER_HOST'],
    effective: { nsxt: null },
  },
  {
    name: 'given an unparsable NSXT_ALLOW_UNVERIFIED_SSL, should fail like the reference',
    text: `global: {user: u, password: p}\n${fileVc}nsxt: {host: h, user: a, password: b}\n`,
    env: { NSXT_ALLOW_UNVERIFIED_SSL: 'sometimes' },
    errors: ['env NSXT_ALLOW_UNVERIFIED_SSL: not a boolean "sometimes"; use true or false'],
  },
  {
    name: 'given an INI file and VSPHERE_VCENTER_<ID>, should add the vCenter to the INI config',
    text: '[Global]\nuser = u\npassword = p\n',
    env: { VSPHERE_VCENTER_A: '10.1.1.1' },
    effective: { vcenters: { '10.1.1.1': { server: '10.1.1.1' } } },
  },
];

describe('applyEnvOverrides', () => {
  for (const c of cases)
    test(c.name, () => {
      checkConfigCase(c);
    });

  test('given a raw config, should return a new one and leave the input untouched', () => {
    const parsed = parseConfigText(`global: {user: u}\n${fileVc}`);
    assert.ok(parsed.ok);
    const before = JSON.stringify([...(parsed.raw.global?.entries.keys() ?? [])]);
    const after = applyEnvOverrides(parsed.raw, { VSPHERE_PASSWORD: 'p', VSPHERE_VCENTER_1: 'extra' });
    assert.equal(JSON.stringify([...(parsed.raw.global?.entries.keys() ?? [])]), before);
    assert.equal(parsed.raw.vcenters.size, 1);
    assert.equal(after.vcenters.size, 2);
    assert.equal(after.global?.entries.get('password')?.path, 'env VSPHERE_PASSWORD');
  });
});
