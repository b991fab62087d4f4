// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NodesConfig } from '../../config/config.ts';
import { cloudInitStatic } from '../../../test/provider/discover-node-ips.cases.ts';
import {
  discoverNodeAddresses,
  type CandidateExplanation,
  type NodeAddressInput,
} from '../node-addresses.ts';

function nodesConfig(o: {
  internalSubnets?: readonly string[];
  excludeInternal?: readonly string[];
  excludeExternal?: readonly string[];
  internalNetwork?: string;
  externalNetwork?: string;
}): NodesConfig {
  return {
    internalNetworkSubnetCidrs: o.internalSubnets ?? [],
    externalNetworkSubnetCidrs: [],
    excludeInternalNetworkSubnetCidrs: o.excludeInternal ?? [],
    excludeExternalNetworkSubnetCidrs: o.excludeExternal ?? [],
    internalVmNetworkName: o.internalNetwork,
    externalVmNetworkName: o.externalNetwork,
  };
}

const base: NodeAddressInput = {
  nodeId: 'vm-1',
  guest: {
    hostName: 'vm-1',
    ipAddress: undefined,
    net: [{ network: 'VM Network', deviceConfigId: 4000, ipAddresses: ['10.0.0.5'] }],
  },
  guestinfo: { metadata: undefined, encoding: undefined },
  ipFamilies: ['ipv4'],
  nodes: undefined,
};

function explain(input: NodeAddressInput): readonly CandidateExplanation[] {
  return discoverNodeAddresses(input).explanation.candidates;
}

describe('discoverNodeAddresses: explanation', () => {
  test('given subnets, exclusions, a skipped NIC and dropped IPs, should give every IP its rule', () => {
    const rows = explain({
      ...base,
      ipFamilies: ['ipv4'],
      nodes: nodesConfig({
        internalSubnets: ['10.10.0.0/16'],
        excludeExternal: ['10.10.1.22/32'],
      }),
      guest: {
        hostName: 'vm-1',
        ipAddress: undefined,
        net: [
          { network: 'cni', deviceConfigId: -1, ipAddresses: ['10.244.0.1'] },
          {
            network: 'lan',
            deviceConfigId: 4000,
            ipAddresses: ['127.0.0.1', '10.10.1.22', '10.10.1.23', 'fd00::1'],
          },
        ],
      },
    });
    assert.deepEqual(
      rows.map((r) => [r.ip, r.decision, r.rule]),
      [
        [
          '10.244.0.1',
          'skipped',
          'skipped: NIC 0 has deviceConfigId -1 (a guest-only device without a vNIC)',
        ],
        ['127.0.0.1', 'dropped', 'dropped: loopback address'],
        [
          '10.10.1.22',
          'picked',
          'InternalIP by internal subnet 10.10.0.0/16; excluded from ExternalIP by exclude-external CIDR 10.10.1.22/32',
        ],
        ['10.10.1.23', 'unused', 'not selected: InternalIP is 10.10.1.22 (internal subnet 10.10.0.0/16)'],
        ['fd00::1', 'unused', 'unused: ipv6 address, not among the IP families (ipv4)'],
      ],
    );
  });

  test('given default selection with static metadata, should name the default rule and the static rank', () => {
    const rows = explain({
      ...base,
      guestinfo: {
        metadata: Buffer.from(cloudInitStatic(['10.0.0.7/24'])).toString('base64'),
        encoding: 'base64',
      },
      guest: {
        hostName: 'vm-1',
        ipAddress: undefined,
        net: [{ network: 'lan', deviceConfigId: 4000, ipAddresses: ['10.0.0.5', '10.0.0.7'] }],
      },
    });
    assert.deepEqual(
      rows.map((r) => [r.ip, r.decision, r.rule]),
      [
        [
          '10.0.0.5',
          'unused',
          'not selected: InternalIP is 10.0.0.7 (default selection (first ipv4 candidate not excluded)), ' +
            'ExternalIP is 10.0.0.7 (default selection (first ipv4 candidate not excluded))',
        ],
        [
          '10.0.0.7',
          'picked',
          'InternalIP by default selection (first ipv4 candidate not excluded); ' +
            'ExternalIP by default selection (first ipv4 candidate not excluded); static address #1 in guestinfo.metadata',
        ],
      ],
    );
  });

  test('given an IP excluded for both roles, should mark it excluded', () => {
    const rows = explain({
      ...base,
      nodes: nodesConfig({ excludeInternal: ['10.0.0.0/24'], excludeExternal: ['10.0.0.5/32'] }),
      guest: {
        hostName: 'vm-1',
        ipAddress: undefined,
        net: [{ network: 'lan', deviceConfigId: 1, ipAddresses: ['10.0.0.5', '192.168.0.9'] }],
      },
    });
    assert.equal(rows[0]?.decision, 'excluded');
    assert.equal(
      rows[0].rule,
      'excluded from InternalIP by exclude-internal CIDR 10.0.0.0/24; excluded from ExternalIP by exclude-external CIDR 10.0.0.5/32',
    );
    assert.equal(rows[1]?.decision, 'picked');
  });

  test('given a network-name rule, should name the network', () => {
    const rows = explain({
      ...base,
      nodes: nodesConfig({ internalNetwork: 'LAN' }),
      guest: {
        hostName: 'vm-1',
        ipAddress: undefined,
        net: [{ network: 'lan', deviceConfigId: 1, ipAddresses: ['10.0.0.5'] }],
      },
    });
    assert.equal(rows[0]?.rule, 'InternalIP by internal VM network "LAN"');
  });

  test('given a failure before selection, should still list every IP as not evaluated', () => {
    const result = discoverNodeAddresses({
      ...base,
      nodes: nodesConfig({ internalNetwork: 'a', externalNetwork: 'b' }),
    });
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.explanation.candidates.map((r) => [r.ip, r.decision, r.rule]),
      [
        [
          '10.0.0.5',
          'unused',
          'not evaluated: discovery stopped (unable to find suitable IP address for node)',
        ],
      ],
    );
  });

  test('given only an internal match, should warn that no ExternalIP is published', () => {
    const result = discoverNodeAddresses({
      ...base,
      nodes: nodesConfig({ internalSubnets: ['10.0.0.0/8'] }),
    });
    assert.deepEqual(result.explanation.warnings, [
      'ipv4: InternalIP found but no ExternalIP; publishing only the InternalIP',
    ]);
  });
});
