// SPDX-License-Identifier: Apache-2.0
import { isIP } from 'node:net';
import type { NodeAddress } from '../../cloud/instances.ts';
import type { StatusAddress } from './kube-node.ts';
import { ProvidedNodeIpNotFoundError } from './node-sync-errors.ts';
import { PROVIDED_NODE_IP_ANNOTATION } from './well-known.ts';

/** `addresses` without repeated (type, address) pairs, which the API server rejects; first wins. */
export function dedupeAddresses(addresses: readonly NodeAddress[]): NodeAddress[] {
  const seen = new Set<string>();
  return addresses.filter((a) => {
    const key = `${a.type}\u0000${a.address}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Whether both lists hold the same pairs in the same order (order matters: the first InternalIP is used). */
export function sameAddresses(
  current: readonly StatusAddress[] | undefined,
  desired: readonly StatusAddress[],
): boolean {
  const have = current ?? [];
  if (have.length !== desired.length) return false;
  return have.every((a, i) => {
    const d = desired[i];
    return d !== undefined && a.type === d.type && a.address === d.address;
  });
}

/**
 * Applies the kubelet's `--node-ip` (the `provided-node-ip` annotation, comma-separated when
 * dual-stack) to the cloud's addresses: the addresses equal to a provided IP come first, followed
 * by the cloud's other addresses whose type none of those share. Without an annotation (or with
 * only unspecified IPs) the list is returned unchanged.
 *
 * @throws ProvidedNodeIpNotFoundError when a provided IP is not among the cloud's addresses,
 *   since initialising with an address the kubelet does not use would mislead every client.
 */
export function applyProvidedNodeIps(
  annotation: string | undefined,
  addresses: readonly NodeAddress[],
): NodeAddress[] {
  const provided = (annotation ?? '')
    .split(',')
    .map(canonicalIp)
    .filter((ip) => ip !== undefined && ip !== '0.0.0.0' && ip !== '::');
  if (provided.length === 0) return [...addresses];
  const chosen: NodeAddress[] = [];
  for (const ip of provided) {
    const matches = addresses.filter((a) => canonicalIp(a.address) === ip);
    if (matches.length === 0) {
      const listed = addresses.map((a) => `${a.type}=${a.address}`).join(', ') || 'none';
      throw new ProvidedNodeIpNotFoundError(
        `the kubelet's --node-ip ${ip} (annotation ${PROVIDED_NODE_IP_ANNOTATION}) is not among the addresses the cloud reports (${listed})`,
      );
    }
    chosen.push(...matches.filter((m) => !chosen.includes(m)));
  }
  const chosenTypes = new Set(chosen.map((a) => a.type));
  return [...chosen, ...addresses.filter((a) => !chosenTypes.has(a.type))];
}

/** The IP in one canonical spelling (lower-case, compressed IPv6), or `undefined` if not an IP. */
function canonicalIp(text: string): string | undefined {
  const ip = text.trim();
  switch (isIP(ip)) {
    case 4:
      return ip;
    case 6:
      return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
    default:
      return undefined;
  }
}
