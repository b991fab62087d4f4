// SPDX-License-Identifier: Apache-2.0
import type { ConfigFormat, LabelsConfig, NodesConfig, NsxtConfig, RouteConfig } from './config.ts';
import { sectionPath } from './config-keys.ts';
import type { IssueCollector } from './issues.ts';
import { kubeNameProblem } from './kube-names.ts';
import type { RawConfig, RawSection } from './raw-config.ts';
import { SectionReader } from './section-reader.ts';

/** What section validators share: the syntax (for key names in paths) and the issue list. */
export interface SectionContext {
  readonly format: ConfigFormat;
  readonly issues: IssueCollector;
}

/** `labels`: tag category names; zones are computed only when both are set, so one alone warns. */
export function readLabels(ctx: SectionContext, raw: RawConfig): LabelsConfig {
  const r = new SectionReader(ctx, 'labels', raw.labels, sectionPath(ctx.format, 'labels'));
  const zone = r.string('zone');
  const region = r.string('region');
  if ((zone === undefined) !== (region === undefined)) {
    const [set, missing] = zone === undefined ? ['region', 'zone'] : ['zone', 'region'];
    ctx.issues.warn(
      r.path(set),
      `is set without ${missing}; zone and region labels are applied only when both are set`,
    );
  }
  return { zone, region };
}

/** `nodes`: address selection; CIDR lists are trimmed around commas and each CIDR is checked. */
export function readNodes(ctx: SectionContext, raw: RawConfig): NodesConfig {
  const r = new SectionReader(ctx, 'nodes', raw.nodes, sectionPath(ctx.format, 'nodes'));
  return {
    internalNetworkSubnetCidrs: r.cidrs('internalNetworkSubnetCidr'),
    externalNetworkSubnetCidrs: r.cidrs('externalNetworkSubnetCidr'),
    internalVmNetworkName: r.string('internalVmNetworkName'),
    externalVmNetworkName: r.string('externalVmNetworkName'),
    excludeInternalNetworkSubnetCidrs: r.cidrs('excludeInternalNetworkSubnetCidr'),
    excludeExternalNetworkSubnetCidrs: r.cidrs('excludeExternalNetworkSubnetCidr'),
  };
}

/**
 * A feature section that is present but has no keys counts as absent, with a warning (a templated
 * `loadBalancer: {}` should not fail start-up, but should not pass unnoticed either).
 */
export function presentSection(
  ctx: SectionContext,
  section: RawSection | undefined,
  what: string,
): RawSection | undefined {
  if (section === undefined) return undefined;
  if (section.entries.size > 0 || section.unknownKeys > 0) return section;
  ctx.issues.warn(section.path, `is empty, so ${what} is not configured`);
  return undefined;
}

/**
 * `nsxt`: the NSX-T connection. The authentication checks are the reference's, in its order and
 * with its messages (one of token + auth host, user + password, client cert + key, or a Secret),
 * then `host is empty`.
 */
export function readNsxt(ctx: SectionContext, raw: RawConfig): NsxtConfig | undefined {
  const section = presentSection(ctx, raw.nsxt, 'NSX-T');
  if (section === undefined) return undefined;
  const r = new SectionReader(ctx, 'nsxt', section, section.path);
  const c: NsxtConfig = {
    host: r.string('host') ?? '',
    user: r.string('user'),
    password: r.string('password'),
    insecure: r.bool('insecureFlag') ?? false,
    remoteAuth: r.bool('remoteAuth') ?? false,
    secretName: r.string('secretName'),
    secretNamespace: r.string('secretNamespace'),
    vmcAccessToken: r.string('vmcAccessToken'),
    vmcAuthHost: r.string('vmcAuthHost'),
    clientAuthCertFile: r.string('clientAuthCertFile'),
    clientAuthKeyFile: r.string('clientAuthKeyFile'),
    caFile: r.string('caFile'),
  };
  const auth = nsxtAuthProblem(c);
  if (auth !== undefined)
    ctx.issues.error(auth.key === undefined ? r.sectionPath : r.path(auth.key), auth.message);
  if (c.host === '') ctx.issues.error(r.path('host'), 'host is empty');
  for (const [key, kind] of [
    ['secretName', 'secret'],
    ['secretNamespace', 'namespace'],
  ] as const) {
    const value = c[key];
    const problem = value === undefined ? undefined : kubeNameProblem(kind, value);
    if (problem !== undefined) ctx.issues.error(r.path(key), problem);
  }
  return c;
}

function nsxtAuthProblem(c: NsxtConfig): { key: string | undefined; message: string } | undefined {
  if (c.vmcAccessToken !== undefined) {
    return c.vmcAuthHost === undefined
      ? { key: 'vmcAuthHost', message: 'vmc auth host must be provided if auth token is provided' }
      : undefined;
  }
  if (c.user !== undefined)
    return c.password === undefined ? { key: 'password', message: 'password is empty' } : undefined;
  if (c.clientAuthKeyFile !== undefined) {
    return c.clientAuthCertFile === undefined
      ? { key: 'clientAuthCertFile', message: 'client cert file is required if client key file is provided' }
      : undefined;
  }
  if (c.clientAuthCertFile !== undefined) {
    return {
      key: 'clientAuthKeyFile',
      message: 'client key file is required if client cert file is provided',
    };
  }
  if (c.secretName !== undefined) {
    return c.secretNamespace === undefined
      ? { key: 'secretNamespace', message: 'secret namespace is required if secret name is provided' }
      : undefined;
  }
  if (c.secretNamespace !== undefined) {
    return { key: 'secretName', message: 'secret name is required if secret namespace is provided' };
  }
  return { key: undefined, message: 'user or vmc access token or client cert file must be set' };
}

/** `route`: NSX-T static routes for pod CIDRs; needs `routerPath` and the `nsxt` section. */
export function readRoute(ctx: SectionContext, raw: RawConfig): RouteConfig | undefined {
  const section = presentSection(ctx, raw.route, 'routing');
  if (section === undefined) return undefined;
  const r = new SectionReader(ctx, 'route', section, section.path);
  const routerPath = r.string('routerPath');
  if (routerPath === undefined) ctx.issues.error(r.path('routerPath'), 'router path is required');
  if (raw.nsxt === undefined || raw.nsxt.entries.size === 0) {
    ctx.issues.error(
      section.path,
      `needs the NSX-T connection: add the ${sectionPath(ctx.format, 'nsxt')} section`,
    );
  }
  return routerPath === undefined ? undefined : { routerPath };
}
