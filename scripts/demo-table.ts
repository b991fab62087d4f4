// SPDX-License-Identifier: Apache-2.0
// The demo's Node table: what the cloud controller manager wrote onto each Node, one row each.
import type { V1Node } from '@kubernetes/client-node';

const COLUMNS = ['NODE', 'PROVIDER-ID', 'INTERNAL-IP', 'EXTERNAL-IP', 'ZONE', 'REGION', 'TYPE', 'TAINTS'];

/** The cells of one Node's row, in {@link COLUMNS} order; absent values are `-`. */
export function nodeRow(node: V1Node): string[] {
  const labels = node.metadata?.labels ?? {};
  const addresses = node.status?.addresses ?? [];
  const of = (type: string): string =>
    addresses
      .filter((a) => a.type === type)
      .map((a) => a.address)
      .join(',') || '-';
  const taints = (node.spec?.taints ?? []).map((t) => `${shortKey(t.key)}:${t.effect}`).join(',') || '-';
  return [
    node.metadata?.name ?? '?',
    node.spec?.providerID ?? '-',
    of('InternalIP'),
    of('ExternalIP'),
    labels['topology.kubernetes.io/zone'] ?? '-',
    labels['topology.kubernetes.io/region'] ?? '-',
    labels['node.kubernetes.io/instance-type'] ?? '-',
    taints,
  ];
}

/** `node.cloudprovider.kubernetes.io/shutdown` reads better as `shutdown` in a narrow column. */
function shortKey(key: string): string {
  return key.startsWith('node.cloudprovider.kubernetes.io/') ? key.slice(key.indexOf('/') + 1) : key;
}

/** The Nodes as an aligned text table, sorted by name, header first, ending with a newline. */
export function formatNodeTable(nodes: readonly V1Node[]): string {
  const rows = [COLUMNS, ...nodes.map(nodeRow).sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '))
    .join('\n')
    .concat('\n');
}

/** True once the cloud provider has initialised the Node: it has a providerID and no uninitialized taint. */
export function isInitialised(node: V1Node): boolean {
  return (
    node.spec?.providerID !== undefined &&
    !(node.spec.taints ?? []).some((t) => t.key === 'node.cloudprovider.kubernetes.io/uninitialized')
  );
}
