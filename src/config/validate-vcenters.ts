// SPDX-License-Identifier: Apache-2.0
import { isIP } from 'node:net';
import { InvalidThumbprintError, parseThumbprint } from '../vim25/thumbprint.ts';
import type { ConfigFormat, GlobalConfig, SecretRef, VCenterConfig } from './config.ts';
import { sectionPath, sectionSpec } from './config-keys.ts';
import type { IssueCollector } from './issues.ts';
import { kubeNameProblem } from './kube-names.ts';
import type { RawConfig, RawSection } from './raw-config.ts';
import { SectionReader } from './section-reader.ts';

/** `SectionContext` plus the dual-stack gate. */
export interface VcenterContext {
  readonly format: ConfigFormat;
  readonly issues: IssueCollector;
  readonly dualStackEnabled: boolean;
}

const defaultPort = 443;
const defaultRoundtripCount = 3;

/** Global with its defaults, plus whether it names a credential source (the reference's rule). */
export interface ResolvedGlobal {
  readonly global: GlobalConfig;
  readonly reader: SectionReader;
  /** Secret name + namespace without a directory, or a directory without name and namespace. */
  readonly secretInfo: boolean;
}

/** Reads `global` / `[Global]`: defaults port 443, soapRoundtripCount 3, ipFamily [ipv4]. */
export function readGlobal(ctx: VcenterContext, raw: RawConfig): ResolvedGlobal {
  const r = new SectionReader(ctx, 'global', raw.global, sectionPath(ctx.format, 'global'));
  for (const key of ['apiDisable', 'apiBinding']) {
    if (r.has(key)) ctx.issues.warn(r.path(key), 'is accepted for compatibility and has no effect');
  }
  const secretName = kubeName(ctx, r, 'secretName', 'secret');
  const secretNamespace = kubeName(ctx, r, 'secretNamespace', 'namespace');
  const secretsDirectory = r.string('secretsDirectory');
  const global: GlobalConfig = {
    user: r.string('user'),
    password: r.string('password'),
    server: r.string('server'),
    port: r.port('port') ?? defaultPort,
    insecure: r.bool('insecureFlag') ?? false,
    datacenters: r.list('datacenters') ?? [],
    soapRoundtripCount: r.count('soapRoundtripCount') ?? defaultRoundtripCount,
    caFile: r.string('caFile'),
    thumbprint: thumbprint(ctx, r),
    secretName,
    secretNamespace,
    secretsDirectory,
    ipFamilies: r.ipFamilies('ipFamily') ?? ['ipv4'],
  };
  const named = secretName !== undefined && secretNamespace !== undefined;
  const secretInfo =
    (named && secretsDirectory === undefined) ||
    (secretName === undefined && secretNamespace === undefined && secretsDirectory !== undefined);
  warnHalfSecret(ctx, r, secretName, secretNamespace, 'no Global Secret is used');
  if (named && secretsDirectory !== undefined) {
    ctx.issues.warn(
      r.path('secretsDirectory'),
      `is set together with ${r.name('secretName')} and ${r.name('secretNamespace')}; as in the Go CPI neither is then used and inline credentials are required: keep only one`,
    );
  }
  return { global, reader: r, secretInfo };
}

/**
 * Resolves every vCenter: the configured ones plus the deprecated `global.server` one, with
 * inheritance from Global (port, datacenters, roundtrip count, CA, thumbprint, IP families;
 * insecure OR-ed), the credential rules and SecretRef of the reference, and the dual-stack gate.
 */
export function readVcenters(
  ctx: VcenterContext,
  raw: RawConfig,
  g: ResolvedGlobal,
): Map<string, VCenterConfig> {
  const sections = new Map(raw.vcenters);
  const server = g.global.server;
  if (server !== undefined) {
    const where = ctx.format === 'yaml' ? 'under vcenter' : `as [VirtualCenter "${server}"]`;
    ctx.issues.warn(g.reader.path('server'), `is deprecated: define the vCenter ${where} instead`);
    if (!sections.has(server) && raw.global !== undefined)
      sections.set(server, deprecatedVcenter(raw.global));
  }
  const out = new Map<string, VCenterConfig>();
  if (sections.size === 0) {
    ctx.issues.error(
      sectionPath(ctx.format, 'vcenter'),
      'No Virtual Center hosts defined' +
        (ctx.format === 'yaml' ? ' (add vcenter.<name>.server)' : ' (add [VirtualCenter "<host>"])'),
    );
    return out;
  }
  for (const [tenantRef, section] of sections) {
    const vc = resolveVcenter(ctx, tenantRef, section, g, section.path === g.reader.sectionPath);
    if (vc !== undefined) out.set(tenantRef, vc);
  }
  return out;
}

/** The Go CPI copies Global's values into the vCenter that `global.server` names. */
function deprecatedVcenter(global: RawSection): RawSection {
  const keys = new Set(sectionSpec('vcenter').fields.map((f) => f.key));
  return {
    path: global.path,
    entries: new Map([...global.entries].filter(([k]) => keys.has(k))),
    unknownKeys: 0,
  };
}

function resolveVcenter(
  ctx: VcenterContext,
  tenantRef: string,
  section: RawSection,
  g: ResolvedGlobal,
  fromGlobal: boolean,
): VCenterConfig | undefined {
  const r = new SectionReader(ctx, 'vcenter', section, section.path);
  const global = g.global;
  const server = serverOf(ctx, r, tenantRef);
  const secretName = kubeName(ctx, r, 'secretName', 'secret');
  const secretNamespace = kubeName(ctx, r, 'secretNamespace', 'namespace');
  if (!fromGlobal)
    warnHalfSecret(ctx, r, secretName, secretNamespace, "this vCenter's own Secret is not used");
  const { user, password, secretRef } = credentials(ctx, r, g, { secretName, secretNamespace });
  const ipFamilies = r.ipFamilies('ipFamily') ?? global.ipFamilies;
  if (ipFamilies.length > 1 && !ctx.dualStackEnabled) {
    ctx.issues.error(
      r.has('ipFamily') ? r.path('ipFamily') : g.reader.path('ipFamily'),
      `mulitple IP families specified for virtual center ${JSON.stringify(tenantRef)} but ENABLE_ALPHA_DUAL_STACK env var is not set`,
    );
  }
  const vc: VCenterConfig = {
    tenantRef,
    server: server ?? '',
    port: r.port('port') ?? global.port,
    user,
    password,
    insecure: (r.bool('insecureFlag') ?? false) || global.insecure,
    caFile: r.string('caFile') ?? global.caFile,
    thumbprint: thumbprint(ctx, r) ?? global.thumbprint,
    datacenters: r.list('datacenters') ?? global.datacenters,
    ipFamilies,
    soapRoundtripCount: r.count('soapRoundtripCount') ?? global.soapRoundtripCount,
    secretRef,
  };
  return server === undefined ? undefined : vc;
}

/**
 * The reference's credential rule: with neither a Global credential source nor a vCenter Secret,
 * user and password must resolve (vCenter, then Global); else the vCenter's own Secret
 * (`ns/name`) or the Global source is its SecretRef, and only its own inline values are kept.
 */
function credentials(
  ctx: VcenterContext,
  r: SectionReader,
  g: ResolvedGlobal,
  secret: { readonly secretName: string | undefined; readonly secretNamespace: string | undefined },
): { user: string | undefined; password: string | undefined; secretRef: SecretRef | undefined } {
  const user = r.string('user');
  const password = r.string('password');
  const { secretName: name, secretNamespace: namespace } = secret;
  if (name !== undefined && namespace !== undefined) {
    return { user, password, secretRef: { kind: 'secret', namespace, name } };
  }
  if (g.secretInfo) return { user, password, secretRef: { kind: 'global' } };
  const hint = `set ${r.name('user')}/${r.name('password')} here or in ${g.reader.sectionPath}, or name a credentials Secret (${r.name('secretName')} and ${r.name('secretNamespace')})`;
  const resolved = {
    user: user ?? g.global.user,
    password: password ?? g.global.password,
    secretRef: undefined,
  };
  if (resolved.user === undefined) ctx.issues.error(r.path('user'), `Username is missing: ${hint}`);
  if (resolved.password === undefined) ctx.issues.error(r.path('password'), `Password is missing: ${hint}`);
  return resolved;
}

/** YAML needs `server`; in INI the section name is the server when `server` is absent. */
function serverOf(ctx: VcenterContext, r: SectionReader, tenantRef: string): string | undefined {
  const server = r.string('server') ?? (ctx.format === 'ini' && tenantRef !== '' ? tenantRef : undefined);
  if (server === undefined) {
    const fix =
      ctx.format === 'yaml'
        ? 'add server: <host>'
        : 'name the section [VirtualCenter "<host>"] or set server';
    ctx.issues.error(
      ctx.format === 'yaml' || r.has('server') ? r.path('server') : r.sectionPath,
      `vsphere.conf does not have the VirtualCenter IP address specified (${fix})`,
    );
    return undefined;
  }
  const problem = hostProblem(server);
  if (problem !== undefined) {
    ctx.issues.error(
      r.has('server') ? r.path('server') : r.sectionPath,
      `not a host name or IP address ${JSON.stringify(server)}: ${problem}`,
    );
  }
  return server;
}

function hostProblem(server: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(server)) return 'give only the host, not a URL (the port goes in port)';
  if (server.startsWith('[') && server.endsWith(']')) return 'write an IPv6 address without brackets';
  if (isIP(server) !== 0) return undefined;
  if (server.includes(':')) return 'give only the host (the port goes in port)';
  if (!/^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/.test(server))
    return 'only letters, digits, ".", "-" and "_" are allowed';
  return undefined;
}

function thumbprint(ctx: VcenterContext, r: SectionReader): string | undefined {
  const text = r.string('thumbprint');
  if (text === undefined) return undefined;
  try {
    parseThumbprint(text);
  } catch (err) {
    if (!(err instanceof InvalidThumbprintError)) throw err;
    ctx.issues.error(r.path('thumbprint'), err.message);
  }
  return text;
}

function kubeName(
  ctx: VcenterContext,
  r: SectionReader,
  key: string,
  kind: 'namespace' | 'secret',
): string | undefined {
  const value = r.string(key);
  const problem = value === undefined ? undefined : kubeNameProblem(kind, value);
  if (problem !== undefined) ctx.issues.error(r.path(key), problem);
  return value;
}

function warnHalfSecret(
  ctx: VcenterContext,
  r: SectionReader,
  name: string | undefined,
  namespace: string | undefined,
  consequence: string,
): void {
  if ((name === undefined) === (namespace === undefined)) return;
  const [set, missing] =
    name === undefined ? ['secretNamespace', 'secretName'] : ['secretName', 'secretNamespace'];
  ctx.issues.warn(r.path(set), `is set without ${r.name(missing)}; both are needed, so ${consequence}`);
}
