// SPDX-License-Identifier: Apache-2.0
import type { CloudConfig, ConfigIssue, SecretRef } from './config.ts';
import { formatIssue } from './issues.ts';

/** A JSON value. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** What secrets are replaced with; an absent secret stays `null`. */
export const redacted = '***';

/**
 * The effective configuration as `vsphere-ccm config validate` prints it: after defaults,
 * inheritance and environment overrides, camelCase, absent optional sections `null`, every
 * secret (passwords, the VMC token) replaced by `"***"`. Key order is fixed, so the output is
 * stable for diffs.
 */
export function effectiveConfig(
  config: CloudConfig,
  warnings: readonly ConfigIssue[],
): { readonly [key: string]: Json } {
  const g = config.global;
  return {
    global: {
      user: opt(g.user),
      password: secret(g.password),
      server: opt(g.server),
      port: g.port,
      insecure: g.insecure,
      datacenters: [...g.datacenters],
      soapRoundtripCount: g.soapRoundtripCount,
      caFile: opt(g.caFile),
      thumbprint: opt(g.thumbprint),
      secretName: opt(g.secretName),
      secretNamespace: opt(g.secretNamespace),
      secretsDirectory: opt(g.secretsDirectory),
      ipFamilies: [...g.ipFamilies],
    },
    vcenters: Object.fromEntries(
      [...config.vcenters].map(([ref, vc]) => [
        ref,
        {
          server: vc.server,
          port: vc.port,
          user: opt(vc.user),
          password: secret(vc.password),
          insecure: vc.insecure,
          caFile: opt(vc.caFile),
          thumbprint: opt(vc.thumbprint),
          datacenters: [...vc.datacenters],
          ipFamilies: [...vc.ipFamilies],
          secretRef: secretRefText(vc.secretRef),
          soapRoundtripCount: vc.soapRoundtripCount,
        },
      ]),
    ),
    labels: { zone: opt(config.labels.zone), region: opt(config.labels.region) },
    nodes: nodesJson(config),
    nsxt: nsxtJson(config),
    loadBalancer:
      config.loadBalancer === undefined
        ? null
        : {
            size: config.loadBalancer.size,
            lbServiceId: opt(config.loadBalancer.lbServiceId),
            tier1GatewayPath: opt(config.loadBalancer.tier1GatewayPath),
            snatDisabled: config.loadBalancer.snatDisabled,
            tags: { ...config.loadBalancer.tags },
          },
    loadBalancerClasses:
      config.loadBalancerClasses.size === 0
        ? null
        : Object.fromEntries(
            [...config.loadBalancerClasses].map(([name, c]) => [
              name,
              {
                ipPoolName: opt(c.ipPoolName),
                ipPoolId: opt(c.ipPoolId),
                tcpAppProfileName: opt(c.tcpAppProfileName),
                tcpAppProfilePath: opt(c.tcpAppProfilePath),
                udpAppProfileName: opt(c.udpAppProfileName),
                udpAppProfilePath: opt(c.udpAppProfilePath),
              },
            ]),
          ),
    route: config.route === undefined ? null : { routerPath: config.route.routerPath },
    warnings: warnings.map(formatIssue),
  };
}

/** `"Global"`, `"namespace/name"` or `null`, as the reference names SecretRefs. */
export function secretRefText(ref: SecretRef | undefined): string | null {
  if (ref === undefined) return null;
  return ref.kind === 'global' ? 'Global' : `${ref.namespace}/${ref.name}`;
}

function nodesJson(config: CloudConfig): Json {
  const n = config.nodes;
  return {
    internalNetworkSubnetCidrs: [...n.internalNetworkSubnetCidrs],
    externalNetworkSubnetCidrs: [...n.externalNetworkSubnetCidrs],
    internalVmNetworkName: opt(n.internalVmNetworkName),
    externalVmNetworkName: opt(n.externalVmNetworkName),
    excludeInternalNetworkSubnetCidrs: [...n.excludeInternalNetworkSubnetCidrs],
    excludeExternalNetworkSubnetCidrs: [...n.excludeExternalNetworkSubnetCidrs],
  };
}

function nsxtJson(config: CloudConfig): Json {
  const n = config.nsxt;
  if (n === undefined) return null;
  return {
    host: n.host,
    user: opt(n.user),
    password: secret(n.password),
    insecure: n.insecure,
    remoteAuth: n.remoteAuth,
    secretName: opt(n.secretName),
    secretNamespace: opt(n.secretNamespace),
    vmcAccessToken: secret(n.vmcAccessToken),
    vmcAuthHost: opt(n.vmcAuthHost),
    clientAuthCertFile: opt(n.clientAuthCertFile),
    clientAuthKeyFile: opt(n.clientAuthKeyFile),
    caFile: opt(n.caFile),
  };
}

function opt(v: string | undefined): string | null {
  return v ?? null;
}

function secret(v: string | undefined): string | null {
  return v === undefined ? null : redacted;
}
