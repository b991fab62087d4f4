// SPDX-License-Identifier: Apache-2.0

/** Names users reach for that normalisation and edit distance do not find. */
const aliases: Readonly<Record<string, string>> = {
  virtualcenter: 'vcenter',
  vcenters: 'vcenter',
  insecure: 'insecureflag',
  ipfamilies: 'ipfamily',
  loadbalancerclasses: 'loadbalancerclass',
  soaproundtrip: 'soaproundtripcount',
  roundtripcount: 'soaproundtripcount',
  cafilepath: 'cafile',
};

function normalise(name: string): string {
  return name.toLowerCase().replaceAll(/[-_\s]/g, '');
}

/**
 * The known name `unknown` was most likely meant to be, or `undefined`. Matches ignoring case,
 * dashes and underscores first (so `insecure-flag` finds `insecureFlag` and back), or through a
 * few aliases in either direction (`VirtualCenter` ↔ `vcenter`), then names within edit distance 2.
 */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  const n = normalise(unknown);
  const exact = known.find((k) => {
    const nk = normalise(k);
    return nk === n || aliases[n] === nk || aliases[nk] === n;
  });
  if (exact !== undefined) return exact;
  let best: { name: string; distance: number } | undefined;
  for (const k of known) {
    const d = editDistance(n, normalise(k));
    if (d <= 2 && (best === undefined || d < best.distance)) best = { name: k, distance: d };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
