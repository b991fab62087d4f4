// SPDX-License-Identifier: Apache-2.0
// Runs only the node-initialisation benchmark and prints its figures as JSON, without touching
// docs/benchmarks.md: `node bench/nodes-bench-main.ts [NODES]` (default 1000).
// Exit status: 0 = measured, 1 = a result was wrong, 2 = it could not run.
import { BenchCheckError } from './bench-check-error.ts';
import { nodesVariants, runNodesBench } from './nodes-bench.ts';

const TIME_LIMIT_MS = 8 * 60_000;

async function main(): Promise<number> {
  const nodes = Number(process.argv[2] ?? '1000');
  if (!Number.isInteger(nodes) || nodes < 1) {
    console.error('usage: nodes-bench-main.ts [NODES]');
    return 2;
  }
  try {
    const results = await runNodesBench({
      nodes,
      variants: nodesVariants,
      burstTimeoutMs: 4 * 60_000,
      signal: AbortSignal.timeout(TIME_LIMIT_MS),
    });
    process.stdout.write(`${JSON.stringify(results, undefined, 2)}\n`);
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return err instanceof BenchCheckError ? 1 : 2;
  }
}

process.exitCode = await main();
