// SPDX-License-Identifier: Apache-2.0
import { describe, test } from 'node:test';
import { checkConfigCase, type ConfigCase } from '../../test/config/config-cases.ts';

const vcYaml = 'global: {user: u, password: p}\nvcenter: {prod: {server: vc1}}\n';
const vcIni = '[Global]\nuser = u\npassword = p\n[VirtualCenter "vc1"]\n';
const nsxtYaml = 'nsxt: {host: nsx.example.com, user: admin, password: secret}\n';
const nsxtIni = '[NSXT]\nhost = nsx.example.com\nuser = admin\npassword = secret\n';

/** Nodes section in both syntaxes (the reference's Nodes parsing tests) and the CIDR traps. */
const nodesCases: readonly ConfigCase[] = [
  {
    name: 'given YAML subnet CIDRs, should read them as lists',
    text: `${vcYaml}nodes:\n  internalNetworkSubnetCidr: 192.0.2.0/24\n  externalNetworkSubnetCidr: 198.51.100.0/24\n`,
    effective: {
      nodes: {
        internalNetworkSubnetCidrs: ['192.0.2.0/24'],
        externalNetworkSubnetCidrs: ['198.51.100.0/24'],
      },
    },
  },
  {
    name: 'given INI network names with spaces and slashes, should keep them whole',
    text: `${vcIni}[Nodes]\ninternal-vm-network-name = "Internal K8s Traffic"\nexternal-vm-network-name = "External/Outbound Traffic"\n`,
    effective: {
      nodes: {
        internalVmNetworkName: 'Internal K8s Traffic',
        externalVmNetworkName: 'External/Outbound Traffic',
      },
    },
  },
  {
    name: 'given exclusion CIDRs mixing IPv4 and IPv6, should keep both families',
    text: `${vcIni}[Nodes]\nexclude-internal-network-subnet-cidr = "192.0.2.0/24,fe80::1/128"\nexclude-external-network-subnet-cidr = "192.1.2.0/24,fe80::2/128"\n`,
    effective: {
      nodes: {
        excludeInternalNetworkSubnetCidrs: ['192.0.2.0/24', 'fe80::1/128'],
        excludeExternalNetworkSubnetCidrs: ['192.1.2.0/24', 'fe80::2/128'],
      },
    },
  },
  {
    name: 'given a space after a comma (which breaks every discovery in the reference), should trim it',
    text: `${vcYaml}nodes: {internalNetworkSubnetCidr: "10.0.0.0/8, 192.168.0.0/16 ,fd00::/8"}\n`,
    effective: { nodes: { internalNetworkSubnetCidrs: ['10.0.0.0/8', '192.168.0.0/16', 'fd00::/8'] } },
  },
  {
    name: 'given CIDRs as a YAML list, should accept them',
    text: `${vcYaml}nodes:\n  excludeInternalNetworkSubnetCidr: [10.0.0.1/32, "fd00::1/128"]\n`,
    effective: { nodes: { excludeInternalNetworkSubnetCidrs: ['10.0.0.1/32', 'fd00::1/128'] } },
  },
  {
    name: 'given an IPv4-mapped IPv6 CIDR, should store the IPv4 network it matches',
    text: `${vcYaml}nodes: {internalNetworkSubnetCidr: "::ffff:10.1.0.0/112, ::ffff:c000:200/120"}\n`,
    effective: { nodes: { internalNetworkSubnetCidrs: ['10.1.0.0/16', '192.0.2.0/24'] } },
  },
  {
    name: 'given malformed CIDRs, should report each with the reason',
    text: `${vcYaml}nodes: {externalNetworkSubnetCidr: "10.0.0.0/33,010.0.0.0/8,10.0.0.0,fe80::1%eth0/64,::ffff:10.0.0.0/64"}\n`,
    errors: [
      'nodes.externalNetworkSubnetCidr: not a CIDR "10.0.0.0/33": the prefix must be a number from 0 to 32',
      'nodes.externalNetworkSubnetCidr: not a CIDR "010.0.0.0/8": "010.0.0.0" is not an IP address',
      'nodes.externalNetworkSubnetCidr: not a CIDR "10.0.0.0": missing "/prefix"',
      'nodes.externalNetworkSubnetCidr: not a CIDR "fe80::1%eth0/64": a zone ("%…") is not allowed in a CIDR',
      'nodes.externalNetworkSubnetCidr: not a CIDR "::ffff:10.0.0.0/64": an IPv4-mapped network needs a prefix of 96 or more',
    ],
  },
  {
    name: 'given the INI-style key names in YAML nodes (the classic mistake), should warn with the YAML name',
    text: `${vcYaml}nodes:\n  exclude-internal-network-subnet-cidr: 10.0.0.0/8\n`,
    warnings: [
      'nodes.exclude-internal-network-subnet-cidr is not a YAML key; did you mean excludeInternalNetworkSubnetCidr?',
    ],
    effective: { nodes: { excludeInternalNetworkSubnetCidrs: [] } },
  },
];

const labelCases: readonly ConfigCase[] = [
  {
    name: 'given zone and region categories, should keep both',
    text: `${vcYaml}labels: {zone: k8s-zone, region: k8s-region}\n`,
    noWarnings: true,
    effective: { labels: { zone: 'k8s-zone', region: 'k8s-region' } },
  },
  {
    name: 'given only a zone category, should warn that zones need both',
    text: `${vcIni}[Labels]\nzone = k8s-zone\n`,
    warnings: [
      '[Labels] zone is set without region; zone and region labels are applied only when both are set',
    ],
  },
];

/** NSX-T: the reference's checks and messages, first matching branch, then the host. */
const nsxtCases: readonly ConfigCase[] = [
  {
    name: 'given host, user and password, should configure NSX-T with the password redacted',
    text: `${vcYaml}${nsxtYaml}`,
    effective: { nsxt: { host: 'nsx.example.com', user: 'admin', password: '***', insecure: false } },
  },
  {
    name: 'given a VMC token without auth host, should require the host',
    text: `${vcYaml}nsxt: {host: h, vmcAccessToken: t}\n`,
    errors: ['nsxt.vmcAuthHost: vmc auth host must be provided if auth token is provided'],
  },
  {
    name: 'given a user without password, should say password is empty',
    text: `${vcIni}[NSXT]\nhost = h\nuser = admin\n`,
    errors: ['[NSXT] password: password is empty'],
  },
  {
    name: 'given a client key without certificate, should require the certificate',
    text: `${vcYaml}nsxt: {host: h, clientAuthKeyFile: /k.pem}\n`,
    errors: ['nsxt.clientAuthCertFile: client cert file is required if client key file is provided'],
  },
  {
    name: 'given a client certificate without key, should require the key',
    text: `${vcYaml}nsxt: {host: h, clientAuthCertFile: /c.pem}\n`,
    errors: ['nsxt.clientAuthKeyFile: client key file is required if client cert file is provided'],
  },
  {
    name: 'given a Secret name without namespace, should require the namespace',
    text: `${vcYaml}nsxt: {host: h, secretName: nsx}\n`,
    errors: ['nsxt.secretNamespace: secret namespace is required if secret name is provided'],
  },
  {
    name: 'given no credentials and no host, should report both',
    text: `${vcYaml}nsxt: {insecureFlag: true}\n`,
    errors: ['nsxt: user or vmc access token or client cert file must be set', 'nsxt.host: host is empty'],
  },
  {
    name: 'given an empty nsxt section, should treat NSX-T as not configured and say so',
    text: `${vcYaml}nsxt: {}\n`,
    warnings: ['nsxt is empty, so NSX-T is not configured'],
    effective: { nsxt: null },
  },
];

const lbYaml = `
loadBalancer:
  ipPoolName: pool1
  size: MEDIUM
  lbServiceId: 4711
  tier1GatewayPath: 1234
  tcpAppProfileName: default-tcp-lb-app-profile
  udpAppProfileName: default-udp-lb-app-profile
  snatDisabled: false
  tags:
    tag1: value1
    tag2: value 2
loadBalancerClass:
  public:
    ipPoolName: poolPublic
  private:
    ipPoolName: poolPrivate
    tcpAppProfileName: tcp2
    udpAppProfileName: udp2
`;

const lbIni = `
[LoadBalancer]
ip-pool-name = pool1
size = MEDIUM
lb-service-id = 4711
tier1-gateway-path = 1234
tcp-app-profile-name = default-tcp-lb-app-profile
udp-app-profile-name = default-udp-lb-app-profile
snat-disabled = false
tags = {\\"tag1\\": \\"value1\\", \\"tag2\\": \\"value 2\\"}

[LoadBalancerClass "public"]
ip-pool-name = poolPublic

[LoadBalancerClass "private"]
ip-pool-name = poolPrivate
tcp-app-profile-name = tcp2
udp-app-profile-name = udp2
`;

const lbExpected = {
  loadBalancer: {
    size: 'MEDIUM',
    lbServiceId: '4711',
    tier1GatewayPath: '1234',
    snatDisabled: false,
    tags: { tag1: 'value1', tag2: 'value 2' },
  },
  loadBalancerClasses: {
    default: {
      ipPoolName: 'pool1',
      tcpAppProfileName: 'default-tcp-lb-app-profile',
      udpAppProfileName: 'default-udp-lb-app-profile',
    },
    public: { ipPoolName: 'poolPublic', ipPoolId: null, tcpAppProfileName: 'default-tcp-lb-app-profile' },
    private: { ipPoolName: 'poolPrivate', tcpAppProfileName: 'tcp2', udpAppProfileName: 'udp2' },
  },
};

/** Load balancer and classes (TestReadYAMLConfig*, TestReadINIConfig*) plus every validation message. */
const lbCases: readonly ConfigCase[] = [
  {
    name: 'given the reference YAML load balancer with classes, should read every value and inherit profiles',
    text: `${vcYaml}${nsxtYaml}${lbYaml}`,
    noWarnings: true,
    effective: lbExpected,
  },
  {
    name: 'given the same in INI with JSON tags, should read the same',
    text: `${vcIni}${nsxtIni}${lbIni}`,
    noWarnings: true,
    effective: lbExpected,
  },
  {
    name: 'given the VMC form with pool ID and profile paths, should keep them',
    text: `${vcYaml}${nsxtYaml}loadBalancer:\n  ipPoolId: 123-456\n  size: MEDIUM\n  tier1GatewayPath: 1234\n  tcpAppProfilePath: infra/xxx/tcp1234\n  udpAppProfilePath: infra/xxx/udp1234\n`,
    effective: {
      loadBalancer: { tier1GatewayPath: '1234', lbServiceId: null },
      loadBalancerClasses: {
        default: { ipPoolId: '123-456', ipPoolName: null, tcpAppProfilePath: 'infra/xxx/tcp1234' },
      },
    },
  },
  {
    name: 'given a class with only a pool name under a section with a pool ID, should use the class pool (the reference picks the ID)',
    text: `${vcYaml}${nsxtYaml}loadBalancer: {ipPoolId: id-1, size: SMALL, lbServiceId: lb, tcpAppProfileName: t, udpAppProfileName: u}\nloadBalancerClass: {blue: {ipPoolName: blue-pool}}\n`,
    effective: { loadBalancerClasses: { blue: { ipPoolName: 'blue-pool', ipPoolId: null } } },
  },
  {
    name: 'given a "default" class, should let it override the section pool for every class',
    text: `${vcYaml}${nsxtYaml}loadBalancer: {size: SMALL, lbServiceId: lb, tcpAppProfileName: t, udpAppProfileName: u}\nloadBalancerClass: {default: {ipPoolId: d-1}, red: {}}\n`,
    effective: {
      loadBalancerClasses: { default: { ipPoolId: 'd-1' }, red: { ipPoolId: 'd-1', tcpAppProfileName: 't' } },
    },
  },
  {
    name: 'given a load balancer section missing everything, should report every reference message at once',
    text: `${vcYaml}${nsxtYaml}loadBalancer: {size: small}\n`,
    errors: [
      'loadBalancer: either load balancer service id or T1 gateway path required',
      'loadBalancer: either load balancer TCP application profile name or path required',
      'loadBalancer: either load balancer UDP application profile name or path required',
      'loadBalancer.size: load balancer size is invalid. Valid values are: DLB,LARGE,MEDIUM,SMALL,XLARGE',
      'loadBalancer: no default load balancer class defined',
    ],
  },
  {
    name: 'given a default class without a pool, should report it',
    text: `${vcYaml}${nsxtYaml}loadBalancer: {size: DLB, tier1GatewayPath: /infra/tier-1s/t1, tcpAppProfilePath: t, udpAppProfilePath: u}\nloadBalancerClass: {default: {tcpAppProfileName: x}}\n`,
    errors: ['loadBalancerClass.default: default load balancer class: ipPoolName and ipPoolID is empty'],
  },
  {
    name: 'given both pool name and ID, should report that only one can be set',
    text: `${vcIni}${nsxtIni}[LoadBalancer]\nsize = LARGE\nlb-service-id = x\ntcp-app-profile-name = t\nudp-app-profile-name = u\nip-pool-name = a\nip-pool-id = b\n`,
    errors: ['[LoadBalancer]: either load balancer ipPoolName or ipPoolID can be set'],
  },
  {
    name: 'given INI tags that are not JSON, should report the reference message',
    text: `${vcIni}${nsxtIni}[LoadBalancer]\nsize = LARGE\nlb-service-id = x\ntcp-app-profile-name = t\nudp-app-profile-name = u\nip-pool-id = b\ntags = owner=me\n`,
    errors: [`[LoadBalancer] tags: unmarshalling load balancer tags failed: ${jsonError('owner=me')}`],
  },
  {
    name: 'given a load balancer without the nsxt section, should say it needs NSX-T (the reference silently disables it)',
    text: `${vcYaml}loadBalancer: {size: SMALL, lbServiceId: lb, tcpAppProfileName: t, udpAppProfileName: u, ipPoolId: p}\n`,
    errors: ['loadBalancer: needs the NSX-T connection: add the nsxt section'],
  },
  {
    name: 'given only a class section, should validate the load balancer as configured',
    text: `${vcYaml}${nsxtYaml}loadBalancerClass: {gold: {ipPoolName: g}}\n`,
    errors: [
      'loadBalancer: either load balancer service id or T1 gateway path required',
      'loadBalancer: either load balancer TCP application profile name or path required',
      'loadBalancer: either load balancer UDP application profile name or path required',
      'loadBalancer.size: load balancer size is invalid. Valid values are: DLB,LARGE,MEDIUM,SMALL,XLARGE',
      'loadBalancer: no default load balancer class defined',
    ],
  },
  {
    name: 'given an INI class header without a name, should ask for one',
    text: `${vcIni}${nsxtIni}[LoadBalancer]\nsize = LARGE\nlb-service-id = x\ntcp-app-profile-name = t\nudp-app-profile-name = u\nip-pool-id = b\n[LoadBalancerClass]\nip-pool-id = c\n`,
    errors: ['[LoadBalancerClass]: a load balancer class needs a name: [LoadBalancerClass "<name>"]'],
  },
  {
    name: 'given no load balancer sections, should leave them null',
    text: vcYaml,
    effective: { loadBalancer: null, loadBalancerClasses: null, route: null, nsxt: null },
  },
];

const routeCases: readonly ConfigCase[] = [
  {
    name: 'given a router path and NSX-T, should configure routes',
    text: `${vcIni}${nsxtIni}[Route]\nrouter-path = /infra/tier-1s/t1\n`,
    effective: { route: { routerPath: '/infra/tier-1s/t1' } },
  },
  {
    name: 'given a route section without routerPath, should report the reference message',
    text: `${vcYaml}${nsxtYaml}route: {routerpath: /infra/tier-1s/t1}\n`,
    errors: ['route.routerPath: router path is required'],
    warnings: ['route.routerpath is not a YAML key; did you mean routerPath?'],
  },
  {
    name: 'given routes without NSX-T, should say it needs the nsxt section',
    text: `${vcYaml}route: {routerPath: /infra/tier-1s/t1}\n`,
    errors: ['route: needs the NSX-T connection: add the nsxt section'],
  },
];

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected invalid JSON');
}

describe('labels, nodes, NSX-T, load balancer and route validation', () => {
  for (const [group, cases] of [
    ['nodes', nodesCases],
    ['labels', labelCases],
    ['nsxt', nsxtCases],
    ['load balancer', lbCases],
    ['route', routeCases],
  ] as const) {
    describe(group, () => {
      for (const c of cases)
        test(c.name, () => {
          checkConfigCase(c);
        });
    });
  }
});
