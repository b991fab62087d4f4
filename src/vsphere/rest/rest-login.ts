// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import type { LoginRejection, LoginSuppressedError } from '../login/login-guard.ts';
import { RestError, RestUnauthenticatedError, type RestRequestInfo } from './rest-errors.ts';

/** A vCenter user name and password for the vAPI session login. */
export interface RestCredentials {
  readonly username: string;
  readonly password: string;
}

/** Called before every login, so that rotated credentials are picked up without a restart. */
export type RestCredentialsSource = () => Promise<RestCredentials> | RestCredentials;

/** The session login request to authorise: `POST <base>/com/vmware/cis/session`, no body. */
export interface RestLoginRequest {
  readonly method: string;
  readonly url: URL;
}

/** The credentials of one login attempt: their version, and how to authorise the request with them. */
export interface RestLoginCredentials {
  /**
   * Equal versions mean identical credentials; the lockout guard keys on it. Never the secret.
   * With the vCenter's guard, use the version the SOAP session uses for the same credentials.
   */
  readonly version: string;
  /**
   * The headers that authenticate `request` (e.g. `authorization`). May do I/O (a token from the
   * STS) bounded by `signal`. A rejection marked `loginRejected` counts as a refused login.
   */
  authorize(
    request: RestLoginRequest,
    options: { readonly signal: AbortSignal },
  ): Promise<Record<string, string>> | Record<string, string>;
}

/** User and password as basic auth (the default when `credentials` is given). */
export interface RestBasicLogin {
  readonly kind: 'basic';
}

/**
 * `POST /com/vmware/cis/session` with headers made per login, e.g. a holder-of-key token in a
 * `SIGN` authorization (a fresh STS token each login). The session id is then used as with basic.
 */
export interface RestHeadersLogin {
  readonly kind: 'headers';
  /** Read before every login. */
  readonly credentials: () => Promise<RestLoginCredentials> | RestLoginCredentials;
}

/**
 * No vAPI login: the SOAP session is shared, as vCenter accepts its id as the vAPI session id
 * (the Go CPI does this with a shared session manager).
 */
export interface RestSoapSessionLogin {
  readonly kind: 'soap-session';
  /** The SOAP session cookie value (surrounding quotes are removed); undefined when logged out. */
  readonly sessionId: () => string | undefined;
  /**
   * Called when a call with the current id was answered 401: must make the SOAP session valid
   * again, logging it in again if it has ended (and resolve, not re-login, when it is alive).
   * Shared by concurrent callers; bounded by `signal`.
   */
  readonly revalidate: (options: { readonly signal: AbortSignal }) => Promise<void>;
}

/** How a `VapiRestClient` gets its session. */
export type RestLogin = RestBasicLogin | RestHeadersLogin | RestSoapSessionLogin;

/**
 * The vAPI session login itself was refused with 401: the credentials (or token), not an expired
 * session. Marked `loginRejected`, so the lockout guard counts it like an `InvalidLogin` fault.
 */
export class RestLoginRejectedError extends RestUnauthenticatedError implements LoginRejection {
  readonly loginRejected = true;

  /** The same details as `err`, marked as a refused login. */
  static from(err: RestUnauthenticatedError): RestLoginRejectedError {
    return new RestLoginRejectedError({
      ...err.request,
      status: err.status,
      errorType: err.errorType,
      messages: err.messages,
    });
  }
}

/** Basic-auth login credentials; the version is a digest of user and password. */
export function basicLoginCredentials(creds: RestCredentials): RestLoginCredentials {
  const digest = createHash('sha256').update(`${creds.username}\u0000${creds.password}`).digest('hex');
  const basic = Buffer.from(`${creds.username}:${creds.password}`, 'utf8').toString('base64');
  return { version: `basic:${digest}`, authorize: () => ({ authorization: `Basic ${basic}` }) };
}

/**
 * What a caller sees when the lockout guard holds a login back: a `RestUnauthenticatedError`
 * (nothing was sent) whose cause is the original refusal when the guard kept it.
 */
export function suppressedLoginError(
  request: RestRequestInfo,
  err: LoginSuppressedError,
): RestUnauthenticatedError {
  const original = err.cause;
  const status = original instanceof RestError ? original.status : 401;
  const errorType = original instanceof RestError ? original.errorType : undefined;
  const messages = ['login not sent: these credentials were refused before (lockout guard)'];
  return new RestUnauthenticatedError(
    { ...request, status, errorType, messages },
    { cause: original ?? err },
  );
}
