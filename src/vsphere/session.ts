// SPDX-License-Identifier: Apache-2.0
import type { VCenterCredentials } from '../credentials/credentials.ts';
import { CcmError } from '../lib/errors.ts';
import type { MethodSchema } from '../vim25/codec/schema.ts';
import type { ServiceContent, UserSession } from '../vim25/generated/data-objects.ts';
import { Logout, RetrievePropertiesExMethod } from '../vim25/generated/methods.ts';
import { NotAuthenticatedError, isVimFault } from '../vim25/faults.ts';
import type { CallOptions, RoundTripper } from '../vim25/round-tripper.ts';
import { passwordAuthenticator, type Authenticator } from './login/authenticator.ts';
import { LoginGuard } from './login/login-guard.ts';
import {
  credentialIdentity,
  versionCredentials,
  type SessionCredentials,
} from './login/session-credentials.ts';
import { authFaultInMissingSet } from './missing-set.ts';

export { LoginSuppressedError } from './login/login-guard.ts';
export type { LoginCredentials, SessionCredentials } from './login/session-credentials.ts';

/** The login mode of a session event: the `kind` of the credentials used. */
export type LoginMode = VCenterCredentials['kind'];

/** Where the session keeps its cookie: the HTTP transport. */
export interface SessionCookieStore {
  sessionCookie: string | undefined;
}

/**
 * Something the session did, for logs and metrics. Never carries secrets: `username` is the
 * user name, or for the other modes a label (session-manager URL without query, certificate
 * subject); after a login it is the name the server reports. The session always sets `mode`
 * (optional only so that hand-written events in tests stay valid).
 */
export type SessionEvent =
  | {
      readonly type: 'login';
      readonly username: string;
      readonly mode?: LoginMode;
      readonly relogin: boolean;
    }
  | {
      readonly type: 'login-failed';
      readonly username: string;
      readonly mode?: LoginMode;
      readonly code: string;
    }
  | { readonly type: 'logout' }
  | { readonly type: 'keep-alive'; readonly ok: boolean; readonly code?: string };

export interface VimSessionOptions {
  readonly transport: RoundTripper & SessionCookieStore;
  readonly serviceContent: ServiceContent;
  /**
   * Read at every login, so rotated credentials apply at the next (re-)login. Return
   * `ResolvedCredentials` when there is a version: the lockout guard keys on it.
   */
  readonly credentials: () => SessionCredentials | Promise<SessionCredentials>;
  /**
   * Performs the login for the credentials' mode. Default: `passwordAuthenticator` (user and
   * password only); `createAuthenticator` handles every mode.
   */
  readonly authenticate?: Authenticator;
  /**
   * Lockout bookkeeping. Pass the vCenter's long-lived guard so that it survives reconnects;
   * by default the session makes its own from the three options below.
   */
  readonly guard?: LoginGuard;
  /** Idle time after which a cheap call keeps the session from expiring; 0 disables. Default 10 min. */
  readonly keepAliveMs?: number;
  /** Minimum time between two login attempts, so a flapping session cannot cause a login storm. */
  readonly minLoginIntervalMs?: number;
  /**
   * After a refused login (InvalidLogin, or a refusal by the session manager or the STS), the
   * same credentials are not tried again for this long (default 5 min), to protect the account
   * from lockout; changed credentials are tried at once.
   */
  readonly invalidLoginBackoffMs?: number;
  readonly now?: () => number;
  readonly onEvent?: (event: SessionEvent) => void;
}

const retrieveMethods = new Set(['RetrievePropertiesEx', 'ContinueRetrievePropertiesEx']);

/**
 * One authenticated vim25 session per vCenter, usable as a RoundTripper.
 *
 * - `login()` logs in once; every call made through `roundTrip` that fails with NotAuthenticated
 *   (as a fault, or as the `missingSet` NotAuthenticated the simulator returns for property reads)
 *   triggers one single-flight re-login and one retry of that call.
 * - Logins are spaced by `minLoginIntervalMs` and a refused login is never retried with the same
 *   credential version before `invalidLoginBackoffMs`, in every login mode: a wrong password, a
 *   refused session-manager token or an unknown certificate costs one failed login, not a loop.
 * - `close()` logs out and stops the keep-alive timer. The object holds no I/O in its constructor.
 */
export class VimSession implements RoundTripper {
  readonly #opts: VimSessionOptions;
  readonly #guard: LoginGuard;
  readonly #authenticate: Authenticator;
  #generation = 0;
  #loggedIn = false;
  #inflight: Promise<void> | undefined;
  #lastActivity = 0;
  #timer: NodeJS.Timeout | undefined;
  #userSession: UserSession | undefined;
  #closed = false;

  constructor(options: VimSessionOptions) {
    this.#opts = options;
    this.#authenticate = options.authenticate ?? passwordAuthenticator;
    this.#guard =
      options.guard ??
      new LoginGuard({
        ...(options.minLoginIntervalMs === undefined
          ? {}
          : { minLoginIntervalMs: options.minLoginIntervalMs }),
        ...(options.invalidLoginBackoffMs === undefined
          ? {}
          : { invalidLoginBackoffMs: options.invalidLoginBackoffMs }),
        ...(options.now === undefined ? {} : { now: options.now }),
      });
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
    const { credentials, version } = versionCredentials(await this.#opts.credentials());
    const mode = credentials.kind;
    await this.#guard.admit(version, options?.signal === undefined ? {} : { signal: options.signal });
    const relogin = this.#generation > 0;
    this.#opts.transport.sessionCookie = undefined;
    try {
      const target = { transport: this.#opts.transport, sessionManager: this.#sessionManager() };
      this.#userSession = await this.#authenticate(credentials, target, options ?? {});
    } catch (err) {
      this.#loggedIn = false;
      this.#guard.failed(version, err);
      const username = credentialIdentity(credentials);
      this.#opts.onEvent?.({ type: 'login-failed', username, mode, code: codeOf(err) });
      throw err;
    }
    this.#guard.succeeded(version);
    this.#loggedIn = true;
    this.#generation += 1;
    const username = this.#userSession.userName || credentialIdentity(credentials);
    this.#opts.onEvent?.({ type: 'login', username, mode, relogin });
    this.#startKeepAlive();
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
