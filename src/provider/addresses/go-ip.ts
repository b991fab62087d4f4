// SPDX-License-Identifier: Apache-2.0
/**
 * IP parsing, printing and CIDR matching with the exact semantics of Go's `net` package (as of the
 * Go release the reference CPI is built with), because which guest IPs count as valid, which family
 * they belong to and which subnet contains them decides the published node addresses.
 * Node's `net.isIP`/`BlockList` differ in corner cases (zones, IPv4-mapped forms, leading zeros).
 */

/** A parsed address in Go's 16-byte form: IPv4 is stored IPv4-mapped (`::ffff:a.b.c.d`). */
export type GoIp = Uint8Array;

/** A parsed network as Go's `net.ParseCIDR` builds it, reduced to what `Contains` compares. */
export interface GoCidr {
  /** The text it was parsed from, for explanations. */
  readonly text: string;
  /** 4 bytes for an IPv4 network (or an IPv4-mapped one), else 16. */
  readonly network: Uint8Array;
  readonly mask: Uint8Array;
}

const V4_IN_V6_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] as const;

/**
 * Parses an address as Go's `net.ParseIP` does (dotted IPv4 without leading zeros, IPv6 with at
 * most one `::` and an optional trailing dotted IPv4, no zone). Returns `undefined` for anything
 * else, like Go's nil.
 */
export function parseGoIp(text: string): GoIp | undefined {
  for (const ch of text) {
    if (ch === '.') return parseV4(text);
    if (ch === ':') return parseV6(text);
    if (ch === '%') return undefined;
  }
  return undefined;
}

function parseV4(s: string): GoIp | undefined {
  const fields = s.split('.');
  if (fields.length !== 4) return undefined;
  const out = new Uint8Array(16);
  out.set(V4_IN_V6_PREFIX);
  for (const [i, f] of fields.entries()) {
    if (!/^[0-9]{1,3}$/.test(f) || (f.length > 1 && f.startsWith('0'))) return undefined;
    const n = Number(f);
    if (n > 255) return undefined;
    out[12 + i] = n;
  }
  return out;
}

function parseV6(text: string): GoIp | undefined {
  if (text.includes('%')) return undefined;
  const state: V6State = { out: new Uint8Array(16), rest: text, filled: 0, ellipsis: -1 };
  if (state.rest.startsWith('::')) {
    state.ellipsis = 0;
    state.rest = state.rest.slice(2);
    if (state.rest === '') return state.out;
  }
  while (state.filled < 16) {
    const step = parseV6Field(state);
    if (step === 'fail') return undefined;
    if (step === 'end') break;
  }
  return state.rest === '' ? expandEllipsis(state.out, state.filled, state.ellipsis) : undefined;
}

interface V6State {
  readonly out: Uint8Array;
  rest: string;
  filled: number;
  ellipsis: number;
}

/** Consumes one hex field (or the trailing dotted IPv4) and the separator after it. */
function parseV6Field(state: V6State): 'more' | 'end' | 'fail' {
  const digits = /^[0-9a-fA-F]*/.exec(state.rest)?.[0] ?? '';
  // Go accepts any number of hex digits as long as the value fits 16 bits.
  if (digits === '' || parseInt(digits, 16) > 0xffff) return 'fail';
  if (state.rest[digits.length] === '.') return parseEmbeddedV4(state);
  const n = parseInt(digits, 16);
  state.out[state.filled] = n >> 8;
  state.out[state.filled + 1] = n & 0xff;
  state.filled += 2;
  state.rest = state.rest.slice(digits.length);
  if (state.rest === '') return 'end';
  if (state.rest[0] !== ':' || state.rest.length === 1) return 'fail';
  state.rest = state.rest.slice(1);
  if (!state.rest.startsWith(':')) return 'more';
  if (state.ellipsis >= 0) return 'fail';
  state.ellipsis = state.filled;
  state.rest = state.rest.slice(1);
  return state.rest === '' ? 'end' : 'more';
}

/** A trailing dotted IPv4: only as the last 4 bytes, or anywhere it fits after `::`. */
function parseEmbeddedV4(state: V6State): 'end' | 'fail' {
  if ((state.ellipsis < 0 && state.filled !== 12) || state.filled + 4 > 16) return 'fail';
  const v4 = parseV4(state.rest);
  if (v4 === undefined) return 'fail';
  state.out.set(v4.subarray(12), state.filled);
  state.filled += 4;
  state.rest = '';
  return 'end';
}

/** Moves the groups parsed after `::` to the end; `::` must stand for at least one zero group. */
function expandEllipsis(ip: Uint8Array, filled: number, ellipsis: number): GoIp | undefined {
  if (filled === 16) return ellipsis >= 0 ? undefined : ip;
  if (ellipsis < 0) return undefined;
  const out = new Uint8Array(16);
  out.set(ip.subarray(0, ellipsis), 0);
  const tail = ip.subarray(ellipsis, filled);
  out.set(tail, 16 - tail.length);
  return out;
}

/** True for IPv4 and IPv4-mapped addresses (Go: `ip.To4() != nil`). */
export function isGoIpv4(ip: GoIp): boolean {
  return V4_IN_V6_PREFIX.every((b, i) => ip[i] === b);
}

/** Go's `IP.String()`: dotted IPv4, else RFC 5952 style with the longest zero run (≥ 2) as `::`. */
export function formatGoIp(ip: GoIp | undefined): string {
  if (ip === undefined) return '<nil>';
  if (isGoIpv4(ip)) return [...ip.subarray(12)].join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip[i] ?? 0) << 8) | (ip[i + 1] ?? 0));
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { start: i, len: j - i };
    i = j > i ? j : i + 1;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.len < 2) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.len).join(':')}`;
}

/**
 * Parses a CIDR as Go's `net.ParseCIDR` does: host bits allowed, the prefix counted against 32
 * for dotted IPv4 and 128 for every IPv6 form (so `::ffff:10.0.0.0/104` means `10.0.0.0/8`).
 */
export function parseGoCidr(text: string): GoCidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const addrText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const ip = parseGoIp(addrText);
  if (ip === undefined || !/^[0-9]+$/.test(prefixText)) return undefined;
  const dotted = isGoIpv4(ip) && !addrText.includes(':');
  const bits = dotted ? 32 : 128;
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  let mask = maskOf(prefix, bits);
  let network = applyMask(dotted ? ip.subarray(12) : ip, mask);
  // Go compares IPv4-mapped networks in their 4-byte form with the low 32 bits of the mask.
  if (!dotted && isGoIpv4(network)) {
    network = network.subarray(12);
    mask = mask.subarray(12);
  }
  return { text, network, mask };
}

function maskOf(ones: number, bits: number): Uint8Array {
  const mask = new Uint8Array(bits / 8);
  for (let i = 0; i < mask.length; i++) {
    const n = Math.max(0, Math.min(8, ones - i * 8));
    mask[i] = (0xff << (8 - n)) & 0xff;
  }
  return mask;
}

function applyMask(ip: Uint8Array, mask: Uint8Array): Uint8Array {
  return ip.map((b, i) => b & (mask[i] ?? 0));
}

/** Go's `IPNet.Contains`: IPv4 (incl. mapped) only in IPv4 networks, IPv6 only in IPv6 ones. */
export function goCidrContains(cidr: GoCidr, ip: GoIp): boolean {
  const addr = isGoIpv4(ip) ? ip.subarray(12) : ip;
  if (addr.length !== cidr.network.length) return false;
  return addr.every((b, i) => (b & (cidr.mask[i] ?? 0)) === (cidr.network[i] ?? 0));
}

/**
 * Why an address is usable only inside the guest, in the order and words of the reference's
 * `ErrOnLocalOnlyIPAddr`, or `undefined` when it is usable.
 */
export function localOnlyReason(ip: GoIp | undefined): LocalOnlyReason | undefined {
  if (ip === undefined) return 'invalid';
  const v4 = isGoIpv4(ip) ? ip.subarray(12) : undefined;
  if (v4 !== undefined) return localOnlyV4(v4);
  if (ip.every((b) => b === 0)) return 'unspecified';
  const [b0 = 0, b1 = 0] = ip;
  if (b0 === 0xff && (b1 & 0x0f) === 0x02) return 'link-local-multicast';
  if (b0 === 0xfe && (b1 & 0xc0) === 0x80) return 'link-local-unicast';
  if (ip.subarray(0, 15).every((b) => b === 0) && ip[15] === 1) return 'loopback';
  return undefined;
}

function localOnlyV4(v4: Uint8Array): LocalOnlyReason | undefined {
  const [a = 0, b = 0, c = 0] = v4;
  if (v4.every((x) => x === 0)) return 'unspecified';
  if (a === 224 && b === 0 && c === 0) return 'link-local-multicast';
  if (a === 169 && b === 254) return 'link-local-unicast';
  if (a === 127) return 'loopback';
  return undefined;
}

/** The reasons `localOnlyReason` can give. */
export type LocalOnlyReason =
  'invalid' | 'unspecified' | 'link-local-multicast' | 'link-local-unicast' | 'loopback';
