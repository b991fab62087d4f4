// SPDX-License-Identifier: Apache-2.0
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { CcmError } from '../src/lib/errors.ts';
import { BenchCheckError } from './bench-check-error.ts';
import type { IndexBenchResults, IndexChangeResult, IndexRunResult } from './index-bench.ts';

/** The index benchmark's child process failed for another reason than a wrong result. */
export class IndexBenchChildError extends CcmError {
  readonly code = 'BENCH_INDEX_CHILD_FAILED';
}

const main = resolve(import.meta.dirname, 'index-bench-main.ts');

/**
 * Runs `index-bench-main.ts` once per size, one after the other, each in a fresh Node process
 * (the first also times `changes` guest IP changes). Rejects with `BenchCheckError` when a child
 * found a wrong result, `IndexBenchChildError` for any other failure; `signal` kills the child.
 */
export async function runIndexBench(options: {
  readonly sizes: readonly number[];
  readonly changes: number;
  readonly signal: AbortSignal;
}): Promise<IndexBenchResults> {
  const runs: IndexRunResult[] = [];
  for (const [i, size] of options.sizes.entries()) {
    runs.push(await runChild(size, i === 0 ? options.changes : 0, options.signal));
  }
  const change: IndexChangeResult | undefined = runs[0]?.change;
  if (change === undefined) throw new IndexBenchChildError('index benchmark: no change runs were measured');
  return { loads: runs.map((r) => r.load), change };
}

function runChild(size: number, changes: number, signal: AbortSignal): Promise<IndexRunResult> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [main, String(size), String(changes)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.once('error', (err) => {
      rej(err);
    });
    child.once('close', (code) => {
      if (code === 0) {
        try {
          res(JSON.parse(stdout) as IndexRunResult);
        } catch (err) {
          rej(new IndexBenchChildError(`index benchmark (${size} VMs): unreadable result`, { cause: err }));
        }
        return;
      }
      const message = `index benchmark (${size} VMs): ${stderr.trim() || `exit ${String(code)}`}`;
      rej(code === 1 ? new BenchCheckError(message) : new IndexBenchChildError(message));
    });
  });
}
