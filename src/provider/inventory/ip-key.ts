// SPDX-License-Identifier: Apache-2.0
import { isIP } from 'node:net';

/**
 * The canonical text of an IP address, so that one address written two ways (`FD00:0::11` and
 * `fd00::11`) is one key: IPv4 as given, IPv6 lower-case and compressed (RFC 5952, as the WHATWG
 * URL parser writes it), any `%zone` suffix dropped. Returns `undefined` for anything that is not
 * an address (including a CIDR such as `10.0.0.1/24`). Pure.
 */
export function ipKey(text: string): string | undefined {
  const trimmed = text.trim();
  const zone = trimmed.indexOf('%');
  const bare = zone < 0 ? trimmed : trimmed.slice(0, zone);
  const family = isIP(bare);
  if (family === 4) return bare;
  if (family !== 6) return undefined;
  const host = new URL(`http://[${bare}]`).hostname;
  return host.slice(1, -1);
}

/**
 * True for an address that can identify one machine: not unspecified, loopback or link-local
 * (`0.0.0.0`, `::`, `127/8`, `::1`, `169.254/16`, `fe80::/10`), which every guest shares. Takes a
 * key from {@link ipKey}. Pure.
 */
export function identifiesMachine(key: string): boolean {
  if (key.includes(':')) {
    if (key === '::' || key === '::1') return false;
    return !/^fe[89ab][0-9a-f]:/.test(key);
  }
  return !(key === '0.0.0.0' || key.startsWith('127.') || key.startsWith('169.254.'));
}
