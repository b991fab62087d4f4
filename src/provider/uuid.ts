// SPDX-License-Identifier: Apache-2.0
import { goTrimSpace } from './addresses/go-strings.ts';

/** Length of a textual UUID (`8-4-4-4-12`); shorter input is returned unchanged. */
export const UUID_TEXT_LENGTH = 36;

/**
 * Converts between the two byte orders a VM's BIOS UUID is written in. SMBIOS stores the first
 * three fields little-endian, so the kubelet's `systemUUID` (read from SMBIOS in the guest) shows
 * them byte-swapped compared with vSphere's `config.uuid`:
 * `56492e42-22ad-3911-6d72-59cc8f26bc90` ↔ `422e4956-ad22-1139-6d72-59cc8f26bc90`.
 *
 * The conversion is its own inverse, so the same function goes either way. As in the reference,
 * input shorter than 36 bytes is returned unchanged (not even lower-cased); otherwise the bytes
 * at the UUID positions are reordered (dashes are assumed, characters past 36 dropped) and the
 * result is trimmed and lower-cased.
 */
export function swapUuidByteOrder(uuid: string): string {
  const b = Buffer.from(uuid, 'utf8');
  if (b.length < UUID_TEXT_LENGTH) return uuid;
  const part = (start: number, end: number): string => b.subarray(start, end).toString('utf8');
  const swapped =
    part(6, 8) +
    part(4, 6) +
    part(2, 4) +
    part(0, 2) +
    '-' +
    part(11, 13) +
    part(9, 11) +
    '-' +
    part(16, 18) +
    part(14, 16) +
    '-' +
    part(19, 23) +
    '-' +
    part(24, 36);
  return goTrimSpace(swapped).toLowerCase();
}
