// SPDX-License-Identifier: Apache-2.0
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { hostname } from 'node:os';
import { isIP, type AddressInfo } from 'node:net';
import { CcmError } from '../lib/errors.ts';
import type { MetricsScrape } from './metrics.ts';
import { generateSelfSignedCertificate } from './self-signed-cert.ts';

/**
 * A named health or readiness check. It resolves `undefined` when healthy and a short reason
 * when not; a throw or a timeout also counts as unhealthy. It must honour `signal`.
 */
export interface HealthCheck {
  readonly name: string;
  readonly check: (signal: AbortSignal) => Promise<string | undefined> | string | undefined;
}

/** What `startHttpServer` needs. */
export interface HttpServerOptions {
  readonly bindAddress: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** PEM files to serve with; a self-signed certificate is generated when absent. */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly healthChecks: readonly HealthCheck[];
  readonly readyChecks: readonly HealthCheck[];
  readonly metrics: { render(accept: string | undefined): Promise<MetricsScrape> };
  /** Aborts the start (reading certificate files, listening); it has no effect once started. */
  readonly signal: AbortSignal;
  /** Per-check time limit; default 5000 ms. */
  readonly checkTimeoutMs?: number;
}

/** A listening server. */
export interface RunningHttpServer {
  readonly address: string;
  readonly port: number;
  /** The serving certificate, so a client (or a test) can trust a generated one. */
  readonly certPem: string;
  /** Stops listening and drops open connections; resolves when closed. */
  close(): Promise<void>;
}

/** The HTTPS server could not start; `code` says why. */
export class HttpServerError extends CcmError {
  readonly code: 'TLS_FILES_UNREADABLE' | 'TLS_FILES_INCOMPLETE' | 'HTTP_LISTEN_FAILED';

  constructor(code: HttpServerError['code'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

const PING: HealthCheck = { name: 'ping', check: () => undefined };

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<string | undefined> {
  const signal = AbortSignal.timeout(timeoutMs);
  const timedOut = new Promise<string>((resolve) => {
    signal.addEventListener('abort', () => {
      resolve(`timed out after ${timeoutMs} ms`);
    });
  });
  try {
    return await Promise.race([Promise.resolve(check.check(signal)), timedOut]);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

async function checksResponse(
  kind: string,
  checks: readonly HealthCheck[],
  url: URL,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  const excluded = new Set(url.searchParams.getAll('exclude'));
  const active = checks.filter((c) => !excluded.has(c.name));
  const results = await Promise.all(
    active.map(async (c) => ({ name: c.name, reason: await runCheck(c, timeoutMs) })),
  );
  const failed = results.some((r) => r.reason !== undefined);
  if (!failed && !url.searchParams.has('verbose')) return { status: 200, body: 'ok' };
  const lines = results.map((r) =>
    r.reason === undefined ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.reason}`,
  );
  lines.push(`${kind} check ${failed ? 'failed' : 'passed'}`);
  return { status: failed ? 500 : 200, body: `${lines.join('\n')}\n` };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

async function route(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    return;
  }
  if (url.pathname === '/metrics') {
    const scrape = await options.metrics.render(req.headers.accept);
    send(res, 200, scrape.contentType, scrape.body);
    return;
  }
  const [, kind = '', only, extra] = url.pathname.split('/');
  const all = kind === 'healthz' ? options.healthChecks : kind === 'readyz' ? options.readyChecks : undefined;
  const checks =
    all === undefined ? undefined : [PING, ...all].filter((c) => only === undefined || c.name === only);
  if (checks === undefined || checks.length === 0 || extra !== undefined) {
    send(res, 404, 'text/plain; charset=utf-8', '404 page not found\n');
    return;
  }
  const { status, body } = await checksResponse(kind, checks, url, options.checkTimeoutMs ?? 5000);
  send(res, status, 'text/plain; charset=utf-8', body);
}

async function loadCertificate(options: HttpServerOptions): Promise<{ cert: string; key: string }> {
  if (options.tls === undefined) {
    const host = hostname();
    const extra = isIP(options.bindAddress) !== 0 && !/^(0\.0\.0\.0|::)$/.test(options.bindAddress);
    const altNames = ['localhost', '127.0.0.1', '::1', host, ...(extra ? [options.bindAddress] : [])];
    const pair = generateSelfSignedCertificate({ commonName: `${host}@vsphere-ccm`, altNames, days: 365 });
    return { cert: pair.certPem, key: pair.keyPem };
  }
  const { certFile, keyFile } = options.tls;
  if (certFile === '' || keyFile === '') {
    throw new HttpServerError(
      'TLS_FILES_INCOMPLETE',
      '--tls-cert-file and --tls-private-key-file must be given together',
    );
  }
  try {
    const [cert, key] = await Promise.all([
      readFile(certFile, { encoding: 'utf8', signal: options.signal }),
      readFile(keyFile, { encoding: 'utf8', signal: options.signal }),
    ]);
    return { cert, key };
  } catch (err) {
    throw new HttpServerError(
      'TLS_FILES_UNREADABLE',
      `cannot read the TLS certificate or key: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

function listen(server: Server, options: HttpServerOptions): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const { signal } = options;
    const onError = (err: Error): void => {
      signal.removeEventListener('abort', onAbort);
      const where = `${options.bindAddress}:${options.port}`;
      reject(
        new HttpServerError('HTTP_LISTEN_FAILED', `cannot listen on ${where}: ${err.message}`, {
          cause: err,
        }),
      );
    };
    const onAbort = (): void => {
      server.off('error', onError);
      server.close();
      reject(signal.reason as Error);
    };
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    server.once('error', onError);
    server.listen({ host: options.bindAddress, port: options.port }, () => {
      signal.removeEventListener('abort', onAbort);
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Starts the HTTPS health and metrics server (`--secure-port`, `--bind-address`) with the given
 * certificate files, or with a self-signed certificate generated now (covering localhost,
 * 127.0.0.1, ::1, the host name and a specific bind address). Routes, GET and HEAD only:
 * `/healthz` and `/readyz` run `ping` plus their injected checks concurrently, each within
 * `checkTimeoutMs`: 200 `ok` when all pass, else 500 listing every check as `[+]name ok` or
 * `[-]name failed: reason`; `?verbose` lists them on success too, `?exclude=name` skips one, and
 * `/healthz/<name>` runs a single check. `/metrics` serves OpenMetrics or the Prometheus text
 * format by `Accept`. Throws `HttpServerError` when the certificate files cannot be read or the
 * address cannot be bound.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { cert, key } = await loadCertificate(options);
  const server = createServer({ cert, key }, (req, res) => {
    route(req, res, options).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `internal error: ${String(err)}\n`);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  const address = await listen(server, options);
  return {
    address: address.address,
    port: address.port,
    certPem: cert,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
