// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import {
  RestDecodeError,
  RestTimeoutError,
  RestTransportError,
  RestUnauthenticatedError,
  restErrorFromResponse,
  type RestRequestInfo,
} from './rest-errors.ts';
import { RestSessionSlot, raceAbort } from './rest-session.ts';

/** A vCenter user name and password for the vAPI session login. */
export interface RestCredentials {
  readonly username: string;
  readonly password: string;
}

/** Called before every login, so that rotated credentials are picked up without a restart. */
export type RestCredentialsSource = () => Promise<RestCredentials> | RestCredentials;

/** One HTTP exchange, reported after it ends (also for logins and failures). No secrets. */
export interface RestCallEvent {
  readonly path: string;
  readonly action?: string;
  /** HTTP status; undefined when no response arrived (transport failure, timeout, abort). */
  readonly status: number | undefined;
  readonly durationMs: number;
}

/** Construction options of {@link VapiRestClient}. */
export interface VapiRestClientOptions {
  /**
   * The vAPI base, e.g. `https://vc.example.com/rest`. Replies are unwrapped from `{ value }`
   * unless the path ends in `/api`, whose replies are not wrapped.
   */
  readonly baseUrl: URL;
  /** An undici dispatcher carrying the TLS settings (CA, pinning); shared with SOAP. */
  readonly dispatcher: Dispatcher;
  readonly credentials: RestCredentialsSource;
  /** Default bound for one call, re-login and retry included. 30 s unless given. */
  readonly timeoutMs?: number;
  /** Observer for metrics and tests. Must not throw: an exception from it fails the call. */
  readonly onCall?: (event: RestCallEvent) => void;
}

/** Per-call options. Every call is bounded in time. */
export interface RestCallOptions {
  /** Aborts the call; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Overrides the client's default timeout for this call only. */
  readonly timeoutMs?: number;
}

/** Options of a POST: the JSON body and the `~action` query parameter. */
export interface RestPostOptions extends RestCallOptions {
  /** `?~action=<action>`, e.g. `list-attached-objects-on-tags`. */
  readonly action?: string;
  /** JSON body; `{}` is sent when absent, because vAPI rejects an action with an empty body. */
  readonly body?: unknown;
}

const sessionPath = '/com/vmware/cis/session';
const sessionHeader = 'vmware-api-session-id';
const defaultTimeoutMs = 30_000;

interface Exchange extends RestRequestInfo {
  readonly body?: string;
  readonly headers: Record<string, string>;
}

interface Reply {
  readonly status: number;
  readonly text: string;
}

interface RejectedLogin {
  readonly fingerprint: string;
  readonly error: RestUnauthenticatedError;
}

/**
 * A vSphere Automation (vAPI) JSON client with one session per instance (per vCenter).
 *
 * - The session is created on first use by `POST /com/vmware/cis/session` with basic auth and
 *   sent as `vmware-api-session-id`. Concurrent first calls share one login.
 * - A call answered 401 re-logs in once (concurrent 401s share that login) and is retried once;
 *   a second 401 surfaces as `RestUnauthenticatedError`.
 * - Lockout guard: a login refused with 401 is remembered. Until `credentials()` returns a
 *   different user name or password, every call fails at once with a `RestUnauthenticatedError`
 *   (its `cause` is the original refusal) and no further login is sent, so a wrong password in
 *   a reconcile loop cannot lock the vCenter account. Other login failures (timeouts, 503) are
 *   not remembered.
 * - Results are the reply's `value`; `null` and a missing value both come back as `undefined`.
 * - Errors: `RestError` subclasses for error statuses, `RestTransportError` when no response
 *   arrived, `RestTimeoutError` past the time bound, `RestDecodeError` for a malformed success
 *   reply, and the signal's reason when the caller aborts. None carries the password or the
 *   session id.
 *
 * The constructor does no I/O.
 */
export class VapiRestClient {
  readonly #base: string;
  readonly #unwrap: boolean;
  readonly #dispatcher: Dispatcher;
  readonly #credentials: RestCredentialsSource;
  readonly #timeoutMs: number;
  readonly #onCall: ((event: RestCallEvent) => void) | undefined;
  readonly #session: RestSessionSlot;
  #rejected: RejectedLogin | undefined;

  constructor(options: VapiRestClientOptions) {
    this.#base = options.baseUrl.href.replace(/\/+$/, '');
    this.#unwrap = !options.baseUrl.pathname.replace(/\/+$/, '').endsWith('/api');
    this.#dispatcher = options.dispatcher;
    this.#credentials = options.credentials;
    this.#timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    this.#onCall = options.onCall;
    this.#session = new RestSessionSlot(() => this.#login());
  }

  /** `GET path`; resolves with the reply's value. */
  get(path: string, options: RestCallOptions = {}): Promise<unknown> {
    return this.#call({ method: 'GET', path, headers: {} }, options);
  }

  /** `POST path[?~action=…]` with a JSON body (`{}` when none is given). */
  post(path: string, options: RestPostOptions = {}): Promise<unknown> {
    const body = JSON.stringify(options.body ?? {});
    const headers = { 'content-type': 'application/json' };
    const info = options.action === undefined ? { path } : { path, action: options.action };
    return this.#call({ method: 'POST', ...info, body, headers }, options);
  }

  /** `DELETE path`; resolves with the reply's value (usually `undefined`). */
  delete(path: string, options: RestCallOptions = {}): Promise<unknown> {
    return this.#call({ method: 'DELETE', path, headers: {} }, options);
  }

  /**
   * Ends the session with `DELETE /com/vmware/cis/session`. Best effort and idempotent: it never
   * rejects, does nothing without a session, and forgets the session even if the server could
   * not be told (the server expires it on its own). A later call logs in again.
   */
  async logout(options: RestCallOptions = {}): Promise<void> {
    const bound = this.#bound(options);
    const id = await this.#session.take(bound.signal);
    if (id === undefined) return;
    const ex: Exchange = { method: 'DELETE', path: sessionPath, headers: { [sessionHeader]: id } };
    // Best effort by contract: a failed logout changes nothing the caller could act on.
    await this.#exchange(ex, bound.signal).catch(ignore);
  }

  async #call(ex: Exchange, options: RestCallOptions): Promise<unknown> {
    this.#checkPath(ex.path);
    const bound = this.#bound(options);
    try {
      const first = await this.#session.current(bound.signal);
      const reply = await this.#exchange(withSession(ex, first), bound.signal);
      if (reply.status !== 401) return this.#result(ex, reply);
      const renewed = await this.#session.renew(first, bound.signal);
      return this.#result(ex, await this.#exchange(withSession(ex, renewed), bound.signal));
    } catch (err) {
      throw bound.translate(err, ex);
    }
  }

  #checkPath(path: string): void {
    if (!path.startsWith('/')) throw new TypeError(`vAPI path must start with "/": ${path}`);
  }

  /** Combines the caller's signal with the time bound; maps the bound's abort to a timeout error. */
  #bound(options: RestCallOptions): {
    signal: AbortSignal;
    translate: (err: unknown, r: RestRequestInfo) => unknown;
  } {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const caller = options.signal;
    const signal = caller === undefined ? timeout : AbortSignal.any([caller, timeout]);
    const translate = (err: unknown, r: RestRequestInfo): unknown => {
      if (caller?.aborted === true) return caller.reason;
      if (timeout.aborted) return new RestTimeoutError(info(r), timeoutMs, { cause: err });
      return err;
    };
    return { signal, translate };
  }

  /** The login has its own time bound: it is shared, so no single caller's signal may cancel it. */
  async #login(): Promise<string> {
    const bound = this.#bound({});
    const ex: Exchange = { method: 'POST', path: sessionPath, headers: {} };
    const creds = await raceAbort(Promise.resolve(this.#credentials()), bound.signal).catch(
      (err: unknown) => {
        throw bound.translate(err, ex);
      },
    );
    const fingerprint = createHash('sha256').update(`${creds.username}\u0000${creds.password}`).digest('hex');
    this.#checkRejected(fingerprint);
    try {
      const reply = await this.#exchange({ ...ex, headers: loginHeaders(creds) }, bound.signal);
      const id = this.#result(ex, reply);
      if (typeof id !== 'string' || id === '')
        throw new RestDecodeError('vAPI login reply carried no session id');
      this.#rejected = undefined;
      return id;
    } catch (err) {
      if (err instanceof RestUnauthenticatedError) this.#rejected = { fingerprint, error: err };
      throw bound.translate(err, ex);
    }
  }

  /** The lockout guard: refuses to resend credentials the server has already refused. */
  #checkRejected(fingerprint: string): void {
    const rejected = this.#rejected;
    if (rejected?.fingerprint !== fingerprint) return;
    const { request, status, errorType } = rejected.error;
    const messages = ['login not sent: these credentials were refused before (lockout guard)'];
    throw new RestUnauthenticatedError(
      { ...request, status, errorType, messages },
      { cause: rejected.error },
    );
  }

  /** Decodes a reply: the unwrapped value for 2xx, a thrown `RestError` otherwise. */
  #result(r: RestRequestInfo, reply: Reply): unknown {
    if (reply.status < 200 || reply.status > 299)
      throw restErrorFromResponse(info(r), reply.status, reply.text);
    if (reply.text.trim() === '') return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(reply.text) as unknown;
    } catch {
      // No cause: the parser's message quotes the body, which may be a session id.
      throw new RestDecodeError(
        `${r.method} ${r.path}: reply is not JSON (${String(reply.text.length)} chars)`,
      );
    }
    if (!this.#unwrap) return parsed ?? undefined;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new RestDecodeError(`${r.method} ${r.path}: reply is not a { value } object`);
    }
    return (parsed as { value?: unknown }).value ?? undefined;
  }

  async #exchange(ex: Exchange, signal: AbortSignal): Promise<Reply> {
    const url =
      this.#base + ex.path + (ex.action === undefined ? '' : `?~action=${encodeURIComponent(ex.action)}`);
    const started = performance.now();
    let status: number | undefined;
    try {
      const res = await request(url, {
        dispatcher: this.#dispatcher,
        method: ex.method,
        headers: { accept: 'application/json', ...ex.headers },
        body: ex.body ?? null,
        signal,
      });
      status = res.statusCode;
      return { status, text: await res.body.text() };
    } catch (err) {
      if (signal.aborted) throw err;
      throw new RestTransportError(info(ex), { cause: err });
    } finally {
      const durationMs = performance.now() - started;
      const event = ex.action === undefined ? { path: ex.path } : { path: ex.path, action: ex.action };
      this.#onCall?.({ ...event, status, durationMs });
    }
  }
}

function loginHeaders(creds: RestCredentials): Record<string, string> {
  const basic = Buffer.from(`${creds.username}:${creds.password}`, 'utf8').toString('base64');
  // Header authentication: the id comes back in the body and no cookie is set.
  return { authorization: `Basic ${basic}`, 'vmware-use-header-authn': 'true' };
}

function withSession(ex: Exchange, sessionId: string): Exchange {
  return { ...ex, headers: { ...ex.headers, [sessionHeader]: sessionId } };
}

function info(r: RestRequestInfo): RestRequestInfo {
  return r.action === undefined
    ? { method: r.method, path: r.path }
    : { method: r.method, path: r.path, action: r.action };
}

function ignore(): void {
  // Deliberately empty: used where an outcome is best effort by contract.
}
