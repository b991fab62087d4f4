// SPDX-License-Identifier: Apache-2.0

/**
 * Renders rows as a plain-text table with a header and columns padded to their widest cell,
 * separated by two spaces (the kubectl convention). Cells are single-line: newlines become spaces.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const clean = (s: string): string => s.replace(/[\r\n\t]+/g, ' ');
  const all = [headers, ...rows].map((r) => r.map(clean));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      widths
        .map((w, i) => (r[i] ?? '').padEnd(w))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
