// SPDX-License-Identifier: Apache-2.0
import { request, type Dispatcher } from 'undici';
import { LoginGuard, LoginSuppressedError } from '../login/login-guard.ts';
import {
  RestDecodeError,
  RestTimeoutError,
  RestTransportError,
  RestUnauthenticatedError,
  type RestRequestInfo,
} from './rest-errors.ts';
import {
  basicLoginCredentials,
  RestLoginRejectedError,
  suppressedLoginError,
  type RestBasicLogin,
  type RestCredentialsSource,
  type RestHeadersLogin,
  type RestLoginCredentials,
  type RestSoapSessionLogin,
} from './rest-login.ts';
import { decodeReply, requestInfo as info, type RestReply } from './rest-reply.ts';
import { RestSessionSlot, SharedSoapSession, raceAbort, type RestSessionSource } from './rest-session.ts';

export {
  RestLoginRejectedError,
  type RestBasicLogin,
  type RestCredentials,
  type RestCredentialsSource,
  type RestHeadersLogin,
  type RestLogin,
  type RestLoginCredentials,
  type RestLoginRequest,
  type RestSoapSessionLogin,
} from './rest-login.ts';

/** One HTTP exchange, reported after it ends (also for logins and failures). No secrets. */
export interface RestCallEvent {
  readonly path: string;
  readonly action?: string;
  /** HTTP status; undefined when no response arrived (transport failure, timeout, abort). */
  readonly status: number | undefined;
  readonly durationMs: number;
}

/** Options of {@link VapiRestClient} that do not depend on the login strategy. */
export interface VapiRestClientCommonOptions {
  /**
   * The vAPI base, e.g. `https://vc.example.com/rest`. Replies are unwrapped from `{ value }`
   * unless the path ends in `/api`, whose replies are not wrapped.
   */
  readonly baseUrl: URL;
  /** An undici dispatcher carrying the TLS settings (CA, pinning); shared with SOAP. */
  readonly dispatcher: Dispatcher;
  /** Default bound for one call, re-login and retry included. 30 s unless given. */
  readonly timeoutMs?: number;
  /** Observer for metrics and tests. Must not throw: an exception from it fails the call. */
  readonly onCall?: (event: RestCallEvent) => void;
  /**
   * Lockout bookkeeping for the basic and headers logins. Pass the vCenter's guard (the one its
   * SOAP session uses, with the same credential versions) so that a credential version costs
   * at most one refused login per vCenter, SOAP and vAPI together. Only its refusal memory
   * applies (not its minimum interval between logins). Default: the client's own.
   */
  readonly loginGuard?: LoginGuard;
}

/**
 * Construction options of {@link VapiRestClient}: user and password (`credentials`, basic auth),
 * or another `login` strategy.
 */
export type VapiRestClientOptions = VapiRestClientCommonOptions &
  (
    | { readonly credentials: RestCredentialsSource; readonly login?: RestBasicLogin }
    | { readonly login: RestHeadersLogin | RestSoapSessionLogin }
  );

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

/**
 * A vSphere Automation (vAPI) JSON client with one session per instance (per vCenter).
 *
 * - Login strategies: `basic` (default) creates the session on first use by
 *   `POST /com/vmware/cis/session` with basic auth; `headers` does the same with the headers its
 *   credentials make (e.g. a SAML token); `soap-session` sends no login at all and uses the SOAP
 *   session's id. The id goes out as `vmware-api-session-id`; concurrent first calls share one
 *   login.
 * - A call answered 401 re-logs in once (or, with `soap-session`, has the SOAP session
 *   revalidated once; concurrent 401s share that) and is retried once; a second 401 surfaces as
 *   `RestUnauthenticatedError`.
 * - Lockout guard: a login refused with 401 (`RestLoginRejectedError`), or a refusal while making
 *   the login headers (e.g. by the STS), is recorded in the login guard for that credential
 *   version. Until the credentials change or the guard's backoff has passed, every call fails at
 *   once with a `RestUnauthenticatedError` (its `cause` is the original refusal) and no login is
 *   sent, so a wrong password in a reconcile loop cannot lock the vCenter account. Other login
 *   failures (timeouts, 503) are not recorded.
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
  readonly #timeoutMs: number;
  readonly #onCall: ((event: RestCallEvent) => void) | undefined;
  readonly #guard: LoginGuard;
  readonly #session: RestSessionSource;

  constructor(options: VapiRestClientOptions) {
    this.#base = options.baseUrl.href.replace(/\/+$/, '');
    this.#unwrap = !options.baseUrl.pathname.replace(/\/+$/, '').endsWith('/api');
    this.#dispatcher = options.dispatcher;
    this.#timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    this.#onCall = options.onCall;
    this.#guard = options.loginGuard ?? new LoginGuard();
    this.#session = this.#sessionSource(options);
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
   * not be told (the server expires it on its own). A later call logs in again. With
   * `soap-session` it sends nothing: the SOAP session's owner logs it out.
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

  #sessionSource(options: VapiRestClientOptions): RestSessionSource {
    const login = options.login;
    if (login?.kind === 'soap-session') {
      // Shared by every waiting call, so bounded by the client's own timeout, not a caller's.
      const revalidate = (): Promise<void> =>
        login.revalidate({ signal: AbortSignal.timeout(this.#timeoutMs) });
      return new SharedSoapSession(login.sessionId, revalidate);
    }
    if (login?.kind === 'headers') return new RestSessionSlot(() => this.#login(login.credentials));
    if (!('credentials' in options)) throw new TypeError('basic vAPI login needs credentials');
    const source = options.credentials;
    return new RestSessionSlot(() => this.#login(async () => basicLoginCredentials(await source())));
  }

  /**
   * One vAPI login: credentials, lockout guard, headers, `POST /com/vmware/cis/session`. It has
   * its own time bound: it is shared, so no single caller's signal may cancel it.
   */
  async #login(source: () => Promise<RestLoginCredentials> | RestLoginCredentials): Promise<string> {
    const bound = this.#bound({});
    const ex: Exchange = { method: 'POST', path: sessionPath, headers: {} };
    let version: string | undefined;
    try {
      const creds = await raceAbort(Promise.resolve(source()), bound.signal);
      // Only the guard's refusal memory applies: the vAPI login is single-flight already, and
      // the guard's minimum interval would hold the first tagging call back behind the SOAP login.
      // admit rejects at once (LoginSuppressedError, with the original refusal) for a held version.
      if (this.#guard.isSuppressed(creds.version)) await this.#guard.admit(creds.version);
      version = creds.version;
      const target = { method: ex.method, url: new URL(this.#base + ex.path) };
      const headers = await raceAbort(
        Promise.resolve(creds.authorize(target, { signal: bound.signal })),
        bound.signal,
      );
      // Header authentication: the id comes back in the body and no cookie is set.
      const authed = { ...ex, headers: { ...headers, 'vmware-use-header-authn': 'true' } };
      const id = this.#result(ex, await this.#exchange(authed, bound.signal));
      if (typeof id !== 'string' || id === '')
        throw new RestDecodeError('vAPI login reply carried no session id');
      this.#guard.succeeded(version);
      return id;
    } catch (err) {
      if (err instanceof LoginSuppressedError) throw suppressedLoginError(info(ex), err);
      const failure = err instanceof RestUnauthenticatedError ? RestLoginRejectedError.from(err) : err;
      // The guard counts only refusals; timeouts and outages may be retried.
      if (version !== undefined) this.#guard.failed(version, failure);
      throw bound.translate(failure, ex);
    }
  }

  #result(r: RestRequestInfo, reply: RestReply): unknown {
    return decodeReply(r, reply, this.#unwrap);
  }

  async #exchange(ex: Exchange, signal: AbortSignal): Promise<RestReply> {
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

function withSession(ex: Exchange, sessionId: string): Exchange {
  return { ...ex, headers: { ...ex.headers, [sessionHeader]: sessionId } };
}

function ignore(): void {
  // Deliberately empty: used where an outcome is best effort by contract.
}
