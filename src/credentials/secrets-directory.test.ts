// SPDX-License-Identifier: Apache-2.0
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CredentialSourceEvent } from './credential-source.ts';
import { SecretDataError } from './secret-data-parser.ts';
import { SecretsDirectoryError, SecretsDirectorySource, readSecretsDirectory } from './secrets-directory.ts';

const VC = 'vc.example.com';

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 3_000): Promise<number> {
  const started = performance.now();
  while (!predicate()) {
    if (performance.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return performance.now() - started;
}

/** Lays out a Secret volume the way the kubelet's atomic writer does. */
async function writeAtomic(dir: string, generation: number, files: Record<string, string>): Promise<void> {
  const target = `..gen_${generation}`;
  await mkdir(join(dir, target));
  for (const [k, v] of Object.entries(files)) await writeFile(join(dir, target, k), v);
  await symlink(target, join(dir, '..data_tmp'));
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const k of Object.keys(files)) await symlink(join('..data', k), join(dir, k)).catch(() => undefined);
  if (generation > 1) await rm(join(dir, `..gen_${generation - 1}`), { recursive: true });
}

describe('SecretsDirectorySource', () => {
  let dir: string;
  let source: SecretsDirectorySource | undefined;
  const events: CredentialSourceEvent[] = [];

  const passwordOf = (s: SecretsDirectorySource): string | undefined => {
    const c = s.state().entries?.get(VC);
    return c?.kind === 'password' ? c.password : undefined;
  };
  const make = (opts: { rereadIntervalMs?: number; fsWatch?: boolean; path?: string } = {}) => {
    source = new SecretsDirectorySource({
      path: opts.path ?? dir,
      rereadIntervalMs: opts.rereadIntervalMs ?? 60_000,
      debounceMs: 20,
      ...(opts.fsWatch === undefined ? {} : { fsWatch: opts.fsWatch }),
      onEvent: (e) => events.push(e),
    });
    return source;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ccm-secrets-'));
    events.length = 0;
  });
  afterEach(async () => {
    await source?.close();
    source = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  test('given key files, should serve their credentials once started, trimming the trailing newline', async () => {
    await writeFile(join(dir, `${VC}.username`), 'admin\n');
    await writeFile(join(dir, `${VC}.password`), 'one\n');
    const s = make();
    await s.start();
    assert.equal(s.state().synced, true);
    assert.deepEqual(s.state().entries?.get(VC), { kind: 'password', username: 'admin', password: 'one' });
    assert.deepEqual(events, [{ type: 'updated', source: `directory ${dir}`, servers: [VC] }]);
  });

  test('given a file is rewritten, should apply it promptly through fs.watch', async () => {
    await writeFile(join(dir, `${VC}.username`), 'admin');
    await writeFile(join(dir, `${VC}.password`), 'one');
    const s = make();
    await s.start();
    await writeFile(join(dir, `${VC}.password`), 'two');
    const ms = await waitFor('the new password', () => passwordOf(s) === 'two');
    assert.ok(ms < 2_000, `took ${ms} ms with a 60 s backstop`);
  });

  test('given a file is replaced by rename, should apply the new content', async () => {
    await writeFile(join(dir, `${VC}.username`), 'admin');
    await writeFile(join(dir, `${VC}.password`), 'one');
    const s = make();
    await s.start();
    await writeFile(join(dir, 'tmp-file'), 'two');
    await rename(join(dir, 'tmp-file'), join(dir, `${VC}.password`));
    await waitFor('the renamed password', () => passwordOf(s) === 'two');
  });

  test('given a Kubernetes ..data symlink swap, should serve the new generation', async () => {
    await writeAtomic(dir, 1, { [`${VC}.username`]: 'admin', [`${VC}.password`]: 'one' });
    const s = make();
    await s.start();
    assert.equal(passwordOf(s), 'one');
    await writeAtomic(dir, 2, { [`${VC}.username`]: 'admin', [`${VC}.password`]: 'two' });
    await waitFor('the swapped password', () => passwordOf(s) === 'two');
    assert.equal(s.state().lastError, undefined);
  });

  test('given fs.watch is off, should pick changes up by the periodic re-read', async () => {
    await writeFile(join(dir, `${VC}.username`), 'admin');
    await writeFile(join(dir, `${VC}.password`), 'one');
    const s = make({ fsWatch: false, rereadIntervalMs: 100 });
    await s.start();
    await writeFile(join(dir, `${VC}.password`), 'two');
    await waitFor('the re-read password', () => passwordOf(s) === 'two');
  });

  test('given unchanged content, should report one update however often it is re-read', async () => {
    await writeFile(join(dir, `${VC}.username`), 'admin');
    await writeFile(join(dir, `${VC}.password`), 'one');
    const s = make({ fsWatch: false, rereadIntervalMs: 30 });
    await s.start();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(events.filter((e) => e.type === 'updated').length, 1);
  });

  test('given a missing directory, should report it and serve it once it appears', async () => {
    const later = join(dir, 'later');
    const s = make({ path: later, rereadIntervalMs: 50 });
    await s.start();
    assert.equal(s.state().synced, true);
    assert.equal(s.state().entries, undefined);
    assert.ok(s.state().lastError instanceof SecretsDirectoryError);
    assert.match(s.state().lastError?.message ?? '', /does not exist/);
    await mkdir(later);
    await writeFile(join(later, `${VC}.username`), 'admin');
    await writeFile(join(later, `${VC}.password`), 'one');
    await waitFor('the late directory', () => passwordOf(s) === 'one');
    assert.equal(s.state().lastError, undefined);
  });

  test('given invalid content, should mark the source invalid until it is fixed', async () => {
    await writeFile(join(dir, `${VC}.username`), 'admin');
    await writeFile(join(dir, `${VC}.pasword`), 'one');
    const s = make();
    await s.start();
    assert.ok(s.state().invalid instanceof SecretDataError);
    assert.match(s.state().invalid?.message ?? '', /vc\.example\.com\.pasword: Unknown secret key/);
    await rename(join(dir, `${VC}.pasword`), join(dir, `${VC}.password`));
    await waitFor('the fix', () => passwordOf(s) === 'one');
    assert.equal(s.state().invalid, undefined);
  });

  test('given the directory disappears, should keep the last credentials and report it', async () => {
    const sub = join(dir, 'secrets');
    await mkdir(sub);
    await writeFile(join(sub, `${VC}.username`), 'admin');
    await writeFile(join(sub, `${VC}.password`), 'one');
    const s = make({ path: sub, rereadIntervalMs: 50 });
    await s.start();
    await rm(sub, { recursive: true });
    await waitFor('the error', () => s.state().lastError !== undefined);
    assert.equal(passwordOf(s), 'one');
  });

  test('given close(), should stop updating', async () => {
    await writeFile(join(dir, `${VC}.username`), 'admin');
    await writeFile(join(dir, `${VC}.password`), 'one');
    const s = make({ rereadIntervalMs: 20 });
    await s.start();
    await s.close();
    await writeFile(join(dir, `${VC}.password`), 'two');
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(passwordOf(s), 'one');
  });

  test('given an aborted signal, should stop updating', async () => {
    await writeFile(join(dir, `${VC}.username`), 'admin');
    await writeFile(join(dir, `${VC}.password`), 'one');
    const ac = new AbortController();
    const s = make({ rereadIntervalMs: 20 });
    await s.start({ signal: ac.signal });
    ac.abort();
    await writeFile(join(dir, `${VC}.password`), 'two');
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(passwordOf(s), 'one');
  });
});

describe('readSecretsDirectory', () => {
  test('given subdirectories and atomic-writer entries, should read only the key files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ccm-secrets-'));
    try {
      await writeAtomic(dir, 1, { 'a.username': 'u' });
      await mkdir(join(dir, 'nested'));
      await writeFile(join(dir, 'nested', 'b.username'), 'x');
      await writeFile(join(dir, 'a.password'), 'p');
      const files = await readSecretsDirectory(dir);
      assert.deepEqual([...files.keys()], ['a.password', 'a.username']);
      assert.equal(Buffer.from(files.get('a.username')!).toString(), 'u');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('given a missing directory, should fail with SecretsDirectoryError', async () => {
    await assert.rejects(
      readSecretsDirectory(join(tmpdir(), 'ccm-does-not-exist-4b1d')),
      SecretsDirectoryError,
    );
  });
});
