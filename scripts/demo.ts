// SPDX-License-Identifier: Apache-2.0
// `npm run demo`: the real daemon initialising Nodes. Starts the vCenter simulator (two datacenters
// as regions, three clusters as zones, twelve VMs), the in-memory API server with kubelet-registered
// Nodes, and bin/vsphere-cloud-controller-manager.js; shows the Nodes until all are initialised,
// then powers one VM off (shutdown taint) and destroys another (Node deleted), and cleans up.
// DEMO_FAST=1 skips the pauses meant for human readers (used by the e2e test).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { startDaemon } from '../test/support/daemon.ts';
import { startKubeApi } from '../test/support/kube-apiserver.ts';
import { startVcsim, type Vcsim, type VcsimScenario } from '../test/support/vcsim.ts';
import { markNotReady, registerKubelets, type KubeletMachine } from './demo-kubelet.ts';
import { formatNodeTable, isInitialised } from './demo-table.ts';

const SCENARIO = resolve(import.meta.dirname, '../test/vcsim/scenarios/demo.json');
const POWERED_OFF = 'k8s-east-b-worker-2';
const DESTROYED = 'k8s-west-a-worker-3';
const SHUTDOWN_TAINT = 'node.cloudprovider.kubernetes.io/shutdown';
const STEP_TIMEOUT_MS = 20_000;
const fast = process.env['DEMO_FAST'] === '1';
const out = (text: string): void => {
  process.stdout.write(text);
};

function cloudConfig(sim: Vcsim): string {
  return [
    'global:',
    `  port: ${new URL(sim.sdkUrl).port}`,
    'vcenter:',
    '  demo:',
    '    server: 127.0.0.1',
    `    user: ${JSON.stringify(sim.credentials.username)}`,
    `    password: ${JSON.stringify(sim.credentials.password)}`,
    `    thumbprint: ${JSON.stringify(sim.thumbprintSha256)}`,
    '    datacenters: ["dc-east", "dc-west"]',
    'labels:',
    '  zone: k8s-zone',
    '  region: k8s-region',
    '',
  ].join('\n');
}

/** Polls `probe` until it returns a value; throws after STEP_TIMEOUT_MS or when aborted. */
async function until<T>(
  probe: () => Promise<T | undefined>,
  what: () => string,
  signal: AbortSignal,
): Promise<T> {
  const deadline = performance.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`not within ${String(STEP_TIMEOUT_MS)} ms: ${what()}`);
    await sleep(200, undefined, { signal });
  }
}

async function run(signal: AbortSignal, cleanups: (() => Promise<unknown>)[]): Promise<void> {
  const scenario = JSON.parse(await readFile(SCENARIO, 'utf8')) as VcsimScenario;
  const machines: KubeletMachine[] = (scenario.vms ?? []).map((vm) => ({
    name: vm.hostName ?? vm.name,
    biosUuid: vm.biosUuid ?? '',
  }));

  out('Starting the vCenter simulator and the in-memory Kubernetes API server…\n');
  const sim = await startVcsim({ scenario: SCENARIO, signal });
  cleanups.push(() => sim.close());
  const kube = await startKubeApi();
  cleanups.push(() => kube.close());
  const dir = await mkdtemp(join(tmpdir(), 'vsphere-ccm-demo-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const configFile = join(dir, 'vsphere.yaml');
  const kubeconfigFile = join(dir, 'kubeconfig');
  await writeFile(configFile, cloudConfig(sim), { mode: 0o600 });
  await writeFile(kubeconfigFile, kube.kubeConfig.exportConfig(), { mode: 0o600 });
  out(
    `  vCenter simulator  ${new URL(sim.sdkUrl).origin} (2 datacenters, 3 clusters, ${String(machines.length)} VMs)\n`,
  );
  out(`  API server         ${kube.url}\n\n`);
  out('While the demo runs, from another terminal:\n');
  out(`  kubectl --kubeconfig ${kubeconfigFile} get nodes -o wide\n`);
  out(
    `  kubectl --kubeconfig ${kubeconfigFile} get nodes -L topology.kubernetes.io/zone,topology.kubernetes.io/region,node.kubernetes.io/instance-type\n`,
  );
  out(`  kubectl --kubeconfig ${kubeconfigFile} get node ${POWERED_OFF} -o yaml\n\n`);

  await registerKubelets(kube.kubeConfig, machines, { signal });
  out(
    `${String(machines.length)} kubelets (--cloud-provider=external) registered their Nodes, tainted uninitialized.\n`,
  );

  const args = [
    '--cloud-provider=vsphere',
    `--cloud-config=${configFile}`,
    `--kubeconfig=${kubeconfigFile}`,
    '--secure-port=0',
    '--leader-elect=false',
    '--node-monitor-period=500ms',
    '--node-status-update-frequency=2s',
    '--concurrent-node-syncs=4',
  ];
  out(`\n$ vsphere-cloud-controller-manager ${args.join(' ')}\n\n`);
  const daemon = startDaemon(args);
  cleanups.push(() => daemon.stop(5_000));
  let daemonExit: number | string | undefined;
  void daemon.exited.then((code) => {
    daemonExit = code;
  });
  const alive = (): void => {
    if (daemonExit !== undefined)
      throw new Error(`the daemon exited (${String(daemonExit)}):\n${daemon.output()}`);
  };

  const core = kube.kubeConfig.makeApiClient(CoreV1Api);
  const listNodes = async (): Promise<V1Node[]> => {
    alive();
    return (await core.listNode()).items;
  };
  const started = performance.now();
  let shown = -1;
  await until(
    async () => {
      const nodes = await listNodes();
      const done = nodes.filter(isInitialised).length;
      if (done !== shown) {
        shown = done;
        const secs = ((performance.now() - started) / 1000).toFixed(1);
        out(
          `[${secs} s] ${String(done)}/${String(nodes.length)} Nodes initialised\n${formatNodeTable(nodes)}\n`,
        );
      }
      return done === nodes.length ? true : undefined;
    },
    () => `all Nodes initialised\n${daemon.output()}`,
    signal,
  );
  out(
    `All ${String(machines.length)} Nodes initialised: providerID, addresses, zone, region and instance type from vSphere.\n`,
  );
  if (!fast) await sleep(3_000, undefined, { signal });

  out(`\nPowering off VM ${POWERED_OFF}; its kubelet stops reporting, so the Node becomes NotReady…\n`);
  await sim.control.power(POWERED_OFF, 'poweredOff', { signal });
  await markNotReady(kube.kubeConfig, POWERED_OFF, { signal });
  await until(
    async () => {
      alive();
      const node = await core.readNode({ name: POWERED_OFF });
      return (node.spec?.taints ?? []).some((t) => t.key === SHUTDOWN_TAINT) ? true : undefined;
    },
    () => `${POWERED_OFF} shutdown taint\n${daemon.output()}`,
    signal,
  );
  out(`${POWERED_OFF} got the ${SHUTDOWN_TAINT} taint:\n${formatNodeTable(await listNodes())}\n`);
  if (!fast) await sleep(3_000, undefined, { signal });

  out(`Destroying VM ${DESTROYED}; its Node becomes NotReady…\n`);
  await sim.control.destroy(DESTROYED, { signal });
  await markNotReady(kube.kubeConfig, DESTROYED, { signal });
  await until(
    async () => ((await listNodes()).some((n) => n.metadata?.name === DESTROYED) ? undefined : true),
    () => `${DESTROYED} deleted\n${daemon.output()}`,
    signal,
  );
  out(`Node ${DESTROYED} was deleted: its VM no longer exists.\n${formatNodeTable(await listNodes())}\n`);

  const code = await daemon.stop(5_000);
  out(`The daemon stopped on SIGTERM (exit ${String(code)}). Demo finished.\n`);
  if (code !== 0) throw new Error(`daemon exit ${String(code)}\n${daemon.output()}`);
}

const controller = new AbortController();
const onSigint = (): void => {
  controller.abort(new Error('interrupted'));
};
process.once('SIGINT', onSigint);
const cleanups: (() => Promise<unknown>)[] = [];
try {
  await run(controller.signal, cleanups);
} catch (err) {
  process.stderr.write(
    controller.signal.aborted ? '\nInterrupted; cleaning up.\n' : `\ndemo failed: ${String(err)}\n`,
  );
  process.exitCode = controller.signal.aborted ? 130 : 1;
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  process.off('SIGINT', onSigint);
}
