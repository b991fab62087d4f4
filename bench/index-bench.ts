// SPDX-License-Identifier: Apache-2.0
import { categoryTagSource } from '../src/provider/inventory/tag-snapshot.ts';
import { VCenterIndex } from '../src/provider/inventory/vcenter-index.ts';
import { openVCenterConnection, type VCenterConnection } from '../src/vsphere/vcenter-connection.ts';
import { startVcsim, type CallCounters, type Vcsim } from '../test/support/vcsim.ts';
import { generatedVm, type ScenarioGenerate } from '../test/vcsim/scenario.ts';
import { check } from './bench-check-error.ts';
import { benchScenario } from './inventory-bench.ts';
import { median, secondsSince } from './measure.ts';

/** How the index benchmark runs. */
/** One cold load, from an empty connection to a synced index with its tags read. */
export interface IndexLoadResult {
  readonly vms: number;
  /** Calls the simulator received: connect and login, views, collector, filter, waits, tags. */
  readonly counters: CallCounters;
  readonly soapTotal: number;
  readonly restTotal: number;
  /** performance.md T6: SOAP ≤ 10 + ⌈N/100⌉ (login, views, collector, filter, pages). */
  readonly soapTarget: number;
  /** performance.md T6: REST ≤ 6. */
  readonly restTarget: number;
  /** From opening the connection to the index synced (login included). */
  readonly coldSeconds: number;
  /** From `start()` to the index synced. */
  readonly syncSeconds: number;
  /** From `start()` to the first tag snapshot. */
  readonly tagsSeconds: number;
  /** Resident set of the process once synced: a fresh process per load; the simulator is another one. */
  readonly rssBytes: number;
  /** Resident set before the connection opened (Node and the modules, after a full GC). */
  readonly rssBeforeBytes: number;
  /** Resident set after a full GC once synced: closer to a steady state. */
  readonly rssAfterGcBytes: number;
  /** Heap retained after a full GC once synced, relative to before the connection was opened. */
  readonly retainedHeapBytes: number;
  /** RSS after the first long poll came back empty (nothing changed), after a full GC. */
  readonly steadyRssBytes: number;
  /** Heap retained then, relative to before the connection was opened. */
  readonly steadyRetainedHeapBytes: number;
}

/** Guest IP changes made through the simulator and timed until the index shows them. */
export interface IndexChangeResult {
  readonly vms: number;
  /** Milliseconds from asking the simulator for the change to the index answering with it. */
  readonly latencyMs: readonly number[];
  readonly medianMs: number;
  readonly maxMs: number;
  /** SOAP and REST calls the index made per change (the long poll that carried it). */
  readonly roundTrips: readonly number[];
}

export interface IndexBenchResults {
  readonly loads: readonly IndexLoadResult[];
  readonly change: IndexChangeResult;
}

/** The figures' targets (docs/benchmarks.md states them). */
export const indexTargets = {
  readySecondsAt1000: 10,
  changeSeenMs: 2_000,
  soap: (vms: number) => 10 + Math.ceil(vms / 100),
  rest: 6,
} as const;

/** Short, so that the steady state (the first empty long-poll return) comes soon. */
const MAX_WAIT_SECONDS = 2;
const categories = { zoneCategory: 'k8s-zone', regionCategory: 'k8s-region' };
const generate: Omit<ScenarioGenerate, 'count'> = {
  datacenter: 'dc-east',
  cluster: 'c1',
  namePrefix: 'bench-',
  ipv6: true,
};

/** What one child process measures: one cold load, and optionally the change latency. */
export interface IndexRunOptions {
  readonly size: number;
  /** 0 to skip the change runs. */
  readonly changes: number;
  readonly signal: AbortSignal;
  readonly gc: () => void;
}

/** What one child process reports. */
export interface IndexRunResult {
  readonly load: IndexLoadResult;
  readonly change: IndexChangeResult | undefined;
}

/**
 * Starts the harness with `benchScenario(size)`, cold-loads a `VCenterIndex` over a real
 * TLS-verified connection (counters reset first), checks that every generated VM is indexed
 * correctly, and times `changes` guest IP changes. Stops the index, the connection and the
 * harness in all cases; a wrong result throws `BenchCheckError`. Run it in a fresh process
 * (`index-bench-main.ts`) so that the RSS figure is the index's, not earlier benchmarks'.
 */
export async function runIndexOnce(options: IndexRunOptions): Promise<IndexRunResult> {
  const sim = await startVcsim({ scenario: benchScenario(options.size), signal: options.signal });
  try {
    let result: IndexRunResult | undefined;
    await withLoadedIndex(sim, options.size, options, async (index, load) => {
      const change = options.changes > 0 ? await timeChanges(sim, index, options) : undefined;
      result = { load, change };
    });
    if (result === undefined) throw new RangeError('index benchmark: the load did not complete');
    return result;
  } finally {
    await sim.close();
  }
}

async function withLoadedIndex(
  sim: Vcsim,
  size: number,
  options: IndexRunOptions,
  use: (index: VCenterIndex, load: IndexLoadResult) => Promise<void>,
): Promise<void> {
  const { signal } = options;
  options.gc();
  const { heapUsed: heapBefore, rss: rssBeforeBytes } = process.memoryUsage();
  await sim.control.resetCounters({ signal });
  const coldStart = performance.now();
  const conn = await openVCenterConnection(
    { server: new URL(sim.sdkUrl).origin, tls: { caPem: sim.certPem }, credentials: () => sim.credentials },
    { signal },
  );
  const ac = new AbortController();
  const stop = (): void => {
    ac.abort();
  };
  signal.addEventListener('abort', stop, { once: true });
  try {
    const { index, running } = startIndex(conn, ac.signal);
    try {
      const start = performance.now();
      await index.waitForSync({ signal, timeoutMs: 120_000 });
      const syncSeconds = secondsSince(start);
      const coldSeconds = secondsSince(coldStart);
      await until(() => index.tags() !== undefined, 60_000, signal);
      const tagsSeconds = secondsSince(start);
      const counters = await sim.control.counters({ signal });
      const rssBytes = process.memoryUsage().rss;
      const afterGc = collected(options);
      // Steady state: once a long poll has come back empty, nothing of the initial reply is held.
      const syncedAt = index.state().lastUpdate ?? 0;
      await until(() => (index.state().lastContact ?? 0) > syncedAt, (MAX_WAIT_SECONDS + 10) * 1000, signal);
      const steady = collected(options);
      checkIndex(index, size);
      const soapTotal = sum(counters.soap);
      const restTotal = sum(counters.rest);
      const load = {
        vms: size,
        counters,
        soapTotal,
        restTotal,
        soapTarget: indexTargets.soap(size),
        restTarget: indexTargets.rest,
        coldSeconds,
        syncSeconds,
        tagsSeconds,
        rssBytes,
        rssBeforeBytes,
        rssAfterGcBytes: afterGc.rss,
        retainedHeapBytes: afterGc.heapUsed - heapBefore,
        steadyRssBytes: steady.rss,
        steadyRetainedHeapBytes: steady.heapUsed - heapBefore,
      };
      await use(index, load);
    } finally {
      stop();
      await running;
    }
  } finally {
    signal.removeEventListener('abort', stop);
    await conn.close();
  }
}

function startIndex(
  conn: VCenterConnection,
  signal: AbortSignal,
): { index: VCenterIndex; running: Promise<void> } {
  const index = new VCenterIndex({
    vcenter: conn.host,
    client: conn,
    tags: categoryTagSource(conn.tagging, categories),
    maxWaitSeconds: MAX_WAIT_SECONDS,
  });
  return { index, running: index.start(signal) };
}

/** Changes the primary NIC's address of one VM per run and waits until the index has it. */
async function timeChanges(
  sim: Vcsim,
  index: VCenterIndex,
  options: IndexRunOptions,
): Promise<IndexChangeResult> {
  const { signal, size } = options;
  const latencyMs: number[] = [];
  const roundTrips: number[] = [];
  for (let k = 1; k <= options.changes; k++) {
    const vm = generatedVm({ ...generate, count: size }, 1 + ((k * 97) % size));
    const ip = `10.250.${k}.1`;
    await sim.control.resetCounters({ signal });
    const started = performance.now();
    await sim.control.setGuest(vm.name, { nics: [{ ipv4: [`${ip}/16`] }] }, { signal });
    await until(() => index.byIp(ip)[0]?.name === vm.name, 10_000, signal);
    latencyMs.push(performance.now() - started);
    // The long poll that carried the change was sent before the reset; the next one, sent as soon
    // as the change is applied, is what the change cost. A short pause lets it reach the server.
    await new Promise((r) => setTimeout(r, 100));
    const counters = await sim.control.counters({ signal });
    roundTrips.push(sum(counters.soap) + sum(counters.rest));
    check(index.byIp(vm.ipv4).length === 0, () => `index: ${vm.name} still listed at ${vm.ipv4}`);
  }
  return {
    vms: size,
    latencyMs,
    medianMs: median(latencyMs),
    maxMs: Math.max(...latencyMs),
    roundTrips,
  };
}

/** Every generated VM is indexed once, by UUID, host name and address, with its placement. */
function checkIndex(index: VCenterIndex, count: number): void {
  const state = index.state();
  check(state.synced && state.vms === count, () => `index: ${state.vms} VMs, expected ${count}`);
  const spec = { ...generate, count };
  for (let i = 1; i <= count; i++) {
    const want = generatedVm(spec, i);
    const [vm, ...more] = index.byBiosUuid(want.biosUuid);
    check(vm !== undefined && more.length === 0, () => `index: ${want.name} not found once by UUID`);
    check(
      vm.name === want.name &&
        vm.instanceUuid === want.instanceUuid &&
        index.byHostName(want.hostName)[0] === vm &&
        index.byIp(want.ipv4)[0] === vm &&
        (want.ipv6 === undefined || index.byIp(want.ipv6)[0] === vm) &&
        index.datacenterOf(vm)?.name === 'dc-east',
      () => `index: ${want.name} indexed wrongly: ${JSON.stringify(vm)}`,
    );
  }
}

async function until(probe: () => boolean, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const started = performance.now();
  while (!probe()) {
    signal.throwIfAborted();
    check(performance.now() - started < timeoutMs, () => `index: condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Memory after two full collections (one can leave objects a finaliser still holds). */
function collected(options: IndexRunOptions): NodeJS.MemoryUsage {
  options.gc();
  options.gc();
  return process.memoryUsage();
}

function sum(calls: Readonly<Record<string, number>>): number {
  return Object.values(calls).reduce((a, b) => a + b, 0);
}
