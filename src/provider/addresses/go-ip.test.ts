// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatGoIp, goCidrContains, isGoIpv4, localOnlyReason, parseGoCidr, parseGoIp } from './go-ip.ts';

/** Input, Go's `ParseIP(x).String()` (`<nil>` when rejected), IPv4 or not, local-only reason. */
const ipRows: readonly (readonly [input: string, text: string, v4: boolean, local: string])[] = [
  ['10.1.2.3', '10.1.2.3', true, ''],
  ['0.0.0.0', '0.0.0.0', true, 'unspecified'],
  ['127.0.0.6', '127.0.0.6', true, 'loopback'],
  ['169.254.3.4', '169.254.3.4', true, 'link-local-unicast'],
  ['169.0.1.2', '169.0.1.2', true, ''],
  ['224.0.0.251', '224.0.0.251', true, 'link-local-multicast'],
  ['224.0.1.1', '224.0.1.1', true, ''],
  ['255.255.255.255', '255.255.255.255', true, ''],
  ['010.1.2.3', '<nil>', false, 'invalid'],
  ['1.2.3', '<nil>', false, 'invalid'],
  ['1.2.3.4.5', '<nil>', false, 'invalid'],
  ['256.1.1.1', '<nil>', false, 'invalid'],
  ['1..2.3', '<nil>', false, 'invalid'],
  [' 1.2.3.4', '<nil>', false, 'invalid'],
  ['blarg', '<nil>', false, 'invalid'],
  ['', '<nil>', false, 'invalid'],
  ['::', '::', false, 'unspecified'],
  ['::1', '::1', false, 'loopback'],
  ['fe80::1', 'fe80::1', false, 'link-local-unicast'],
  ['fe80:cccc::1', 'fe80:cccc::1', false, 'link-local-unicast'],
  ['febf::1', 'febf::1', false, 'link-local-unicast'],
  ['fec0::1', 'fec0::1', false, ''],
  ['ff02::fb', 'ff02::fb', false, 'link-local-multicast'],
  ['ff05::1', 'ff05::1', false, ''],
  ['fd01:1:2:2919:abba:0000:0000:401', 'fd01:1:2:2919:abba::401', false, ''],
  ['FD00:CCCC::0001', 'fd00:cccc::1', false, ''],
  ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1', false, ''],
  ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1', false, ''],
  ['0:0:0:0:0:0:0:0', '::', false, 'unspecified'],
  ['00001::1', '1::1', false, ''],
  ['10000::1', '<nil>', false, 'invalid'],
  ['::ffff:10.1.2.3', '10.1.2.3', true, ''],
  ['::ffff:127.0.0.1', '127.0.0.1', true, 'loopback'],
  ['::ffff:0.0.0.0', '0.0.0.0', true, 'unspecified'],
  ['::ffff:a01:203', '10.1.2.3', true, ''],
  ['::10.1.2.3', '::a01:203', false, ''],
  ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304', false, ''],
  ['1:2:3:4:5:1.2.3.4', '<nil>', false, 'invalid'],
  ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0', false, ''],
  ['1:2:3:4:5:6:7:8::', '<nil>', false, 'invalid'],
  ['1::2::3', '<nil>', false, 'invalid'],
  [':1::2', '<nil>', false, 'invalid'],
  ['1:', '<nil>', false, 'invalid'],
  ['fe80::1%eth0', '<nil>', false, 'invalid'],
  ['::ffff:1.2.3', '<nil>', false, 'invalid'],
];

describe('parseGoIp / formatGoIp / localOnlyReason', () => {
  for (const [input, text, v4, local] of ipRows) {
    test(`given ${JSON.stringify(input)}, should parse to ${text}${local === '' ? '' : ` (${local})`}`, () => {
      const ip = parseGoIp(input);
      assert.equal(formatGoIp(ip), text);
      assert.equal(ip !== undefined && isGoIpv4(ip), v4);
      assert.equal(localOnlyReason(ip) ?? '', local);
    });
  }
});

/** CIDR, address, and whether Go's `ParseCIDR` accepts the CIDR and its network contains the address. */
const cidrRows: readonly (readonly [cidr: string, ip: string, result: 'in' | 'out' | 'invalid'])[] = [
  ['10.10.0.0/16', '10.10.1.22', 'in'],
  ['10.10.0.0/16', '10.11.0.1', 'out'],
  ['172.15.108.11/8', '172.200.0.1', 'in'],
  ['10.0.0.0/8', '::ffff:10.1.2.3', 'in'],
  ['::ffff:10.0.0.0/104', '10.9.9.9', 'in'],
  ['::ffff:10.0.0.0/104', '11.0.0.1', 'out'],
  ['::ffff:0:0/96', '192.0.2.1', 'in'],
  ['::ffff:0:0/95', '192.0.2.1', 'out'],
  ['fd00:cccc::0/32', 'fd00:cccc::3', 'in'],
  ['fd00:cccc::1/16', 'fd00:1::1', 'in'],
  ['fd00:cccc::1/128', 'fd00:cccc::1', 'in'],
  ['fd00:cccc::1/128', 'fd00:cccc::2', 'out'],
  ['::/0', '10.0.0.1', 'out'],
  ['0.0.0.0/0', 'fd00::1', 'out'],
  ['0.0.0.0/0', '8.8.8.8', 'in'],
  ['10.0.0.0/008', '10.1.1.1', 'in'],
  ['10.0.0.0/33', '10.0.0.1', 'invalid'],
  ['fd00::/129', 'fd00::1', 'invalid'],
  ['10.0.0.0/', '10.0.0.1', 'invalid'],
  ['10.0.0.0', '10.0.0.1', 'invalid'],
  ['10.0.0.0/+8', '10.0.0.1', 'invalid'],
  [' 10.0.0.0/8', '10.0.0.1', 'invalid'],
  ['10.0.0.0/8 ', '10.0.0.1', 'invalid'],
  ['fe80::%eth0/64', 'fe80::1', 'invalid'],
];

describe('parseGoCidr / goCidrContains', () => {
  for (const [cidr, ip, result] of cidrRows) {
    test(`given ${JSON.stringify(cidr)} and ${ip}, should be ${result}`, () => {
      const net = parseGoCidr(cidr);
      if (result === 'invalid') {
        assert.equal(net, undefined);
        return;
      }
      assert.ok(net !== undefined, 'expected the CIDR to parse');
      const addr = parseGoIp(ip);
      assert.ok(addr !== undefined);
      assert.equal(goCidrContains(net, addr), result === 'in');
    });
  }
});
