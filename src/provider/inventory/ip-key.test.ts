// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identifiesMachine, ipKey } from './ip-key.ts';

test('given IPv6 written in different forms, should give one canonical key', () => {
  assert.equal(ipKey('FD00:0:0::11'), 'fd00::11');
  assert.equal(ipKey(' fd00:0000:0000:0000:0000:0000:0000:0011 '), 'fd00::11');
  assert.equal(ipKey('fe80::1%eth0'), 'fe80::1');
});

test('given IPv4, should keep it as written', () => {
  assert.equal(ipKey('10.0.0.11'), '10.0.0.11');
});

test('given text that is not an address, should answer undefined', () => {
  for (const text of ['', 'node-1', '10.0.0.1/24', '300.1.1.1', ':::']) assert.equal(ipKey(text), undefined);
});

test('given addresses every guest has, should say they identify no machine', () => {
  for (const ip of ['127.0.0.1', '0.0.0.0', '169.254.3.4', '::1', '::', 'fe80::1', 'febf::1']) {
    assert.equal(identifiesMachine(ipKey(ip)!), false, ip);
  }
  for (const ip of ['10.0.0.1', '192.168.1.1', 'fd00::11', '2001:db8::1', 'fec0::1']) {
    assert.equal(identifiesMachine(ipKey(ip)!), true, ip);
  }
});
