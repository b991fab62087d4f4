// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../lib/errors.ts';
import { abortableDelay } from '../lib/abort.ts';
import type { MethodSchema } from '../vim25/codec/schema.ts';
import type { ServiceContent, UserSession } from '../vim25/generated/data-objects.ts';
import { Login, Logout, RetrievePropertiesExMethod } from '../vim25/generated/methods.ts';
import { InvalidLoginError, NotAuthenticatedError, isVimFault } from '../vim25/faults.ts';
import type { CallOptions, RoundTripper } from '../vim25/round-tripper.ts';
import { authFaultInMissingSet } from './missing-set.ts';

/** User name and password for `SessionManager.Login`. */
export interface LoginCredentials {
  readonly username: string;
  readonly password: string;
}

/** Where the session keeps its cookie: the HTTP transport. */
export interface SessionCookieStore {
  sessionCookie: string | undefined;
}

/** Something the session did, for logs and metrics. Never carries secrets. */
export type SessionEvent =
  | { readonly type: 'login'; readonly username: string; readonly relogin: boolean }
  | { readonly type: 'login-failed'; readonly username: string; readonly code: string }
  | { readonly type: 'logout' }
  | { readonly type: 'keep-alive'; readonly ok: boolean; readonly code?: string };

export interface VimSessionOptions {
  readonly transport: RoundTripper & SessionCookieStore;
  readonly serviceContent: ServiceContent;
  /** Read at every login, so rotated credentials apply at the next (re-)login. */
  readonly credentials: () => LoginCredentials | Promise<LoginCredentials>;
  /** Idle time after which a cheap call keeps the session from expiring; 0 disables. Default 10 min. */
  readonly keepAliveMs?: number;
  /** Minimum time between two login attempts, so a flapping session cannot cause a login storm. */
  readonly minLoginIntervalMs?: number;
  /**
   * After an InvalidLogin, the same credentials are not tried again for this long (default 5 min),
   * to protect the account from lockout; changed credentials are tried at once.
   */
  readonly invalidLoginBackoffMs?: number;
  readonly now?: () => number;
  readonly onEvent?: (event: SessionEvent) => void;
}

/** A login was refused earlier with the same credentials; the server was not asked again. */
export class LoginSuppressedError extends CcmError {
  readonly code = 'VIM_LOGIN_SUPPRESSED';
}

const retrieveMethods = new Set(['RetrievePropertiesEx', 'ContinueRetrievePropertiesEx']);

/**
 * One authenticated vim25 session per vCenter, usable as a RoundTripper.
 *
 * - `login()` logs in once; every call made through `roundTrip` that fails with NotAuthenticated
 *   (as a fault, or as the `missingSet` NotAuthenticated the simulator returns for property reads)
 *   triggers one single-flight re-login and one retry of that call.
 * - Logins are spaced by `minLoginIntervalMs` and an InvalidLogin is never retried with the same
 *   credentials before `invalidLoginBackoffMs`: a wrong password costs one failed login, not a loop.
 * - `close()` logs out and stops the keep-alive timer. The object holds no I/O in its constructor.
 */
export class VimSession implements RoundTripper {
  readonly #opts: VimSessionOptions;
  #generation = 0;
  #loggedIn = false;
  #inflight: Promise<void> | undefined;
  #lastLoginAttempt = Number.NEGATIVE_INFINITY;
  #failed: { key: string; at: number; error: InvalidLoginError } | undefined;
  #lastActivity = 0;
  #timer: NodeJS.Timeout | undefined;
  #userSession: UserSession | undefined;
  #closed = false;

  constructor(options: VimSessionOptions) {
    this.#opts = options;
  }

  /** The UserSession returned by the last successful login. */
  get userSession(): UserSession | undefined {
    return this.#userSession;
  }

  get serviceContent(): ServiceContent {
    return this.#opts.serviceContent;
  }

  /** Logs in now (if not already), so that bad credentials surface at start-up. */
  async login(options?: CallOptions): Promise<void> {
    if (this.#loggedIn) return;
    await this.#relogin(this.#generation, options);
  }

  async roundTrip(method: MethodSchema, request: object, options?: CallOptions): Promise<unknown> {
    if (this.#closed) throw new SessionClosedError('the vCenter session is closed');
    if (!this.#loggedIn) await this.login(options);
    const generation = this.#generation;
    try {
      return await this.#call(method, request, options);
    } catch (err) {
      if (!(err instanceof NotAuthenticatedError)) throw err;
      await this.#relogin(generation, options);
      return this.#call(method, request, options);
    }
  }

  /** Logs out (best effort) and stops keep-alive. Further calls fail with SessionClosedError. */
  async close(options?: CallOptions): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopKeepAlive();
    if (!this.#loggedIn) return;
    this.#loggedIn = false;
    try {
      await Logout(this.#opts.transport, { _this: this.#sessionManager() }, options);
    } catch (err) {
      // An expired session is already logged out; any other failure is not worth failing shutdown
      // for, since the server expires the session on its own.
      if (!isVimFault(err, 'NotAuthenticated'))
        this.#opts.onEvent?.({ type: 'keep-alive', ok: false, code: codeOf(err) });
    } finally {
      this.#opts.transport.sessionCookie = undefined;
    }
    this.#opts.onEvent?.({ type: 'logout' });
  }

  async #call(method: MethodSchema, request: object, options?: CallOptions): Promise<unknown> {
    this.#lastActivity = this.#now();
    const result = await this.#opts.transport.roundTrip(method, request, options);
    if (retrieveMethods.has(method.name)) {
      const fault = authFaultInMissingSet(result);
      if (fault !== undefined) throw new NotAuthenticatedError(fault);
    }
    return result;
  }

  /** Single-flight: concurrent callers that saw the same generation share one login. */
  async #relogin(seenGeneration: number, options?: CallOptions): Promise<void> {
    if (seenGeneration !== this.#generation && this.#loggedIn) return;
    this.#inflight ??= this.#doLogin(options).finally(() => {
      this.#inflight = undefined;
    });
    await this.#inflight;
  }

  async #doLogin(options?: CallOptions): Promise<void> {
    const creds = await this.#opts.credentials();
    const key = `${creds.username}\u0000${creds.password}`;
    this.#checkSuppressed(key);
    const wait = this.#lastLoginAttempt + (this.#opts.minLoginIntervalMs ?? 1000) - this.#now();
    if (wait > 0) await abortableDelay(wait, options?.signal);
    this.#lastLoginAttempt = this.#now();
    const relogin = this.#generation > 0;
    this.#opts.transport.sessionCookie = undefined;
    try {
      this.#userSession = await Login(
        this.#opts.transport,
        { _this: this.#sessionManager(), userName: creds.username, password: creds.password },
        options,
      );
    } catch (err) {
      this.#loggedIn = false;
      if (err instanceof InvalidLoginError) this.#failed = { key, at: this.#now(), error: err };
      this.#opts.onEvent?.({ type: 'login-failed', username: creds.username, code: codeOf(err) });
      throw err;
    }
    this.#failed = undefined;
    this.#loggedIn = true;
    this.#generation += 1;
    this.#opts.onEvent?.({ type: 'login', username: creds.username, relogin });
    this.#startKeepAlive();
  }

  #checkSuppressed(key: string): void {
    const failed = this.#failed;
    if (failed === undefined || failed.key !== key) return;
    if (this.#now() - failed.at >= (this.#opts.invalidLoginBackoffMs ?? 5 * 60_000)) return;
    throw new LoginSuppressedError(
      'login to vCenter was refused for these credentials; not retrying until they change or the backoff ends',
      { cause: failed.error },
    );
  }

  #startKeepAlive(): void {
    const every = this.#opts.keepAliveMs ?? 10 * 60_000;
    if (every <= 0 || this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      if (this.#now() - this.#lastActivity < every) return;
      void this.#keepAlive();
    }, every);
    this.#timer.unref();
  }

  async #keepAlive(): Promise<void> {
    try {
      // Reading currentSession refreshes the server's idle timer and proves the session is alive;
      // when it is not, roundTrip logs in again, which is exactly what keep-alive is for.
      await this.roundTrip(RetrievePropertiesExMethod, currentSessionRequest(this.#opts.serviceContent), {
        timeoutMs: 30_000,
      });
      this.#opts.onEvent?.({ type: 'keep-alive', ok: true });
    } catch (err) {
      this.#opts.onEvent?.({ type: 'keep-alive', ok: false, code: codeOf(err) });
    }
  }

  #stopKeepAlive(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #sessionManager(): NonNullable<ServiceContent['sessionManager']> {
    const ref = this.#opts.serviceContent.sessionManager;
    if (ref === undefined) throw new SessionClosedError('this endpoint has no SessionManager');
    return ref;
  }

  #now(): number {
    return (this.#opts.now ?? Date.now)();
  }
}

/** The session was closed (or the endpoint cannot have one); no call was sent. */
export class SessionClosedError extends CcmError {
  readonly code = 'VIM_SESSION_CLOSED';
}

function currentSessionRequest(sc: ServiceContent): object {
  return {
    _this: sc.propertyCollector,
    specSet: [
      {
        propSet: [{ type: 'SessionManager', pathSet: ['currentSession'] }],
        objectSet: [{ obj: sc.sessionManager }],
      },
    ],
    options: {},
  };
}

function codeOf(err: unknown): string {
  return err instanceof CcmError ? err.code : 'UNKNOWN';
}
