// SPDX-License-Identifier: Apache-2.0
// Number formatting and target verdicts shared by the report and the console summary.

/** The targets the figures are marked against (docs/benchmarks.md states them too). */
export const targets = {
  decodeMedianSeconds: 0.3,
  decodeExtraHeapBytes: 100e6,
  inventorySoapRoundTrips: 10,
} as const;

/** "PASS" when `value` is at most `limit`, else "FAIL". */
export function verdict(value: number, limit: number): 'PASS' | 'FAIL' {
  return value <= limit ? 'PASS' : 'FAIL';
}

/** Seconds with millisecond precision: "0.291 s". */
export function seconds(s: number): string {
  return `${s.toFixed(3)} s`;
}

/** Decimal megabytes with one decimal: "68.6 MB". */
export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** An integer with thousands separators: "1,000". */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * REST counter keys with object ids folded to `{id}` (ids differ per simulator run), summed per
 * folded key and sorted by key.
 */
export function foldRestCounters(rest: Readonly<Record<string, number>>): Map<string, number> {
  const folded = new Map<string, number>();
  for (const [key, n] of Object.entries(rest)) {
    const shape = key.replace(/\/id:[^/?]+/g, '/{id}');
    folded.set(shape, (folded.get(shape) ?? 0) + n);
  }
  return new Map([...folded].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A Markdown table; cells must not contain `|` or newlines. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
