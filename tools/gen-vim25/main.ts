// SPDX-License-Identifier: Apache-2.0
/**
 * `npm run generate`: regenerates src/vim25/generated from the pinned govmomi sources.
 * Usage: node tools/gen-vim25/main.ts [--allow-version-drift] [--out <dir>]
 * Environment: GOVMOMI_SRC overrides the govmomi source root.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { debianGovmomiSrc, generateVim25, writeGenerated } from './generate.ts';

const timeoutMs = 120_000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'allow-version-drift': { type: 'boolean', default: false }, out: { type: 'string' } },
  });
  const outDir = values.out ?? resolve(import.meta.dirname, '../../src/vim25/generated');
  const signal = AbortSignal.timeout(timeoutMs);
  const files = await generateVim25({
    srcDir: process.env['GOVMOMI_SRC'] ?? debianGovmomiSrc,
    allowVersionDrift: values['allow-version-drift'],
    signal,
  });
  await writeGenerated(outDir, files, signal);
  const lines = files.reduce((n, f) => n + f.text.split('\n').length - 1, 0);
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  process.stdout.write(
    `gen-vim25: wrote ${String(files.length)} files, ${String(lines)} lines, ${String(bytes)} bytes to ${outDir}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`gen-vim25: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
