// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCidr } from './parse-cidr.ts';

const accepted: readonly (readonly [input: string, cidr: string])[] = [
  ['10.0.0.0/8', '10.0.0.0/8'],
  [' 10.1.2.3/24 ', '10.1.2.3/24'],
  ['0.0.0.0/0', '0.0.0.0/0'],
  ['FD00:10::/64', 'FD00:10::/64'],
  ['fe80::1/128', 'fe80::1/128'],
  ['::ffff:192.0.2.0/120', '192.0.2.0/24'],
  ['::ffff:a00:0/104', '10.0.0.0/8'],
];

const rejected: readonly (readonly [input: string, reason: string])[] = [
  ['10.0.0.0', 'missing "/prefix"'],
  ['10.0.0.0/8/9', 'more than one "/"'],
  ['10.0.0.0/-1', 'the prefix must be a number from 0 to 32'],
  ['fd00::/129', 'the prefix must be a number from 0 to 128'],
  ['1.2.3/8', '"1.2.3" is not an IP address'],
  ['0:0:0:0:0:ffff:a00:0/104', 'write an IPv4-mapped network in IPv4 form'],
];

describe('parseCidr', () => {
  for (const [input, cidr] of accepted) {
    test(`given ${JSON.stringify(input)}, should accept it as ${cidr}`, () => {
      assert.deepEqual(parseCidr(input), { ok: true, cidr });
    });
  }
  for (const [input, reason] of rejected) {
    test(`given ${JSON.stringify(input)}, should reject it: ${reason}`, () => {
      assert.deepEqual(parseCidr(input), { ok: false, reason });
    });
  }
});
