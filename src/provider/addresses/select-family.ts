// SPDX-License-Identifier: Apache-2.0
import type { IpFamily } from '../../config/config.ts';
import { goCidrContains, isGoIpv4, type GoCidr, type GoIp } from './go-ip.ts';
import { equalFold } from './go-strings.ts';

/** One usable guest IP (already free of loopback, link-local, ... addresses), in selection order. */
export interface Candidate {
  /** As VMware Tools reported it; this exact text is what gets published. */
  readonly ip: string;
  readonly parsed: GoIp;
  /** vSphere network (port group) name of the NIC; undefined when unknown. */
  readonly network: string | undefined;
}

/** The `nodes` options with the CIDR lists parsed. */
export interface AddressPolicy {
  readonly internalSubnets: readonly GoCidr[];
  readonly externalSubnets: readonly GoCidr[];
  readonly excludeInternal: readonly GoCidr[];
  readonly excludeExternal: readonly GoCidr[];
  readonly internalNetwork: string | undefined;
  readonly externalNetwork: string | undefined;
}

/** Why an address was picked for a role. */
export type PickRule =
  | { readonly kind: 'subnet'; readonly cidr: string }
  | { readonly kind: 'network'; readonly name: string }
  | { readonly kind: 'default' };

export interface Pick {
  readonly candidate: Candidate;
  readonly rule: PickRule;
}

/** What one IP family yielded, with the facts an explanation needs. */
export interface FamilySelection {
  readonly family: IpFamily;
  readonly members: readonly Candidate[];
  readonly internal: Pick | undefined;
  readonly external: Pick | undefined;
  /** Candidates barred from a role, with the exclusion CIDR that barred them. */
  readonly excludedInternal: ReadonlyMap<Candidate, string>;
  readonly excludedExternal: ReadonlyMap<Candidate, string>;
}

/**
 * Picks the InternalIP and ExternalIP of one family as the reference's `discoverIPs` does:
 * exclusion CIDRs first (per role); then the first candidate inside the first configured subnet
 * that contains any; then, for a role still empty, the first candidate on the named VM network
 * (case-insensitive); and only when **neither** role was found, the first remaining candidate for
 * each. If only one role was found, the other stays empty.
 */
export function selectFamily(
  candidates: readonly Candidate[],
  family: IpFamily,
  policy: AddressPolicy,
): FamilySelection {
  const members = candidates.filter((c) => isGoIpv4(c.parsed) === (family === 'ipv4'));
  const excludedInternal = exclusions(members, policy.excludeInternal);
  const excludedExternal = exclusions(members, policy.excludeExternal);
  const forInternal = members.filter((c) => !excludedInternal.has(c));
  const forExternal = members.filter((c) => !excludedExternal.has(c));
  const none = {
    family,
    members,
    internal: undefined,
    external: undefined,
    excludedInternal,
    excludedExternal,
  };
  if (forInternal.length === 0 && forExternal.length === 0) return none;

  let internal =
    bySubnet(forInternal, policy.internalSubnets) ?? byNetwork(forInternal, policy.internalNetwork);
  let external =
    bySubnet(forExternal, policy.externalSubnets) ?? byNetwork(forExternal, policy.externalNetwork);
  if (internal === undefined && external === undefined) {
    internal = byDefault(forInternal);
    external = byDefault(forExternal);
  }
  return { ...none, internal, external };
}

function exclusions(members: readonly Candidate[], cidrs: readonly GoCidr[]): Map<Candidate, string> {
  const out = new Map<Candidate, string>();
  for (const c of members) {
    const hit = cidrs.find((cidr) => goCidrContains(cidr, c.parsed));
    if (hit !== undefined) out.set(c, hit.text);
  }
  return out;
}

function bySubnet(candidates: readonly Candidate[], subnets: readonly GoCidr[]): Pick | undefined {
  for (const cidr of subnets) {
    const candidate = candidates.find((c) => goCidrContains(cidr, c.parsed));
    if (candidate !== undefined) return { candidate, rule: { kind: 'subnet', cidr: cidr.text } };
  }
  return undefined;
}

function byNetwork(candidates: readonly Candidate[], name: string | undefined): Pick | undefined {
  if (name === undefined || name === '') return undefined;
  const candidate = candidates.find((c) => c.network !== undefined && equalFold(c.network, name));
  return candidate === undefined ? undefined : { candidate, rule: { kind: 'network', name } };
}

function byDefault(candidates: readonly Candidate[]): Pick | undefined {
  const candidate = candidates[0];
  return candidate === undefined ? undefined : { candidate, rule: { kind: 'default' } };
}
