// SPDX-License-Identifier: Apache-2.0
// The node-initialisation benchmark (issue 5 §6): the daemon, as a child process, against the
// simulator harness holding N generated VMs and the in-memory API server, with N Nodes registered
// the way a kubelet with --cloud-provider=external registers them.

import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { startDaemon, warmDaemonCompileCache, type Daemon } from '../test/support/daemon.ts';
import { UNINITIALIZED_TAINT, kubeletNode, simCloudConfig } from '../test/support/e2e-nodes.ts';
import { startKubeApi, type KubeApiFixture } from '../test/support/kube-apiserver.ts';
import { startVcsim, type CallCounters, type Vcsim } from '../test/support/vcsim.ts';
import { generatedVm, type ScenarioGenerate } from '../test/vcsim/scenario.ts';
import { check } from './bench-check-error.ts';
import { benchScenario } from './inventory-bench.ts';
import { secondsSince } from './measure.ts';

/** One way of running the daemon: a label and the extra flags. */
export interface NodesVariant {
  readonly label: string;
  readonly flags: readonly string[];
}

/** The figures of one burst; every Node behind them was checked. */
export interface NodesRunResult {
  readonly variant: NodesVariant;
  readonly nodes: number;
  /** From spawning the daemon to every Node initialised. */
  readonly fromStartSeconds: number;
  /** From the last Node registered (created in the API server) to every Node initialised. */
  readonly fromRegisteredSeconds: number;
  /** Calls the simulator received from daemon start to every Node initialised. */
  readonly counters: CallCounters;
  readonly soapTotal: number;
  readonly restTotal: number;
  /** PATCH and PUT requests on `nodes` (any subresource) the API server answered. */
  readonly nodeWrites: number;
  /** `VmHWM` of the daemon process once every Node was initialised. */
  readonly peakRssBytes: number;
}

/** The figures' targets (docs/benchmarks.md states them). */
export const nodesTargets = {
  roundTrips: 50,
  unthrottledSeconds: 15,
  peakRssBytes: 150e6,
  writesPerNode: 2,
} as const;

/** The two variants `npm run bench` measures. */
export const nodesVariants: readonly NodesVariant[] = [
  { label: 'default QPS (20, burst 30)', flags: [] },
  { label: 'QPS unlimited', flags: ['--kube-api-qps=100000', '--kube-api-burst=100000'] },
];

/** Options of {@link runNodesBench}. */
export interface NodesBenchOptions {
  readonly nodes: number;
  readonly variants: readonly NodesVariant[];
  /** Longest wait for one burst to be initialised before giving up. */
  readonly burstTimeoutMs: number;
  readonly signal: AbortSignal;
}

const CREATE_CONCURRENCY = 16;
const POLL_MS = 200;
const generate: ScenarioGenerate = { count: 0, datacenter: 'dc-east', cluster: 'c1', namePrefix: 'bench-' };

/**
 * For each variant, starts a fresh simulator harness (`benchScenario(nodes)`), API server and
 * daemon, registers `nodes` kubelet-style Nodes right after spawning the daemon, and waits until
 * every one has the right provider ID and no uninitialized taint. The daemon's compile cache is
 * warmed first (a restarted pod's case). Everything it started is stopped in all cases; a wrong
 * Node throws `BenchCheckError`.
 */
export async function runNodesBench(options: NodesBenchOptions): Promise<NodesRunResult[]> {
  const results: NodesRunResult[] = [];
  await warmDaemonCompileCache(options.signal);
  for (const variant of options.variants) results.push(await runBurst(variant, options));
  return results;
}

async function runBurst(variant: NodesVariant, options: NodesBenchOptions): Promise<NodesRunResult> {
  const { signal, nodes } = options;
  const dir = await mkdtemp(join(tmpdir(), 'ccm-nodes-bench-'));
  let sim: Vcsim | undefined;
  let kube: KubeApiFixture | undefined;
  let daemon: Daemon | undefined;
  try {
    sim = await startVcsim({ scenario: benchScenario(nodes), signal });
    kube = await startKubeApi();
    const configFile = join(dir, 'vsphere.yaml');
    const kubeconfigFile = join(dir, 'kubeconfig');
    await writeFile(configFile, simCloudConfig(sim, { zones: true }), { signal });
    await writeFile(kubeconfigFile, kube.kubeConfig.exportConfig(), { signal });
    await sim.control.resetCounters({ signal });
    kube.requestLog.clear();

    const started = performance.now();
    daemon = startDaemon([
      '--cloud-provider=vsphere',
      `--cloud-config=${configFile}`,
      `--kubeconfig=${kubeconfigFile}`,
      '--secure-port=0',
      '--leader-elect=false',
      ...variant.flags,
    ]);
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    await registerNodes(core, nodes, signal);
    const registered = performance.now();
    await waitAllInitialised(core, nodes, daemon, options);
    const done = performance.now();
    const counters = await sim.control.counters({ signal });
    const peakRssBytes = await peakRss(daemon.pid, signal);
    const nodeWrites = kube.requestLog
      .filter({ resource: 'nodes' })
      .filter((r) => r.verb === 'patch' || r.verb === 'update').length;
    return {
      variant,
      nodes,
      fromStartSeconds: (done - started) / 1000,
      fromRegisteredSeconds: (done - registered) / 1000,
      counters,
      soapTotal: sum(counters.soap),
      restTotal: sum(counters.rest),
      nodeWrites,
      peakRssBytes,
    };
  } finally {
    await daemon?.stop(5_000);
    await Promise.all([sim?.close(), kube?.close()]);
    await rm(dir, { recursive: true, force: true });
  }
}

async function registerNodes(core: CoreV1Api, nodes: number, signal: AbortSignal): Promise<void> {
  let next = 1;
  const worker = async (): Promise<void> => {
    while (next <= nodes) {
      signal.throwIfAborted();
      const i = next++;
      const vm = generatedVm({ ...generate, count: i }, i);
      await core.createNode({ body: kubeletNode(vm.name, { biosUuid: vm.biosUuid }) });
    }
  };
  await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, worker));
}

async function waitAllInitialised(
  core: CoreV1Api,
  nodes: number,
  daemon: Daemon,
  options: NodesBenchOptions,
): Promise<void> {
  const started = performance.now();
  for (;;) {
    options.signal.throwIfAborted();
    const list = await core.listNode();
    let initialised = 0;
    for (const node of list.items) {
      if (node.spec?.providerID === undefined) continue;
      if ((node.spec.taints ?? []).some((t) => t.key === UNINITIALIZED_TAINT)) continue;
      const name = node.metadata?.name ?? '';
      const i = Number(name.slice(-5));
      const want = `vsphere://${generatedVm({ ...generate, count: nodes }, i).biosUuid}`;
      check(
        node.spec.providerID === want,
        () => `${name}: provider ID ${String(node.spec?.providerID)}, want ${want}`,
      );
      initialised++;
    }
    if (initialised === nodes) return;
    if (performance.now() - started > options.burstTimeoutMs) {
      throw new RangeError(
        `nodes benchmark: ${initialised}/${nodes} Nodes initialised after ${secondsSince(started).toFixed(1)} s;` +
          ` daemon output tail:\n${daemon.output().slice(-2000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function peakRss(pid: number, signal: AbortSignal): Promise<number> {
  const status = await readFile(`/proc/${String(pid)}/status`, { encoding: 'utf8', signal });
  const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kb === undefined) throw new RangeError(`nodes benchmark: no VmHWM for daemon pid ${String(pid)}`);
  return Number(kb) * 1024;
}

const sum = (record: Readonly<Record<string, number>>): number =>
  Object.values(record).reduce((a, b) => a + b, 0);
