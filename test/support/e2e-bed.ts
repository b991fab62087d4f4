// SPDX-License-Identifier: Apache-2.0
// Test-only: what the daemon e2e tests share: a simulator, the in-memory API server and a temp
// directory holding the cloud config and a kubeconfig for them, plus Node reads.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { UNINITIALIZED_TAINT, until } from './e2e-nodes.ts';
import { startKubeApi, type KubeApiFixture } from './kube-apiserver.ts';
import { startVcsim, type Vcsim } from './vcsim.ts';

/** A running e2e test bed; `close()` it in `after`, once the daemons are stopped. */
export interface E2eBed {
  readonly sim: Vcsim;
  readonly kube: KubeApiFixture;
  readonly core: CoreV1Api;
  readonly dir: string;
  readonly configFile: string;
  readonly kubeconfigFile: string;
  /** The Node, or undefined when it does not exist (or cannot be read). */
  readNode(name: string): Promise<V1Node | undefined>;
  /** Waits until the Node has a providerID and no uninitialized taint. */
  initialised(name: string, timeoutMs: number, log: () => string): Promise<V1Node>;
  /** Resumes a paused simulator, stops it and the API server, and removes the directory. */
  close(): Promise<void>;
}

/**
 * Starts the simulator on `scenario` and the API server, and writes `cloudConfig(sim)` and a
 * kubeconfig for the API server into a fresh temp directory named after `tag`.
 */
export async function startE2eBed(options: {
  readonly scenario: string;
  readonly tag: string;
  readonly cloudConfig: (sim: Vcsim) => string;
}): Promise<E2eBed> {
  const [sim, kube] = await Promise.all([startVcsim({ scenario: options.scenario }), startKubeApi()]);
  const dir = await mkdtemp(join(tmpdir(), `ccm-e2e-${options.tag}-`));
  const configFile = join(dir, 'vsphere.yaml');
  const kubeconfigFile = join(dir, 'kubeconfig');
  await writeFile(configFile, options.cloudConfig(sim));
  await writeFile(kubeconfigFile, kube.kubeConfig.exportConfig());
  const core = kube.kubeConfig.makeApiClient(CoreV1Api);
  const readNode = (name: string): Promise<V1Node | undefined> =>
    core.readNode({ name }).catch(() => undefined);
  return {
    sim,
    kube,
    core,
    dir,
    configFile,
    kubeconfigFile,
    readNode,
    initialised: (name, timeoutMs, log) =>
      until(
        async () => {
          const n = await readNode(name);
          const tainted = (n?.spec?.taints ?? []).some((t) => t.key === UNINITIALIZED_TAINT);
          return n?.spec?.providerID !== undefined && !tainted ? n : undefined;
        },
        timeoutMs,
        () => `${name} initialised\n${log()}`,
      ),
    close: async () => {
      await sim.control.resume().catch(() => undefined);
      await Promise.all([sim.close(), kube.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
