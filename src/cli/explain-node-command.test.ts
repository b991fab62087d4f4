// SPDX-License-Identifier: Apache-2.0
// The parts of `vsphere-ccm explain-node` that contact nothing: arguments and the config.
// test/integration/explain-node.int.test.ts runs it against the simulator.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CliIo } from './cli-io.ts';
import { main } from './vsphere-ccm.ts';

const password = 'Expl41n;#"pw';

function capture(env: CliIo['env'] = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, env, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

describe('vsphere-ccm explain-node (offline)', () => {
  let dir = '';
  let valid = '';
  let invalid = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ccm-explain-cli-'));
    valid = join(dir, 'valid.yaml');
    invalid = join(dir, 'invalid.yaml');
    await writeFile(
      valid,
      `global:\n  user: admin\n  password: ${JSON.stringify(password)}\nvcenter:\n  prod:\n    server: vc1.example.com\n`,
    );
    await writeFile(
      invalid,
      `global:\n  password: ${JSON.stringify(password)}\nvcenter:\n  prod: {server: vc1, ipFamily: [ipv4, ipv6]}\n`,
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('given no node to explain, should exit 2 with one usage line and contact nothing', async () => {
    const io = capture();
    assert.equal(await main(['explain-node', '--cloud-config', valid], io), 2);
    assert.deepEqual(io.err, ['error: give --node-name, --provider-id or --system-uuid\n']);
    assert.deepEqual(io.out, []);
  });

  test('given blank node flags, should treat them as missing', async () => {
    const io = capture();
    assert.equal(await main(['explain-node', '--cloud-config', valid, '--node-name', '  '], io), 2);
    assert.deepEqual(io.err, ['error: give --node-name, --provider-id or --system-uuid\n']);
  });

  test('given a timeout that is not a positive number, should exit 2 with one usage line', async () => {
    for (const timeout of ['0', '-5']) {
      const io = capture();
      assert.equal(
        await main(['explain-node', '--cloud-config', valid, '--node-name', 'n1', '--timeout', timeout], io),
        2,
      );
      assert.deepEqual(io.err, ['error: --timeout must be a positive number of seconds\n']);
    }
  });

  test('given no --cloud-config, should exit 2 with a usage error', async () => {
    const io = capture();
    assert.equal(await main(['explain-node', '--node-name', 'n1'], io), 2);
    assert.match(io.err.join(''), /Missing required argument: cloud-config/);
  });

  test('given an unknown output format, should exit 2 with a usage error', async () => {
    const io = capture();
    assert.equal(
      await main(['explain-node', '--cloud-config', valid, '--node-name', 'n1', '-o', 'yaml'], io),
      2,
    );
    assert.match(io.err.join(''), /Invalid values:[\s\S]*output/);
  });

  test('given an invalid config, should exit 2 with one line per problem and no secret', async () => {
    const io = capture();
    assert.equal(await main(['explain-node', '--cloud-config', invalid, '--node-name', 'n1'], io), 2);
    assert.deepEqual(io.err.join('').trimEnd().split('\n'), [
      'error: vcenter.prod.user: Username is missing: set user/password here or in global, or name a credentials Secret (secretName and secretNamespace)',
      'error: vcenter.prod.ipFamily: mulitple IP families specified for virtual center "prod" but ENABLE_ALPHA_DUAL_STACK env var is not set',
    ]);
    assert.ok(!io.err.join('').includes('Expl41n'));
  });

  test('given a missing config file, should exit 2 naming it', async () => {
    const io = capture();
    const path = join(dir, 'nope.yaml');
    assert.equal(await main(['explain-node', '--cloud-config', path, '--provider-id', 'vsphere://x'], io), 2);
    assert.deepEqual(io.err, [`error: --cloud-config: cannot read ${JSON.stringify(path)}: no such file\n`]);
  });
});
