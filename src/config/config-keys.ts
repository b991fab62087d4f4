// SPDX-License-Identifier: Apache-2.0
import type { ConfigFormat } from './config.ts';

/**
 * Every section and key of the cloud config in both syntaxes: YAML camelCase (case-sensitive) and
 * legacy INI kebab-case (case-insensitive, gcfg). The table is the single source of both parsers,
 * of key suggestions and of paths in messages.
 */

/**
 * How a value is read: `string`; `bool`; `port` (1–65535, 0 = unset); `count` (unsigned, 0 =
 * unset); `list` (YAML sequence, INI comma string); `cidrs` (comma string, YAML also a sequence);
 * `tags` (YAML map, INI JSON object); `unused` (accepted for compatibility, has no effect).
 */
export type FieldKind = 'string' | 'bool' | 'port' | 'count' | 'list' | 'cidrs' | 'tags' | 'unused';

/** One key of a section, named in both syntaxes. */
export interface FieldSpec {
  /** The YAML key, also the canonical key of raw entries. */
  readonly key: string;
  /** The INI variable name, lower-case. */
  readonly ini: string;
  readonly kind: FieldKind;
}

/** Canonical section names (the YAML top-level keys). */
export type SectionId =
  'global' | 'vcenter' | 'labels' | 'nodes' | 'nsxt' | 'loadBalancer' | 'loadBalancerClass' | 'route';

/** One section: its names in both syntaxes and its keys. */
export interface SectionSpec {
  readonly id: SectionId;
  /** Top-level YAML key. */
  readonly yaml: string;
  /** INI section name as documented (matched case-insensitively). */
  readonly ini: string;
  /** A map of named entries (`vcenter.<tenantRef>`, `[VirtualCenter "<name>"]`). */
  readonly named: boolean;
  readonly fields: readonly FieldSpec[];
}

const f = (key: string, ini: string, kind: FieldKind): FieldSpec => ({ key, ini, kind });

const vcenterFields: readonly FieldSpec[] = [
  f('user', 'user', 'string'),
  f('password', 'password', 'string'),
  f('server', 'server', 'string'),
  f('port', 'port', 'port'),
  f('insecureFlag', 'insecure-flag', 'bool'),
  f('datacenters', 'datacenters', 'list'),
  f('soapRoundtripCount', 'soap-roundtrip-count', 'count'),
  f('caFile', 'ca-file', 'string'),
  f('thumbprint', 'thumbprint', 'string'),
  f('secretName', 'secret-name', 'string'),
  f('secretNamespace', 'secret-namespace', 'string'),
  f('ipFamily', 'ip-family', 'list'),
];

const classFields: readonly FieldSpec[] = [
  f('ipPoolName', 'ip-pool-name', 'string'),
  f('ipPoolId', 'ip-pool-id', 'string'),
  f('tcpAppProfileName', 'tcp-app-profile-name', 'string'),
  f('tcpAppProfilePath', 'tcp-app-profile-path', 'string'),
  f('udpAppProfileName', 'udp-app-profile-name', 'string'),
  f('udpAppProfilePath', 'udp-app-profile-path', 'string'),
];

/** All sections, in the order the documentation lists them. */
export const sectionSpecs: readonly SectionSpec[] = [
  {
    id: 'global',
    yaml: 'global',
    ini: 'Global',
    named: false,
    fields: [
      ...vcenterFields,
      f('secretsDirectory', 'secrets-directory', 'string'),
      f('apiDisable', 'api-disable', 'unused'),
      f('apiBinding', 'api-binding', 'unused'),
    ],
  },
  { id: 'vcenter', yaml: 'vcenter', ini: 'VirtualCenter', named: true, fields: vcenterFields },
  {
    id: 'labels',
    yaml: 'labels',
    ini: 'Labels',
    named: false,
    fields: [f('zone', 'zone', 'string'), f('region', 'region', 'string')],
  },
  {
    id: 'nodes',
    yaml: 'nodes',
    ini: 'Nodes',
    named: false,
    fields: [
      f('internalNetworkSubnetCidr', 'internal-network-subnet-cidr', 'cidrs'),
      f('externalNetworkSubnetCidr', 'external-network-subnet-cidr', 'cidrs'),
      f('internalVmNetworkName', 'internal-vm-network-name', 'string'),
      f('externalVmNetworkName', 'external-vm-network-name', 'string'),
      f('excludeInternalNetworkSubnetCidr', 'exclude-internal-network-subnet-cidr', 'cidrs'),
      f('excludeExternalNetworkSubnetCidr', 'exclude-external-network-subnet-cidr', 'cidrs'),
    ],
  },
  {
    id: 'nsxt',
    yaml: 'nsxt',
    ini: 'NSXT',
    named: false,
    fields: [
      f('host', 'host', 'string'),
      f('user', 'user', 'string'),
      f('password', 'password', 'string'),
      f('insecureFlag', 'insecure-flag', 'bool'),
      f('remoteAuth', 'remote-auth', 'bool'),
      f('secretName', 'secret-name', 'string'),
      f('secretNamespace', 'secret-namespace', 'string'),
      f('vmcAccessToken', 'vmc-access-token', 'string'),
      f('vmcAuthHost', 'vmc-auth-host', 'string'),
      f('clientAuthCertFile', 'client-auth-cert-file', 'string'),
      f('clientAuthKeyFile', 'client-auth-key-file', 'string'),
      f('caFile', 'ca-file', 'string'),
    ],
  },
  {
    id: 'loadBalancer',
    yaml: 'loadBalancer',
    ini: 'LoadBalancer',
    named: false,
    fields: [
      f('size', 'size', 'string'),
      f('lbServiceId', 'lb-service-id', 'string'),
      f('tier1GatewayPath', 'tier1-gateway-path', 'string'),
      f('snatDisabled', 'snat-disabled', 'bool'),
      f('tags', 'tags', 'tags'),
      ...classFields,
    ],
  },
  {
    id: 'loadBalancerClass',
    yaml: 'loadBalancerClass',
    ini: 'LoadBalancerClass',
    named: true,
    fields: classFields,
  },
  {
    id: 'route',
    yaml: 'route',
    ini: 'Route',
    named: false,
    fields: [f('routerPath', 'router-path', 'string')],
  },
];

/** In-tree vSphere provider (VCP) INI sections: accepted, with a warning that they do nothing. */
export const legacyIniSections: readonly string[] = ['Workspace', 'Disk', 'Network'];

/** `[Global]` keys of the in-tree provider and old examples that have no effect here. */
export const legacyGlobalIniKeys: readonly string[] = [
  'working-dir',
  'vm-uuid',
  'vm-name',
  'datacenter',
  'datastore',
  'service-account',
];

/** YAML keys under `vcenter.<x>` that Go's yaml.v2 exposes from internal fields; never settable. */
export const computedVcenterYamlKeys: readonly string[] = ['tenantref', 'secretref'];

/** The section spec of `id`. */
export function sectionSpec(id: SectionId): SectionSpec {
  const spec = sectionSpecs.find((s) => s.id === id);
  if (spec === undefined) throw new Error(`unknown section ${id}`);
  return spec;
}

/** The field spec of canonical `key` in section `id`, or `undefined`. */
export function fieldSpec(id: SectionId, key: string): FieldSpec | undefined {
  return sectionSpec(id).fields.find((x) => x.key === key);
}

/** How a section is named in messages: `vcenter.prod`, `[VirtualCenter "prod"]`, `global`, `[Global]`. */
export function sectionPath(format: ConfigFormat, id: SectionId, name?: string): string {
  const spec = sectionSpec(id);
  if (format === 'yaml') return name === undefined ? spec.yaml : `${spec.yaml}.${name}`;
  if (name === undefined) return `[${spec.ini}]`;
  return `[${spec.ini} "${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"]`;
}

/** How a key of a section is named in messages: `vcenter.prod.port`, `[VirtualCenter "prod"] port`. */
export function keyPath(format: ConfigFormat, section: string, id: SectionId, key: string): string {
  if (format === 'yaml') return `${section}.${key}`;
  return `${section} ${fieldSpec(id, key)?.ini ?? key}`;
}

/** The name of `key` of section `id` in `format`, for hints in messages. */
export function keyName(format: ConfigFormat, id: SectionId, key: string): string {
  return format === 'yaml' ? key : (fieldSpec(id, key)?.ini ?? key);
}
