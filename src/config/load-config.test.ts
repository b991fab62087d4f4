// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from './config-error.ts';
import { effectiveConfig } from './effective-config.ts';
import { formatIssue } from './issues.ts';
import { loadConfig } from './load-config.ts';

const examples = resolve(import.meta.dirname, '../../examples');

async function rejection(p: Promise<unknown>): Promise<ConfigError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ccm-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('given no --cloud-config, should fail with the reference wording and code CONFIG_INVALID', async () => {
    const err = await rejection(loadConfig(undefined, { env: {} }));
    assert.equal(err.code, 'CONFIG_INVALID');
    assert.deepEqual(err.issues.map(formatIssue), [
      '--cloud-config: no vSphere cloud provider config file given (the option is required)',
    ]);
  });

  test('given a path that does not exist, should say it cannot be read', async () => {
    const path = join(dir, 'absent.yaml');
    const err = await rejection(loadConfig(path, { env: {} }));
    assert.deepEqual(err.issues.map(formatIssue), [
      `--cloud-config: cannot read ${JSON.stringify(path)}: no such file`,
    ]);
  });

  test('given an empty or blank file, should say no config was given', async () => {
    for (const content of ['', '  \n\t\n']) {
      const path = join(dir, 'empty.conf');
      await writeFile(path, content);
      const err = await rejection(loadConfig(path, { env: {} }));
      assert.deepEqual(err.issues.map(formatIssue), [
        `--cloud-config: no vSphere cloud provider config file given: ${JSON.stringify(path)} is empty`,
      ]);
    }
  });

  test('given an invalid file, should list every problem and the warnings that explain them', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(
      path,
      'global:\n  insecure-flag: true\n  port: 0x\nvcenter:\n  prod: {user: u, password: p}\n',
    );
    const err = await rejection(loadConfig(path, { env: {} }));
    assert.deepEqual(err.issues.map(formatIssue), [
      'global.port: not a number "0x"',
      'vcenter.prod.server: vsphere.conf does not have the VirtualCenter IP address specified (add server: <host>)',
    ]);
    assert.deepEqual(err.warnings.map(formatIssue), [
      'global.insecure-flag is not a YAML key; did you mean insecureFlag?',
    ]);
    assert.match(err.message, /global\.port: not a number/);
  });

  test('given an aborted signal, should reject with its reason', async () => {
    const path = join(dir, 'ok.yaml');
    await writeFile(path, 'global: {user: u, password: p}\nvcenter: {a: {server: a1}}\n');
    const ac = new AbortController();
    const reason = new Error('stop');
    ac.abort(reason);
    await assert.rejects(loadConfig(path, { env: {}, signal: ac.signal }), (e) => e === reason);
  });

  test('given the environment, should apply it to the file', async () => {
    const path = join(dir, 'env.yaml');
    await writeFile(path, 'vcenter: {a: {server: a1}}\n');
    const loaded = await loadConfig(path, { env: { VSPHERE_USER: 'u', VSPHERE_PASSWORD: 'p' } });
    assert.equal(loaded.config.vcenters.get('a')?.user, 'u');
  });

  test('given the shipped examples, should load both cleanly and mean the same', async () => {
    const yaml = await loadConfig(join(examples, 'vsphere.yaml'), { env: {} });
    const ini = await loadConfig(join(examples, 'vsphere.conf'), { env: {} });
    assert.deepEqual(yaml.warnings, []);
    assert.deepEqual(ini.warnings, []);
    const y = effectiveConfig(yaml.config, []);
    const i = effectiveConfig(ini.config, []);
    const { vcenters: yv, ...yRest } = y;
    const { vcenters: iv, ...iRest } = i;
    assert.deepEqual(yRest, iRest);
    assert.deepEqual(Object.values(yv as object), Object.values(iv as object));
    assert.equal(yaml.config.format, 'yaml');
    assert.equal(ini.config.format, 'ini');
  });
});
