// SPDX-License-Identifier: Apache-2.0
import { BlockList, isIP } from 'node:net';

/** A checked CIDR in the form to store, or why it is not one (safe to show: CIDRs are not secret). */
export type CidrResult =
  { readonly ok: true; readonly cidr: string } | { readonly ok: false; readonly reason: string };

/**
 * Checks one CIDR as Go's `net.ParseCIDR` accepts it (IPv4 or IPv6, host bits allowed, no leading
 * zeros, no zone). An IPv4-mapped IPv6 network (`::ffff:10.0.0.0/104`), which Go matches against
 * IPv4 addresses, is returned in its IPv4 form (`10.0.0.0/8`) so that matching works the same.
 */
export function parseCidr(text: string): CidrResult {
  const parts = text.trim().split('/');
  if (parts.length !== 2) {
    return { ok: false, reason: parts.length < 2 ? 'missing "/prefix"' : 'more than one "/"' };
  }
  const [addr = '', prefixText = ''] = parts;
  if (addr.includes('%')) return { ok: false, reason: 'a zone ("%…") is not allowed in a CIDR' };
  const family = isIP(addr);
  if (family === 0) return { ok: false, reason: `${JSON.stringify(addr)} is not an IP address` };
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
    return { ok: false, reason: `the prefix must be a number from 0 to ${String(max)}` };
  }
  const prefix = Number(prefixText);
  if (family === 6 && isIpv4Mapped(addr)) return mappedToIpv4(addr, prefix);
  return { ok: true, cidr: `${addr}/${String(prefix)}` };
}

function isIpv4Mapped(addr: string): boolean {
  const mapped = new BlockList();
  mapped.addSubnet('::ffff:0:0', 96, 'ipv6');
  return mapped.check(addr, 'ipv6');
}

function mappedToIpv4(addr: string, prefix: number): CidrResult {
  if (prefix < 96) return { ok: false, reason: 'an IPv4-mapped network needs a prefix of 96 or more' };
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr)?.[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(addr);
  let v4 = dotted;
  if (v4 === undefined && hex !== null) {
    const hi = parseInt(hex[1] ?? '0', 16);
    const lo = parseInt(hex[2] ?? '0', 16);
    v4 = [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  }
  if (v4 === undefined) return { ok: false, reason: 'write an IPv4-mapped network in IPv4 form' };
  return { ok: true, cidr: `${v4}/${String(prefix - 96)}` };
}
