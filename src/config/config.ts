// SPDX-License-Identifier: Apache-2.0
/**
 * The canonical, validated cloud configuration: what `--cloud-config` (YAML or legacy INI) means
 * after defaults, inheritance from Global and environment overrides. Types only, no I/O.
 *
 * Every consumer (connection pool, credentials, provider, `config validate`) reads this shape; the
 * two file formats are only input syntaxes for it.
 */

export type IpFamily = 'ipv4' | 'ipv6';

/**
 * Where a vCenter's credentials come from besides inline user/password (which are tried first):
 * - `global`: the Global Secret (`global.secretName`/`secretNamespace`) or the secrets directory;
 * - `secret`: this vCenter's own Secret `namespace/name`.
 */
export type SecretRef = { readonly kind: 'global' } | { readonly kind: 'secret'; readonly namespace: string; readonly name: string };

export interface GlobalConfig {
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** Deprecated single-vCenter form; it has already produced a `vcenters` entry when set. */
  readonly server: string | undefined;
  readonly port: number;
  readonly insecure: boolean;
  readonly datacenters: readonly string[];
  readonly soapRoundtripCount: number;
  readonly caFile: string | undefined;
  readonly thumbprint: string | undefined;
  readonly secretName: string | undefined;
  readonly secretNamespace: string | undefined;
  readonly secretsDirectory: string | undefined;
  readonly ipFamilies: readonly IpFamily[];
}

export interface VCenterConfig {
  /** The connection key: the YAML map key or the INI section name. */
  readonly tenantRef: string;
  /** Host name or IP (IPv6 without brackets); also the key for Secret lookups. */
  readonly server: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** OR of Global and this vCenter: a vCenter cannot turn verification back on. */
  readonly insecure: boolean;
  readonly caFile: string | undefined;
  readonly thumbprint: string | undefined;
  /** Names, inventory paths or `Datacenter:<moid>`; empty means every datacenter. */
  readonly datacenters: readonly string[];
  readonly ipFamilies: readonly IpFamily[];
  readonly soapRoundtripCount: number;
  readonly secretRef: SecretRef | undefined;
}

export interface LabelsConfig {
  /** Tag category whose tag names are zones; zones are computed only when both are set. */
  readonly zone: string | undefined;
  readonly region: string | undefined;
}

export interface NodesConfig {
  readonly internalNetworkSubnetCidrs: readonly string[];
  readonly externalNetworkSubnetCidrs: readonly string[];
  readonly internalVmNetworkName: string | undefined;
  readonly externalVmNetworkName: string | undefined;
  readonly excludeInternalNetworkSubnetCidrs: readonly string[];
  readonly excludeExternalNetworkSubnetCidrs: readonly string[];
}

/** A problem or a note found while loading, always with the key path it concerns. */
export interface ConfigIssue {
  /** e.g. `vcenter.prod.port`, `[VirtualCenter "10.0.0.1"] port`, `env VCENTER_1_PORT`. */
  readonly path: string;
  readonly message: string;
}
