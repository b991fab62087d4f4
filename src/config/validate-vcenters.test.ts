// SPDX-License-Identifier: Apache-2.0
import { describe, test } from 'node:test';
import { checkConfigCase, type ConfigCase } from '../../test/config/config-cases.ts';

const sha256 =
  'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99';
const sha1 = '01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67';

/** The Go CPI's config tests (TestReadConfig*, TestTenantRefs*), restated as data. */
const referenceCases: readonly ConfigCase[] = [
  {
    name: 'given a YAML file with the deprecated global.server, should define that vCenter with every Global value',
    text: `
global:
  server: 0.0.0.0
  port: 443
  user: user
  password: password
  insecureFlag: true
  datacenters:
    - us-west
  caFile: /some/path/to/a/ca.pem
`,
    warnings: ['global.server is deprecated: define the vCenter under vcenter instead'],
    effective: {
      global: { server: '0.0.0.0', datacenters: ['us-west'], caFile: '/some/path/to/a/ca.pem' },
      vcenters: {
        '0.0.0.0': {
          server: '0.0.0.0',
          port: 443,
          user: 'user',
          password: '***',
          insecure: true,
          datacenters: ['us-west'],
          caFile: '/some/path/to/a/ca.pem',
          secretRef: null,
        },
      },
    },
  },
  {
    name: 'given the same config in INI, should read it the same way',
    text: `
[Global]
server = 0.0.0.0
port = 443
user = user
password = password
insecure-flag = true
datacenters = us-west
ca-file = /some/path/to/a/ca.pem
`,
    effective: {
      vcenters: {
        '0.0.0.0': {
          server: '0.0.0.0',
          user: 'user',
          insecure: true,
          datacenters: ['us-west'],
          caFile: '/some/path/to/a/ca.pem',
        },
      },
    },
  },
  {
    name: 'given YAML vCenters keyed by tenant with their own Secrets, should keep tenantRef and server apart',
    text: `
global:
  port: 443
  insecureFlag: true
vcenter:
  tenant1:
    server: 10.0.0.1
    datacenters: [vic0dc]
    secretName: tenant1-secret
    secretNamespace: kube-system
  tenant2:
    server: 10.0.0.2
    datacenters: [vic1dc]
    secretName: tenant2-secret
    secretNamespace: kube-system
  10.0.0.3:
    server: 10.0.0.3
    datacenters: [vicdc]
    secretName: eu-secret
    secretNamespace: kube-system
`,
    noWarnings: true,
    effective: {
      vcenters: {
        tenant1: { server: '10.0.0.1', secretRef: 'kube-system/tenant1-secret', insecure: true, port: 443 },
        tenant2: { server: '10.0.0.2', secretRef: 'kube-system/tenant2-secret' },
        '10.0.0.3': { server: '10.0.0.3', secretRef: 'kube-system/eu-secret', datacenters: ['vicdc'] },
      },
    },
  },
  {
    name: 'given INI vCenter sections, one without server, should use the section name as the server',
    text: `
[Global]
port = 443
insecure-flag = true

[VirtualCenter "tenant1"]
server = "10.0.0.1"
datacenters = "vic0dc"
secret-name = "tenant1-secret"
secret-namespace = "kube-system"
# port, insecure-flag will be used from Global section.

[VirtualCenter "10.0.0.3"]
datacenters = "vicdc"
secret-name = "eu-secret"
secret-namespace = "kube-system"
`,
    noWarnings: true,
    effective: {
      vcenters: {
        tenant1: { server: '10.0.0.1', secretRef: 'kube-system/tenant1-secret', insecure: true },
        '10.0.0.3': { server: '10.0.0.3', secretRef: 'kube-system/eu-secret' },
      },
    },
  },
  {
    name: 'given a YAML file without any vCenter, should report "No Virtual Center hosts defined"',
    text: `
global:
  port: 443
  user: user
  password: password
`,
    errors: ['vcenter: No Virtual Center hosts defined (add vcenter.<name>.server)'],
  },
  {
    name: 'given an INI file without any vCenter, should report "No Virtual Center hosts defined"',
    text: '[Global]\nuser = user\npassword = password\n',
    errors: ['[VirtualCenter]: No Virtual Center hosts defined (add [VirtualCenter "<host>"])'],
  },
  {
    name: 'given a YAML vCenter without server, should report the reference message at the missing key',
    text: 'global: {user: u, password: p}\nvcenter:\n  prod:\n    datacenters: [dc1]\n',
    errors: [
      'vcenter.prod.server: vsphere.conf does not have the VirtualCenter IP address specified (add server: <host>)',
    ],
  },
  {
    name: 'given an INI [VirtualCenter] without a name and without server, should report the reference message',
    text: '[Global]\nuser = u\npassword = p\n[VirtualCenter]\nport = 443\n',
    errors: [
      '[VirtualCenter]: vsphere.conf does not have the VirtualCenter IP address specified (name the section [VirtualCenter "<host>"] or set server)',
    ],
  },
];

/** TestSecretVSphereConfig: which credentials each vCenter ends up with. */
const credentialCases: readonly ConfigCase[] = [
  {
    name: 'given Global user and password only, should give them to the vCenter and no SecretRef',
    text: '[Global]\nserver = 0.0.0.0\nuser = user\npassword = password\ndatacenters = us-west\n',
    effective: { vcenters: { '0.0.0.0': { user: 'user', password: '***', secretRef: null } } },
  },
  {
    name: 'given a Global Secret in the deprecated form, should point the vCenter at that Secret and need no password',
    text: '[Global]\nserver = 0.0.0.0\ndatacenters = us-west\nsecret-name = "vccreds"\nsecret-namespace = "kube-system"\n',
    effective: { vcenters: { '0.0.0.0': { user: null, password: null, secretRef: 'kube-system/vccreds' } } },
  },
  {
    name: 'given a Global Secret and a vCenter section, should use SecretRef Global without inherited user',
    text: '[Global]\nuser = user\npassword = password\nsecret-name = vccreds\nsecret-namespace = kube-system\n[VirtualCenter "0.0.0.0"]\n',
    effective: { vcenters: { '0.0.0.0': { user: null, password: null, secretRef: 'Global' } } },
  },
  {
    name: 'given a Global Secret and only a password on the vCenter, should accept it (user comes from the Secret)',
    text: '[Global]\nsecret-name = vccreds\nsecret-namespace = kube-system\n[VirtualCenter "0.0.0.0"]\npassword = password\n',
    effective: { vcenters: { '0.0.0.0': { user: null, password: '***', secretRef: 'Global' } } },
  },
  {
    name: 'given a secret name without namespace but inline credentials, should use the inline ones and warn',
    text: '[Global]\nserver = 0.0.0.0\nuser = user\npassword = password\nsecret-name = "vccreds"\n',
    warnings: [
      '[Global] secret-name is set without secret-namespace; both are needed, so no Global Secret is used',
    ],
    effective: { vcenters: { '0.0.0.0': { user: 'user', secretRef: null } } },
  },
  {
    name: 'given a secret name without namespace and no user, should report Username is missing',
    text: '[Global]\nserver = 0.0.0.0\npassword = password\nsecret-name = "vccreds"\n',
    errors: [
      '[Global] user: Username is missing: set user/password here or in [Global], or name a credentials Secret (secret-name and secret-namespace)',
    ],
  },
  {
    name: 'given a secret name without namespace and no password, should report Password is missing',
    text: '[Global]\nserver = 0.0.0.0\nuser = user\nsecret-name = "vccreds"\n',
    errors: [
      '[Global] password: Password is missing: set user/password here or in [Global], or name a credentials Secret (secret-name and secret-namespace)',
    ],
  },
  {
    name: 'given no credentials at all, should report both missing values at once',
    text: 'vcenter:\n  prod:\n    server: vc.example.com\n',
    errors: [
      'vcenter.prod.user: Username is missing: set user/password here or in global, or name a credentials Secret (secretName and secretNamespace)',
      'vcenter.prod.password: Password is missing: set user/password here or in global, or name a credentials Secret (secretName and secretNamespace)',
    ],
  },
  {
    name: 'given credentials in Global and a VirtualCenter section, should inherit them',
    text: '[Global]\nuser = user\npassword = password\ndatacenters = us-west\n[VirtualCenter "0.0.0.0"]\n',
    effective: { vcenters: { '0.0.0.0': { user: 'user', password: '***', datacenters: ['us-west'] } } },
  },
  {
    name: 'given Global server and a VirtualCenter section of the same name, should define it once from the section',
    text: '[Global]\nserver = 0.0.0.0\nport = 443\ninsecure-flag = true\n[VirtualCenter "0.0.0.0"]\nuser = vcuser\npassword = password\n',
    effective: { vcenters: { '0.0.0.0': { user: 'vcuser', insecure: true } } },
  },
  {
    name: 'given a secrets directory only, should use SecretRef Global',
    text: 'global: {secretsDirectory: /etc/cloud/secrets}\nvcenter: {prod: {server: vc1}}\n',
    effective: {
      global: { secretsDirectory: '/etc/cloud/secrets' },
      vcenters: { prod: { secretRef: 'Global' } },
    },
  },
  {
    name: 'given a Secret and a secrets directory together, should use neither (as the reference) and say so',
    text: 'global: {secretName: s, secretNamespace: ns, secretsDirectory: /d, user: u, password: p}\nvcenter: {prod: {server: vc1}}\n',
    warnings: [
      'global.secretsDirectory is set together with secretName and secretNamespace; as in the Go CPI neither is then used and inline credentials are required: keep only one',
    ],
    effective: { vcenters: { prod: { secretRef: null, user: 'u' } } },
  },
  {
    name: 'given a vCenter Secret namespace that is not a Kubernetes name, should report it',
    text: 'global: {user: u, password: p}\nvcenter: {prod: {server: vc1, secretName: creds, secretNamespace: Kube_System}}\n',
    errors: [
      'vcenter.prod.secretNamespace: not a valid Kubernetes namespace name "Kube_System" (lower-case letters, digits and "-")',
    ],
  },
];

/** TLS settings per vCenter and their inheritance (TestSecretVSphereConfig thumbprint/CA rows). */
const tlsCases: readonly ConfigCase[] = [
  {
    name: 'given thumbprints on some vCenters, should keep each one and leave the others without',
    text: `[Global]\nuser = user\npassword = password\n[VirtualCenter "0.0.0.0"]\nthumbprint = ${sha256}\n[VirtualCenter "no_thumbprint"]\n[VirtualCenter "1.1.1.1"]\nthumbprint = ${sha1}\n`,
    effective: {
      vcenters: {
        '0.0.0.0': { thumbprint: sha256 },
        no_thumbprint: { thumbprint: null },
        '1.1.1.1': { thumbprint: sha1 },
      },
    },
  },
  {
    name: 'given a Global CA file, should give it to every vCenter',
    text: '[Global]\nuser = u\npassword = p\nca-file = /some/path/to/my/trusted/ca.pem\n[VirtualCenter "0.0.0.0"]\n[VirtualCenter "1.1.1.1"]\n',
    effective: {
      vcenters: {
        '0.0.0.0': { caFile: '/some/path/to/my/trusted/ca.pem' },
        '1.1.1.1': { caFile: '/some/path/to/my/trusted/ca.pem' },
      },
    },
  },
  {
    name: 'given a Global thumbprint, should be inherited unless a vCenter sets its own',
    text: `global: {user: u, password: p, thumbprint: "${sha1}"}\nvcenter:\n  a: {server: a.example.com}\n  b: {server: b.example.com, thumbprint: "${sha256}"}\n`,
    effective: { vcenters: { a: { thumbprint: sha1 }, b: { thumbprint: sha256 } } },
  },
  {
    name: 'given a thumbprint that is not a digest, should report it at its key',
    text: '[Global]\nuser = u\npassword = p\n[VirtualCenter "vc1"]\nthumbprint = "thumbprint:0"\n',
    errors: ['[VirtualCenter "vc1"] thumbprint: thumbprint must be separated into 2-digit hex pairs'],
  },
  {
    name: 'given insecure in Global and false on a vCenter, should stay insecure (OR, as the reference)',
    text: 'global: {user: u, password: p, insecureFlag: true}\nvcenter: {prod: {server: vc1, insecureFlag: false}}\n',
    effective: { vcenters: { prod: { insecure: true } } },
  },
  {
    name: 'given insecure only on one vCenter, should not spread to the others',
    text: 'global: {user: u, password: p}\nvcenter:\n  a: {server: a1, insecureFlag: yes}\n  b: {server: b1}\n',
    effective: { vcenters: { a: { insecure: true }, b: { insecure: false } } },
  },
];

describe('vCenter and Global validation', () => {
  for (const [group, cases] of [
    ['reference config scenarios', referenceCases],
    ['credentials and SecretRef', credentialCases],
    ['TLS settings', tlsCases],
  ] as const) {
    describe(group, () => {
      for (const c of cases)
        test(c.name, () => {
          checkConfigCase(c);
        });
    });
  }
});
