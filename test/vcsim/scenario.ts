// SPDX-License-Identifier: Apache-2.0
// Types for the simulator harness's scenario files; test/vcsim/README.md is the reference.

/** The only user name and password Login and the REST session accept. */
export interface ScenarioCredentials {
  readonly username: string;
  readonly password: string;
}

/** One NIC: a virtual device and what the guest reports for it; deviceConfigId -1 = guest-only. */
export interface ScenarioNic {
  readonly network?: string;
  readonly deviceConfigId?: number;
  /** Addresses, optionally with a prefix length ("10.0.0.11/24"; default /24). */
  readonly ipv4?: readonly string[];
  /** Addresses, optionally with a prefix length (default /64). */
  readonly ipv6?: readonly string[];
  readonly mac?: string;
  readonly connected?: boolean;
}

export type ScenarioPowerState = 'poweredOn' | 'poweredOff' | 'suspended';

/** One virtual machine; placement is by cluster (and optionally host) or by standalone host. */
export interface ScenarioVm {
  readonly name: string;
  readonly datacenter: string;
  readonly cluster?: string;
  readonly host?: string;
  readonly folder?: string;
  readonly resourcePool?: string;
  readonly biosUuid?: string;
  readonly instanceUuid?: string;
  readonly numCpu?: number;
  readonly memoryMB?: number;
  readonly guestId?: string;
  readonly powerState?: ScenarioPowerState;
  readonly hostName?: string;
  /** Overrides guest.ipAddress, which otherwise is the first IPv4 (else IPv6) address. */
  readonly ipAddress?: string;
  /** false = VMware Tools not running: no guest.net, hostName or ipAddress. */
  readonly guestInfo?: boolean;
  readonly nics?: readonly ScenarioNic[];
  readonly extraConfig?: Readonly<Record<string, string>>;
}

export interface ScenarioCluster {
  readonly name: string;
  readonly hosts?: readonly string[];
  /** "a/b" paths under the cluster's root pool. */
  readonly resourcePools?: readonly string[];
}

export interface ScenarioDatacenter {
  readonly name: string;
  /** "a/b" folder path under the root folder holding the datacenter. */
  readonly folder?: string;
  /** "a/b" folder paths under the datacenter's vm folder. */
  readonly folders?: readonly string[];
  readonly clusters?: readonly ScenarioCluster[];
  /** Standalone hosts. */
  readonly hosts?: readonly string[];
  readonly networks?: readonly string[];
}

/** Many look-alike VMs with deterministic identities; see {@link generatedVm}. */
export interface ScenarioGenerate {
  readonly count: number;
  readonly datacenter: string;
  readonly cluster: string;
  readonly folder?: string;
  readonly resourcePool?: string;
  readonly namePrefix?: string;
  readonly network?: string;
  readonly powerState?: ScenarioPowerState;
  readonly ipv6?: boolean;
}

export type ScenarioObjectKind = 'datacenter' | 'cluster' | 'host' | 'folder' | 'resourcePool' | 'vm';

export interface ScenarioTags {
  readonly categories?: readonly {
    readonly name: string;
    readonly description?: string;
    readonly cardinality?: 'SINGLE' | 'MULTIPLE';
    readonly associableTypes?: readonly string[];
    readonly tags?: readonly string[];
  }[];
  readonly attachments?: readonly {
    readonly category: string;
    readonly tag: string;
    readonly object: {
      readonly kind: ScenarioObjectKind;
      readonly datacenter: string;
      /** Needed for kind resourcePool only. */
      readonly cluster?: string;
      readonly name: string;
    };
  }[];
}

/** A whole scenario, as read by `vcsim-harness --scenario`. */
export interface VcsimScenario {
  readonly credentials: ScenarioCredentials;
  readonly datacenters?: readonly ScenarioDatacenter[];
  readonly vms?: readonly ScenarioVm[];
  readonly generate?: ScenarioGenerate;
  readonly tags?: ScenarioTags;
  /** Page size of RetrievePropertiesEx when the caller sets no maxObjects (0/absent = no paging). */
  readonly retrieveMaxObjects?: number;
  /** Solution users the harness's STS issues SAML tokens for: a name and an RSA certificate. */
  readonly solutionUsers?: readonly { readonly name: string; readonly certificatePem: string }[];
}

/** The identity of one generated VM, as the harness computes it. */
export interface GeneratedVm {
  readonly name: string;
  readonly biosUuid: string;
  readonly instanceUuid: string;
  readonly hostName: string;
  readonly ipv4: string;
  readonly ipv6: string | undefined;
  readonly mac: string;
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/**
 * Predicts the identity of the `index`-th generated VM (1-based, up to `spec.count`), mirroring
 * `generatedVM` in test/vcsim/vms.go; the integration test checks that both agree.
 */
export function generatedVm(spec: ScenarioGenerate, index: number): GeneratedVm {
  if (!Number.isInteger(index) || index < 1 || index > spec.count) {
    throw new RangeError(`generated VM index ${index} is outside 1..${spec.count}`);
  }
  const name = `${spec.namePrefix ?? 'gen-'}${String(index).padStart(5, '0')}`;
  const [b2, b1, b0] = [(index >> 16) & 0xff, (index >> 8) & 0xff, index & 0xff];
  return {
    name,
    biosUuid: `42000000-0000-4000-8000-${hex(index, 12)}`,
    instanceUuid: `50000000-0000-4000-8000-${hex(index, 12)}`,
    hostName: name,
    ipv4: `10.${100 + b2}.${b1}.${b0}`,
    ipv6: spec.ipv6 === true ? `fd00::${hex(index, 1)}` : undefined,
    mac: `00:50:56:${hex(b2, 2)}:${hex(b1, 2)}:${hex(b0, 2)}`,
  };
}
