// SPDX-License-Identifier: Apache-2.0
import { count, foldRestCounters, megabytes, seconds, table, verdict } from './format.ts';
import { nodesTargets, type NodesRunResult } from './nodes-bench.ts';

/** What the node benchmark produced: its figures, or why it was not run. */
export type NodesBenchOutcome =
  | { readonly ran: true; readonly runs: readonly NodesRunResult[] }
  | { readonly ran: false; readonly reason: string };

const total = (r: NodesRunResult): number => r.soapTotal + r.restTotal;
const isUnthrottled = (r: NodesRunResult): boolean => r.variant.flags.length > 0;

/** The node-initialisation section of docs/benchmarks.md (unformatted Markdown). */
export function nodesSection(outcome: NodesBenchOutcome, heading: string): string {
  const intro =
    'The daemon (`bin/vsphere-cloud-controller-manager.js`) runs as a child process against a fresh ' +
    'simulator harness running `benchScenario` (section 2) and the in-memory API server ' +
    '(`test/kube-apiserver`), without leader election. Right after it is spawned the benchmark registers ' +
    'one Node per generated VM the way a kubelet with `--cloud-provider=external` does: the ' +
    '`node.cloudprovider.kubernetes.io/uninitialized` taint, Ready, and the BIOS UUID in SMBIOS byte order ' +
    'as `systemUUID`. It then lists the Nodes every 200 ms until every one has no uninitialized taint and ' +
    'the provider ID of its VM (checked). Round trips are the harness counters from daemon start to that ' +
    'moment; writes are the PATCH/PUT requests on `nodes` the API server answered; peak RSS is the ' +
    "daemon's `VmHWM`. The daemon's compile cache is warmed first by one `--version` run, as a restarted " +
    'pod or a warmed image has it; what drives its memory, and what was tried, is in ' +
    '`docs/adr/0006-daemon-memory.md`. `bench/nodes-bench.ts` (`npm run bench -- --skip-nodes` leaves it ' +
    'out; `node bench/nodes-bench-main.ts [N]` runs it alone and prints JSON).';
  if (!outcome.ran) return [`## ${heading}`, intro, `Not run: ${outcome.reason}.`].join('\n\n');
  const runs = outcome.runs;
  return [
    `## ${heading}`,
    intro,
    table(
      [
        'Variant',
        'Nodes',
        'Daemon start → all initialised',
        'Last Node registered → all initialised',
        `Target (unthrottled): ≤ ${nodesTargets.unthrottledSeconds} s`,
        'SOAP',
        'REST',
        `Target: total ≤ ${nodesTargets.roundTrips}`,
        'Node writes',
        `Expected: ${nodesTargets.writesPerNode} per Node`,
        'Daemon peak RSS',
        `Target: ≤ ${megabytes(nodesTargets.peakRssBytes)}`,
      ],
      runs.map((r) => [
        r.variant.label,
        count(r.nodes),
        seconds(r.fromStartSeconds),
        seconds(r.fromRegisteredSeconds),
        isUnthrottled(r) ? verdict(r.fromStartSeconds, nodesTargets.unthrottledSeconds) : '—',
        String(r.soapTotal),
        String(r.restTotal),
        verdict(total(r), nodesTargets.roundTrips),
        count(r.nodeWrites),
        r.nodeWrites === r.nodes * nodesTargets.writesPerNode ? 'as expected' : 'DIFFERS',
        megabytes(r.peakRssBytes),
        verdict(r.peakRssBytes, nodesTargets.peakRssBytes),
      ]),
    ),
    '### vCenter calls by method (object ids shown as `{id}`)',
    callsTable(runs),
  ].join('\n\n');
}

/** The node figures against their targets, one line per variant, for the console. */
export function nodesSummaryLines(outcome: NodesBenchOutcome): string[] {
  if (!outcome.ran) return [`nodes: not run (${outcome.reason})`];
  return outcome.runs.map(
    (r) =>
      `nodes ${count(r.nodes)}, ${r.variant.label}: all initialised ${seconds(r.fromStartSeconds)} after ` +
      `daemon start (${seconds(r.fromRegisteredSeconds)} after registration)` +
      (isUnthrottled(r)
        ? ` [${verdict(r.fromStartSeconds, nodesTargets.unthrottledSeconds)} ≤ ${nodesTargets.unthrottledSeconds} s]`
        : '') +
      `; vCenter round trips ${total(r)} [${verdict(total(r), nodesTargets.roundTrips)} ≤ ${nodesTargets.roundTrips}]` +
      `; Node writes ${count(r.nodeWrites)} (expected ${count(r.nodes * nodesTargets.writesPerNode)})` +
      `; daemon peak RSS ${megabytes(r.peakRssBytes)} ` +
      `[${verdict(r.peakRssBytes, nodesTargets.peakRssBytes)} ≤ ${megabytes(nodesTargets.peakRssBytes)}]`,
  );
}

function callsTable(runs: readonly NodesRunResult[]): string {
  const perRun = runs.map(
    (r) => new Map([...Object.entries(r.counters.soap), ...foldRestCounters(r.counters.rest)]),
  );
  const keys = [...new Set(perRun.flatMap((m) => [...m.keys()]))].sort();
  if (keys.length === 0) return 'None.';
  return table(
    ['Call', ...runs.map((r) => r.variant.label)],
    keys.map((k) => [`\`${k}\``, ...perRun.map((m) => String(m.get(k) ?? 0))]),
  );
}
