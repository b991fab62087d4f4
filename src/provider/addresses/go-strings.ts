// SPDX-License-Identifier: Apache-2.0
/**
 * Go's `strings.TrimSpace` and `strings.EqualFold` for the identifiers the provider compares
 * (UUIDs, providerIDs, vSphere network names), where JavaScript's `trim` and case mapping differ
 * at the edges (`trim` strips U+FEFF but not U+0085; `toUpperCase` maps `ß` to `SS`).
 */

const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const LEADING = new RegExp(`^${GO_SPACE}+`, 'u');
const TRAILING = new RegExp(`${GO_SPACE}+$`, 'u');

/** Removes leading and trailing white space as Go's `unicode.IsSpace` defines it. */
export function goTrimSpace(text: string): string {
  return text.replace(LEADING, '').replace(TRAILING, '');
}

/**
 * True when `a` and `b` are equal under simple (one-to-one) case folding, compared code point by
 * code point, as Go's `strings.EqualFold` does.
 */
export function equalFold(a: string, b: string): boolean {
  const ca = Array.from(a);
  const cb = Array.from(b);
  if (ca.length !== cb.length) return false;
  return ca.every((x, i) => {
    const y = cb[i] ?? '';
    return x === y || foldOne(x) === foldOne(y);
  });
}

function foldOne(ch: string): string {
  const single = (s: string): string | undefined => (Array.from(s).length === 1 ? s : undefined);
  const upper = single(ch.toUpperCase()) ?? ch;
  return single(upper.toLowerCase()) ?? single(ch.toLowerCase()) ?? ch;
}
