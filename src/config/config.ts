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
export type SecretRef =
  | { readonly kind: 'global' }
  | { readonly kind: 'secret'; readonly namespace: string; readonly name: string };

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

/** NSX-T Manager connection (`nsxt` / `[NSXT]`), shared by the load balancer and routes. */
export interface NsxtConfig {
  /** Host, optionally with `:port`; the API base is `https://<host>`. */
  readonly host: string;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly insecure: boolean;
  /** Send `Authorization: Remote …` instead of `Basic …` (vIDM users). */
  readonly remoteAuth: boolean;
  /** Secret with keys `username`/`password`, watched live; both name and namespace are set or neither. */
  readonly secretName: string | undefined;
  readonly secretNamespace: string | undefined;
  /** VMC refresh token, exchanged at `https://<vmcAuthHost>` for an access token. */
  readonly vmcAccessToken: string | undefined;
  readonly vmcAuthHost: string | undefined;
  readonly clientAuthCertFile: string | undefined;
  readonly clientAuthKeyFile: string | undefined;
  readonly caFile: string | undefined;
}

/** NSX-T LB service sizes. */
export type LoadBalancerSize = 'SMALL' | 'MEDIUM' | 'LARGE' | 'XLARGE' | 'DLB';

/**
 * One load balancer class after inheritance: each pair (IP pool, TCP profile, UDP profile) that a
 * class leaves empty comes as a whole from the `default` class, which itself defaults from the
 * `loadBalancer` section. Of a pair, the ID/path wins over the name when both are set.
 */
export interface LoadBalancerClassConfig {
  readonly name: string;
  readonly ipPoolName: string | undefined;
  readonly ipPoolId: string | undefined;
  readonly tcpAppProfileName: string | undefined;
  readonly tcpAppProfilePath: string | undefined;
  readonly udpAppProfileName: string | undefined;
  readonly udpAppProfilePath: string | undefined;
}

/** The NSX-T load balancer (`loadBalancer` / `[LoadBalancer]`); present only when configured. */
export interface LoadBalancerConfig {
  readonly size: LoadBalancerSize;
  /** Unmanaged mode: use this existing LB service, never create or delete it. */
  readonly lbServiceId: string | undefined;
  /** Managed mode: create the LB service on this tier-1 gateway. At least one of the two is set. */
  readonly tier1GatewayPath: string | undefined;
  readonly snatDisabled: boolean;
  /** Extra NSX-T tags on every object; scope `owner` replaces the owner tag. */
  readonly tags: Readonly<Record<string, string>>;
}

/** NSX-T routes for pod CIDRs (`route` / `[Route]`). */
export interface RouteConfig {
  /** Policy path of the tier-1 gateway that receives the static routes. */
  readonly routerPath: string;
}

/** Which syntax the file was written in. */
export type ConfigFormat = 'yaml' | 'ini';

/**
 * The whole validated cloud configuration. Optional feature sections are `undefined` when absent;
 * when present they are complete and valid (a malformed section never loads).
 */
export interface CloudConfig {
  readonly format: ConfigFormat;
  readonly global: GlobalConfig;
  /** Keyed by tenantRef, in file order; never empty. */
  readonly vcenters: ReadonlyMap<string, VCenterConfig>;
  readonly labels: LabelsConfig;
  readonly nodes: NodesConfig;
  readonly nsxt: NsxtConfig | undefined;
  readonly loadBalancer: LoadBalancerConfig | undefined;
  /** Every class after inheritance, `default` included, whenever `loadBalancer` is set; else empty. */
  readonly loadBalancerClasses: ReadonlyMap<string, LoadBalancerClassConfig>;
  readonly route: RouteConfig | undefined;
}
