// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import {
  guestinfoFromExtraConfig,
  GuestinfoMetadataError,
  MAX_GZIP_NETWORK_BYTES,
  readStaticAddresses,
} from './guestinfo-metadata.ts';

const b64 = (bytes: string | Uint8Array): string => Buffer.from(bytes).toString('base64');
const inline = (ethernet: string): string => `network:\n  version: 2\n  ethernets:\n    e0:\n${ethernet}`;
const encoded = (encoding: string, network: string): string =>
  `instance-id: vm-1\nnetwork.encoding: ${encoding}\nnetwork: ${network}\n`;
const netplan = 'version: 2\nethernets:\n  e0:\n    addresses: [10.1.1.1/24, fd00::0001/64]\n';
const truncatedGzip = gzipSync(Buffer.from(netplan)).subarray(0, 20);

type Outcome = { readonly rank: readonly (readonly [string, number])[] } | { readonly error: string };

/**
 * Metadata documents (before the outer base64) and the outcome Go's reference code gives for them:
 * the static address ranks, or its exact error text. Every row was checked against the reference
 * decoding path built with yaml.v2 v2.4.0.
 */
const rows: readonly (readonly [name: string, doc: string | Uint8Array, outcome: Outcome])[] = [
  [
    'inline addresses',
    inline('      addresses: [10.0.0.1/24, 10.0.0.2]\n'),
    {
      rank: [
        ['10.0.0.1', 0],
        ['10.0.0.2', 1],
      ],
    },
  ],
  [
    'a repeated address moves to the end',
    inline('      addresses: [10.0.0.1, 10.0.0.2, 10.0.0.1]\n'),
    {
      rank: [
        ['10.0.0.1', 2],
        ['10.0.0.2', 1],
      ],
    },
  ],
  [
    'an unparsable address ranks as <nil>',
    inline('      addresses: [bad, 10.0.0.2/8]\n'),
    {
      rank: [
        ['<nil>', 0],
        ['10.0.0.2', 1],
      ],
    },
  ],
  [
    'IPv6 is ranked in canonical form',
    inline('      addresses: ["fd00:0:0::0001/64"]\n'),
    { rank: [['fd00::1', 0]] },
  ],
  ['block-style list', inline('      addresses:\n        - 10.0.0.3/24\n'), { rank: [['10.0.0.3', 0]] }],
  [
    'flow-style network',
    'network: {ethernets: {e0: {addresses: [10.0.0.4]}}}\n',
    { rank: [['10.0.0.4', 0]] },
  ],
  [
    'base64 network',
    encoded('base64', b64(netplan)),
    {
      rank: [
        ['10.1.1.1', 0],
        ['fd00::1', 1],
      ],
    },
  ],
  [
    'b64 network',
    encoded('b64', b64(netplan)),
    {
      rank: [
        ['10.1.1.1', 0],
        ['fd00::1', 1],
      ],
    },
  ],
  [
    'gzip+base64 network',
    encoded('gzip+base64', b64(gzipSync(Buffer.from(netplan)))),
    {
      rank: [
        ['10.1.1.1', 0],
        ['fd00::1', 1],
      ],
    },
  ],
  [
    'gz+b64 network',
    encoded('gz+b64', b64(gzipSync(Buffer.from(netplan)))),
    {
      rank: [
        ['10.1.1.1', 0],
        ['fd00::1', 1],
      ],
    },
  ],
  [
    'unknown network.encoding means inline',
    `network.encoding: zstd\n${inline('      addresses: [10.0.0.5]\n')}`,
    { rank: [['10.0.0.5', 0]] },
  ],
  ['empty document', '', { rank: [] }],
  ['null network', 'network: ~\n', { rank: [] }],
  ['null addresses', inline('      addresses: ~\n'), { rank: [] }],
  [
    'merge key from an anchor',
    `defaults: &d {addresses: [10.0.0.9]}\nnetwork:\n  ethernets:\n    e0:\n      <<: *d\n`,
    { rank: [['10.0.0.9', 0]] },
  ],
  [
    'alias as a value',
    `a: &x [10.0.0.8]\nnetwork:\n  ethernets:\n    e0:\n      addresses: *x\n`,
    { rank: [['10.0.0.8', 0]] },
  ],
  [
    'a later duplicate ethernet replaces the earlier one',
    `network:\n  ethernets:\n    e0: {addresses: [10.0.0.1]}\n    e0: {addresses: [10.0.0.2]}\n`,
    { rank: [['10.0.0.2', 0]] },
  ],
  [
    'a later duplicate network key is merged into the earlier one',
    `network:\n  ethernets:\n    e0: {addresses: [10.0.0.1]}\nnetwork:\n  version: 3\n`,
    { rank: [['10.0.0.1', 0]] },
  ],
  [
    'a bare string document',
    'not-valid-yaml this should error',
    {
      error:
        'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `not-val...` into struct { NetworkEncoding string "yaml:\\"network.encoding\\"" }',
    },
  ],
  [
    'a string network without encoding',
    'network: abc\n',
    { error: 'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `abc` into vsphere.networkConfig' },
  ],
  [
    'ethernets as a list',
    'network:\n  ethernets:\n    - a\n',
    {
      error:
        'yaml: unmarshal errors:\n  line 3: cannot unmarshal !!seq into map[string]struct { Name string "yaml:\\"set-name\\""; Addresses []string "yaml:\\"addresses\\"" }',
    },
  ],
  [
    'addresses as a scalar',
    inline('      addresses: 10.0.0.1/24\n'),
    { error: 'yaml: unmarshal errors:\n  line 5: cannot unmarshal !!str `10.0.0....` into []string' },
  ],
  [
    'several type errors are reported together',
    inline('      addresses: [10.0.0.1, {a: b}, [c]]\n      set-name: [x]\n'),
    {
      error:
        'yaml: unmarshal errors:\n  line 5: cannot unmarshal !!map into string\n  line 5: cannot unmarshal !!seq into string\n  line 6: cannot unmarshal !!seq into string',
    },
  ],
  [
    'an int where a list is expected',
    inline('      addresses: 0x1F\n'),
    { error: 'yaml: unmarshal errors:\n  line 5: cannot unmarshal !!int `0x1F` into []string' },
  ],
  [
    'a bool where a list is expected',
    inline('      addresses: yes\n'),
    { error: 'yaml: unmarshal errors:\n  line 5: cannot unmarshal !!bool `yes` into []string' },
  ],
  [
    'a float where a list is expected',
    inline('      addresses: 08\n'),
    { error: 'yaml: unmarshal errors:\n  line 5: cannot unmarshal !!float `08` into []string' },
  ],
  [
    'a timestamp where a list is expected',
    inline('      addresses: 2001-12-14\n'),
    { error: 'yaml: unmarshal errors:\n  line 5: cannot unmarshal !!timestamp `2001-12-14` into []string' },
  ],
  [
    'an impossible date is a string',
    inline('      addresses: 2001-02-30\n'),
    { error: 'yaml: unmarshal errors:\n  line 5: cannot unmarshal !!str `2001-02-30` into []string' },
  ],
  [
    'a quoted number is a string',
    inline('      addresses: "12"\n'),
    { error: 'yaml: unmarshal errors:\n  line 5: cannot unmarshal !!str `12` into []string' },
  ],
  [
    'a custom tag is kept',
    inline('      addresses: !foo bar\n'),
    { error: 'yaml: unmarshal errors:\n  line 5: cannot unmarshal !foo `bar` into []string' },
  ],
  [
    'an explicit tag that does not fit',
    inline('      addresses: !!int abc\n'),
    { error: 'yaml: cannot decode !!str `abc` as a !!int' },
  ],
  [
    'a list as network.encoding',
    'network.encoding: [x]\n',
    { error: 'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string' },
  ],
  [
    'a mapping as the encoded network',
    'network.encoding: b64\nnetwork: {a: b}\n',
    { error: 'yaml: unmarshal errors:\n  line 2: cannot unmarshal !!map into string' },
  ],
  [
    'an encoded network that is not base64',
    encoded('b64', 'abc*'),
    { error: 'illegal base64 data at input byte 3' },
  ],
  [
    'a gzip network that is not gzip',
    encoded('gzip+base64', b64(netplan)),
    { error: 'gzip: invalid header' },
  ],
  ['a truncated gzip network', encoded('gz+b64', b64(truncatedGzip)), { error: 'unexpected EOF' }],
  ['an empty gzip network', encoded('gz+b64', '""'), { error: 'EOF' }],
  [
    'invalid UTF-8',
    Buffer.from([0x61, 0x3a, 0x20, 0xff, 0x0a]),
    { error: 'yaml: invalid leading UTF-8 octet' },
  ],
  [
    'a truncated UTF-8 sequence',
    Buffer.from([0x61, 0x3a, 0x20, 0xc3, 0x41]),
    { error: 'yaml: invalid trailing UTF-8 octet' },
  ],
  [
    'a merge from a list of anchors, earlier ones winning',
    `a: &a {addresses: [10.0.0.1]}\nb: &b {addresses: [10.0.0.2], set-name: x}\nnetwork:\n  ethernets:\n    e0:\n      <<: [*a, *b]\n`,
    { rank: [['10.0.0.1', 0]] },
  ],
  [
    'a merge of a scalar',
    inline('      <<: 5\n'),
    { error: 'yaml: map merge requires map or sequence of maps as the value' },
  ],
  [
    'a quoted << is a plain key',
    inline('      "<<": 5\n      addresses: [10.0.0.6]\n'),
    { rank: [['10.0.0.6', 0]] },
  ],
  ['a control character', 'a: b\u0001\n', { error: 'yaml: control characters are not allowed' }],
];

function outcomeOf(doc: string | Uint8Array): Outcome {
  try {
    const order = readStaticAddresses({ metadata: b64(doc), encoding: 'base64' });
    return { rank: [...(order?.rank ?? [])] };
  } catch (err) {
    if (!(err instanceof GuestinfoMetadataError)) throw err;
    return { error: err.message };
  }
}

describe('readStaticAddresses', () => {
  for (const [name, doc, outcome] of rows) {
    test(`given ${name}, should give ${'error' in outcome ? 'the reference error' : 'the reference ranks'}`, () => {
      assert.deepEqual(outcomeOf(doc), outcome);
    });
  }

  test('given metadata that is not base64, should fail with the Go base64 error', () => {
    assert.throws(() => readStaticAddresses({ metadata: 'a*', encoding: 'base64' }), {
      name: 'GuestinfoMetadataError',
      code: 'GUESTINFO_METADATA_INVALID',
      message: 'illegal base64 data at input byte 1',
    });
  });

  for (const guestinfo of [
    { metadata: undefined, encoding: 'base64' },
    { metadata: '', encoding: 'base64' },
    { metadata: b64('network: abc'), encoding: undefined },
    { metadata: b64('network: abc'), encoding: 'gzip+base64' },
    { metadata: b64('network: abc'), encoding: 'BASE64' },
  ]) {
    test(`given ${JSON.stringify(guestinfo)}, should not apply (the reference ignores it)`, () => {
      assert.equal(readStaticAddresses(guestinfo), undefined);
    });
  }

  test('given a gzip network larger than the limit, should refuse it instead of inflating it', () => {
    const bomb = gzipSync(Buffer.alloc(MAX_GZIP_NETWORK_BYTES + 1, 0x20));
    assert.throws(
      () => readStaticAddresses({ metadata: b64(encoded('gz+b64', b64(bomb))), encoding: 'base64' }),
      {
        message: `gzip: network config is larger than ${MAX_GZIP_NETWORK_BYTES} bytes`,
      },
    );
  });
});

describe('guestinfoFromExtraConfig', () => {
  test('given both keys among others, should pick them', () => {
    assert.deepEqual(
      guestinfoFromExtraConfig([
        { key: 'guestinfo.userdata', value: 'x' },
        { key: 'guestinfo.metadata', value: 'bWV0YQ==' },
        { key: 'guestinfo.metadata.encoding', value: 'base64' },
      ]),
      { metadata: 'bWV0YQ==', encoding: 'base64' },
    );
  });

  test('given a repeated key, should keep the last value', () => {
    const got = guestinfoFromExtraConfig([
      { key: 'guestinfo.metadata', value: 'first' },
      { key: 'guestinfo.metadata', value: 'second' },
    ]);
    assert.equal(got.metadata, 'second');
  });

  test('given a non-string value, should treat it as empty', () => {
    assert.deepEqual(guestinfoFromExtraConfig([{ key: 'guestinfo.metadata', value: 42 }]), {
      metadata: '',
      encoding: undefined,
    });
  });

  test('given no extraConfig, should give both as undefined', () => {
    assert.deepEqual(guestinfoFromExtraConfig(undefined), { metadata: undefined, encoding: undefined });
  });
});
