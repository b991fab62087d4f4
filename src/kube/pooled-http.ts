// SPDX-License-Identifier: Apache-2.0
import type { ConnectionOptions } from 'node:tls';
import type { HttpLibrary, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { Agent, fetch } from 'undici';
import { Observable, ResponseContext, createConfiguration } from './client-node.ts';

/** Idle keep-alive connections are closed after this long (client-go keeps them 90 s). */
const KEEP_ALIVE_TIMEOUT_MS = 60_000;

/**
 * The HTTP library of the generated client, with **one connection pool per API server** instead
 * of client-node 2.0's default, which builds a new undici Agent inside every request's
 * authentication step and so opens a new TLS connection per request (hundreds of live sockets
 * and their buffers during a Node burst). Authentication headers are still set per request by
 * the KubeConfig (token files, exec plugins and rotation keep working); only the TLS material
 * (CA, client certificate, `insecure-skip-tls-verify`, `tls-server-name`) is read once, on the
 * first request. A cluster reached through `proxy-url` is left to client-node's own library,
 * since proxy tunnels are its business. `close` ends the pool.
 */
export class PooledHttpLibrary implements HttpLibrary {
  readonly #kubeConfig: KubeConfig;
  #agent: Promise<Agent> | undefined;
  #closed = false;

  constructor(kubeConfig: KubeConfig) {
    this.#kubeConfig = kubeConfig;
  }

  send(request: RequestContext): Observable<ResponseContext> {
    const proxy = this.#kubeConfig.getCurrentCluster()?.proxyUrl;
    if (proxy !== undefined && proxy !== '') return createConfiguration().httpApi.send(request);
    return new Observable(this.#send(request));
  }

  /** Closes the pooled connections; later requests are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    const agent = this.#agent;
    this.#agent = undefined;
    if (agent !== undefined) await (await agent).close();
  }

  async #send(request: RequestContext): Promise<ResponseContext> {
    if (this.#closed) throw new Error('Kubernetes HTTP client is closed');
    this.#agent ??= this.#createAgent();
    const dispatcher = await this.#agent;
    const body = request.getBody();
    const signal = request.getSignal();
    const res = await fetch(request.getUrl(), {
      method: request.getHttpMethod(),
      headers: request.getHeaders(),
      ...(body === undefined ? {} : { body: body as string }),
      ...(signal === undefined ? {} : { signal }),
      dispatcher,
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return new ResponseContext(res.status, headers, {
      text: () => res.text(),
      binary: async () => Buffer.from(await res.arrayBuffer()),
      stream: () => res.body,
    });
  }

  async #createAgent(): Promise<Agent> {
    // The public way to get exactly the TLS options client-node would use for this cluster/user.
    const https: {
      ca?: ConnectionOptions['ca'];
      cert?: ConnectionOptions['cert'];
      key?: ConnectionOptions['key'];
      rejectUnauthorized?: boolean;
      servername?: string;
    } = {};
    await this.#kubeConfig.applyToHTTPSOptions(https);
    const connect: Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'> = {};
    if (https.ca !== undefined) connect.ca = https.ca;
    if (https.cert !== undefined) connect.cert = https.cert;
    if (https.key !== undefined) connect.key = https.key;
    if (https.rejectUnauthorized !== undefined) connect.rejectUnauthorized = https.rejectUnauthorized;
    if (https.servername !== undefined) connect.servername = https.servername;
    return new Agent({
      connect: { ...connect, keepAlive: true, keepAliveInitialDelay: 30_000 },
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    });
  }
}
