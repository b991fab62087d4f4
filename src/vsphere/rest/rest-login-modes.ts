// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../../lib/errors.ts';
import { RetrievePropertiesEx } from '../../vim25/generated/methods.ts';
import { parseSolutionUser } from '../login/solution-user.ts';
import { versionCredentials, type SessionCredentials } from '../login/session-credentials.ts';
import { requestHokToken, type StsOptions } from '../login/sts-client.ts';
import { vapiTokenAuthorization } from '../login/vapi-token-auth.ts';
import type { LoginMode, VimSession } from '../session.ts';
import type { RestHeadersLogin, RestLoginCredentials, RestSoapSessionLogin } from './rest-login.ts';

/** The part of a `VimSession` the shared-session strategy uses. */
export type SoapSession = Pick<VimSession, 'roundTrip' | 'serviceContent'>;

/**
 * The credentials changed to a login mode the connection's vAPI session was not set up for
 * (from user/password or certificate to a shared session manager). Nothing was sent; tagging
 * works again once the connection is reopened.
 */
export class VapiLoginModeUnsupportedError extends CcmError {
  readonly code = 'VAPI_LOGIN_MODE_UNSUPPORTED';
}

/** What the vAPI login of one vCenter connection needs besides the REST client. */
export interface VapiLoginContext {
  /** The connection's credentials callback, read at every vAPI login. */
  readonly credentials: () => SessionCredentials | Promise<SessionCredentials>;
  /** The vCenter STS, for a fresh holder-of-key token at each `certificate` vAPI login. */
  readonly sts: StsOptions;
  /**
   * The connection's SOAP session, shared with vAPI in `session-manager` mode: a `VimSession`,
   * which logs in again when a call finds the session ended.
   */
  readonly session: SoapSession;
  /** The SOAP session cookie value as the server set it; undefined when logged out. */
  readonly sessionCookie: () => string | undefined;
}

/**
 * The vAPI login strategy for a connection whose SOAP session logged in with `mode`, as the Go
 * CPI does it:
 * - `session-manager`: no vAPI login; the SOAP session (cloned from the shared session) is used
 *   as the vAPI session. A 401 has the SOAP session revalidated by reading its
 *   `currentSession`, which logs it in again when it has ended.
 * - `password`: a vAPI login with basic auth; `certificate`: a vAPI login with a token from the
 *   STS in a `SIGN` authorization. Both read the credentials at each login and report their
 *   version, so the vCenter's lockout guard counts SOAP and vAPI refusals together. Credentials
 *   that change to `session-manager` later make the login fail with
 *   `VapiLoginModeUnsupportedError` (nothing sent).
 */
export function vapiLoginFor(
  mode: LoginMode,
  context: VapiLoginContext,
): RestHeadersLogin | RestSoapSessionLogin {
  if (mode === 'session-manager') {
    return {
      kind: 'soap-session',
      sessionId: context.sessionCookie,
      revalidate: async ({ signal }) => {
        await readCurrentSession(context.session, signal);
      },
    };
  }
  return { kind: 'headers', credentials: async () => loginCredentials(context, await context.credentials()) };
}

function loginCredentials(context: VapiLoginContext, input: SessionCredentials): RestLoginCredentials {
  const { credentials, version } = versionCredentials(input);
  switch (credentials.kind) {
    case 'password': {
      const basic = Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64');
      return { version, authorize: () => ({ authorization: `Basic ${basic}` }) };
    }
    case 'certificate':
      return {
        version,
        authorize: async (request, { signal }) => {
          const user = parseSolutionUser(credentials);
          const token = await requestHokToken(user, context.sts, { signal });
          return { authorization: vapiTokenAuthorization(token, user, request) };
        },
      };
    case 'session-manager':
      throw new VapiLoginModeUnsupportedError(
        'the vCenter credentials changed to a shared session manager after connecting; tagging needs the connection to be reopened',
      );
  }
}

/**
 * Reads `SessionManager.currentSession` through the session: cheap, proves the session alive,
 * and makes the session log in again (single-flight, lockout-guarded) when it has ended.
 */
async function readCurrentSession(session: SoapSession, signal: AbortSignal): Promise<void> {
  const sc = session.serviceContent;
  if (sc.sessionManager === undefined) return;
  await RetrievePropertiesEx(
    session,
    {
      _this: sc.propertyCollector,
      specSet: [
        {
          propSet: [{ type: 'SessionManager', pathSet: ['currentSession'] }],
          objectSet: [{ obj: sc.sessionManager }],
        },
      ],
      options: {},
    },
    { signal },
  );
}
