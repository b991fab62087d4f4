// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NodesConfig } from '../config/config.ts';
import {
  CASE_NODE_ID,
  discoverCases,
  type DiscoverCase,
  type NodeOptions,
} from '../../test/provider/discover-node-ips.cases.ts';
import { discoverNodeAddresses, NodeAddressError, type NodeAddressInput } from './node-addresses.ts';

const HOST = 'node-under-test.example';

function nodesConfig(o: NodeOptions | undefined): NodesConfig | undefined {
  if (o === undefined) return undefined;
  return {
    internalNetworkSubnetCidrs: o.internalSubnets ?? [],
    externalNetworkSubnetCidrs: o.externalSubnets ?? [],
    excludeInternalNetworkSubnetCidrs: o.excludeInternal ?? [],
    excludeExternalNetworkSubnetCidrs: o.excludeExternal ?? [],
    internalVmNetworkName: o.internalNetwork,
    externalVmNetworkName: o.externalNetwork,
  };
}

function inputOf(c: DiscoverCase): NodeAddressInput {
  return {
    nodeId: CASE_NODE_ID,
    guest: {
      hostName: HOST,
      ipAddress: undefined,
      net: c.nics.map((n) => ({
        network: n.network,
        deviceConfigId: n.deviceConfigId ?? 4000,
        ipAddresses: n.ips,
      })),
    },
    guestinfo:
      c.cloudInit === undefined
        ? { metadata: undefined, encoding: undefined }
        : { metadata: Buffer.from(c.cloudInit, 'utf8').toString('base64'), encoding: 'base64' },
    ipFamilies: c.ipFamilies,
    nodes: nodesConfig(c.nodes),
  };
}

describe('discoverNodeAddresses: the reference table (TestDiscoverNodeIPs)', () => {
  test('given the case table, should hold all 53 reference cases with unique names', () => {
    assert.equal(discoverCases.length, 53);
    assert.equal(new Set(discoverCases.map((c) => c.reference)).size, 53);
    assert.equal(new Set(discoverCases.map((c) => c.name)).size, 53);
  });

  for (const c of discoverCases) {
    test(`${c.name} [${c.reference}]`, () => {
      const result = discoverNodeAddresses(inputOf(c));
      if ('error' in c.expect) {
        assert.equal(result.ok, false, 'expected a failure');
        assert.equal(result.error.message, c.expect.error);
        return;
      }
      assert.ok(result.ok, result.ok ? '' : `unexpected error: ${result.error.message}`);
      const expected = [
        { type: 'Hostname', address: HOST },
        ...c.expect.addresses.map(([type, address]) => ({ type, address })),
      ];
      assert.deepEqual(result.addresses, expected);
    });
  }
});

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

function failure(input: NodeAddressInput): { code: string; message: string } {
  const result = discoverNodeAddresses(input);
  assert.equal(result.ok, false, 'expected a failure');
  return { code: result.error.code, message: result.error.message };
}

describe('discoverNodeAddresses: guards and exact error texts', () => {
  test('given no guest property, should fail as the reference does', () => {
    assert.deepEqual(failure({ ...base, guest: undefined }), {
      code: 'GUEST_INFO_MISSING',
      message: 'VirtualMachine Guest property was nil',
    });
  });

  test('given an empty guest hostname, should fail before looking at NICs', () => {
    assert.deepEqual(failure({ ...base, guest: { hostName: '', ipAddress: undefined, net: [] } }), {
      code: 'GUEST_HOSTNAME_EMPTY',
      message: 'VM Guest hostname is empty',
    });
  });

  test('given no guest NICs and no guest.ipAddress, should fail with the reference text', () => {
    assert.deepEqual(
      failure({ ...base, guest: { hostName: 'vm-1', ipAddress: undefined, net: undefined } }),
      {
        code: 'GUEST_NICS_EMPTY',
        message: 'VM GuestNicInfo is empty',
      },
    );
  });

  test('given only loopback and link-local IPs, should fail after filtering', () => {
    const net = [
      { network: 'n', deviceConfigId: 1, ipAddresses: ['127.0.0.1', 'fe80::1', '169.254.3.4', '::'] },
    ];
    assert.deepEqual(failure({ ...base, guest: { hostName: 'vm-1', ipAddress: undefined, net } }), {
      code: 'NO_USABLE_IP',
      message: 'unable to find suitable IP address for node after filtering out localhost IPs',
    });
  });

  test('given only guest-only NICs, should fail after filtering', () => {
    const net = [{ network: 'cni0', deviceConfigId: -1, ipAddresses: ['10.244.0.1'] }];
    assert.equal(
      failure({ ...base, guest: { hostName: 'vm-1', ipAddress: undefined, net } }).code,
      'NO_USABLE_IP',
    );
  });

  test('given a malformed CIDR that bypassed config validation, should fail with Go net.ParseCIDR text', () => {
    const nodes = nodesConfig({ internalSubnets: ['10.0.0.0/8', ' 10.1.0.0/16'] });
    assert.deepEqual(failure({ ...base, nodes }), {
      code: 'NODE_CIDR_INVALID',
      message: 'invalid CIDR address:  10.1.0.0/16',
    });
  });

  test('given undecodable guestinfo.metadata, should fail with Go base64 text', () => {
    const guestinfo = { metadata: 'not*base64', encoding: 'base64' };
    assert.deepEqual(failure({ ...base, guestinfo }), {
      code: 'GUESTINFO_METADATA_INVALID',
      message: 'illegal base64 data at input byte 3',
    });
  });

  test('given metadata with an encoding other than base64, should ignore it entirely', () => {
    const result = discoverNodeAddresses({
      ...base,
      guestinfo: { metadata: 'garbage!', encoding: 'gzip+base64' },
    });
    assert.ok(result.ok);
  });

  test('given a failure, should return a NodeAddressError carrying the code', () => {
    const result = discoverNodeAddresses({ ...base, guest: undefined });
    assert.ok(!result.ok && result.error instanceof NodeAddressError);
  });
});

describe('discoverNodeAddresses: beyond the reference', () => {
  test('given empty guest.net but guest.ipAddress, should use it and warn', () => {
    const result = discoverNodeAddresses({
      ...base,
      guest: { hostName: 'vm-1', ipAddress: '10.0.0.9', net: [] },
    });
    assert.ok(result.ok);
    assert.deepEqual(result.addresses, [
      { type: 'Hostname', address: 'vm-1' },
      { type: 'InternalIP', address: '10.0.0.9' },
      { type: 'ExternalIP', address: '10.0.0.9' },
    ]);
    assert.equal(result.explanation.warnings.length, 1);
    assert.match(result.explanation.warnings[0] ?? '', /guest\.ipAddress 10\.0\.0\.9/);
    assert.equal(result.explanation.candidates[0]?.nic, undefined);
  });

  test('given an IPv4-mapped IPv6 address, should treat it as IPv4 and publish it as reported', () => {
    const net = [{ network: 'n', deviceConfigId: 1, ipAddresses: ['::ffff:10.1.2.3'] }];
    const result = discoverNodeAddresses({
      ...base,
      guest: { hostName: 'vm-1', ipAddress: undefined, net },
      nodes: nodesConfig({ internalSubnets: ['10.0.0.0/8'] }),
    });
    assert.ok(result.ok);
    assert.deepEqual(result.addresses[1], { type: 'InternalIP', address: '::ffff:10.1.2.3' });
  });
});
