// SPDX-License-Identifier: Apache-2.0
import type { ConfigIssue } from './config.ts';
import { fieldSpec, sectionPath, type SectionId } from './config-keys.ts';
import { commaList, stringScalar, type RawConfig, type RawEntry, type RawSection } from './raw-config.ts';

/** The process environment, or any stand-in for it. */
export type Env = Readonly<Record<string, string | undefined>>;

type Target = readonly [env: string, section: 'global' | 'labels' | 'nodes', key: string];

const sectionTargets: readonly Target[] = [
  ['VSPHERE_VCENTER', 'global', 'server'],
  ['VSPHERE_VCENTER_PORT', 'global', 'port'],
  ['VSPHERE_USER', 'global', 'user'],
  ['VSPHERE_PASSWORD', 'global', 'password'],
  ['VSPHERE_DATACENTER', 'global', 'datacenters'],
  ['VSPHERE_SECRET_NAME', 'global', 'secretName'],
  ['VSPHERE_SECRET_NAMESPACE', 'global', 'secretNamespace'],
  ['VSPHERE_ROUNDTRIP_COUNT', 'global', 'soapRoundtripCount'],
  ['VSPHERE_INSECURE', 'global', 'insecureFlag'],
  ['VSPHERE_SECRETS_DIRECTORY', 'global', 'secretsDirectory'],
  ['VSPHERE_CAFILE', 'global', 'caFile'],
  ['VSPHERE_THUMBPRINT', 'global', 'thumbprint'],
  ['VSPHERE_LABEL_REGION', 'labels', 'region'],
  ['VSPHERE_LABEL_ZONE', 'labels', 'zone'],
  ['VSPHERE_NODES_INTERNAL_NETWORK_SUBNET_CIDR', 'nodes', 'internalNetworkSubnetCidr'],
  ['VSPHERE_NODES_EXTERNAL_NETWORK_SUBNET_CIDR', 'nodes', 'externalNetworkSubnetCidr'],
  ['VSPHERE_NODES_INTERNAL_VM_NETWORK_NAME', 'nodes', 'internalVmNetworkName'],
  ['VSPHERE_NODES_EXTERNAL_VM_NETWORK_NAME', 'nodes', 'externalVmNetworkName'],
];

/** `VCENTER_<ID>_<suffix>` → key of the vCenter named by `VSPHERE_VCENTER_<ID>`. */
const vcenterSuffixes: readonly (readonly [suffix: string, key: string])[] = [
  ['USERNAME', 'user'],
  ['PASSWORD', 'password'],
  ['SERVER', 'server'],
  ['PORT', 'port'],
  ['INSECURE', 'insecureFlag'],
  ['DATACENTERS', 'datacenters'],
  ['ROUNDTRIP', 'soapRoundtripCount'],
  ['CAFILE', 'caFile'],
  ['THUMBPRINT', 'thumbprint'],
  ['SECRET_NAME', 'secretName'],
  ['SECRET_NAMESPACE', 'secretNamespace'],
  ['IP_FAMILY', 'ipFamily'],
];

const nsxtTargets: readonly (readonly [env: string, key: string])[] = [
  ['NSXT_MANAGER_HOST', 'host'],
  ['NSXT_USERNAME', 'user'],
  ['NSXT_PASSWORD', 'password'],
  ['NSXT_ALLOW_UNVERIFIED_SSL', 'insecureFlag'],
  ['NSXT_CLIENT_AUTH_CERT_FILE', 'clientAuthCertFile'],
  ['NSXT_CLIENT_AUTH_KEY_FILE', 'clientAuthKeyFile'],
  ['NSXT_CA_FILE', 'caFile'],
  ['NSXT_SECRET_NAME', 'secretName'],
  ['NSXT_SECRET_NAMESPACE', 'secretNamespace'],
];

/**
 * Applies the Go CPI's environment overrides to a raw config, before validation, so that env
 * values are validated like file values (a bad one is reported as `env VCENTER_1_PORT: …`) and
 * inherited from Global like them. Empty variables count as unset.
 *
 * Differences from the reference, on purpose: the per-vCenter INSECURE, ROUNDTRIP and IP_FAMILY
 * variables apply when set (the reference applies them only when absent); `VSPHERE_VCENTER_PORT`
 * is the Global port and never a vCenter; `VSPHERE_VCENTER` (Global server) defines the vCenter
 * like `global.server` does; a vCenter named by `VSPHERE_VCENTER_<ID>` that the file already has
 * keeps its file values except those given in the environment; values may contain `=`.
 * `NSXT_*` create the NSX-T section only together with `NSXT_MANAGER_HOST` (or a file section).
 * Variables that have no effect are reported as warnings.
 */
export function applyEnvOverrides(raw: RawConfig, env: Env): RawConfig {
  const warnings: ConfigIssue[] = [...raw.warnings];
  const sections: Record<'global' | 'labels' | 'nodes', RawSection | undefined> = {
    global: raw.global,
    labels: raw.labels,
    nodes: raw.nodes,
  };
  for (const [name, section, key] of sectionTargets) {
    const value = env[name];
    if (isSet(value))
      sections[section] = withEntry(raw, sections[section], { id: section, key, name, value });
  }
  const nsxt = nsxtOverrides(raw, env, warnings);
  const { vcenters, used } = vcenterOverrides(raw, env);
  const suffixPattern = new RegExp(`^VCENTER_(.+)_(${vcenterSuffixes.map(([s]) => s).join('|')})$`);
  for (const name of Object.keys(env).sort()) {
    const m = suffixPattern.exec(name);
    if (m === null || used.has(name) || !isSet(env[name])) continue;
    warnings.push({ path: `env ${name}`, message: `is ignored: VSPHERE_VCENTER_${m[1] ?? ''} is not set` });
  }
  return { ...raw, ...sections, nsxt, vcenters, warnings };
}

function isSet(v: string | undefined): v is string {
  return v !== undefined && v !== '';
}

function nsxtOverrides(raw: RawConfig, env: Env, warnings: ConfigIssue[]): RawSection | undefined {
  let nsxt = raw.nsxt;
  const enabled = nsxt !== undefined || isSet(env.NSXT_MANAGER_HOST);
  for (const [name, key] of nsxtTargets) {
    const value = env[name];
    if (!isSet(value)) continue;
    if (enabled) nsxt = withEntry(raw, nsxt, { id: 'nsxt', key, name, value });
    else
      warnings.push({
        path: `env ${name}`,
        message: 'is ignored: there is no nsxt section and no NSXT_MANAGER_HOST',
      });
  }
  return nsxt;
}

/** `VSPHERE_VCENTER_<ID>=<tenantRef>` groups; returns the vCenters and the variables used. */
function vcenterOverrides(
  raw: RawConfig,
  env: Env,
): { vcenters: Map<string, RawSection>; used: Set<string> } {
  const vcenters = new Map(raw.vcenters);
  const used = new Set<string>();
  for (const name of Object.keys(env).sort()) {
    const tenantRef = env[name];
    const id = /^VSPHERE_VCENTER_(.+)$/.exec(name)?.[1];
    if (id === undefined || name === 'VSPHERE_VCENTER_PORT' || !isSet(tenantRef)) continue;
    const existing = vcenters.get(tenantRef);
    const entries = new Map<string, RawEntry>(existing?.entries ?? []);
    if (existing === undefined)
      entries.set('server', { path: `env ${name}`, value: stringScalar(tenantRef) });
    for (const [suffix, key] of vcenterSuffixes) {
      const varName = `VCENTER_${id}_${suffix}`;
      const value = env[varName];
      if (!isSet(value)) continue;
      used.add(varName);
      entries.set(key, envEntry({ id: 'vcenter', key, name: varName, value }));
    }
    vcenters.set(tenantRef, {
      path: existing?.path ?? `env ${name}`,
      entries,
      unknownKeys: existing?.unknownKeys ?? 0,
    });
  }
  return { vcenters, used };
}

interface EnvValue {
  readonly id: SectionId;
  readonly key: string;
  readonly name: string;
  readonly value: string;
}

function withEntry(raw: RawConfig, section: RawSection | undefined, v: EnvValue): RawSection {
  const entries = new Map(section?.entries ?? []);
  entries.set(v.key, envEntry(v));
  return {
    path: section?.path ?? sectionPath(raw.format, v.id),
    entries,
    unknownKeys: section?.unknownKeys ?? 0,
  };
}

function envEntry(v: EnvValue): RawEntry {
  const list = fieldSpec(v.id, v.key)?.kind === 'list';
  return { path: `env ${v.name}`, value: list ? commaList(v.value) : stringScalar(v.value) };
}
