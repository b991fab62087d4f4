// SPDX-License-Identifier: Apache-2.0
/**
 * The input checks of `yaml.v2`'s reader, which run before any parsing: the encoding comes from
 * the BOM (UTF-8 by default, UTF-16 LE/BE with their BOM), malformed sequences and control
 * characters are errors with fixed texts (`yaml: invalid trailing UTF-8 octet`, ...).
 */

/** The document text, or the `yaml.v2` reader error (always starting with `yaml: `). */
export type YamlTextResult = { readonly text: string } | { readonly error: string };

/** Decodes YAML input bytes with `yaml.v2`'s encoding detection and validity checks. */
export function readYamlBytes(bytes: Uint8Array): YamlTextResult {
  const [b0, b1, b2] = bytes;
  if (b0 === 0xff && b1 === 0xfe) return utf16(bytes.subarray(2), 'utf-16le');
  if (b0 === 0xfe && b1 === 0xff) return utf16(bytes.subarray(2), 'utf-16be');
  const body = b0 === 0xef && b1 === 0xbb && b2 === 0xbf ? bytes.subarray(3) : bytes;
  const problem = utf8Problem(body);
  if (problem !== undefined) return { error: `yaml: ${problem}` };
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(body);
  const control = controlProblem(text);
  return control === undefined ? { text } : { error: `yaml: ${control}` };
}

function utf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): YamlTextResult {
  if (bytes.length % 2 !== 0) return { error: 'yaml: incomplete UTF-16 character' };
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { error: 'yaml: incomplete UTF-16 surrogate pair' };
  }
  const control = controlProblem(text);
  return control === undefined ? { text } : { error: `yaml: ${control}` };
}

const LEAD_BITS = [0, 0x7f, 0x1f, 0x0f, 0x07] as const;
const MIN_VALUE = [0, 0, 0x80, 0x800, 0x10000] as const;

/** RFC 3629 decoding with the reader's checks, in its order, for the first bad sequence. */
function utf8Problem(bytes: Uint8Array): string | undefined {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    const width = utf8Width(lead);
    if (width === 0) return 'invalid leading UTF-8 octet';
    if (i + width > bytes.length) return 'incomplete UTF-8 octet sequence';
    let value = lead & (LEAD_BITS[width] ?? 0);
    for (let k = 1; k < width; k++) {
      const octet = bytes[i + k] ?? 0;
      if ((octet & 0xc0) !== 0x80) return 'invalid trailing UTF-8 octet';
      value = (value << 6) + (octet & 0x3f);
    }
    if (value < (MIN_VALUE[width] ?? 0)) return 'invalid length of a UTF-8 sequence';
    if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) return 'invalid Unicode character';
    i += width;
  }
  return undefined;
}

function utf8Width(lead: number): number {
  if ((lead & 0x80) === 0) return 1;
  if ((lead & 0xe0) === 0xc0) return 2;
  if ((lead & 0xf0) === 0xe0) return 3;
  if ((lead & 0xf8) === 0xf0) return 4;
  return 0;
}

/** YAML's printable set: tab, LF, CR, 0x20-0x7E, NEL, 0xA0-0xD7FF, 0xE000-0xFFFD, astral. */
function controlProblem(text: string): string | undefined {
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    const ok =
      c === 0x09 ||
      c === 0x0a ||
      c === 0x0d ||
      (c >= 0x20 && c <= 0x7e) ||
      c === 0x85 ||
      (c >= 0xa0 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      c >= 0x10000;
    if (!ok) return 'control characters are not allowed';
  }
  return undefined;
}
