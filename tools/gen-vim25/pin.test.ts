// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pin } from './allow-list.ts';
import { VersionDriftError } from './errors.ts';
import { debianGovmomiSrc } from './generate.ts';
import { pinDrift, resolveSourceVersion } from './pin.ts';

const paths = Object.keys(pin.inputs);
const wrongFiles = new Map(paths.map((p) => [p, new TextEncoder().encode(`not ${p}`)]));

describe('pinDrift', () => {
  test('given files whose digests differ should name every file', () => {
    const drift = pinDrift({ files: wrongFiles, debianVersion: undefined });
    assert.equal(drift.length, paths.length);
    for (const [i, p] of paths.entries()) assert.ok(drift[i]?.startsWith(`${p} has sha256 `));
  });

  test('given a different Debian version should report it', () => {
    const drift = pinDrift({ files: wrongFiles, debianVersion: '0.30.0-1' });
    assert.equal(drift[0], `${pin.debianPackage} is 0.30.0-1, pinned ${pin.debianVersion}`);
  });

  test('given a missing input should report it as missing', () => {
    assert.match(pinDrift({ files: new Map(), debianVersion: undefined })[0] ?? '', /has sha256 missing/);
  });

  test('given the pinned sources should report no drift', async () => {
    const src = process.env['GOVMOMI_SRC'] ?? debianGovmomiSrc;
    const signal = AbortSignal.timeout(30_000);
    const files = new Map<string, Uint8Array>();
    for (const p of paths) files.set(p, await readFile(join(src, p), { signal }));
    assert.deepEqual(pinDrift({ files, debianVersion: pin.debianVersion }), []);
  });
});

describe('resolveSourceVersion', () => {
  test('given drift without permission should refuse with VersionDriftError', () => {
    assert.throws(
      () => resolveSourceVersion({ files: wrongFiles, debianVersion: '0.30.0-1' }, false),
      (err: unknown) => err instanceof VersionDriftError && /--allow-version-drift/.test(err.message),
    );
  });

  test('given drift with permission should name the found version as unpinned', () => {
    assert.deepEqual(resolveSourceVersion({ files: wrongFiles, debianVersion: '0.30.0-1' }, true), {
      govmomiVersion: '0.30.0 (unpinned)',
      debianVersion: '0.30.0-1',
    });
    assert.deepEqual(resolveSourceVersion({ files: wrongFiles, debianVersion: undefined }, true), {
      govmomiVersion: 'unpinned',
      debianVersion: 'none',
    });
  });
});
