// SPDX-License-Identifier: Apache-2.0
import { existsSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import {
  CoreV1Api,
  KubeConfig,
  Observable,
  type Cluster,
  type ConfigurationOptions,
} from '@kubernetes/client-node';
import { CcmError } from '../lib/errors.ts';
import { TokenBucket, type Clock, type Sleep } from './rate-limiter.ts';

/** Where the service-account files of a Pod live. */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Neither `--kubeconfig` nor an in-cluster environment says how to reach the API server. */
export class KubeConfigMissingError extends CcmError {
  readonly code = 'KUBECONFIG_MISSING';
}

/** The kubeconfig file could not be read or has no usable current context. */
export class KubeConfigInvalidError extends CcmError {
  readonly code = 'KUBECONFIG_INVALID';
}

export interface KubeConfigSource {
  /** `--kubeconfig`: a kubeconfig file; its current context is used. */
  readonly kubeconfig?: string | undefined;
  /** `--master`: overrides the API server address of the kubeconfig or the in-cluster one. */
  readonly master?: string | undefined;
  /** Environment to read `KUBERNETES_SERVICE_HOST`/`_PORT` from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory of the service-account token and CA (tests point it elsewhere). */
  readonly serviceAccountDir?: string;
}

/**
 * Builds the KubeConfig the way a CCM must: from `--kubeconfig` when given, else from the
 * in-cluster service account, else from `--master` alone (no credentials). Never falls back to
 * `~/.kube/config` or `http://localhost:8080`: with none of the three it throws
 * `KubeConfigMissingError` naming what is missing. Reads files synchronously, once, at start-up.
 *
 * @throws KubeConfigMissingError when nothing says where the API server is.
 * @throws KubeConfigInvalidError when the kubeconfig file is unreadable or has no current cluster.
 */
export function loadKubeConfig(source: KubeConfigSource): KubeConfig {
  const kc = new KubeConfig();
  const master = source.master === '' ? undefined : source.master;
  if (source.kubeconfig !== undefined && source.kubeconfig !== '') {
    try {
      kc.loadFromFile(source.kubeconfig);
    } catch (err) {
      throw new KubeConfigInvalidError(`cannot load kubeconfig ${source.kubeconfig}: ${String(err)}`, {
        cause: err,
      });
    }
    if (kc.getCurrentCluster() === null)
      throw new KubeConfigInvalidError(
        `kubeconfig ${source.kubeconfig} has no current context with a cluster`,
      );
  } else if (!loadInCluster(kc, source)) {
    if (master === undefined)
      throw new KubeConfigMissingError(
        'no --kubeconfig given and not running in a cluster (KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT ' +
          'unset or no service-account token); pass --kubeconfig or --master',
      );
    kc.loadFromClusterAndUser(
      { name: 'master', server: master, skipTLSVerify: false },
      { name: 'anonymous' },
    );
  }
  if (master !== undefined) overrideServer(kc, master);
  return kc;
}

function loadInCluster(kc: KubeConfig, source: KubeConfigSource): boolean {
  const env = source.env ?? process.env;
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  const dir = source.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const tokenFile = `${dir}/token`;
  if (host === undefined || host === '' || port === undefined || port === '' || !existsSync(tokenFile))
    return false;
  const hostPart = isIPv6(host) ? `[${host}]` : host;
  // The token file is re-read by client-node's tokenFile provider, so rotated tokens are picked up.
  kc.loadFromClusterAndUser(
    {
      name: 'inCluster',
      server: `https://${hostPart}:${port}`,
      caFile: `${dir}/ca.crt`,
      skipTLSVerify: false,
    },
    { name: 'inClusterUser', authProvider: { name: 'tokenFile', config: { tokenFile } } },
  );
  return true;
}

function overrideServer(kc: KubeConfig, server: string): void {
  const current = kc.getCurrentCluster();
  if (current === null) return;
  const replaced: Cluster = { ...current, server };
  kc.clusters = kc.clusters.map((c) => (c.name === current.name ? replaced : c));
}

export interface KubeClientOptions {
  readonly kubeConfig: KubeConfig;
  /** Requests per second, client-go's `--kube-api-qps` (default 20). */
  readonly qps?: number;
  /** Requests allowed at once above the rate, `--kube-api-burst` (default 30). */
  readonly burst?: number;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
}

/**
 * The typed core/v1 client plus the client-side rate limit shared by every request this process
 * makes, as client-go's QPS/burst. The limit is a per-call client-node middleware: each call
 * passes `callOptions(signal)`, whose `pre` hook waits for a token and then binds the signal.
 * Watch requests bypass the generated client, so their owner calls `throttle` before each one.
 */
export class KubeClient {
  readonly kubeConfig: KubeConfig;
  readonly core: CoreV1Api;
  readonly #bucket: TokenBucket;

  constructor(options: KubeClientOptions) {
    this.kubeConfig = options.kubeConfig;
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.#bucket = new TokenBucket({
      qps: options.qps ?? 20,
      burst: options.burst ?? 30,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    });
  }

  /** Waits for a rate-limit token; rejects with the signal's reason when it aborts first. */
  throttle(signal: AbortSignal): Promise<void> {
    return this.#bucket.take({ signal });
  }

  /**
   * Per-call options that wait for a token and make the request honour `signal`. Chain with
   * `setHeaderOptions(key, value, client.callOptions(signal))` to add headers.
   */
  callOptions(signal: AbortSignal): ConfigurationOptions {
    return {
      middleware: [
        {
          pre: (ctx) =>
            new Observable(
              this.#bucket.take({ signal }).then(() => {
                ctx.setSignal(signal);
                return ctx;
              }),
            ),
          post: (res) => new Observable(Promise.resolve(res)),
        },
      ],
      middlewareMergeStrategy: 'append',
    };
  }
}
