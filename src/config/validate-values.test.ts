// SPDX-License-Identifier: Apache-2.0
import { describe, test } from 'node:test';
import { checkConfigCase, type ConfigCase } from '../../test/config/config-cases.ts';

/** Inheritance, defaults and value checks. */
const valueCases: readonly ConfigCase[] = [
  {
    name: 'given Global port, datacenters, roundtrip count and IP family, should be inherited by a vCenter that sets none',
    text: 'global: {user: u, password: p, port: 8443, datacenters: [dc1, dc2], soapRoundtripCount: 5, ipFamily: [ipv6]}\nvcenter: {prod: {server: vc1}}\n',
    effective: {
      vcenters: {
        prod: { port: 8443, datacenters: ['dc1', 'dc2'], soapRoundtripCount: 5, ipFamilies: ['ipv6'] },
      },
    },
  },
  {
    name: 'given vCenter values, should beat Global ones',
    text: 'global: {user: u, password: p, port: 8443, datacenters: [dc1]}\nvcenter: {prod: {server: vc1, port: 9443, datacenters: [dc9], user: v}}\n',
    effective: { vcenters: { prod: { port: 9443, datacenters: ['dc9'], user: 'v' } } },
  },
  {
    name: 'given soapRoundtripCount 0, should use the default 3',
    text: 'global: {user: u, password: p, soapRoundtripCount: 0}\nvcenter: {prod: {server: vc1, soapRoundtripCount: 0}}\n',
    effective: { global: { soapRoundtripCount: 3 }, vcenters: { prod: { soapRoundtripCount: 3 } } },
  },
  {
    name: 'given a port that is not a number, should name the key and the value',
    text: 'global: {user: u, password: p}\nvcenter: {prod: {server: vc1, port: 44x}}\n',
    errors: ['vcenter.prod.port: not a number "44x"'],
  },
  {
    name: 'given an INI port out of range, should report it',
    text: '[Global]\nuser = u\npassword = p\nport = 70000\n[VirtualCenter "vc1"]\n',
    errors: ['[Global] port: port 70000 is out of range (1-65535)'],
  },
  {
    name: 'given datacenters as one YAML string, should ask for a list instead of guessing at commas',
    text: 'global: {user: u, password: p}\nvcenter: {prod: {server: vc1, datacenters: "dc1,dc2"}}\n',
    errors: ['vcenter.prod.datacenters: expected a list, got a single value; write datacenters: [dc1, dc2]'],
  },
  {
    name: 'given an INI datacenter list with blanks around commas, should trim each name',
    text: '[Global]\nuser = u\npassword = p\n[VirtualCenter "vc1"]\ndatacenters = dc1 , /west/dc2,\n',
    effective: { vcenters: { vc1: { datacenters: ['dc1', '/west/dc2'] } } },
  },
  {
    name: 'given a server written as a URL, should ask for the host only',
    text: 'global: {user: u, password: p}\nvcenter: {prod: {server: "https://vc1:443/sdk"}}\n',
    errors: [
      'vcenter.prod.server: not a host name or IP address "https://vc1:443/sdk": give only the host, not a URL (the port goes in port)',
    ],
  },
  {
    name: 'given an IPv6 server without brackets, should accept it',
    text: 'global: {user: u, password: p}\nvcenter: {v6: {server: "fd00::10"}}\n',
    effective: { vcenters: { v6: { server: 'fd00::10' } } },
  },
  {
    name: 'given YAML 1.1 booleans and numbers in string fields, should read them as yaml.v2 does',
    text: 'global: {user: 0755, password: 1e3, insecureFlag: on}\nvcenter: {prod: {server: vc1}}\n',
    effective: { vcenters: { prod: { user: '0755', insecure: true } } },
  },
  {
    name: 'given a boolean that is not one, should report it',
    text: '[Global]\nuser = u\npassword = p\ninsecure-flag = maybe\n[VirtualCenter "vc1"]\n',
    errors: ['[Global] insecure-flag: not a boolean "maybe"; use true or false'],
  },
  {
    name: 'given a bare INI boolean, should read true (gcfg)',
    text: '[Global]\nuser = u\npassword = p\ninsecure-flag\n[VirtualCenter "vc1"]\n',
    effective: { vcenters: { vc1: { insecure: true } } },
  },
  {
    name: 'given a bare INI string variable, should ask for a value',
    text: '[Global]\nuser\npassword = p\n[VirtualCenter "vc1"]\n',
    errors: [
      '[Global] user: needs a value (user = …)',
      '[VirtualCenter "vc1"] user: Username is missing: set user/password here or in [Global], or name a credentials Secret (secret-name and secret-namespace)',
    ],
  },
  {
    name: 'given the unused apiDisable key, should accept it with a note',
    text: 'global: {user: u, password: p, apiDisable: true}\nvcenter: {prod: {server: vc1}}\n',
    warnings: ['global.apiDisable is accepted for compatibility and has no effect'],
  },
];

/** TestIPFamiliesINI, TestAlphaDualStackConfig and the IP family traps. */
const ipFamilyCases: readonly ConfigCase[] = [
  ...[
    ['ipv6', ['ipv6']],
    ['ipv4', ['ipv4']],
    ['ipv4, ', ['ipv4']],
    ['IPv6', ['ipv6']],
  ].map(([value, families]): ConfigCase => ({
    name: `given INI ip-family "${String(value)}", should read ${JSON.stringify(families)}`,
    text: `[Global]\nuser = u\npassword = p\n[VirtualCenter "vc1"]\nip-family = ${String(value)}\n`,
    effective: { vcenters: { vc1: { ipFamilies: families as string[] } } },
  })),
  {
    name: 'given two INI families with the dual-stack gate, should keep both in order',
    text: '[Global]\nuser = u\npassword = p\n[VirtualCenter "127.0.0.1"]\nip-family = ipv6,ipv4\n',
    env: { ENABLE_ALPHA_DUAL_STACK: '' },
    effective: { vcenters: { '127.0.0.1': { ipFamilies: ['ipv6', 'ipv4'] } } },
  },
  {
    name: 'given two families without ENABLE_ALPHA_DUAL_STACK, should fail with the reference text',
    text: '[Global]\nuser = u\npassword = p\n[VirtualCenter "127.0.0.1"]\nip-family = ipv6,ipv4\n',
    errors: [
      '[VirtualCenter "127.0.0.1"] ip-family: mulitple IP families specified for virtual center "127.0.0.1" but ENABLE_ALPHA_DUAL_STACK env var is not set',
    ],
  },
  {
    name: 'given two families in Global without the gate, should fail for every vCenter inheriting them',
    text: 'global: {user: u, password: p, ipFamily: [ipv4, ipv6]}\nvcenter: {a: {server: a1}, b: {server: b1, ipFamily: [ipv4]}}\n',
    errors: [
      'global.ipFamily: mulitple IP families specified for virtual center "a" but ENABLE_ALPHA_DUAL_STACK env var is not set',
    ],
  },
  {
    name: 'given ipv7, should report Invalid IP Family type',
    text: '[Global]\nuser = u\npassword = p\n[VirtualCenter "vc1"]\nip-family = ipv4,ipv7\n',
    errors: ['[VirtualCenter "vc1"] ip-family: Invalid IP Family type "ipv7"; use ipv4 or ipv6'],
  },
  {
    name: 'given a YAML ipFamily list, should validate it too (the reference does not)',
    text: 'global: {user: u, password: p}\nvcenter: {prod: {server: vc1, ipFamily: [ipv4, inet6]}}\n',
    errors: ['vcenter.prod.ipFamily: Invalid IP Family type "inet6"; use ipv4 or ipv6'],
  },
  {
    name: 'given YAML "ipFamily: ipv6,ipv4" as a string, should say to write a list',
    text: 'global: {user: u, password: p}\nvcenter:\n  prod:\n    server: vc1\n    ipFamily: ipv6,ipv4\n',
    errors: ['vcenter.prod.ipFamily: expected a list, got a single value; write ipFamily: [ipv6, ipv4]'],
  },
  {
    name: 'given mixed-case YAML families, should lower-case them',
    text: 'global: {user: u, password: p}\nvcenter: {prod: {server: vc1, ipFamily: [IPv6]}}\n',
    effective: { vcenters: { prod: { ipFamilies: ['ipv6'] } } },
  },
  {
    name: 'given a family listed twice, should keep it once and warn',
    text: 'global: {user: u, password: p}\nvcenter: {prod: {server: vc1, ipFamily: [ipv4, IPV4]}}\n',
    warnings: ['vcenter.prod.ipFamily: lists ipv4 twice; the repeat is ignored'],
    effective: { vcenters: { prod: { ipFamilies: ['ipv4'] } } },
  },
];

describe('vCenter value validation', () => {
  for (const [group, cases] of [
    ['values and inheritance', valueCases],
    ['IP families', ipFamilyCases],
  ] as const) {
    describe(group, () => {
      for (const c of cases)
        test(c.name, () => {
          checkConfigCase(c);
        });
    });
  }
});
