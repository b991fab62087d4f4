// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkConfigCase, loadOutcome, type ConfigCase } from '../../test/config/config-cases.ts';

const base = '[Global]\nuser = u\npassword = p\n[VirtualCenter "vc1"]\n';

/** What gcfg silently ignores, reported here, and the INI-only traps. */
const cases: readonly ConfigCase[] = [
  {
    name: 'given a camelCase key in INI, should suggest the INI name and not apply it',
    text: `${base}insecureFlag = true\n`,
    warnings: ['[VirtualCenter "vc1"] insecureFlag is not an INI key; did you mean insecure-flag?'],
    effective: { vcenters: { vc1: { insecure: false } } },
  },
  {
    name: 'given the in-tree provider sections, should accept them and say they have no effect',
    text: `${base}[Workspace]\nserver = 10.0.0.1\ndatacenter = dc1\n[Disk]\nscsicontrollertype = pvscsi\n[Network]\npublic-network = VM Network\n`,
    warnings: [
      '[Workspace] is a section of the in-tree vSphere provider (VCP); its keys have no effect here',
      '[Disk] is a section of the in-tree vSphere provider (VCP); its keys have no effect here',
      '[Network] is a section of the in-tree vSphere provider (VCP); its keys have no effect here',
    ],
  },
  {
    name: 'given in-tree provider keys in [Global], should say they have no effect, suggesting datacenters for datacenter',
    text: '[Global]\nuser = u\npassword = p\nworking-dir = /dc/vm/k8s\nvm-uuid = x\ndatacenter = dc1\n[VirtualCenter "vc1"]\n',
    warnings: [
      '[Global] working-dir is a key of the in-tree vSphere provider (VCP); it has no effect here',
      '[Global] vm-uuid is a key of the in-tree vSphere provider (VCP); it has no effect here',
      '[Global] datacenter is not an INI key; did you mean datacenters?',
    ],
  },
  {
    name: 'given a misspelt section, should suggest the right one',
    text: `${base}[VirtualCenters "vc2"]\nport = 1\n[vcenter "vc3"]\n`,
    warnings: [
      '[VirtualCenters "vc2"] is not an INI section of this config; did you mean [VirtualCenter]?',
      '[vcenter "vc3"] is not an INI section of this config; did you mean [VirtualCenter]?',
    ],
    effective: { vcenters: { vc1: { server: 'vc1' } } },
  },
  {
    name: 'given a name in quotes on a section that takes none, should ignore the section as gcfg does',
    text: `${base}[Labels "x"]\nzone = z\n`,
    warnings: ['[Labels "x"] is ignored: [Labels] takes no name in quotes'],
    effective: { labels: { zone: null } },
  },
  {
    name: 'given a key repeated in a section, should use the last value as gcfg does and warn',
    text: `${base}[Nodes]\nexclude-internal-network-subnet-cidr = 10.0.0.0/8\nexclude-internal-network-subnet-cidr = 192.168.0.0/16\n`,
    warnings: [
      '[Nodes] exclude-internal-network-subnet-cidr is set 2 times; only the last one (line 7) is used',
    ],
    effective: { nodes: { excludeInternalNetworkSubnetCidrs: ['192.168.0.0/16'] } },
  },
  {
    name: 'given mixed-case section and key names, should read them',
    text: '[GLOBAL]\nUser = u\nPASSWORD = p\n[virtualcenter "VC1"]\nInsecure-Flag = Yes\n',
    noWarnings: true,
    effective: { vcenters: { VC1: { server: 'VC1', user: 'u', insecure: true } } },
  },
];

describe('iniToRaw', () => {
  for (const c of cases)
    test(c.name, () => {
      checkConfigCase(c);
    });

  test('given indented lines and a quoted password with comment characters, should keep the password whole', () => {
    const out = loadOutcome(
      '\t[Global]\n\tuser = "u"\n\tpassword = "p;#x\\"y"  # note\n\t[VirtualCenter "vc1"]\n',
    );
    assert.ok(out.ok);
    assert.equal(out.loaded.config.vcenters.get('vc1')?.password, 'p;#x"y');
  });
});
