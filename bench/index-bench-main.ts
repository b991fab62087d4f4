// SPDX-License-Identifier: Apache-2.0
// Child process of the index benchmark (bench/index-bench-runner.ts): runs one cold load (and the
// change runs) in a fresh process, so that its RSS is the index's own, and prints the result as
// one JSON line. Exit status: 0 = measured, 1 = a result was wrong, 2 = it could not run.
import { BenchCheckError } from './bench-check-error.ts';
import { runIndexOnce } from './index-bench.ts';
import { exposeGc } from './measure.ts';

const TIME_LIMIT_MS = 5 * 60_000;

async function main(): Promise<number> {
  const [size, changes] = process.argv.slice(2).map(Number);
  if (size === undefined || changes === undefined || !(size > 0) || !(changes >= 0)) {
    console.error('usage: index-bench-main.ts SIZE CHANGES');
    return 2;
  }
  try {
    const result = await runIndexOnce({
      size,
      changes,
      signal: AbortSignal.timeout(TIME_LIMIT_MS),
      gc: exposeGc(),
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return err instanceof BenchCheckError ? 1 : 2;
  }
}

process.exitCode = await main();
