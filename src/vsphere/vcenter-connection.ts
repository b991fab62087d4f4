// SPDX-License-Identifier: Apache-2.0
import type { Agent } from 'undici';
import { createHttpAgent, type HttpAgentOptions } from '../vim25/http-agent.ts';
import { SoapHttpTransport } from '../vim25/soap-transport.ts';
import { retrieveServiceContent, type VimClient } from '../vim25/client.ts';
import { typeRegistry } from '../vim25/generated/type-registry.ts';
import type { CallOptions } from '../vim25/round-tripper.ts';
import { VimSession, type LoginCredentials, type SessionEvent } from './session.ts';
import { VapiRestClient, type RestCallEvent } from './rest/rest-client.ts';
import { TaggingClient } from './rest/tagging.ts';

/** Everything needed to reach one vCenter. */
export interface VCenterEndpoint {
  /** `https://host[:port]`; `/sdk` and `/rest` are appended. A bare host name means https:443. */
  readonly server: string;
  readonly tls: HttpAgentOptions;
  readonly credentials: () => LoginCredentials | Promise<LoginCredentials>;
  /** Default timeout of every SOAP and REST call (default 30 s). */
  readonly timeoutMs?: number;
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
 * Connects and logs in (SOAP). Fails fast, with the typed error of the first step that failed
 * (TLS, reachability, login), and releases the agent on failure.
 */
export async function openVCenterConnection(
  endpoint: VCenterEndpoint,
  options?: CallOptions,
): Promise<VCenterConnection> {
  const base = vcenterBaseUrl(endpoint.server);
  const agent: Agent = createHttpAgent(endpoint.tls);
  try {
    const transport = new SoapHttpTransport({
      url: new URL('/sdk', base),
      dispatcher: agent,
      registry: typeRegistry,
      ...(endpoint.timeoutMs === undefined ? {} : { timeoutMs: endpoint.timeoutMs }),
      ...(endpoint.onSoapCall === undefined ? {} : { onCall: endpoint.onSoapCall }),
    });
    const serviceContent = await retrieveServiceContent(transport, options);
    const session = new VimSession({
      transport,
      serviceContent,
      credentials: endpoint.credentials,
      ...(endpoint.onSessionEvent === undefined ? {} : { onEvent: endpoint.onSessionEvent }),
    });
    await session.login(options);
    const rest = new VapiRestClient({
      baseUrl: new URL('/rest', base),
      dispatcher: agent,
      credentials: endpoint.credentials,
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
        await agent.close();
      },
    };
  } catch (err) {
    await agent.close();
    throw err;
  }
}
