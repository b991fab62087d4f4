// SPDX-License-Identifier: Apache-2.0
import type { VCenterCredentials } from '../../credentials/credentials.ts';
import type { UserSession } from '../../vim25/generated/data-objects.ts';
import { CloneSession, Login } from '../../vim25/generated/methods.ts';
import type { CallOptions } from '../../vim25/round-tripper.ts';
import { UnsupportedLoginModeError, type LoginTarget } from './login-target.ts';
import { fetchCloneTicket, type SessionManagerServiceOptions } from './session-manager-login.ts';
import { loginByToken } from './token-login.ts';
import { requestHokToken, type StsOptions } from './sts-client.ts';
import { parseSolutionUser } from './solution-user.ts';

export { UnsupportedLoginModeError, type LoginTarget } from './login-target.ts';

/**
 * Performs one login with `credentials` on `target` and resolves with the new UserSession; the
 * transport holds the session cookie afterwards. Rejects with the error of the step that failed;
 * a refusal of the credentials is recognisable with `isLoginRejection`. Bounded in time by
 * `options` (SOAP calls) and by each mode's own bounds (HTTP steps).
 */
export type Authenticator = (
  credentials: VCenterCredentials,
  target: LoginTarget,
  options: CallOptions,
) => Promise<UserSession>;

/** User/password only (`SessionManager.Login`); other modes reject with `UnsupportedLoginModeError`. */
export const passwordAuthenticator: Authenticator = async (credentials, target, options) => {
  if (credentials.kind !== 'password') {
    throw new UnsupportedLoginModeError(
      `login mode "${credentials.kind}" needs an authenticator made by createAuthenticator`,
    );
  }
  return Login(
    target.transport,
    { _this: target.sessionManager, userName: credentials.username, password: credentials.password },
    options,
  );
};

/** What the non-password modes need besides the SOAP transport. */
export interface AuthenticatorOptions {
  /** Shared session manager (`session-manager` credentials). */
  readonly sessionManager?: SessionManagerServiceOptions;
  /** vCenter Security Token Service (`certificate` credentials). */
  readonly sts?: StsOptions;
}

/**
 * An authenticator for every login mode:
 * - `password`: `SessionManager.Login`;
 * - `session-manager`: GET the service URL with a bearer token for a clone ticket, then
 *   `SessionManager.CloneSession`;
 * - `certificate`: a holder-of-key SAML token from the STS, requested with a signed WS-Trust
 *   Issue, then `SessionManager.LoginByToken` signed with the same key. The transport must be an
 *   `EnvelopeRoundTripper` (the HTTP transport is).
 * A mode whose options are missing rejects with `UnsupportedLoginModeError` before any I/O.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  return async (credentials, target, callOptions) => {
    switch (credentials.kind) {
      case 'password':
        return passwordAuthenticator(credentials, target, callOptions);
      case 'session-manager': {
        const sm = requireOption(options.sessionManager, credentials.kind);
        const ticket = await fetchCloneTicket(credentials, sm, callOptions);
        return CloneSession(
          target.transport,
          { _this: target.sessionManager, cloneTicket: ticket },
          callOptions,
        );
      }
      case 'certificate': {
        const sts = requireOption(options.sts, credentials.kind);
        const user = parseSolutionUser(credentials);
        const token = await requestHokToken(user, sts, callOptions);
        return loginByToken(target, token, user, callOptions);
      }
    }
  };
}

function requireOption<T>(value: T | undefined, kind: string): T {
  if (value === undefined)
    throw new UnsupportedLoginModeError(`login mode "${kind}" is not configured for this vCenter connection`);
  return value;
}
