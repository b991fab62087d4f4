// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CliIo } from './cli-io.ts';
import { main } from './vsphere-ccm.ts';

const password = 'S3cret;#"pw';

function capture(env: CliIo['env'] = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, env, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

describe('vsphere-ccm config validate', () => {
  let dir = '';
  let valid = '';
  let invalid = '';
  let ini = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ccm-config-cli-'));
    valid = join(dir, 'valid.yaml');
    invalid = join(dir, 'invalid.yaml');
    ini = join(dir, 'vsphere.conf');
    await writeFile(
      valid,
      `global:\n  user: admin\n  password: ${JSON.stringify(password)}\n  insecure-flag: true\nvcenter:\n  prod:\n    server: vc1.example.com\n`,
    );
    await writeFile(
      invalid,
      `global:\n  password: ${JSON.stringify(password)}\n  port: 44x\nvcenter:\n  prod: {server: vc1, ipFamily: [ipv4, ipv7]}\nnodes: {internalNetworkSubnetCidr: "10.0.0.0/8, 10.1.0.0/99"}\n`,
    );
    await writeFile(
      ini,
      `[Global]\nuser = admin\npassword = "${password.replaceAll('"', '\\"')}"\n[VirtualCenter "10.0.0.1"]\n`,
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('given a valid file and text output, should exit 0, print the effective config and warn on stderr', async () => {
    const io = capture();
    assert.equal(await main(['config', 'validate', '--cloud-config', valid], io), 0);
    const out = io.out.join('');
    assert.match(out, /^.*valid\.yaml: valid YAML cloud config, 1 vCenter\n/);
    assert.match(out, /\n {2}prod:\n {4}server: vc1\.example\.com\n {4}port: 443\n/);
    assert.match(out, /\nnsxt: \(not configured\)\n/);
    assert.deepEqual(io.err, [
      'warning: global.insecure-flag is not a YAML key; did you mean insecureFlag?\n',
    ]);
  });

  test('given JSON output, should print the documented shape with warnings inside and nothing on stderr', async () => {
    const io = capture();
    assert.equal(await main(['config', 'validate', '--cloud-config', valid, '--output', 'json'], io), 0);
    const doc = JSON.parse(io.out.join('')) as Record<string, unknown>;
    const prod = (doc.vcenters as Record<string, Record<string, unknown>>).prod;
    assert.deepEqual(prod, {
      server: 'vc1.example.com',
      port: 443,
      user: 'admin',
      password: '***',
      insecure: false,
      caFile: null,
      thumbprint: null,
      datacenters: [],
      ipFamilies: ['ipv4'],
      secretRef: null,
      soapRoundtripCount: 3,
    });
    assert.deepEqual(doc.warnings, ['global.insecure-flag is not a YAML key; did you mean insecureFlag?']);
    assert.deepEqual(io.err, []);
  });

  test('given an INI file, should accept it the same way', async () => {
    const io = capture();
    assert.equal(await main(['config', 'validate', '--cloud-config', ini, '-o', 'json'], io), 0);
    const doc = JSON.parse(io.out.join('')) as {
      vcenters: Record<string, { server: string; password: string } | undefined>;
    };
    const vc = doc.vcenters['10.0.0.1'];
    assert.deepEqual([vc?.server, vc?.password], ['10.0.0.1', '***']);
  });

  test('given an invalid file, should exit 2 with one line per problem on stderr and nothing on stdout', async () => {
    const io = capture();
    assert.equal(await main(['config', 'validate', '--cloud-config', invalid], io), 2);
    assert.deepEqual(io.out, []);
    assert.deepEqual(io.err.join('').trimEnd().split('\n'), [
      'global.port: not a number "44x"',
      'vcenter.prod.user: Username is missing: set user/password here or in global, or name a credentials Secret (secretName and secretNamespace)',
      'vcenter.prod.ipFamily: Invalid IP Family type "ipv7"; use ipv4 or ipv6',
      'nodes.internalNetworkSubnetCidr: not a CIDR "10.1.0.0/99": the prefix must be a number from 0 to 32',
    ]);
  });

  test('given the environment of the CCM, should validate with it', async () => {
    const io = capture({ VSPHERE_VCENTER_1: 'prod', VCENTER_1_PORT: 'x443' });
    assert.equal(await main(['config', 'validate', '--cloud-config', valid], io), 2);
    assert.ok(io.err.includes('env VCENTER_1_PORT: not a number "x443"\n'), io.err.join(''));
  });

  test('given any outcome, should never print a secret', async () => {
    for (const [file, format] of [
      [valid, 'text'],
      [valid, 'json'],
      [invalid, 'text'],
      [ini, 'text'],
    ] as const) {
      const io = capture();
      await main(['config', 'validate', '--cloud-config', file, '-o', format], io);
      const all = io.out.join('') + io.err.join('');
      assert.ok(!all.includes(password) && !all.includes('S3cret'), `secret printed for ${file} ${format}`);
    }
  });

  test('given a missing file, should exit 2 naming it', async () => {
    const io = capture();
    const path = join(dir, 'nope.yaml');
    assert.equal(await main(['config', 'validate', '--cloud-config', path], io), 2);
    assert.deepEqual(io.err, [`--cloud-config: cannot read ${JSON.stringify(path)}: no such file\n`]);
  });

  test('given no --cloud-config, should exit 2 with a usage error', async () => {
    const io = capture();
    assert.equal(await main(['config', 'validate'], io), 2);
    assert.match(io.err.join(''), /Missing required argument: cloud-config/);
  });
});
