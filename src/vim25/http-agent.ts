// SPDX-License-Identifier: Apache-2.0
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { TLSSocket, getCACertificates } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { CcmError } from '../lib/errors.ts';
import { TlsThumbprintMismatchError } from './faults.ts';
import { certificateThumbprint, formatThumbprint, parseThumbprint, type Thumbprint } from './thumbprint.ts';

/** How one vCenter's certificate is trusted, and how its connections are pooled. */
export interface HttpAgentOptions {
  /** Skip certificate verification entirely (test labs). A `thumbprint`, if also set, still pins. */
  readonly insecure?: boolean;
  /** PEM bundle of the only CAs to trust for this vCenter (replaces the default roots). */
  readonly caPem?: string;
  /** SHA-1 or SHA-256 thumbprint to pin, in any form `parseThumbprint` accepts. */
  readonly thumbprint?: string;
  /** Maximum concurrent connections to the vCenter. Default 4. */
  readonly connections?: number;
  /** Idle time after which a kept-alive socket is closed. Default: undici's (4 s). */
  readonly keepAliveTimeoutMs?: number;
  /** Bound on TCP connect plus TLS handshake. Default: undici's (10 s). */
  readonly connectTimeoutMs?: number;
}

/** The CA bundle given for a vCenter holds no usable certificate. Raised at configuration time. */
export class InvalidCaBundleError extends CcmError {
  readonly code = 'TLS_CA_INVALID';
}

/** The CA file could not be read (missing, unreadable); `cause` has the system error. */
export class CaFileReadError extends CcmError {
  readonly code = 'TLS_CA_FILE_UNREADABLE';
}

const defaultConnections = 4;
const caFileReadTimeoutMs = 10_000;
const pemCertificate = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/**
 * Creates the HTTP dispatcher for one vCenter: keep-alive connections (at most `connections`)
 * and one of three trust modes, checked before any request byte is written.
 *
 * - Default: the chain must verify against the system roots (the operating system's trust store,
 *   as the Go CPI uses) together with Node's bundled roots and `NODE_EXTRA_CA_CERTS`, and the
 *   certificate must name the host. See `defaultTrustedCas`.
 * - `caPem`: the same checks, against exactly the given CAs.
 * - `thumbprint`: the leaf certificate's SHA-1/SHA-256 digest must equal the pin, else the socket
 *   is destroyed and the request fails with `TlsThumbprintMismatchError`. As in govmomi, a pin
 *   *replaces* chain and host-name verification for this vCenter (the pin is the stronger
 *   statement), so it also wins over `insecure` and `caPem`. TLS session resumption is off in this
 *   mode, because a resumed session presents no certificate to check.
 * - `insecure` (without a pin): no verification at all.
 *
 * Throws `InvalidThumbprintError` or `InvalidCaBundleError` for malformed settings; does no I/O.
 * The caller owns the agent and must `close()` it.
 */
export function createHttpAgent(options: HttpAgentOptions): Agent {
  const pin = options.thumbprint === undefined ? undefined : parseThumbprint(options.thumbprint);
  if (options.caPem !== undefined) assertCaBundle(options.caPem);
  const timeout = options.connectTimeoutMs === undefined ? {} : { timeout: options.connectTimeoutMs };
  const connect =
    pin !== undefined
      ? pinnedConnector(pin, timeout)
      : buildConnector({
          ...timeout,
          rejectUnauthorized: options.insecure !== true,
          ...(options.insecure === true ? {} : { ca: options.caPem ?? defaultTrustedCas() }),
        });
  return new Agent({
    connect,
    connections: options.connections ?? defaultConnections,
    ...(options.keepAliveTimeoutMs === undefined ? {} : { keepAliveTimeout: options.keepAliveTimeoutMs }),
  });
}

/**
 * The CAs trusted when no CA bundle is configured: the operating system's store (so a corporate
 * CA installed on the host or in the image is honoured, as it is for the Go CPI) plus Node's
 * default set (bundled Mozilla roots and `NODE_EXTRA_CA_CERTS`), without duplicates. Node caches
 * the system store after its first read.
 */
export function defaultTrustedCas(): string[] {
  return [...new Set([...getCACertificates('system'), ...getCACertificates('default')])];
}

/**
 * Reads a PEM CA bundle for `caPem`, failing with `CaFileReadError` (file problems, or 10 s
 * passed) or `InvalidCaBundleError` (no certificate in it). The path appears in messages.
 */
export async function loadCaFile(
  path: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<string> {
  const timeout = AbortSignal.timeout(caFileReadTimeoutMs);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
  let text: string;
  try {
    text = await readFile(path, { encoding: 'utf8', signal });
  } catch (err) {
    if (options.signal?.aborted === true) throw options.signal.reason;
    const why = timeout.aborted ? `timed out after ${String(caFileReadTimeoutMs)} ms` : errorText(err);
    throw new CaFileReadError(`cannot read CA file ${path}: ${why}`, { cause: err });
  }
  try {
    assertCaBundle(text);
  } catch (err) {
    throw new InvalidCaBundleError(`CA file ${path}: ${errorText(err)}`, { cause: err });
  }
  return text;
}

function assertCaBundle(pem: string): void {
  const blocks = pem.match(pemCertificate) ?? [];
  if (blocks.length === 0) throw new InvalidCaBundleError('no PEM certificate found in the CA bundle');
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch (err) {
      throw new InvalidCaBundleError(`certificate #${String(i + 1)} in the CA bundle does not parse`, {
        cause: err,
      });
    }
  });
}

function pinnedConnector(pin: Thumbprint, timeout: { readonly timeout?: number }): buildConnector.connector {
  // Chain verification is off on purpose: the pin below is the trust decision.
  const connect = buildConnector({ ...timeout, rejectUnauthorized: false, maxCachedSessions: 0 });
  return (opts, callback) => {
    connect(opts, (err, socket) => {
      if (err !== null) {
        callback(err, null);
        return;
      }
      const mismatch = checkPin(socket, pin);
      if (mismatch === undefined) {
        callback(null, socket);
        return;
      }
      socket.destroy();
      callback(mismatch, null);
    });
  };
}

function checkPin(socket: unknown, pin: Thumbprint): TlsThumbprintMismatchError | undefined {
  // Present only after a full handshake; a resumed session (not expected: caching is off) or a
  // plain-TCP socket yields nothing, which must fail closed.
  const raw =
    socket instanceof TLSSocket ? (socket.getPeerCertificate().raw as Buffer | undefined) : undefined;
  if (raw === undefined || raw.length === 0) {
    return new TlsThumbprintMismatchError(
      `server presented no certificate to check against the pinned ${formatThumbprint(pin)}`,
    );
  }
  const got = certificateThumbprint(raw, pin.algorithm);
  if (got.hex === pin.hex) return undefined;
  return new TlsThumbprintMismatchError(
    `server certificate thumbprint mismatch: expected ${formatThumbprint(pin)}, got ${formatThumbprint(got)}`,
  );
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
