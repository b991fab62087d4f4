// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeAddress } from '../../cloud/instances.ts';
import { applyProvidedNodeIps, dedupeAddresses, sameAddresses } from './node-addresses.ts';
import { ProvidedNodeIpNotFoundError } from './node-sync-errors.ts';

const dual: NodeAddress[] = [
  { type: 'Hostname', address: 'w1' },
  { type: 'InternalIP', address: '10.0.0.1' },
  { type: 'InternalIP', address: 'fd00::a:1' },
  { type: 'ExternalIP', address: '203.0.113.1' },
];

test('given no or an unspecified provided IP, should keep the cloud list as it is', () => {
  assert.deepEqual(applyProvidedNodeIps(undefined, dual), dual);
  assert.deepEqual(applyProvidedNodeIps('0.0.0.0', dual), dual);
});

test('given a provided IPv6 in another spelling, should still match it', () => {
  const got = applyProvidedNodeIps('FD00:0:0:0:0:0:A:1', dual);
  assert.deepEqual(got[0], { type: 'InternalIP', address: 'fd00::a:1' });
  assert.equal(
    got.some((a) => a.address === '10.0.0.1'),
    false,
  );
});

test('given dual-stack provided IPs, should keep both in the given order', () => {
  const got = applyProvidedNodeIps('fd00::a:1,10.0.0.1', dual);
  assert.deepEqual(
    got.map((a) => a.address),
    ['fd00::a:1', '10.0.0.1', 'w1', '203.0.113.1'],
  );
});

test('given a provided IP the cloud does not report, should throw naming it', () => {
  assert.throws(
    () => applyProvidedNodeIps('10.9.9.9', dual),
    (e: unknown) => {
      return e instanceof ProvidedNodeIpNotFoundError && e.message.includes('10.9.9.9');
    },
  );
});

test('given repeated pairs, should keep the first of each and treat order as significant', () => {
  const twice = [...dual, dual[1]!];
  assert.deepEqual(dedupeAddresses(twice), dual);
  assert.equal(sameAddresses(dual, [...dual]), true);
  assert.equal(sameAddresses(dual, [...dual].reverse()), false);
  assert.equal(sameAddresses(undefined, []), true);
});
