// SPDX-License-Identifier: Apache-2.0
/**
 * Standard base64 decoding with the acceptance rules and error text of Go's
 * `base64.StdEncoding.DecodeString`, which the reference uses on `guestinfo.metadata`: padding is
 * required, CR and LF are ignored anywhere, every other stray byte is an error naming its offset.
 * Node's `Buffer.from(s, 'base64')` silently skips garbage, so it would accept metadata the
 * reference rejects.
 */

/** Decoded bytes, or Go's error text (`illegal base64 data at input byte N`). */
export type GoBase64Result = { readonly bytes: Uint8Array } | { readonly error: string };

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = 0x3d;
const CR = 0x0d;
const LF = 0x0a;

/** Decodes `text` (as its UTF-8 bytes) like Go's standard, padded base64 decoder. */
export function decodeGoBase64(text: string): GoBase64Result {
  const src = Buffer.from(text, 'utf8');
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const q = decodeQuantum(src, si);
    out.push(...q.bytes);
    if (q.errorAt !== undefined) return { error: `illegal base64 data at input byte ${q.errorAt}` };
    if (q.next === si) break;
    si = q.next;
  }
  return { bytes: Uint8Array.from(out) };
}

interface Quantum {
  readonly bytes: readonly number[];
  readonly next: number;
  readonly errorAt?: number;
}

/** One group of up to four symbols starting at `si`, following Go's `decodeQuantum`. */
function decodeQuantum(src: Buffer, start: number): Quantum {
  const vals: number[] = [];
  let si = start;
  while (vals.length < 4) {
    if (si === src.length) {
      if (vals.length === 0) return { bytes: [], next: si };
      return { bytes: [], next: si, errorAt: si - vals.length };
    }
    const c = src[si] ?? 0;
    si++;
    const v = ALPHABET.indexOf(String.fromCharCode(c));
    if (c < 0x80 && v >= 0) {
      vals.push(v);
      continue;
    }
    if (c === CR || c === LF) continue;
    if (c !== PAD || vals.length < 2) return { bytes: [], next: si, errorAt: si - 1 };
    return finishPadded(src, si, vals);
  }
  return { bytes: toBytes(vals), next: si };
}

/** After the first `=`: one more `=` when two symbols were read, then only CR/LF may follow. */
function finishPadded(src: Buffer, afterPad: number, vals: readonly number[]): Quantum {
  let si = afterPad;
  if (vals.length === 2) {
    si = skipNewlines(src, si);
    if (si === src.length) return { bytes: [], next: si, errorAt: src.length };
    if (src[si] !== PAD) return { bytes: [], next: si, errorAt: si - 1 };
    si++;
  }
  si = skipNewlines(src, si);
  const bytes = toBytes(vals);
  return si < src.length ? { bytes, next: si, errorAt: si } : { bytes, next: si };
}

function skipNewlines(src: Buffer, from: number): number {
  let si = from;
  while (si < src.length && (src[si] === CR || src[si] === LF)) si++;
  return si;
}

function toBytes(vals: readonly number[]): number[] {
  const [a = 0, b = 0, c = 0, d = 0] = vals;
  const n = (a << 18) | (b << 12) | (c << 6) | d;
  const all = [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return all.slice(0, vals.length - 1);
}
