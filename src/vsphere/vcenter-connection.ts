// SPDX-License-Identifier: Apache-2.0
import type { Agent } from 'undici';
import { createHttpAgent, type HttpAgentOptions } from '../vim25/http-agent.ts';
import { SoapHttpTransport } from '../vim25/soap-transport.ts';
import { retrieveServiceContent, type VimClient } from '../vim25/client.ts';
import { typeRegistry } from '../vim25/generated/type-registry.ts';
import type { CallOptions } from '../vim25/round-tripper.ts';
import { createAuthenticator } from './login/authenticator.ts';
import { LoginGuard } from './login/login-guard.ts';
import type { SessionCredentials } from './login/session-credentials.ts';
import { withNetworkRetry } from './retry.ts';
import { VimSession, type LoginMode, type SessionEvent } from './session.ts';
import { VapiRestClient, type RestCallEvent } from './rest/rest-client.ts';
import { vapiLoginFor } from './rest/rest-login-modes.ts';
import { TaggingClient } from './rest/tagging.ts';

export { VapiLoginModeUnsupportedError } from './rest/rest-login-modes.ts';

/** Path of the vCenter Security Token Service (WS-Trust), used by the `certificate` login mode. */
export const STS_PATH = '/sts/STSService';

/** Everything needed to reach one vCenter. */
export interface VCenterEndpoint {
  /** `https://host[:port]`; `/sdk` and `/rest` are appended. A bare host name means https:443. */
  readonly server: string;
  readonly tls: HttpAgentOptions;
  /**
   * Read at every login: a user/password pair, `VCenterCredentials` of any login mode, or
   * `ResolvedCredentials` (whose version the lockout guard keys on).
   */
  readonly credentials: () => SessionCredentials | Promise<SessionCredentials>;
  /**
   * The vCenter's lockout guard. Pass one that outlives the connection (one per vCenter), so a
   * refused login is not retried by reconnecting; by default each connection has its own.
   */
  readonly loginGuard?: LoginGuard;
  /**
   * TLS trust for the shared session-manager service (`session-manager` credentials). Default:
   * Node's default roots, as the Go CPI uses the system roots; the vCenter's CA, pin and
   * insecure flag are not applied to that other host.
   */
  readonly sessionManagerTls?: HttpAgentOptions;
  /** Token file sent when `session-manager` credentials carry no token (default: the pod's). */
  readonly serviceAccountTokenPath?: string;
  /** Default timeout of every SOAP and REST call (default 30 s). */
  readonly timeoutMs?: number;
  /**
   * Attempts per SOAP call on temporary network errors (`soapRoundtripCount`, default 3); see
   * `withNetworkRetry`.
   */
  readonly soapRoundtripCount?: number;
  readonly onSessionEvent?: (event: SessionEvent) => void;
  readonly onSoapCall?: (event: { method: string; durationMs: number; outcome: string }) => void;
  readonly onRestCall?: (event: RestCallEvent) => void;
}

/**
 * An open connection to one vCenter: one HTTP agent (keep-alive, TLS policy), one SOAP session
 * and one lazily-created vAPI REST session, all closed together.
 */
export interface VCenterConnection extends VimClient {
  readonly host: string;
  readonly session: VimSession;
  readonly rest: VapiRestClient;
  readonly tagging: TaggingClient;
  close(): Promise<void>;
}

/** Normalises `server` into the vCenter's base URL; throws TypeError for nonsense. */
export function vcenterBaseUrl(server: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `https://${server}`;
  const url = new URL(withScheme);
  if (url.protocol !== 'https:') throw new TypeError(`vCenter URL must use https: ${server}`);
  return new URL(`${url.protocol}//${url.host}`);
}

/**
 * Connects and logs in (SOAP) in the credentials' mode: `password` (Login), `session-manager`
 * (clone ticket from the service, then CloneSession) or `certificate` (holder-of-key token from
 * the vCenter STS at {@link STS_PATH}, then LoginByToken). Fails fast, with the typed error of
 * the first step that failed (TLS, reachability, login), and releases the agents on failure.
 *
 * The vAPI REST session (tagging) follows the SOAP login's mode (see `vapiLoginFor`): basic auth
 * with a password, a `SIGN` token login with a certificate, and the SOAP session itself with a
 * shared session manager. Its logins go through the same lockout guard as the SOAP session's.
 */
export async function openVCenterConnection(
  endpoint: VCenterEndpoint,
  options?: CallOptions,
): Promise<VCenterConnection> {
  const base = vcenterBaseUrl(endpoint.server);
  const agent: Agent = createHttpAgent(endpoint.tls);
  let smAgent: Agent | undefined;
  try {
    smAgent = createHttpAgent(endpoint.sessionManagerTls ?? {});
    const transport = new SoapHttpTransport({
      url: new URL('/sdk', base),
      dispatcher: agent,
      registry: typeRegistry,
      ...(endpoint.timeoutMs === undefined ? {} : { timeoutMs: endpoint.timeoutMs }),
      ...(endpoint.onSoapCall === undefined ? {} : { onCall: endpoint.onSoapCall }),
    });
    const serviceContent = await retrieveServiceContent(transport, options);
    const stsOptions = {
      url: new URL(STS_PATH, base),
      dispatcher: agent,
      ...(endpoint.timeoutMs === undefined ? {} : { timeoutMs: endpoint.timeoutMs }),
    };
    const authenticate = createAuthenticator({
      sessionManager: {
        dispatcher: smAgent,
        ...(endpoint.serviceAccountTokenPath === undefined
          ? {}
          : { serviceAccountTokenPath: endpoint.serviceAccountTokenPath }),
      },
      sts: stsOptions,
    });
    const guard = endpoint.loginGuard ?? new LoginGuard();
    let mode: LoginMode = 'password';
    const session = new VimSession({
      transport: withNetworkRetry(transport, endpoint.soapRoundtripCount ?? 3),
      serviceContent,
      credentials: endpoint.credentials,
      authenticate,
      guard,
      onEvent: (event) => {
        // The vAPI session follows the mode the SOAP session logged in with.
        if (event.type === 'login' && event.mode !== undefined) mode = event.mode;
        endpoint.onSessionEvent?.(event);
      },
    });
    await session.login(options);
    const rest = new VapiRestClient({
      baseUrl: new URL('/rest', base),
      dispatcher: agent,
      login: vapiLoginFor(mode, {
        credentials: endpoint.credentials,
        sts: stsOptions,
        session,
        sessionCookie: () => transport.sessionCookie,
      }),
      loginGuard: guard,
      ...(endpoint.timeoutMs === undefined ? {} : { timeoutMs: endpoint.timeoutMs }),
      ...(endpoint.onRestCall === undefined ? {} : { onCall: endpoint.onRestCall }),
    });
    return {
      host: base.host,
      rt: session,
      serviceContent,
      session,
      rest,
      tagging: new TaggingClient(rest),
      async close(): Promise<void> {
        await Promise.allSettled([
          session.close({ timeoutMs: 5_000 }),
          rest.logout({ signal: AbortSignal.timeout(5_000) }),
        ]);
        await Promise.all([agent.close(), smAgent?.close()]);
      },
    };
  } catch (err) {
    await Promise.all([agent.close(), smAgent?.close()]);
    throw err;
  }
}
