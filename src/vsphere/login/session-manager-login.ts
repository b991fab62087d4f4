// SPDX-License-Identifier: Apache-2.0
import { readFile } from 'node:fs/promises';
import { request, type Dispatcher } from 'undici';
import { CcmError } from '../../lib/errors.ts';
import type { LoginRejection } from './login-guard.ts';

/** The pod's service-account token, sent when the credentials carry no token of their own. */
export const SERVICE_ACCOUNT_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** How to reach the shared session-manager service. */
export interface SessionManagerServiceOptions {
  /** Carries the TLS trust for the service. Owned by the caller. */
  readonly dispatcher: Dispatcher;
  /** Token file used when the credentials have no token. Default {@link SERVICE_ACCOUNT_TOKEN_PATH}. */
  readonly serviceAccountTokenPath?: string;
  /** Bound on the whole exchange (token file and GET). Default 10 s. */
  readonly timeoutMs?: number;
}

/** The session-manager URL is not an absolute `https://` URL; nothing was sent. */
export class SessionManagerUrlError extends CcmError {
  readonly code = 'SESSION_MANAGER_URL_INVALID';
}

/** No token in the credentials and the service-account token file could not be read. */
export class ServiceAccountTokenError extends CcmError {
  readonly code = 'SESSION_MANAGER_TOKEN_UNREADABLE';
}

/** The service refused the bearer token (HTTP 401 or 403): counts as a refused login. */
export class SessionManagerRejectedError extends CcmError implements LoginRejection {
  readonly code = 'SESSION_MANAGER_REJECTED';
  readonly loginRejected = true;
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/**
 * The exchange failed otherwise: unreachable, timed out, another HTTP status, or a reply that is
 * not `{"token": "<non-empty string>"}`. `status` is set when a response arrived.
 */
export class SessionManagerError extends CcmError {
  readonly code = 'SESSION_MANAGER_FAILED';
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

const defaultTimeoutMs = 10_000;
const maxReplyBytes = 64 * 1024;

/**
 * Gets a vCenter clone ticket from a shared session-manager service (vSphere 8.0U3+ shared
 * sessions, as the Go CPI's `vc-session-manager-url`): `GET url` with
 * `Authorization: Bearer <token>` (the credentials' token, else the service-account token file),
 * expecting HTTP 200 and `{"token": "<clone ticket>"}`. The caller then calls `CloneSession`.
 *
 * Refuses anything but `https://` before any I/O (`SessionManagerUrlError`): the bearer token
 * and the ticket must not cross the network in clear text. Redirects are not followed. Neither
 * the token nor the ticket nor the reply body appears in any error. Bounded by `timeoutMs` and
 * the caller's signal (its reason is rethrown as is).
 */
export async function fetchCloneTicket(
  credentials: { readonly url: string; readonly token: string | undefined },
  service: SessionManagerServiceOptions,
  options: { readonly signal?: AbortSignal } = {},
): Promise<string> {
  const url = httpsUrl(credentials.url);
  const timeoutMs = service.timeoutMs ?? defaultTimeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
  const where = `session manager ${url.origin}${url.pathname}`;
  try {
    const token = credentials.token ?? (await readServiceAccountToken(service, signal));
    if (token === '' || /[\r\n]/.test(token)) {
      throw new SessionManagerError(
        `${where}: the bearer token is empty or contains a line break`,
        undefined,
      );
    }
    return await getTicket(url, token, service.dispatcher, signal, where);
  } catch (err) {
    if (options.signal?.aborted === true) throw options.signal.reason;
    if (timeout.aborted) {
      throw new SessionManagerError(`${where}: no answer within ${String(timeoutMs)} ms`, undefined, {
        cause: err,
      });
    }
    throw err;
  }
}

async function getTicket(
  url: URL,
  token: string,
  dispatcher: Dispatcher,
  signal: AbortSignal,
  where: string,
): Promise<string> {
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, {
      dispatcher,
      method: 'GET',
      headers: { accept: 'application/json', authorization: `Bearer ${token}` },
      signal,
    });
  } catch (err) {
    if (signal.aborted) throw err;
    // The cause is kept: undici's network errors name the host, never the request headers.
    throw new SessionManagerError(`${where}: ${errorText(err)}`, undefined, { cause: err });
  }
  const status = res.statusCode;
  const text = await readBounded(res.body);
  if (status === 401 || status === 403) {
    throw new SessionManagerRejectedError(
      `${where} refused the bearer token (HTTP ${String(status)})`,
      status,
    );
  }
  if (status !== 200) throw new SessionManagerError(`${where} answered HTTP ${String(status)}`, status);
  return parseTicket(text, status, where);
}

function parseTicket(text: string | undefined, status: number, where: string): string {
  if (text === undefined)
    throw new SessionManagerError(`${where}: reply over ${String(maxReplyBytes)} bytes`, status);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // No cause and no excerpt: the text may hold a ticket.
    throw new SessionManagerError(`${where}: reply is not JSON`, status);
  }
  const ticket = (parsed as { token?: unknown } | null)?.token;
  if (typeof ticket !== 'string' || ticket === '')
    throw new SessionManagerError(`${where}: reply has no "token" string`, status);
  return ticket;
}

function httpsUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SessionManagerUrlError('vc-session-manager-url is not an absolute URL');
  }
  if (url.protocol !== 'https:') {
    throw new SessionManagerUrlError(
      `vc-session-manager-url must use https, got ${url.protocol}//${url.host}${url.pathname}`,
    );
  }
  if (url.username !== '' || url.password !== '')
    throw new SessionManagerUrlError('vc-session-manager-url must not embed credentials');
  return url;
}

async function readServiceAccountToken(
  service: SessionManagerServiceOptions,
  signal: AbortSignal,
): Promise<string> {
  const path = service.serviceAccountTokenPath ?? SERVICE_ACCOUNT_TOKEN_PATH;
  try {
    return (await readFile(path, { encoding: 'utf8', signal })).trim();
  } catch (err) {
    if (signal.aborted) throw err;
    throw new ServiceAccountTokenError(
      `no vc-session-manager-token given and the service-account token ${path} is unreadable: ${errorText(err)}`,
      { cause: err },
    );
  }
}

/** The body as UTF-8, or undefined (reading stopped) past the size limit. */
async function readBounded(body: Dispatcher.ResponseData['body']): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxReplyBytes) {
      // Destroying an unfinished undici body reports the aborted socket as an 'error' event.
      body.on('error', ignore).destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function ignore(): void {
  // Intentionally empty: see the caller.
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
}
