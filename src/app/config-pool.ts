// SPDX-License-Identifier: Apache-2.0
import type { HttpLibrary, KubeConfig } from '@kubernetes/client-node';
import type { CloudConfig } from '../config/config.ts';
import type { KubeRequestObserver } from '../kube/request-verb.ts';
import { SourcedCredentialProvider } from '../credentials/credential-provider.ts';
import { VCenterPool, type VCenterPoolOptions } from '../provider/vcenter-pool.ts';

/** Pool settings a command may choose; vCenters and credentials come from the config. */
export type ConfigPoolSettings = Omit<VCenterPoolOptions, 'vcenters' | 'credentials'> & {
  /**
   * How to reach the Kubernetes API for Secret credentials. The daemon passes its own
   * (`--kubeconfig` or in-cluster); without it, the kubeconfig kubectl would use is loaded.
   */
  readonly kubeConfig?: KubeConfig;
  /** The HTTP library Secret reads go through (the daemon's pooled `KubeClient.http`). */
  readonly kubeHttp?: HttpLibrary;
  /** Told about each Secret watch request, as `KubeClient` reports its own (for metrics). */
  readonly kubeOnRequest?: KubeRequestObserver;
};

/** The connections of every vCenter of a cloud config, and what they need. */
export interface ConfigPool {
  readonly pool: VCenterPool;
  readonly credentials: SourcedCredentialProvider;
  /** Logs every session out (bounded, see `VCenterPool.close`), then stops the credential sources. Safe to call twice. */
  readonly close: () => Promise<void>;
}

/**
 * Builds the CCM's connection pool for a loaded cloud config, exactly as the daemon does: the
 * credential sources of every vCenter (inline, Kubernetes Secret through the kubeconfig kubectl
 * would use, secrets directory), then the pool with the configured TLS and datacenter scope. The
 * sources are started (bounded by their own sync timeout); no vCenter is contacted yet. The
 * caller must `close()` the result, even when it used nothing.
 */
export async function openConfigPool(
  config: CloudConfig,
  settings: ConfigPoolSettings = {},
  options: { readonly signal?: AbortSignal } = {},
): Promise<ConfigPool> {
  const vcenters = [...config.vcenters.values()];
  const { kubeConfig: givenKubeConfig, kubeHttp, kubeOnRequest, ...poolSettings } = settings;
  const kubeConfig = needsKubernetes(config) ? (givenKubeConfig ?? (await defaultKubeConfig())) : undefined;
  const credentials = new SourcedCredentialProvider({
    global: config.global,
    vcenters,
    ...(kubeConfig === undefined ? {} : { kubeConfig }),
    ...(kubeHttp === undefined ? {} : { kubeHttp }),
    ...(kubeOnRequest === undefined ? {} : { kubeOnRequest }),
  });
  const pool = new VCenterPool({ ...poolSettings, vcenters, credentials });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await pool.close();
      await credentials.close();
    })();
    return closing;
  };
  try {
    await credentials.start(options);
  } catch (err) {
    await close();
    throw err;
  }
  return { pool, credentials, close };
}

/** True when some vCenter's credentials come from a Kubernetes Secret. */
function needsKubernetes(config: CloudConfig): boolean {
  return [...config.vcenters.values()].some(
    (vc) =>
      vc.secretRef?.kind === 'secret' ||
      (vc.secretRef?.kind === 'global' && config.global.secretName !== undefined),
  );
}

/**
 * The kubeconfig kubectl would use ($KUBECONFIG, ~/.kube/config, or in-cluster).
 *
 * @throws KubeConfigMissingError when none exists: client-node then falls back to
 *   `http://localhost:8080`, which would only turn into a confusing connection error later.
 */
async function defaultKubeConfig(): Promise<KubeConfig> {
  // Loaded only when a Secret is configured, so other runs do not pay for the client's import.
  const [{ KubeConfig: Config }, { KubeConfigMissingError }] = await Promise.all([
    import('../kube/client-node.ts'),
    import('../kube/kube-client.ts'),
  ]);
  const kubeConfig = new Config();
  kubeConfig.loadFromDefault();
  if (kubeConfig.getCurrentCluster()?.server === LOCALHOST_FALLBACK)
    throw new KubeConfigMissingError(
      'vCenter credentials come from a Kubernetes Secret, but no kubeconfig was found ($KUBECONFIG, ' +
        '~/.kube/config) and this is not running in a cluster; set KUBECONFIG',
    );
  return kubeConfig;
}

/** The server client-node's `loadFromDefault` invents when it finds no configuration at all. */
const LOCALHOST_FALLBACK = 'http://localhost:8080';
