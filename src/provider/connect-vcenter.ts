// SPDX-License-Identifier: Apache-2.0
import { isIPv6 } from 'node:net';
import type { VCenterConfig } from '../config/config.ts';
import type { ResolvedCredentials } from '../credentials/credentials.ts';
import type { HttpAgentOptions } from '../vim25/http-agent.ts';
import type { LoginGuard } from '../vsphere/login/login-guard.ts';
import type { SessionEvent } from '../vsphere/session.ts';
import { resolveDatacenters, type DatacenterInfo } from '../vsphere/datacenters.ts';
import type { RestCallEvent } from '../vsphere/rest/rest-client.ts';
import { openVCenterConnection, type VCenterConnection } from '../vsphere/vcenter-connection.ts';

/** What the pool hands a connector for one vCenter; TLS and credentials are already sourced. */
export interface VCenterConnectRequest {
  readonly config: VCenterConfig;
  readonly tls: HttpAgentOptions;
  /** Called before every login (the first and any re-login), so rotation needs no reconnect. */
  readonly credentials: () => Promise<ResolvedCredentials>;
  /** The vCenter's lockout guard; it outlives connections, so reconnecting does not reset it. */
  readonly loginGuard: LoginGuard;
  /** Bound of each SOAP and REST call; the connection's default when undefined. */
  readonly callTimeoutMs: number | undefined;
  readonly onSessionEvent: (event: SessionEvent) => void;
}

/** The part of an open connection the pool uses; the pool owns it and closes it. */
export type OpenVCenter = Pick<VCenterConnection, 'host' | 'rt' | 'serviceContent' | 'tagging' | 'close'>;

/** An open, logged-in vCenter with its datacenter scope resolved. */
export interface ConnectedVCenter {
  readonly connection: OpenVCenter;
  /** The configured datacenters, resolved; undefined when the configuration lists none (all). */
  readonly datacenters: readonly DatacenterInfo[] | undefined;
}

/**
 * Opens one vCenter. Must honour `signal` (the pool's connect deadline and shutdown), and must
 * release everything it opened when it fails.
 */
export type VCenterConnector = (
  request: VCenterConnectRequest,
  options: { readonly signal: AbortSignal },
) => Promise<ConnectedVCenter>;

/** One finished SOAP call: `outcome` is `ok`, `fault` or `error` (see `SoapCallEvent`). */
export interface SoapCallRecord {
  readonly method: string;
  readonly durationMs: number;
  readonly outcome: string;
}

/** Observers of one pool's connections, told which vCenter each call went to. Must not throw. */
export interface VCenterCallObservers {
  readonly onSoapCall?: (tenantRef: string, event: SoapCallRecord) => void;
  readonly onRestCall?: (tenantRef: string, event: RestCallEvent) => void;
}

/**
 * The real connector: TLS agent, ServiceContent, SOAP login (the vAPI REST session is created on
 * first use), then one retrieval that resolves the configured datacenters. An unknown datacenter
 * fails the connect with `DatacenterNotFoundError` and the session is logged out again. Every
 * SOAP and REST call of the connections it opens is reported to `observers` (for metrics).
 */
export function createVCenterConnector(observers: VCenterCallObservers = {}): VCenterConnector {
  const { onSoapCall, onRestCall } = observers;
  return async (request, { signal }) => {
    const tenantRef = request.config.tenantRef;
    const connection = await openVCenterConnection(
      {
        server: vcenterUrl(request.config),
        tls: request.tls,
        credentials: request.credentials,
        loginGuard: request.loginGuard,
        soapRoundtripCount: request.config.soapRoundtripCount,
        ...(request.callTimeoutMs === undefined ? {} : { timeoutMs: request.callTimeoutMs }),
        onSessionEvent: request.onSessionEvent,
        ...(onSoapCall === undefined
          ? {}
          : {
              onSoapCall: (e: SoapCallRecord) => {
                onSoapCall(tenantRef, e);
              },
            }),
        ...(onRestCall === undefined
          ? {}
          : {
              onRestCall: (e: RestCallEvent) => {
                onRestCall(tenantRef, e);
              },
            }),
      },
      { signal },
    );
    try {
      const wanted = request.config.datacenters;
      const datacenters =
        wanted.length === 0 ? undefined : await resolveDatacenters(connection, wanted, { signal });
      return { connection, datacenters };
    } catch (err) {
      await connection.close();
      throw err;
    }
  };
}

/** The real connector without call observers; see `createVCenterConnector`. */
export const connectVCenter: VCenterConnector = createVCenterConnector();

/** `https://server:port`, with brackets around an IPv6 address. */
export function vcenterUrl(config: Pick<VCenterConfig, 'server' | 'port'>): string {
  const host = isIPv6(config.server) ? `[${config.server}]` : config.server;
  return `https://${host}:${String(config.port)}`;
}
