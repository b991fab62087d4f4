// SPDX-License-Identifier: Apache-2.0
import { gzipSync } from 'node:zlib';
import type { IpFamily } from '../../src/config/config.ts';

/**
 * The reference CPI's address-selection table (`TestDiscoverNodeIPs`, 53 cases), restated as data.
 * Each case: the vCenter's IP families, the `nodes` options, the guest NICs VMware Tools reports,
 * optional cloud-init metadata (stored base64-encoded with encoding `base64`, as the reference's
 * test does) and the expected addresses after the Hostname, in order, or the exact error text.
 * `reference` names the Go case each row mirrors, for auditing parity.
 */
export interface DiscoverCase {
  readonly name: string;
  readonly reference: string;
  readonly ipFamilies: readonly IpFamily[];
  readonly nodes?: NodeOptions;
  readonly nics: readonly NicSpec[];
  /** The cloud-init metadata document (plain YAML, before the base64 wrapping). */
  readonly cloudInit?: string;
  readonly expect: Expected;
}

export interface NodeOptions {
  readonly internalSubnets?: readonly string[];
  readonly externalSubnets?: readonly string[];
  readonly excludeInternal?: readonly string[];
  readonly excludeExternal?: readonly string[];
  readonly internalNetwork?: string;
  readonly externalNetwork?: string;
}

export interface NicSpec {
  readonly network: string;
  readonly ips: readonly string[];
  readonly deviceConfigId?: number;
}

export type Expected =
  | { readonly addresses: readonly (readonly ['InternalIP' | 'ExternalIP', string])[] }
  | { readonly error: string };

/** The node id the runner passes; it appears in the per-family error text. */
export const CASE_NODE_ID = 'node-under-test';

const noFamily = (family: IpFamily): Expected => ({
  error: `unable to find suitable IP address for node ${CASE_NODE_ID} with IP family ${family}`,
});
const both = (ip: string): Expected => ({
  addresses: [
    ['InternalIP', ip],
    ['ExternalIP', ip],
  ],
});

/** Cloud-init metadata whose netplan config uses DHCPv6 only (no static addresses). */
export const cloudInitDhcp6 = `instance-id: "cluster-cp-0"
local-hostname: "cluster-cp-0"
network:
  version: 2
  ethernets:
    nic0:
      match:
        macaddress: "00:50:56:aa:bb:cc"
      set-name: "eth0"
      dhcp4: false
      dhcp6: true
`;

/** Cloud-init metadata with an inline netplan config declaring `addresses` on one ethernet. */
export function cloudInitStatic(addresses: readonly string[]): string {
  return `instance-id: "cluster-cp-0"
local-hostname: "cluster-cp-0"
network:
  version: 2
  ethernets:
    nic0:
      match:
        macaddress: "00:50:56:aa:bb:cc"
      set-name: "eth0"
      addresses: [${addresses.join(', ')}]
      dhcp4: false
      dhcp6: false
`;
}

/** Cloud-init metadata whose `network` value is the netplan config, base64 or gzip+base64 encoded. */
export function cloudInitEncodedNetwork(
  encoding: 'base64' | 'gzip+base64',
  addresses: readonly string[],
): string {
  const netplan = `version: 2
ethernets:
  nic0:
    set-name: "eth0"
    addresses: [${addresses.join(', ')}]
    dhcp4: false
`;
  const raw = Buffer.from(netplan, 'utf8');
  const payload = encoding === 'base64' ? raw : gzipSync(raw);
  return `instance-id: "cluster-cp-0"
network.encoding: ${encoding}
network: ${payload.toString('base64')}
`;
}

export const discoverCases: readonly DiscoverCase[] = [
  {
    name: 'given internal and external subnets, should pick the first IP inside each',
    reference: 'BySubnet',
    ipFamilies: ['ipv4'],
    nodes: { internalSubnets: ['10.10.0.0/16'], externalSubnets: ['172.15.0.0/16'] },
    nics: [
      {
        network: 'net_123abc',
        ips: ['127.0.0.6', '20.30.40.50', '10.10.1.22', '10.10.1.23', '172.15.108.10', '172.15.108.11'],
      },
    ],
    expect: {
      addresses: [
        ['InternalIP', '10.10.1.22'],
        ['ExternalIP', '172.15.108.10'],
      ],
    },
  },
  {
    name: 'given internal and external VM network names, should pick the first IP on each network',
    reference: 'ByNetworkName',
    ipFamilies: ['ipv4'],
    nodes: { internalNetwork: 'internal_net', externalNetwork: 'external_net' },
    nics: [
      { network: 'internal_net', ips: ['127.0.0.6', '10.10.1.22', '10.10.1.23'] },
      { network: 'external_net', ips: ['127.0.0.7', '172.15.108.10', '172.15.108.11'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', '10.10.1.22'],
        ['ExternalIP', '172.15.108.10'],
      ],
    },
  },
  {
    name: 'given no options, should use the first usable IP as both internal and external',
    reference: 'ByDefaultSelection',
    ipFamilies: ['ipv4'],
    nics: [
      { network: 'net_123abc', ips: ['127.0.0.6', '10.10.1.22', '10.10.1.23'] },
      { network: 'test_another_nic', ips: ['127.0.0.7', '172.15.108.11'] },
    ],
    expect: both('10.10.1.22'),
  },
  {
    name: 'given IPv6 subnets, should pick the first IPv6 address inside each',
    reference: 'BySubnetIPv6',
    ipFamilies: ['ipv6'],
    nodes: { internalSubnets: ['fd00:cccc::/64'], externalSubnets: ['fd00:bbbb::/64'] },
    nics: [
      {
        network: 'net_123abc',
        ips: ['fe80::1', 'fd00:aaaa::1', 'fd00:cccc::1', 'fd00:cccc::2', 'fd00:bbbb::1', 'fd00:bbbb::2'],
      },
    ],
    expect: {
      addresses: [
        ['InternalIP', 'fd00:cccc::1'],
        ['ExternalIP', 'fd00:bbbb::1'],
      ],
    },
  },
  {
    name: 'given IPv6 and network names, should pick the first non-link-local IPv6 on each network',
    reference: 'ByNetworkNameIPv6',
    ipFamilies: ['ipv6'],
    nodes: { internalNetwork: 'internal_net', externalNetwork: 'external_net' },
    nics: [
      { network: 'internal_net', ips: ['fe80::3', 'fd00:cccc::1', 'fd00:cccc::2'] },
      { network: 'external_net', ips: ['fe80::2', 'fd00:bbbb::1', 'fd00:bbbb::2'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', 'fd00:cccc::1'],
        ['ExternalIP', 'fd00:bbbb::1'],
      ],
    },
  },
  {
    name: 'given IPv6 and no options, should use the first usable IPv6 address for both roles',
    reference: 'ByDefaultSelectionIPv6',
    ipFamilies: ['ipv6'],
    nics: [
      { network: 'net_123abc', ips: ['fe80::3', 'fd00:cccc::1', 'fd00:cccc::2'] },
      { network: 'test_another_nic', ips: ['fe80::2', 'fd00:bbbb::1', 'fd00:bbbb::2'] },
    ],
    expect: both('fd00:cccc::1'),
  },
  {
    name: 'given network names whose NICs come after an unrelated NIC, should still find them',
    reference: 'ByNetworkNameAndTwoNICs_desiredIPsAfterFirstNIC',
    ipFamilies: ['ipv4'],
    nodes: { internalNetwork: 'internal_net', externalNetwork: 'external_net' },
    nics: [
      { network: 'net_123abc', ips: ['127.0.0.6', '169.0.1.2'] },
      { network: 'internal_net', ips: ['10.10.10.10'] },
      { network: 'external_net', ips: ['172.15.108.11'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', '10.10.10.10'],
        ['ExternalIP', '172.15.108.11'],
      ],
    },
  },
  {
    name: 'given dual stack with subnets for both families, should pick all four addresses',
    reference: 'ByMultipleSubnets_dualstack_itSelectsBothIPv4andIPv6Addrs',
    ipFamilies: ['ipv4', 'ipv6'],
    nodes: {
      internalSubnets: ['10.10.0.0/16', 'fd00:cccc::/64'],
      externalSubnets: ['172.15.0.0/16', 'fd00:dddd::/64'],
    },
    nics: [
      { network: 'net_foo', ips: ['127.0.0.6', '169.0.1.2'] },
      { network: 'net_bar', ips: ['10.10.1.22', 'fd00:dddd::11'] },
      { network: 'net_baz', ips: ['172.15.108.11', 'fd00:cccc::22'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', '10.10.1.22'],
        ['ExternalIP', '172.15.108.11'],
        ['InternalIP', 'fd00:cccc::22'],
        ['ExternalIP', 'fd00:dddd::11'],
      ],
    },
  },
  {
    name: 'given dual stack where no IPv6 address matches any subnet, should fall back to the default for IPv6',
    reference:
      'ByMultipleSubnets_dualstack_WhenNoIPsOfFamilyMatchAnySubnets_itFallsThroughToDefaultSelection',
    ipFamilies: ['ipv4', 'ipv6'],
    nodes: {
      internalSubnets: ['10.10.0.0/16', 'fd00:ffff::/64'],
      externalSubnets: ['172.15.0.0/16', 'fd00:eeee::/64'],
    },
    nics: [
      { network: 'net_foo', ips: ['127.0.0.6', '169.0.1.2'] },
      { network: 'net_bar', ips: ['10.10.1.22', 'fd00:dddd::11'] },
      { network: 'net_baz', ips: ['172.15.108.11', 'fd00:cccc::22'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', '10.10.1.22'],
        ['ExternalIP', '172.15.108.11'],
        ['InternalIP', 'fd00:dddd::11'],
        ['ExternalIP', 'fd00:dddd::11'],
      ],
    },
  },
  {
    name: 'given dual stack where IPv6 matches only the external subnet, should publish only an IPv6 ExternalIP',
    reference:
      'ByMultipleSubnets_dualstack_WhenNoIPsOfFamilyMatchesInternalOrExternalSubnets_itUsesSubnetSelectionAndOmitsTheIPThatHasNoMatch',
    ipFamilies: ['ipv4', 'ipv6'],
    nodes: {
      internalSubnets: ['10.10.0.0/16', 'fd00:ffff::/64'],
      externalSubnets: ['172.15.0.0/16', 'fd00:dddd::/64'],
    },
    nics: [
      { network: 'net_foo', ips: ['127.0.0.6', '169.0.1.2'] },
      { network: 'net_bar', ips: ['10.10.1.22', 'fd00:dddd::11'] },
      { network: 'net_baz', ips: ['172.15.108.11', 'fd00:cccc::22'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', '10.10.1.22'],
        ['ExternalIP', '172.15.108.11'],
        ['ExternalIP', 'fd00:dddd::11'],
      ],
    },
  },
  {
    name: 'given several internal subnets, should try them in order and use the first that matches',
    reference: 'ByMultipleSubnets',
    ipFamilies: ['ipv4'],
    nodes: { internalSubnets: ['170.12.0.0/16', '10.10.0.0/16'], externalSubnets: ['172.15.0.0/16'] },
    nics: [
      { network: 'net_123abc', ips: ['127.0.0.6', '169.0.1.2'] },
      { network: 'internal_net', ips: ['10.10.1.22'] },
      { network: 'external_net', ips: ['172.15.108.11'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', '10.10.1.22'],
        ['ExternalIP', '172.15.108.11'],
      ],
    },
  },
  {
    name: 'given subnets whose matches sit on later NICs, should find them there',
    reference: 'BySubnetAndTwoNICs_desiredIPsAfterFirstNIC',
    ipFamilies: ['ipv4'],
    nodes: { internalSubnets: ['10.10.0.0/16'], externalSubnets: ['172.15.0.0/16'] },
    nics: [
      { network: 'net_123abc', ips: ['127.0.0.6', '169.0.1.2'] },
      { network: 'internal_net', ips: ['10.10.1.22'] },
      { network: 'external_net', ips: ['172.15.108.11'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', '10.10.1.22'],
        ['ExternalIP', '172.15.108.11'],
      ],
    },
  },
  {
    name: 'given subnets matched on two different NICs, should take each role from its own NIC',
    reference: 'BySubnetAndTwoNICs_desiredIPsAreSplitAcrossNICs',
    ipFamilies: ['ipv4'],
    nodes: { internalSubnets: ['10.10.0.0/16'], externalSubnets: ['172.15.0.0/16'] },
    nics: [
      { network: 'net_123abc', ips: ['127.0.0.6', '169.0.1.2', '10.10.1.22'] },
      { network: 'test_another_nic', ips: ['127.0.0.7', '172.15.108.11'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', '10.10.1.22'],
        ['ExternalIP', '172.15.108.11'],
      ],
    },
  },
  {
    name: 'given an external subnet that matches nothing, should publish only the InternalIP',
    reference: 'BySubnet_whenExternalCIDRHasNoMatch_itReturnsOnlyInternalIP',
    ipFamilies: ['ipv4'],
    nodes: { internalSubnets: ['10.10.0.0/16'], externalSubnets: ['172.15.0.0/16'] },
    nics: [
      { network: 'net_123abc', ips: ['127.0.0.6', '169.0.1.2', '10.10.1.22'] },
      { network: 'test_another_nic', ips: ['127.0.0.7'] },
    ],
    expect: { addresses: [['InternalIP', '10.10.1.22']] },
  },
  {
    name: 'given an internal subnet that matches nothing, should publish only the ExternalIP',
    reference: 'BySubnet_whenInternalCIDRHasNoMatch_itReturnsOnlyExternalIP',
    ipFamilies: ['ipv4'],
    nodes: { internalSubnets: ['10.10.0.0/16'], externalSubnets: ['172.15.0.0/16'] },
    nics: [
      { network: 'net_123abc', ips: ['127.0.0.6', '169.0.1.2', '172.15.108.11'] },
      { network: 'test_another_nic', ips: ['127.0.0.7'] },
    ],
    expect: { addresses: [['ExternalIP', '172.15.108.11']] },
  },
  {
    name: 'given an internal network name that no NIC has, should publish only the ExternalIP',
    reference: 'ByNetworkName_whenInternalNameHasNoMatch_itReturnsOnlyExternalIP',
    ipFamilies: ['ipv4'],
    nodes: { internalNetwork: 'no-matches', externalNetwork: 'external_net' },
    nics: [
      { network: 'net_123abc', ips: ['127.0.0.6'] },
      { network: 'internal_net', ips: ['10.10.5.8'] },
      { network: 'external_net', ips: ['172.15.2.3'] },
    ],
    expect: { addresses: [['ExternalIP', '172.15.2.3']] },
  },
  {
    name: 'given an external network name that no NIC has, should publish only the InternalIP',
    reference: 'ByNetworkName_whenExternalNameHasNoMatch_itReturnsOnlyInternalIP',
    ipFamilies: ['ipv4'],
    nodes: { internalNetwork: 'internal_net', externalNetwork: 'no-matches' },
    nics: [
      { network: 'net_123abc', ips: ['127.0.0.6'] },
      { network: 'internal_net', ips: ['10.10.5.8'] },
      { network: 'external_net', ips: ['172.15.2.3'] },
    ],
    expect: { addresses: [['InternalIP', '10.10.5.8']] },
  },
  {
    name: 'given only an external subnet, should publish only the ExternalIP',
    reference: 'BySubnet_whenOnlyExternalCIDRIsSet_itReturnsOnlyExternalIP',
    ipFamilies: ['ipv4'],
    nodes: { externalSubnets: ['172.15.0.0/16'] },
    nics: [
      {
        network: 'net_123abc',
        ips: ['127.0.0.6', '20.30.40.50', '10.10.1.22', '10.10.1.23', '172.15.108.10', '172.15.108.11'],
      },
    ],
    expect: { addresses: [['ExternalIP', '172.15.108.10']] },
  },
  {
    name: 'given only an internal subnet, should publish only the InternalIP',
    reference: 'BySubnet_whenOnlyInternalCIDRIsSet_itReturnsOnlyInternalIP',
    ipFamilies: ['ipv4'],
    nodes: { internalSubnets: ['10.10.0.0/16'] },
    nics: [
      {
        network: 'net_123abc',
        ips: ['127.0.0.6', '20.30.40.50', '10.10.1.22', '10.10.1.23', '172.15.108.10', '172.15.108.11'],
      },
    ],
    expect: { addresses: [['InternalIP', '10.10.1.22']] },
  },
  {
    name: 'given network names in another letter case, should still match the NIC networks',
    reference: 'ByNetworkName_selectsIgnoringCase',
    ipFamilies: ['ipv4'],
    nodes: { internalNetwork: 'InTerNal_NEt', externalNetwork: 'ExTeRnAL_NeT' },
    nics: [
      { network: 'internal_net', ips: ['127.0.0.6', '20.30.40.50'] },
      { network: 'external_net', ips: ['127.0.0.6', '20.30.40.51'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', '20.30.40.50'],
        ['ExternalIP', '20.30.40.51'],
      ],
    },
  },
  {
    name: 'given only an external network name, should publish only the ExternalIP',
    reference: 'ByNetworkName_whenOnlyExternalNetworkIsSet_onlyExternalNetIsSet',
    ipFamilies: ['ipv4'],
    nodes: { externalNetwork: 'external_net' },
    nics: [
      { network: 'internal_net', ips: ['127.0.0.6', '10.10.1.22', '10.10.1.23'] },
      { network: 'external_net', ips: ['127.0.0.7', '172.15.108.10', '172.15.108.11'] },
    ],
    expect: { addresses: [['ExternalIP', '172.15.108.10']] },
  },
  {
    name: 'given only an internal network name, should publish only the InternalIP',
    reference: 'ByNetworkName_whenOnlyInternalNetworkIsSet_itReturnsOnlyInternalIP',
    ipFamilies: ['ipv4'],
    nodes: { internalNetwork: 'internal_net' },
    nics: [
      { network: 'internal_net', ips: ['127.0.0.6', '10.10.1.22', '10.10.1.23'] },
      { network: 'external_net', ips: ['127.0.0.7', '172.15.108.10', '172.15.108.11'] },
    ],
    expect: { addresses: [['InternalIP', '10.10.1.22']] },
  },
  {
    name: 'given an internal subnet and an external network name, should use each rule for its role',
    reference: 'BySubnetAndNetworkNameTwoNICs_desiredIPsAreSplitAcrossNICs',
    ipFamilies: ['ipv4'],
    nodes: { internalSubnets: ['10.10.0.0/16'], externalNetwork: 'test_another_nic' },
    nics: [
      { network: 'net_123abc', ips: ['127.0.0.6', '169.0.1.2', '10.10.1.22'] },
      { network: 'test_another_nic', ips: ['127.0.0.7', '172.15.108.11'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', '10.10.1.22'],
        ['ExternalIP', '172.15.108.11'],
      ],
    },
  },
  {
    name: 'given subnets and network names that both match, should let the subnets win',
    reference: 'BySettingBothNetworkNameAndSubnets_SubnetSelectionHasPrecedenceWhenMatchesAreFound',
    ipFamilies: ['ipv4'],
    nodes: {
      internalSubnets: ['10.10.0.0/16'],
      externalSubnets: ['172.15.0.0/16'],
      internalNetwork: 'internal_net',
      externalNetwork: 'external_net',
    },
    nics: [
      { network: 'internal_net', ips: ['22.22.22.22', '172.15.108.11'] },
      { network: 'external_net', ips: ['33.33.33.33', '10.10.1.22'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', '10.10.1.22'],
        ['ExternalIP', '172.15.108.11'],
      ],
    },
  },
  {
    name: 'given subnets that match nothing and network names that match, should use the network names',
    reference: 'BySettingBothNetworkNameAndSubnets_whenSubnetsMatchNoIPs_itUsesNetworkNameSelection',
    ipFamilies: ['ipv4'],
    nodes: {
      internalSubnets: ['254.10.0.0/16'],
      externalSubnets: ['253.15.0.0/16'],
      internalNetwork: 'internal_net',
      externalNetwork: 'external_net',
    },
    nics: [
      { network: 'internal_net', ips: ['22.22.22.22', '172.15.108.11'] },
      { network: 'external_net', ips: ['33.33.33.33', '10.10.1.22'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', '22.22.22.22'],
        ['ExternalIP', '33.33.33.33'],
      ],
    },
  },
  {
    name: 'given a guest-only NIC (deviceConfigId -1) whose IPs match the subnets, should ignore it',
    reference: 'ItIgnoresVNICDevices',
    ipFamilies: ['ipv4'],
    nodes: {
      internalSubnets: ['254.10.0.0/16'],
      externalSubnets: ['253.15.0.0/16'],
      internalNetwork: 'internal_net',
      externalNetwork: 'external_net',
    },
    nics: [
      { network: 'vnic-device', ips: ['254.10.1.2', '253.15.2.4'], deviceConfigId: -1 },
      { network: 'internal_net', ips: ['22.22.22.22', '172.15.108.11'] },
      { network: 'external_net', ips: ['33.33.33.33', '10.10.1.22'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', '22.22.22.22'],
        ['ExternalIP', '33.33.33.33'],
      ],
    },
  },
  {
    name: 'given two network names that no NIC has, should fail',
    reference: 'BySettingANetworkNameThatDoesntExist',
    ipFamilies: ['ipv4'],
    nodes: { internalNetwork: 'internal_net', externalNetwork: 'external_net' },
    nics: [
      { network: 'net_a', ips: ['10.10.1.22'] },
      { network: 'net_b', ips: ['172.15.108.11'] },
    ],
    expect: { error: 'unable to find suitable IP address for node' },
  },
  {
    name: 'given a reported address that is not an IP, should skip it',
    reference: 'ByDiscoveringAnUnParsableIP_itIsIgnored',
    ipFamilies: ['ipv4'],
    nics: [
      { network: 'net_123abc', ips: ['blarg', '127.0.0.6', '10.10.1.22', '10.10.1.23'] },
      { network: 'test_another_nic', ips: ['127.0.0.7', '172.15.108.11'] },
    ],
    expect: both('10.10.1.22'),
  },
  {
    name: 'given a second NIC without addresses, should use the first NIC',
    reference: 'ByDefaultSelection_whenTheSecondNICHasNoIPs',
    ipFamilies: ['ipv4'],
    nics: [
      { network: 'net_a', ips: ['172.15.108.11'] },
      { network: 'net_b', ips: [] },
    ],
    expect: both('172.15.108.11'),
  },
  {
    name: 'given a first NIC without addresses, should use the second NIC',
    reference: 'ByDefaultSelection_whenTheFirstNICHasNoIPs',
    ipFamilies: ['ipv4'],
    nics: [
      { network: 'net_a', ips: [] },
      { network: 'net_b', ips: ['172.15.108.11'] },
    ],
    expect: both('172.15.108.11'),
  },
  {
    name: 'given IPv4 and a first NIC with only IPv6, should use the IPv4 address of the second NIC',
    reference: 'ByDefaultSelection_whenTheFirstNICHasNoIPsOfTheDesiredFamily',
    ipFamilies: ['ipv4'],
    nics: [
      { network: 'net_a', ips: ['fd00:cccc::1'] },
      { network: 'net_b', ips: ['172.15.108.11'] },
    ],
    expect: both('172.15.108.11'),
  },
  {
    name: 'given IPv4 and a second NIC with only IPv6, should use the IPv4 address of the first NIC',
    reference: 'ByDefaultSelection_TheSecondNICHasNoIPsOfTheDesiredFamily',
    ipFamilies: ['ipv4'],
    nics: [
      { network: 'net_a', ips: ['172.15.108.11', 'fe80:cccc::1'] },
      { network: 'net_b', ips: ['fe80:cccc::2'] },
    ],
    expect: both('172.15.108.11'),
  },
  {
    name: 'given dual stack with IPv4 first, should list the IPv4 addresses before the IPv6 ones',
    reference: 'ByDefaultSelection_whenDualStackIPv4Primary_itReturnsIPv4AddrsFirst',
    ipFamilies: ['ipv4', 'ipv6'],
    nics: [
      { network: 'net_a', ips: ['172.15.108.11', 'fd00:cccc::1'] },
      { network: 'net_b', ips: ['fd00:cccc::2'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', '172.15.108.11'],
        ['ExternalIP', '172.15.108.11'],
        ['InternalIP', 'fd00:cccc::1'],
        ['ExternalIP', 'fd00:cccc::1'],
      ],
    },
  },
  {
    name: 'given exclusion CIDRs and default selection, should skip excluded IPs per role',
    reference: 'ByDefaultSelection_itDoesNotSelectIPsFromtheExclusionCIDRList',
    ipFamilies: ['ipv4', 'ipv6'],
    nodes: {
      excludeInternal: ['172.15.108.11/32', 'fd00:cccc::1/128', 'fd00:cccc::2/128'],
      excludeExternal: ['172.15.108.11/32', '172.15.108.12/32', 'fd00:cccc::1/128'],
    },
    nics: [
      { network: 'net_a', ips: ['172.15.108.11', '172.15.108.12', '172.15.108.13', 'fd00:cccc::1'] },
      { network: 'net_b', ips: ['fd00:cccc::2', 'fd00:cccc::3'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', '172.15.108.12'],
        ['ExternalIP', '172.15.108.13'],
        ['InternalIP', 'fd00:cccc::3'],
        ['ExternalIP', 'fd00:cccc::2'],
      ],
    },
  },
  {
    name: 'given dual stack with IPv6 first, should list the IPv6 addresses before the IPv4 ones',
    reference: 'ByDefaultSelection_DualStackIPv6Primary_itReturnsIPv6AddrsFirst',
    ipFamilies: ['ipv6', 'ipv4'],
    nics: [
      { network: 'net_a', ips: ['172.15.108.11', 'fd00:cccc::1'] },
      { network: 'net_b', ips: ['fd00:cccc::2'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', 'fd00:cccc::1'],
        ['ExternalIP', 'fd00:cccc::1'],
        ['InternalIP', '172.15.108.11'],
        ['ExternalIP', '172.15.108.11'],
      ],
    },
  },
  {
    name: 'given dual stack and network names, should pick per family from each named network',
    reference: 'ByNetworkName_whenDualStack',
    ipFamilies: ['ipv6', 'ipv4'],
    nodes: { internalNetwork: 'internal_net', externalNetwork: 'external_net' },
    nics: [
      { network: 'internal_net', ips: ['172.15.108.11', 'fd00:cccc::1'] },
      { network: 'external_net', ips: ['fd00:cccc::2', '172.15.108.12'] },
    ],
    expect: {
      addresses: [
        ['InternalIP', 'fd00:cccc::1'],
        ['ExternalIP', 'fd00:cccc::2'],
        ['InternalIP', '172.15.108.11'],
        ['ExternalIP', '172.15.108.12'],
      ],
    },
  },
  {
    name: 'given subnets and exclusion CIDRs, should pick the first non-excluded IP in each subnet',
    reference: 'BySubnet_itDoesNotSelectIPsFromtheExclusionCIDRList',
    ipFamilies: ['ipv4', 'ipv6'],
    nodes: {
      internalSubnets: ['172.15.0.0/16', 'fd00:cccc::0/32'],
      externalSubnets: ['173.15.0.0/16', 'fd01:cccc::0/32'],
      excludeInternal: ['172.15.108.11/32', 'fd00:cccc::1/128', 'fd00:cccc::2/128'],
      excludeExternal: ['173.15.108.11/32', '173.15.108.12/32', 'fd01:cccc::1/128'],
    },
    nics: [
      {
        network: 'internal_net',
        ips: [
          '172.15.108.11',
          '172.15.108.12',
          '172.15.108.13',
          'fd00:cccc::1',
          'fd00:cccc::2',
          'fd00:cccc::3',
        ],
      },
      {
        network: 'external_net',
        ips: [
          '173.15.108.11',
          '173.15.108.12',
          '173.15.108.13',
          'fd01:cccc::1',
          'fd01:cccc::2',
          'fd01:cccc::3',
        ],
      },
    ],
    expect: {
      addresses: [
        ['InternalIP', '172.15.108.12'],
        ['ExternalIP', '173.15.108.13'],
        ['InternalIP', 'fd00:cccc::3'],
        ['ExternalIP', 'fd01:cccc::2'],
      ],
    },
  },
  {
    name: 'given network names and exclusion CIDRs, should pick the first non-excluded IP on each network',
    reference: 'ByNetworkName_itDoesNotSelectIPsFromtheExclusionCIDRList',
    ipFamilies: ['ipv4', 'ipv6'],
    nodes: {
      internalNetwork: 'internal_net',
      externalNetwork: 'external_net',
      excludeInternal: ['172.15.108.11/32', 'fd00:cccc::1/128', 'fd00:cccc::2/128'],
      excludeExternal: ['173.15.108.11/32', '173.15.108.12/32', 'fd01:cccc::1/128'],
    },
    nics: [
      {
        network: 'internal_net',
        ips: [
          '172.15.108.11',
          '172.15.108.12',
          '172.15.108.13',
          'fd00:cccc::1',
          'fd00:cccc::2',
          'fd00:cccc::3',
        ],
      },
      {
        network: 'external_net',
        ips: [
          '173.15.108.11',
          '173.15.108.12',
          '173.15.108.13',
          'fd01:cccc::1',
          'fd01:cccc::2',
          'fd01:cccc::3',
        ],
      },
    ],
    expect: {
      addresses: [
        ['InternalIP', '172.15.108.12'],
        ['ExternalIP', '173.15.108.13'],
        ['InternalIP', 'fd00:cccc::3'],
        ['ExternalIP', 'fd01:cccc::2'],
      ],
    },
  },
  {
    name: 'given dual stack whose only IPv4 address is excluded for both roles, should fail for ipv4',
    reference: 'Dualstack_ExcludingSubnets_whenNoIPv4AddrIsDiscovered',
    ipFamilies: ['ipv6', 'ipv4'],
    nodes: { excludeInternal: ['172.15.108.11/8'], excludeExternal: ['172.15.108.11/8'] },
    nics: [{ network: 'internal_net', ips: ['172.15.108.11', 'fd00:cccc::1'] }],
    expect: noFamily('ipv4'),
  },
  {
    name: 'given dual stack whose only IPv6 address is excluded for both roles, should fail for ipv6',
    reference: 'Dualstack_ExcludingSubnets_whenNoIPv6AddrIsDiscovered',
    ipFamilies: ['ipv6', 'ipv4'],
    nodes: { excludeInternal: ['fd00:cccc::1/16'], excludeExternal: ['fd00:cccc::1/16'] },
    nics: [{ network: 'internal_net', ips: ['172.15.108.11', 'fd00:cccc::1'] }],
    expect: noFamily('ipv6'),
  },
  {
    name: 'given dual stack and a guest with only loopback IPv4, should fail for ipv4',
    reference: 'DualStack_whenNoIPsOfOneFamilyAreDiscovered',
    ipFamilies: ['ipv6', 'ipv4'],
    nics: [{ network: 'internal_net', ips: ['127.0.0.1', 'fd00:cccc::1'] }],
    expect: noFamily('ipv4'),
  },
  {
    name: 'given cloud-init metadata that only enables DHCPv6, should keep the guest order',
    reference: 'IPv6_guestInfoWithDHCP',
    ipFamilies: ['ipv6'],
    cloudInit: cloudInitDhcp6,
    nics: [{ network: 'VM Network', ips: ['fe80::1', 'fd01:1234::1', 'fd01:cccc::1'] }],
    expect: both('fd01:1234::1'),
  },
  {
    name: 'given a static IPv6 address in cloud-init metadata, should prefer it',
    reference: 'StaticAddresses_IPv6_usesStaticAddressForExternalInternal',
    ipFamilies: ['ipv6'],
    cloudInit: cloudInitStatic(['fd01:cccc::1/128']),
    nics: [{ network: 'VM Network', ips: ['fe80::1', 'fd01:1234::1', 'fd01:cccc::1'] }],
    expect: both('fd01:cccc::1'),
  },
  {
    name: 'given a static IPv4 address in cloud-init metadata, should prefer it over an earlier guest IP',
    reference: 'StaticAddresses_IPv4_usesStaticAddressForExternalInternal',
    ipFamilies: ['ipv4'],
    cloudInit: cloudInitStatic(['192.168.1.12/64']),
    nics: [{ network: 'VM Network', ips: ['192.168.1.10', '192.168.1.12'] }],
    expect: both('192.168.1.12'),
  },
  {
    name: 'given several static addresses, should rank them in their declared order',
    reference: 'StaticAddresses_prioritizesOrderFromAddresses',
    ipFamilies: ['ipv4'],
    cloudInit: cloudInitStatic(['192.168.1.12/64', '192.168.1.10/64']),
    nics: [{ network: 'VM Network', ips: ['192.168.1.10', '192.168.1.12'] }],
    expect: both('192.168.1.12'),
  },
  {
    name: 'given static addresses and subnets, should pick the first static address inside the subnet',
    reference: 'StaticAddresses_usesTheStaticAddressInTheNetworkCIDR',
    ipFamilies: ['ipv4'],
    cloudInit: cloudInitStatic(['10.10.10.10/64', '192.168.1.12/64']),
    nodes: { internalSubnets: ['192.168.0.0/16'], externalSubnets: ['192.168.0.0/16'] },
    nics: [{ network: 'VM Network', ips: ['192.168.1.10', '192.168.1.12', '10.10.10.10'] }],
    expect: both('192.168.1.12'),
  },
  {
    name: 'given a static address inside an exclusion CIDR, should pass over it',
    reference: 'StaticAddresses_ignoresStaticAddressWhenWithinExcludeCIDR',
    ipFamilies: ['ipv4'],
    cloudInit: cloudInitStatic(['192.168.1.12/64', '10.10.10.10/64']),
    nodes: { excludeInternal: ['192.168.0.0/16'], excludeExternal: ['192.168.0.0/16'] },
    nics: [{ network: 'VM Network', ips: ['192.168.1.10', '192.168.1.12', '10.10.10.10'] }],
    expect: both('10.10.10.10'),
  },
  {
    name: 'given static addresses and network names, should pick the first static address on that network',
    reference: 'StaticAddresses_usesTheStaticAddressInTheConfiguredNetworkName',
    ipFamilies: ['ipv4'],
    cloudInit: cloudInitStatic(['192.168.1.8/64', '192.168.1.12/64', '10.10.10.10/64']),
    nodes: { internalNetwork: 'VM Network', externalNetwork: 'VM Network' },
    nics: [
      { network: 'internal_net', ips: ['192.168.1.8'] },
      { network: 'VM Network', ips: ['192.168.1.10', '192.168.1.12', '10.10.10.10'] },
    ],
    expect: both('192.168.1.12'),
  },
  {
    name: 'given static addresses that no NIC reports, should fall back to the guest addresses',
    reference: 'StaticAddresses_addressesAreNotAssignedToTheNIC',
    ipFamilies: ['ipv4'],
    cloudInit: cloudInitStatic(['192.168.1.12/64', '10.10.10.10/64']),
    nics: [{ network: 'VM Network', ips: ['192.168.1.8'] }],
    expect: both('192.168.1.8'),
  },
  {
    name: 'given a static IPv6 address written in long form, should match its short form on the NIC',
    reference: 'StaticAddresses_IPv6_handlesShorthandVsLonghandAddrs',
    ipFamilies: ['ipv6'],
    cloudInit: cloudInitStatic(['fd01:1:2:2919:abba:0000:0000:401/128']),
    nics: [{ network: 'VM Network', ips: ['fd00::1', 'fd01:1:2:2919:abba::401'] }],
    expect: both('fd01:1:2:2919:abba::401'),
  },
  {
    name: 'given a gzip+base64 encoded netplan config, should prefer its static address',
    reference: 'StaticAddresses_IPv6_usesNetworkB64EncodedStaticAddressForExternalInternal',
    ipFamilies: ['ipv6'],
    cloudInit: cloudInitEncodedNetwork('gzip+base64', ['fd01:cccc::1/128']),
    nics: [{ network: 'VM Network', ips: ['fe80::1', 'fd01:1234::1', 'fd01:cccc::1'] }],
    expect: both('fd01:cccc::1'),
  },
  {
    name: 'given a base64 encoded netplan config, should prefer its static address',
    reference: 'StaticAddresses_IPv6_usesNetworkGZB64EncodedStaticAddressForExternalInternal',
    ipFamilies: ['ipv6'],
    cloudInit: cloudInitEncodedNetwork('base64', ['fd01:cccc::1/128']),
    nics: [{ network: 'VM Network', ips: ['fe80::1', 'fd01:1234::1', 'fd01:cccc::1'] }],
    expect: both('fd01:cccc::1'),
  },
  {
    name: 'given metadata that is a bare string instead of a mapping, should fail with a YAML type error',
    reference: 'StaticAddresses_errorsOnInvalidGuestInfoFormat',
    ipFamilies: ['ipv4'],
    cloudInit: 'not-valid-yaml this should error',
    nics: [{ network: 'VM Network', ips: ['192.168.1.10'] }],
    expect: {
      error:
        'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `not-val...` into ' +
        'struct { NetworkEncoding string "yaml:\\"network.encoding\\"" }',
    },
  },
];
