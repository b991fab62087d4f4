// SPDX-License-Identifier: Apache-2.0
// Test-only: starts the in-memory kube-apiserver and hands back a client-node KubeConfig for it.
import { KubeConfig } from '@kubernetes/client-node';
import {
  startKubeApiServer,
  type KubeApiServer,
  type KubeApiServerOptions,
} from '../kube-apiserver/server.ts';

/** A running fake API server plus a KubeConfig pointing at it. */
export interface KubeApiFixture extends KubeApiServer {
  /** Current context `fake`, cluster at {@link KubeApiServer.url}, bearer token `fake-token`. */
  readonly kubeConfig: KubeConfig;
  /**
   * The same configuration as a kubeconfig file's text (JSON, which kubectl reads as YAML): write
   * it to a temporary file and pass `--kubeconfig`.
   */
  readonly kubeconfigText: string;
}

/** Starts the fake (see {@link startKubeApiServer}); always `close()` it, e.g. in `after`. */
export async function startKubeApi(options: KubeApiServerOptions = {}): Promise<KubeApiFixture> {
  const server = await startKubeApiServer(options);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'fake', server: server.url, skipTLSVerify: true }],
    users: [{ name: 'fake', token: 'fake-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
    currentContext: 'fake',
  });
  const kubeconfigText = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake', cluster: { server: server.url } }],
    users: [{ name: 'fake', user: { token: 'fake-token' } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }],
    'current-context': 'fake',
  });
  return { ...server, close: () => server.close(), kubeConfig, kubeconfigText };
}
