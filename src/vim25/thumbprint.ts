// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { CcmError } from '../lib/errors.ts';

/** Digest algorithm of a certificate thumbprint, told apart by its length. */
export type ThumbprintAlgorithm = 'sha1' | 'sha256';

/**
 * A normalised certificate thumbprint: `hex` is upper-case, colon-separated pairs (the form
 * vCenter and govc print), so two thumbprints are equal exactly when their `hex` strings are.
 */
export interface Thumbprint {
  readonly algorithm: ThumbprintAlgorithm;
  readonly hex: string;
}

/** A configured thumbprint is not a SHA-1 or SHA-256 hex digest. Raised at configuration time. */
export class InvalidThumbprintError extends CcmError {
  readonly code = 'TLS_THUMBPRINT_INVALID';
}

const algorithmByBytes: Readonly<Record<number, ThumbprintAlgorithm>> = { 20: 'sha1', 32: 'sha256' };

/**
 * Parses a thumbprint as written in configuration: hex pairs separated by colons, spaces or
 * nothing, in any case (`AB:CD:…`, `abcd…`, `ab cd …`). 20 bytes is SHA-1, 32 bytes SHA-256.
 * Throws `InvalidThumbprintError` naming the reason for anything else; the input is echoed only
 * as a length, since a mistyped value may be something other than a thumbprint.
 */
export function parseThumbprint(text: string): Thumbprint {
  const trimmed = text.trim();
  if (trimmed === '') throw new InvalidThumbprintError('thumbprint is empty');
  const groups = trimmed.split(/[:\s]+/);
  const separated = groups.length > 1;
  if (separated && groups.some((g) => g.length !== 2)) {
    throw new InvalidThumbprintError('thumbprint must be separated into 2-digit hex pairs');
  }
  const digits = groups.join('');
  if (!/^[0-9a-fA-F]*$/.test(digits)) {
    throw new InvalidThumbprintError('thumbprint contains characters other than hex digits and separators');
  }
  if (digits.length % 2 !== 0) throw new InvalidThumbprintError('thumbprint has an odd number of hex digits');
  const bytes = digits.length / 2;
  const algorithm = algorithmByBytes[bytes];
  if (algorithm === undefined) {
    throw new InvalidThumbprintError(
      `thumbprint is ${String(bytes)} bytes long; expected 20 (SHA-1) or 32 (SHA-256)`,
    );
  }
  return { algorithm, hex: formatHex(digits) };
}

/** Computes the thumbprint of a DER-encoded certificate with `algorithm`, normalised like `parseThumbprint`. */
export function certificateThumbprint(der: Uint8Array, algorithm: ThumbprintAlgorithm): Thumbprint {
  return { algorithm, hex: formatHex(createHash(algorithm).update(der).digest('hex')) };
}

/** Formats a thumbprint for messages, e.g. `SHA-256 AB:CD:…`. Thumbprints are public, never secrets. */
export function formatThumbprint(t: Thumbprint): string {
  return `${t.algorithm === 'sha1' ? 'SHA-1' : 'SHA-256'} ${t.hex}`;
}

function formatHex(digits: string): string {
  return (digits.toUpperCase().match(/../g) ?? []).join(':');
}
