// SPDX-License-Identifier: Apache-2.0
import type { DecodeMemory, DecodeTimings } from './decode-bench.ts';
import { count, foldRestCounters, megabytes, seconds, table, targets, verdict } from './format.ts';
import type { IndexBenchResults } from './index-bench.ts';
import { indexSection, indexSummaryLines } from './index-report.ts';
import type { InventoryVariantResult } from './inventory-bench.ts';
import type { MachineFacts } from './machine.ts';
import { nodesSection, nodesSummaryLines, type NodesBenchOutcome } from './nodes-bench-report.ts';

/** Everything one benchmark run measured. */
export interface BenchResults {
  readonly machine: MachineFacts;
  readonly decode: DecodeTimings & DecodeMemory;
  /** Resident set of the benchmark process before anything ran. */
  readonly rssAtStartBytes: number;
  /** Largest resident set of the benchmark process over the whole run. */
  readonly maxRssBytes: number;
  readonly inventoryVms: number;
  readonly inventoryRuns: number;
  readonly inventory: readonly InventoryVariantResult[];
  readonly index: IndexBenchResults;
  /** The node-initialisation burst, or why it was skipped. */
  readonly nodes: NodesBenchOutcome;
}

/** docs/benchmarks.md for `results` (unformatted Markdown; the caller runs Prettier). */
export function renderReport(results: BenchResults): string {
  return [
    '# Benchmarks',
    '<!-- Written by `npm run bench` (bench/run.ts). Do not edit: the next run replaces this file. -->',
    intro(results),
    machineSection(results.machine),
    decodeSection(results),
    inventorySection(results),
    indexSection(results.index, '3. Inventory index: cold load and change latency'),
    nodesSection(results.nodes, '4. The daemon: a burst of Nodes initialised end to end'),
    meaningSection(),
  ].join('\n\n');
}

/** The figures against their targets, one line each, for the console. */
export function summaryLines(results: BenchResults): string[] {
  const d = results.decode;
  const lines = [
    `decode ${count(d.vms)} VMs (${megabytes(d.responseBytes)}): median ${seconds(d.medianSeconds)}, ` +
      `max ${seconds(d.maxSeconds)} over ${d.seconds.length} runs (CPU median ${seconds(d.medianCpuSeconds)}) ` +
      `[${verdict(d.medianSeconds, targets.decodeMedianSeconds)} ≤ ${seconds(targets.decodeMedianSeconds)}]; ` +
      `peak extra heap ${megabytes(d.peakExtraHeapBytes)} ` +
      `[${verdict(d.peakExtraHeapBytes, targets.decodeExtraHeapBytes)} ≤ ${megabytes(targets.decodeExtraHeapBytes)}], ` +
      `result ${megabytes(d.retainedHeapBytes)}, extra RSS ${megabytes(d.peakExtraRssBytes)}`,
  ];
  for (const r of results.inventory) {
    lines.push(
      `inventory ${count(r.vmsListed)} VMs, ${r.variant.label}: SOAP ${r.soapTotal} ` +
        `[${verdict(r.soapTotal, targets.inventorySoapRoundTrips)} ≤ ${targets.inventorySoapRoundTrips}], ` +
        `REST ${r.restTotal}, total ${r.soapTotal + r.restTotal}; readInventory ${seconds(r.medianReadSeconds)}, ` +
        `connect+read+close ${seconds(r.medianSessionSeconds)} (median of ${r.readSeconds.length})`,
    );
  }
  lines.push(...indexSummaryLines(results.index));
  lines.push(...nodesSummaryLines(results.nodes));
  return lines;
}

function intro(results: BenchResults): string {
  return [
    'What `npm run bench` measures, on the machine it runs on:',
    '',
    '1. **Decode**: the SOAP codec (`decodeResponse`) on a vCenter-shaped `RetrievePropertiesEx` reply for ' +
      `${count(results.decode.vms)} VMs: wall time and memory.`,
    '2. **Inventory**: `readInventory` over a real, TLS-verified `openVCenterConnection` to the simulator ' +
      `harness holding ${count(results.inventoryVms)} VMs: the round trips the server received, and wall time.`,
    '3. **Inventory index**: the event-driven `VCenterIndex` cold-loaded at ' +
      `${results.index.loads.map((l) => count(l.vms)).join(' and ')} VMs (round trips, seconds, memory), and ` +
      'the latency from a guest IP change to the index showing it.',
    '4. **Nodes**: the daemon initialising a burst of kubelet-registered Nodes end to end, with the default ' +
      'and with unlimited Kubernetes API QPS: seconds, vCenter round trips, Node writes and peak RSS ' +
      '(`npm run bench -- --skip-nodes` leaves it out).',
    '',
    'Run it with `npm run bench` (`prebench` builds the simulator harness first). It prints the figures and ' +
      'rewrites this file; everything below the introduction comes from the last run. Each figure is marked ' +
      'PASS or FAIL against its target. A missed target does not fail the command (the benchmark is not part ' +
      'of CI); a wrong result does: every timed decode, inventory and index load is checked, and the command exits 1 ' +
      'without touching this file if one is wrong.',
  ].join('\n');
}

function machineSection(m: MachineFacts): string {
  return [
    '## Machine',
    table(
      ['Fact', 'Value'],
      [
        ['Date (UTC)', m.date],
        ['Node.js', `${m.node} (V8 ${m.v8})`],
        ['OS', m.os],
        ['CPUs', `${m.cpuCount} × ${m.cpuModel} (${m.availableParallelism} available to the process)`],
        ['Memory', `${(m.totalMemoryBytes / 1e9).toFixed(1)} GB`],
        ['Load average (1 min) at start', m.loadAverage.toFixed(2)],
      ],
    ),
  ].join('\n\n');
}

function decodeSection(results: BenchResults): string {
  const d = results.decode;
  const mb = (d.responseBytes / 1e6 / d.medianSeconds).toFixed(1);
  return [
    `## 1. Decoding a RetrievePropertiesEx reply for ${count(d.vms)} VMs`,
    `The reply is synthetic but written as vCenter writes one (\`bench/synthetic-response.ts\`): per VM ` +
      '`name`, `config.uuid`, `config.instanceUuid`, `runtime.powerState`, `runtime.host`, `guest.hostName`, ' +
      '`guest.net` (2 NICs, each with IPv4 and IPv6 addresses and `ipConfig`) and the whole `summary` ' +
      '(`config`, `runtime`, `guest`, `storage`, `quickStats`), with `xsi:type` on every `val` and ' +
      `\`ArrayOfGuestNicInfo\` wrappers. It is ${count(d.responseBytes)} bytes, fed to \`decodeResponse\` in ` +
      `${d.chunks} chunks of ${count(d.chunkBytes / 1024)} KiB. After ${d.warmups} warm-up decodes come ` +
      `${d.seconds.length} timed decodes without forced GCs (after a forced GC, V8 drops the parser's ` +
      'type feedback and the next decodes would time deoptimised code). At the end of the whole run, ' +
      `${d.memoryRuns} more decodes sample heap and RSS between chunks, each from a baseline taken after ` +
      `a full GC. Every one of the ${d.warmups + d.seconds.length + d.memoryRuns} decodes was checked: ` +
      `${count(d.checked.objects)} objects in order, with every property, ${count(d.checked.nics)} NICs and ` +
      `${count(d.checked.addresses)} addresses (in \`ipAddress\` and \`ipConfig\`).`,
    table(
      ['Figure', 'Measured', 'Target', 'Verdict'],
      [
        [
          `Wall time, median of ${d.seconds.length}`,
          seconds(d.medianSeconds),
          `≤ ${seconds(targets.decodeMedianSeconds)}`,
          verdict(d.medianSeconds, targets.decodeMedianSeconds),
        ],
        [`Wall time, max of ${d.seconds.length}`, seconds(d.maxSeconds), '', ''],
        [
          `CPU time (user + system, all threads), median of ${d.seconds.length}`,
          seconds(d.medianCpuSeconds),
          '',
          '',
        ],
        ['Throughput at the median', `${mb} MB/s`, '', ''],
        [
          `Extra heap at peak during a decode, max of ${d.memoryRuns}`,
          megabytes(d.peakExtraHeapBytes),
          `≤ ${megabytes(targets.decodeExtraHeapBytes)}`,
          verdict(d.peakExtraHeapBytes, targets.decodeExtraHeapBytes),
        ],
        ['Heap held by the decoded result (after GC)', megabytes(d.retainedHeapBytes), '', ''],
        [
          'Heap used / reserved after the timed decodes (no forced GC, garbage included)',
          `${megabytes(d.heapUsedAfterBytes)} / ${megabytes(d.heapTotalAfterBytes)}`,
          '',
          '',
        ],
        [`Extra RSS at peak during a decode, max of ${d.memoryRuns}`, megabytes(d.peakExtraRssBytes), '', ''],
        ['RSS of the benchmark process at start', megabytes(results.rssAtStartBytes), '', ''],
        [
          'Largest RSS of the benchmark process (whole run; the simulator is another process)',
          megabytes(results.maxRssBytes),
          '',
          '',
        ],
      ],
    ),
    `All timed decodes, wall: ${d.seconds.map(seconds).join(', ')}; CPU: ${d.cpuSeconds.map(seconds).join(', ')}.`,
  ].join('\n\n');
}

function inventorySection(results: BenchResults): string {
  const inv = results.inventory;
  const n = results.inventoryRuns;
  return [
    `## 2. Inventory of ${count(results.inventoryVms)} VMs from the simulator`,
    `The harness (\`test/vcsim\`) runs a scenario (\`benchScenario\` in \`bench/inventory-bench.ts\`) of ` +
      `${count(results.inventoryVms)} generated VMs with IPv4 and IPv6 guest addresses in cluster \`c1\` of ` +
      '`dc-east`, two more clusters and a second datacenter, with zone tags on the three clusters and region ' +
      'tags on the two datacenters. A run resets the harness call counters, opens a connection ' +
      '(`openVCenterConnection`, TLS verified with the harness certificate as the only CA), logs in, calls ' +
      '`readInventory`, logs out and closes, then reads the counters: the calls the server received. ' +
      `After one warm-up run come ${n} timed runs per variant. Every run was checked: all ` +
      `${count(results.inventoryVms)} VMs, each with its UUIDs, host name, addresses, datacenter, cluster and ` +
      '(with categories) zone and region.',
    table(
      [
        'Variant',
        'SOAP round trips',
        'REST calls',
        'Total',
        `\`readInventory\`, median of ${n}`,
        `Connect + read + close, median of ${n}`,
        'VMs listed',
        `Target: SOAP ≤ ${targets.inventorySoapRoundTrips}`,
      ],
      inv.map((r) => [
        r.variant.label,
        String(r.soapTotal) + (r.countersStable ? '' : ' (varied between runs)'),
        String(r.restTotal),
        String(r.soapTotal + r.restTotal),
        seconds(r.medianReadSeconds),
        seconds(r.medianSessionSeconds),
        count(r.vmsListed),
        verdict(r.soapTotal, targets.inventorySoapRoundTrips),
      ]),
    ),
    '### SOAP calls by method',
    countersTable(
      inv,
      (r) => new Map(Object.entries(r.counters.soap)),
      (k) => `\`${k}\``,
    ),
    '### REST calls (object ids shown as `{id}`)',
    countersTable(
      inv,
      (r) => foldRestCounters(r.counters.rest),
      (k) => `\`${k}\``,
    ),
    '### All timed runs',
    table(
      ['Variant', '`readInventory`', 'Connect + read + close'],
      inv.map((r) => [
        r.variant.label,
        r.readSeconds.map(seconds).join(', '),
        r.sessionSeconds.map(seconds).join(', '),
      ]),
    ),
  ].join('\n\n');
}

function countersTable(
  inv: readonly InventoryVariantResult[],
  countersOf: (r: InventoryVariantResult) => Map<string, number>,
  label: (key: string) => string,
): string {
  const perVariant = inv.map(countersOf);
  const keys = [...new Set(perVariant.flatMap((m) => [...m.keys()]))].sort();
  if (keys.length === 0) return 'None.';
  return table(
    ['Call', ...inv.map((r) => r.variant.label)],
    keys.map((k) => [label(k), ...perVariant.map((m) => String(m.get(k) ?? 0))]),
  );
}

function meaningSection(): string {
  return [
    '## What the numbers mean, and what they do not',
    [
      '- **Round trips are exact and do not depend on the machine.** They are counted by the server and are ' +
        'what a real vCenter would receive for the same inventory, except that vCenter may cut a large ' +
        'result into pages on its own: each page costs one more `ContinueRetrievePropertiesEx`, which the ' +
        'paged variant shows. The count does not grow with the number of VMs, only with pages and tags.',
      '- **Inventory seconds are a loopback simulator, not a vCenter.** There is no network latency and the ' +
        "simulator's objects are lighter than vCenter's (smaller `config` and host `summary`), so its replies " +
        'are smaller; vCenter also spends its own time collecting properties. On a real vCenter expect the ' +
        'round-trip latency times the round trips above, plus server time, plus decoding time that grows ' +
        'with the reply size.',
      '- **The decode figure is the codec alone, on a reply with more per-VM data than `readInventory` asks ' +
        'for** (the whole `summary`), so it bounds the decoding part of a 1,000-VM inventory from above. Real ' +
        'vCenter replies can carry fields this one lacks (custom values, more devices), and decode time ' +
        'grows roughly with the bytes decoded.',
      '- **Memory:** "extra heap" is the peak of `heapUsed` above a post-GC baseline while one decode ' +
        'runs (sampled between chunks, garbage not yet collected included); "held by the result" is what a ' +
        'GC leaves. Successive decodes without forced GCs behave differently: V8 lets their garbage pile up ' +
        'before a full GC (the "used / reserved after the timed decodes" row), and RSS follows the reserved ' +
        'heap and rarely shrinks. Hence the small "extra RSS" of one decode after the warm-ups, and the ' +
        'largest RSS of the process, which also includes building the synthetic reply and the inventory ' +
        'runs. A long-running process that must stay small needs a heap limit (`--max-old-space-size`).',
      '- **Index memory:** each load runs in a fresh Node process (`bench/index-bench-main.ts`), so "RSS ' +
        'once synced" is that process: Node itself, the modules, the connection and the index, plus garbage ' +
        'not yet collected ("before connecting" is Node and the modules alone). "Heap retained" is what a full GC leaves above the heap before the connection ' +
        'opened: the index, its connection and the tag snapshot. The simulator reports less guest data per ' +
        'VM than vCenter, so expect more per VM on a real one.',
      '- **Noise:** the machine may be shared and has few cores. Wall time includes waiting for a core; ' +
        'when the load average above exceeds the number of CPUs, the CPU-time row is the steadier figure ' +
        '(it also counts GC helper threads). Rerun before drawing conclusions from a small difference.',
    ].join('\n'),
  ].join('\n\n');
}
