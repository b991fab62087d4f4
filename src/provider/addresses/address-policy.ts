// SPDX-License-Identifier: Apache-2.0
import type { NodesConfig } from '../../config/config.ts';
import { parseGoCidr, type GoCidr } from './go-ip.ts';
import type { AddressPolicy } from './select-family.ts';

/**
 * Parses the `nodes` CIDR lists (internal, external, exclude-internal, exclude-external, in the
 * reference's order) with Go semantics. Config validation already rejects bad CIDRs; a bad one
 * that still arrives is reported by text, as the reference fails every discovery on it.
 */
export function addressPolicy(
  nodes: NodesConfig | undefined,
): AddressPolicy | { readonly invalidCidr: string } {
  const lists = [
    nodes?.internalNetworkSubnetCidrs,
    nodes?.externalNetworkSubnetCidrs,
    nodes?.excludeInternalNetworkSubnetCidrs,
    nodes?.excludeExternalNetworkSubnetCidrs,
  ];
  const parsed: GoCidr[][] = [];
  for (const list of lists) {
    const cidrs: GoCidr[] = [];
    for (const text of list ?? []) {
      const cidr = parseGoCidr(text);
      if (cidr === undefined) return { invalidCidr: text };
      cidrs.push(cidr);
    }
    parsed.push(cidrs);
  }
  const [internalSubnets = [], externalSubnets = [], excludeInternal = [], excludeExternal = []] = parsed;
  return {
    internalSubnets,
    externalSubnets,
    excludeInternal,
    excludeExternal,
    internalNetwork: nonEmpty(nodes?.internalVmNetworkName),
    externalNetwork: nonEmpty(nodes?.externalVmNetworkName),
  };
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === '' ? undefined : text;
}
