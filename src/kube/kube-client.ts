// SPDX-License-Identifier: Apache-2.0
import { existsSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import type { Cluster, HttpLibrary } from '@kubernetes/client-node';
import { CcmError } from '../lib/errors.ts';
import { observedHttpApi } from './call-options.ts';
import { KubeConfig, Watch } from './client-node.ts';
import { KubeRest } from './kube-rest.ts';
import { PooledHttpLibrary } from './pooled-http.ts';
import { TokenBucket, type Clock, type Sleep } from './rate-limiter.ts';
import { kubeErrorCode, kubeRequestResource, type KubeRequestObserver } from './request-verb.ts';

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
  /**
   * Told about every request made through `rest` and `watch` once it has a status (or
   * failed without one), for metrics. Must be cheap; an exception from it is ignored.
   */
  readonly onRequest?: KubeRequestObserver;
}

/** Query parameters of a watch request (`watch=true` is added by the client). */
export type WatchQuery = Record<string, string | number | boolean | undefined>;

/**
 * The daemon's Kubernetes client: `rest` for every request (JSON over one pooled connection, see
 * `KubeRest`), behind the client-side rate limit shared by every request this process makes, as
 * client-go's QPS/burst. Watch requests are started with `watch`, after `throttle`. Every request
 * of both kinds is reported to `onRequest`.
 */
export class KubeClient {
  readonly kubeConfig: KubeConfig;
  /** Rate-limited requests; each waits for a token first. */
  readonly rest: KubeRest;
  readonly #bucket: TokenBucket;
  /**
   * The HTTP library every request of this process should use: one pooled connection per API
   * server, observed by `onRequest`. Give it to other `KubeRest`s (Lease, Secret watch).
   */
  readonly http: HttpLibrary;
  readonly #onRequest: KubeRequestObserver | undefined;
  readonly #pool: PooledHttpLibrary;

  constructor(options: KubeClientOptions) {
    this.kubeConfig = options.kubeConfig;
    this.#bucket = new TokenBucket({
      qps: options.qps ?? 20,
      burst: options.burst ?? 30,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    });
    this.#onRequest = options.onRequest;
    this.#pool = new PooledHttpLibrary(options.kubeConfig);
    this.http = options.onRequest === undefined ? this.#pool : observedHttpApi(this.#pool, options.onRequest);
    this.rest = new KubeRest({
      kubeConfig: options.kubeConfig,
      http: this.http,
      beforeEach: (signal) => this.#bucket.take({ signal }),
    });
  }

  /** Closes the pooled API-server connections; call once every user of `http` has stopped. */
  close(): Promise<void> {
    return this.#pool.close();
  }

  /** Waits for a rate-limit token; rejects with the signal's reason when it aborts first. */
  throttle(signal: AbortSignal): Promise<void> {
    return this.#bucket.take({ signal });
  }

  /**
   * Starts a watch of `path` (client-node's `Watch`, no rate limit: call `throttle` first) and
   * reports it as one `WATCH` request: status 200 once the stream is open, else the status or
   * `error` it failed with, timed to the response headers. Resolves with the stream's
   * controller; `done` is called once when the stream ends or fails, as with `Watch`.
   */
  async watch(
    path: string,
    query: WatchQuery,
    onEvent: (type: string, object: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    const started = performance.now();
    let reported = false;
    const report = (code: string): void => {
      if (reported || this.#onRequest === undefined) return;
      reported = true;
      const resource = kubeRequestResource(new URL(path, 'https://kube.invalid'));
      try {
        this.#onRequest({ verb: 'WATCH', resource, code, durationMs: performance.now() - started });
      } catch {
        // Metrics must never change the outcome of a request.
      }
    };
    try {
      const controller = await new Watch(this.kubeConfig).watch(path, query, onEvent, (err: unknown) => {
        // Called before the promise settles when no stream was opened: the failure is the outcome.
        report(err === null || err === undefined ? '200' : kubeErrorCode(err));
        done(err);
      });
      report('200');
      return controller;
    } catch (err) {
      report(kubeErrorCode(err));
      throw err;
    }
  }
}
