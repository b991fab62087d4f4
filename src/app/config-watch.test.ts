// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ConfigFileWatcher, type ConfigFileRead, type ConfigFileWatcherOptions } from './config-watch.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `reads` has `count` entries, failing after `timeoutMs`. */
async function untilCount(reads: readonly ConfigFileRead[], count: number, timeoutMs = 3_000): Promise<void> {
  const started = performance.now();
  while (reads.length < count) {
    if (performance.now() - started > timeoutMs) {
      assert.fail(
        `expected ${String(count)} reads within ${String(timeoutMs)} ms, got ${String(reads.length)}`,
      );
    }
    await sleep(10);
  }
}

const texts = (reads: readonly ConfigFileRead[]): string[] =>
  reads.map((r) => (r.kind === 'content' ? r.text : `unreadable:${r.errno ?? '?'}`));

describe('ConfigFileWatcher', () => {
  let dir: string;
  let stop: AbortController;
  const watchers: ConfigFileWatcher[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ccm-config-watch-'));
    stop = new AbortController();
  });

  afterEach(async () => {
    stop.abort();
    await Promise.all(watchers.map((w) => w.close()));
    watchers.length = 0;
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (
    path: string,
    options: Partial<ConfigFileWatcherOptions> = {},
  ): Promise<ConfigFileRead[]> => {
    const reads: ConfigFileRead[] = [];
    const watcher = new ConfigFileWatcher({
      path,
      debounceMs: 20,
      ...options,
      onChange: (read) => reads.push(read),
    });
    watchers.push(watcher);
    await watcher.start({ signal: stop.signal });
    return reads;
  };

  test('given a file should report its first content with a SHA-256 and then only changed bytes', async () => {
    const file = join(dir, 'vsphere.yaml');
    await writeFile(file, 'a: 1\n');
    const reads = await start(file, { rereadIntervalMs: 30, debounceMs: 50 });
    assert.equal(reads.length, 1);
    const first = reads[0];
    assert.ok(first?.kind === 'content');
    assert.equal(first.sha256, createHash('sha256').update('a: 1\n').digest('hex'));

    // The same bytes again (and a few periodic re-reads) report nothing.
    await writeFile(file, 'a: 1\n');
    await sleep(150);
    assert.deepEqual(texts(reads), ['a: 1\n']);

    await writeFile(file, 'a: 2\n');
    await untilCount(reads, 2);
    assert.deepEqual(texts(reads), ['a: 1\n', 'a: 2\n']);
    assert.notEqual((reads[1] as { sha256: string }).sha256, first.sha256);
  });

  test('given a ConfigMap volume whose ..data symlink is swapped should report the new content from the directory watch alone', async () => {
    const file = join(dir, 'vsphere.conf');
    await mkdir(join(dir, '..2026_01_01_00_00_00.1'));
    await writeFile(join(dir, '..2026_01_01_00_00_00.1', 'vsphere.conf'), 'version: 1\n');
    await symlink('..2026_01_01_00_00_00.1', join(dir, '..data'));
    await symlink('..data/vsphere.conf', file);
    // No periodic re-read during the test: only the watch on the directory can see the swap.
    const reads = await start(file, { rereadIntervalMs: 60_000 });
    assert.deepEqual(texts(reads), ['version: 1\n']);

    // The kubelet's atomic writer: new timestamped directory, `..data_tmp` link, rename over `..data`.
    await mkdir(join(dir, '..2026_01_01_00_01_00.2'));
    await writeFile(join(dir, '..2026_01_01_00_01_00.2', 'vsphere.conf'), 'version: 2\n');
    await symlink('..2026_01_01_00_01_00.2', join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    await rm(join(dir, '..2026_01_01_00_00_00.1'), { recursive: true });

    await untilCount(reads, 2);
    assert.deepEqual(texts(reads), ['version: 1\n', 'version: 2\n']);
  });

  test('given a writer that truncates and then writes should report only the settled content', async () => {
    const file = join(dir, 'vsphere.yaml');
    await writeFile(file, 'w: 1\n');
    const reads = await start(file, { rereadIntervalMs: 10, debounceMs: 200 });
    await writeFile(file, '');
    await sleep(30);
    await writeFile(file, 'w: 2\n');
    await untilCount(reads, 2);
    await sleep(300);
    assert.deepEqual(texts(reads), ['w: 1\n', 'w: 2\n']);
  });

  test('given no fs watch should still notice a change with the periodic re-read', async () => {
    const file = join(dir, 'vsphere.yaml');
    await writeFile(file, 'x: 1\n');
    const reads = await start(file, { fsWatch: false, rereadIntervalMs: 30 });
    await writeFile(file, 'x: 2\n');
    await untilCount(reads, 2);
    assert.deepEqual(texts(reads), ['x: 1\n', 'x: 2\n']);
  });

  test('given the file removed and restored should report the read error once, then the content', async () => {
    const file = join(dir, 'vsphere.yaml');
    await writeFile(file, 'x: 1\n');
    const reads = await start(file, { rereadIntervalMs: 20 });
    await unlink(file);
    await untilCount(reads, 2);
    // Several periodic re-reads of the missing file report nothing more.
    await sleep(150);
    assert.deepEqual(texts(reads), ['x: 1\n', 'unreadable:ENOENT']);
    const missing = reads[1];
    assert.ok(missing?.kind === 'unreadable');
    assert.match(missing.error.message, /ENOENT/);

    await writeFile(file, 'x: 1\n');
    await untilCount(reads, 3);
    assert.deepEqual(texts(reads), ['x: 1\n', 'unreadable:ENOENT', 'x: 1\n']);
  });

  test('given a missing file at start should report it unreadable and keep watching', async () => {
    const file = join(dir, 'later.yaml');
    const reads = await start(file, { rereadIntervalMs: 20 });
    assert.deepEqual(texts(reads), ['unreadable:ENOENT']);
    await writeFile(file, 'y: 1\n');
    await untilCount(reads, 2);
    assert.deepEqual(texts(reads), ['unreadable:ENOENT', 'y: 1\n']);
  });

  test('given the signal aborted should stop reporting changes', async () => {
    const file = join(dir, 'vsphere.yaml');
    await writeFile(file, 'z: 1\n');
    const reads = await start(file, { rereadIntervalMs: 20 });
    stop.abort();
    await writeFile(file, 'z: 2\n');
    await sleep(150);
    assert.deepEqual(texts(reads), ['z: 1\n']);
  });

  test('given an aborted signal should refuse to start', async () => {
    const file = join(dir, 'vsphere.yaml');
    await writeFile(file, 'z: 1\n');
    stop.abort(new Error('stopping'));
    const reads: ConfigFileRead[] = [];
    const watcher = new ConfigFileWatcher({ path: file, onChange: (r) => reads.push(r) });
    await assert.rejects(watcher.start({ signal: stop.signal }), /stopping/);
    assert.equal(reads.length, 0);
  });
});
