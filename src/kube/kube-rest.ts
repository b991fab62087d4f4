// SPDX-License-Identifier: Apache-2.0
import type { HttpLibrary, KubeConfig } from '@kubernetes/client-node';
import { ApiException, RequestContext } from './client-node.ts';

/** The HTTP methods the daemon uses. */
export type KubeMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Content types of a PATCH body, as the API server names them. */
export const PATCH_TYPE = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
} as const;

/** One request; `path` starts with `/api` or `/apis` and is already escaped. */
export interface KubeRequest {
  readonly method: KubeMethod;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Default `application/json`; a PATCH names its patch type (`PATCH_TYPE`). */
  readonly contentType?: string;
  readonly signal: AbortSignal;
}

export interface KubeRestOptions {
  readonly kubeConfig: KubeConfig;
  /** What sends the request: the daemon's pooled, observed library. */
  readonly http: HttpLibrary;
  /** Awaited before each request (the client-side rate limit); rejects when the signal aborts. */
  readonly beforeEach?: (signal: AbortSignal) => Promise<void>;
  readonly userAgent?: string;
}

/**
 * Typed-enough Kubernetes REST calls without client-node's generated API layer: the URL from
 * the KubeConfig's current cluster, authentication applied by the KubeConfig per request (so
 * tokens, token files and exec plugins keep rotating), JSON in and out. Answers are returned as
 * the API server sent them (timestamps stay strings). A non-2xx answer rejects with client-node's
 * `ApiException` (`code` = HTTP status, `body` = the response text, a `Status` as JSON), the same
 * error the generated client throws, so callers handle both alike.
 */
export class KubeRest {
  readonly #opts: KubeRestOptions;

  constructor(options: KubeRestOptions) {
    this.#opts = options;
  }

  /** Sends `req` and resolves with the parsed JSON answer (`undefined` for an empty body). */
  async request<T>(req: KubeRequest): Promise<T> {
    const { kubeConfig, http, beforeEach } = this.#opts;
    const server = kubeConfig.getCurrentCluster()?.server;
    if (server === undefined) throw new Error('the kubeconfig has no current cluster');
    await beforeEach?.(req.signal);
    req.signal.throwIfAborted();
    const url = new URL(server.replace(/\/+$/, '') + req.path);
    for (const [k, v] of Object.entries(req.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const ctx = new RequestContext(url.toString(), req.method);
    ctx.setHeaderParam('Accept', 'application/json');
    ctx.setHeaderParam('User-Agent', this.#opts.userAgent ?? 'vsphere-cloud-controller-manager');
    if (req.body !== undefined) {
      ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(req.body));
    }
    ctx.setSignal(req.signal);
    await kubeConfig.applySecurityAuthentication(ctx);
    const res = await http.send(ctx).toPromise();
    const text = await res.body.text();
    if (res.httpStatusCode < 200 || res.httpStatusCode > 299)
      throw new ApiException<string>(
        res.httpStatusCode,
        `${req.method} ${req.path}: HTTP ${String(res.httpStatusCode)}`,
        text,
        res.headers,
      );
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}
