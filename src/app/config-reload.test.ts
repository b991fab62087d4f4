// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfigText } from '../config/load-config.ts';
import { ConfigReloader, startConfigReload } from './config-reload.ts';
import type { ConfigFileRead } from './config-watch.ts';
import { createLogger } from './logger.ts';

const PASSWORD = 'pa55-w0rd-never-shown';

const yaml = (port: number | string = 443): string =>
  [
    'vcenter:',
    '  east:',
    '    server: 10.0.0.1',
    `    port: ${String(port)}`,
    '    user: admin',
    `    password: ${PASSWORD}`,
    '',
  ].join('\n');

const content = (text: string): ConfigFileRead => ({
  kind: 'content',
  text,
  sha256: createHash('sha256').update(text).digest('hex'),
});

interface Fixture {
  readonly reloader: ConfigReloader;
  readonly logs: Record<string, unknown>[];
  readonly changes: (readonly string[])[];
  check(): Promise<string | undefined>;
}

function fixture(): Fixture {
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    verbosity: 0,
    format: 'json',
    destination: { write: (s: string) => logs.push(JSON.parse(s) as Record<string, unknown>) },
  });
  const changes: (readonly string[])[] = [];
  const reloader = new ConfigReloader({
    path: '/etc/cloud/vsphere.yaml',
    running: loadConfigText(yaml(), { env: {} }).config,
    env: {},
    logger,
    onChanged: (keys) => changes.push(keys),
  });
  const check = async (): Promise<string | undefined> =>
    reloader.readyCheck.check(new AbortController().signal);
  return { reloader, logs, changes, check };
}

test('given an invalid config should keep running, fail the cloud-config check with the problem and warn once', async () => {
  const f = fixture();
  assert.equal(f.reloader.readyCheck.name, 'cloud-config');
  assert.equal(await f.check(), undefined);
  f.reloader.handle(content(yaml('"not-a-port"')));
  const problem = await f.check();
  assert.match(problem ?? '', /^vcenter\.east\.port/);
  assert.deepEqual(f.changes, []);
  const warnings = f.logs.filter((l) => l['level'] === 40);
  assert.equal(warnings.length, 1);
  const [warning] = warnings;
  assert.ok(warning !== undefined);
  assert.equal(warning['msg'], 'cloud config file is invalid; keeping the running config');
  assert.deepEqual(warning['problems'], [problem]);
  assert.ok(!JSON.stringify(f.logs).includes(PASSWORD));
  assert.ok(!(problem ?? '').includes(PASSWORD));
});

test('given an empty or unreadable file should report it as the cloud-config problem', async () => {
  const f = fixture();
  f.reloader.handle(content('  \n'));
  assert.match((await f.check()) ?? '', /^--cloud-config: .*vsphere\.yaml" is empty/);
  const error = Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
  f.reloader.handle({ kind: 'unreadable', error, errno: 'ENOENT' });
  assert.equal(await f.check(), '--cloud-config: cannot read "/etc/cloud/vsphere.yaml": no such file');
  f.reloader.handle({ kind: 'unreadable', error: new Error('EIO: i/o error'), errno: 'EIO' });
  assert.match((await f.check()) ?? '', /cannot read .*: EIO: i\/o error$/);
  assert.deepEqual(f.changes, []);
});

test('given many problems should name the first three and count the rest', async () => {
  const f = fixture();
  const bad = [
    'vcenter:',
    '  a:',
    '    port: x',
    '  b:',
    '    port: y',
    '  c:',
    '    port: z',
    '  d:',
    '    port: w',
    '',
  ].join('\n');
  f.reloader.handle(content(bad));
  const problem = (await f.check()) ?? '';
  assert.equal(problem.split('; ').length, 3);
  assert.match(problem, /\(and \d+ more\)$/);
});

test('given the file valid again and equal in meaning should clear the check without a restart', async () => {
  const f = fixture();
  f.reloader.handle(content('vcenter: ['));
  assert.notEqual(await f.check(), undefined);
  f.reloader.handle(content(`# the same, with a comment\n${yaml()}`));
  assert.equal(await f.check(), undefined);
  assert.deepEqual(f.changes, []);
  assert.ok(f.logs.some((l) => l['msg'] === 'cloud config file is valid again and unchanged'));
});

test('given a valid config that means something else should report the changed keys once and log them', async () => {
  const f = fixture();
  f.reloader.handle(content(yaml(8443).replace(PASSWORD, 'another-secret')));
  assert.deepEqual(f.changes, [['vcenters.east.password', 'vcenters.east.port']]);
  const msg =
    'cloud config changed (vcenters.east.password, vcenters.east.port); exiting so the new config takes effect';
  assert.ok(f.logs.some((l) => l['msg'] === msg));
  assert.ok(!JSON.stringify(f.logs).includes('another-secret'));
  // Once stopping, later readings change nothing.
  f.reloader.handle(content('vcenter: ['));
  f.reloader.handle(content(yaml(9443)));
  assert.equal(f.changes.length, 1);
  assert.equal(await f.check(), undefined);
});

test('given startConfigReload on a file should evaluate the first reading and react to a replaced file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ccm-config-reload-'));
  const stop = new AbortController();
  try {
    const file = join(dir, 'vsphere.yaml');
    await writeFile(file, `${yaml()}\n\n# unchanged meaning\n`);
    const changes: (readonly string[])[] = [];
    const reload = await startConfigReload({
      path: file,
      running: loadConfigText(yaml(), { env: {} }).config,
      env: {},
      logger: createLogger({ verbosity: 0, format: 'json', destination: { write: () => undefined } }),
      signal: stop.signal,
      rereadIntervalMs: 30,
      debounceMs: 10,
      onChanged: (keys) => changes.push(keys),
    });
    assert.equal(await reload.readyCheck.check(stop.signal), undefined);
    await writeFile(join(dir, 'next.yaml'), yaml(444));
    await rename(join(dir, 'next.yaml'), file);
    const started = performance.now();
    while (changes.length === 0 && performance.now() - started < 3_000) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual(changes, [['vcenters.east.port']]);
    await reload.close();
  } finally {
    stop.abort();
    await rm(dir, { recursive: true, force: true });
  }
});
