// SPDX-License-Identifier: Apache-2.0
// `npm run bench`: measures the decode, inventory, inventory-index and node-initialisation
// benchmarks, prints the figures and rewrites docs/benchmarks.md (`npm run bench -- --skip-nodes`
// leaves out the node one, the longest). Exit status: 0 = measured (targets may be missed), 1 = a result was wrong,
// 2 = the benchmark could not run.
import { writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { BenchCheckError } from './bench-check-error.ts';
import { createDecodeBench } from './decode-bench.ts';
import { runIndexBench } from './index-bench-runner.ts';
import { runInventoryBench } from './inventory-bench.ts';
import { machineFacts } from './machine.ts';
import { exposeGc } from './measure.ts';
import { nodesVariants, runNodesBench } from './nodes-bench.ts';
import type { NodesBenchOutcome } from './nodes-bench-report.ts';
import { renderReport, summaryLines, type BenchResults } from './report.ts';

const VMS = 1000;
const INDEX_SIZES = [1000, 5000];
const INDEX_CHANGES = 5;
const NODES = 1000;
/** Longest wait for one burst of Nodes; the default-QPS burst needs about N × 2 writes / 20 QPS. */
const NODES_BURST_TIMEOUT_MS = 4 * 60_000;
const TIME_LIMIT_MS = 20 * 60_000;
const docPath = resolve(import.meta.dirname, '../docs/benchmarks.md');

async function measure(signal: AbortSignal, skipNodes: boolean): Promise<BenchResults> {
  const machine = machineFacts();
  const rssAtStartBytes = process.memoryUsage().rss;
  const decodeBench = createDecodeBench({ vms: VMS, chunkBytes: 64 * 1024, signal });
  const timings = await decodeBench.time({ warmups: 3, runs: 9 });
  const inventoryRuns = 3;
  const inventory = await runInventoryBench({
    vms: VMS,
    runs: inventoryRuns,
    variants: [
      { label: 'no categories', zones: false },
      { label: 'zone + region', zones: true },
      { label: 'zone + region, pages of 500', zones: true, maxObjects: 500 },
    ],
    signal,
  });
  const index = await runIndexBench({ sizes: INDEX_SIZES, changes: INDEX_CHANGES, signal });
  const nodes: NodesBenchOutcome = skipNodes
    ? { ran: false, reason: 'skipped with `--skip-nodes`' }
    : {
        ran: true,
        runs: await runNodesBench({
          nodes: NODES,
          variants: nodesVariants,
          burstTimeoutMs: NODES_BURST_TIMEOUT_MS,
          signal,
        }),
      };
  // Last, because its forced GCs would slow down whatever decodes after them.
  const memory = await decodeBench.memory(3, exposeGc());
  return {
    machine,
    decode: { ...timings, ...memory },
    rssAtStartBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    inventoryVms: VMS,
    inventoryRuns,
    inventory,
    index,
    nodes,
  };
}

async function writeReport(results: BenchResults, signal: AbortSignal): Promise<void> {
  const config = (await resolveConfig(docPath)) ?? {};
  const markdown = await format(renderReport(results), { ...config, filepath: docPath });
  await writeFile(docPath, markdown, { signal });
}

async function main(): Promise<number> {
  const signal = AbortSignal.timeout(TIME_LIMIT_MS);
  try {
    const results = await measure(signal, process.argv.slice(2).includes('--skip-nodes'));
    await writeReport(results, signal);
    for (const line of summaryLines(results)) console.log(line);
    console.log(`wrote ${relative(process.cwd(), docPath)}`);
    return 0;
  } catch (err) {
    if (err instanceof BenchCheckError) {
      console.error(`bench: a result was wrong, no figures written: ${err.message}`);
      return 1;
    }
    console.error('bench: could not run:', err);
    return 2;
  }
}

process.exitCode = await main();
