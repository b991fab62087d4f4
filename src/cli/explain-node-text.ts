// SPDX-License-Identifier: Apache-2.0
import type { ExplainedTag, ExplainedZoneAttempt, NodeExplanation } from '../provider/explain-node.ts';
import { formatTable } from './format-table.ts';

const CHAIN_TEXT: Readonly<Record<ExplainedZoneAttempt['chain'], string>> = {
  host: 'host',
  resourcePool: 'resource pool',
  vm: 'VM',
};

/**
 * The human-readable `explain-node` report: the VM and how it was found, the published values,
 * the verdicts, then every candidate IP and every zone chain with the rule behind each outcome.
 * Failed steps show their exact error text.
 */
export function explanationText(e: NodeExplanation): string {
  const { vm } = e;
  const lines = [
    `VM:             ${vm.name ?? '(no name)'} (${vm.moref})`,
    `vCenter:        ${vm.vcenter}${vm.server === null ? '' : ` (${vm.server})`}`,
    `Datacenter:     ${vm.datacenter ?? '-'}`,
    `Matched by:     ${e.matchedBy} ${e.matchQuery}`,
    `BIOS UUID:      ${vm.biosUuid ?? '-'}`,
    `Power state:    ${vm.powerState ?? '-'}`,
    `Guest hostname: ${vm.guestHostName ?? '-'}`,
    '',
    `providerID:     ${e.providerID ?? failed(e, 'providerID')}`,
    `Instance type:  ${e.instanceType}`,
    `Zone:           ${zoneLine(e, e.zone, e.zoneSource?.zone)}`,
    `Region:         ${zoneLine(e, e.region, e.zoneSource?.region)}`,
    `Exists:         ${verdictText(e.exists)} (${e.existsReason})`,
    `Shutdown:       ${verdictText(e.shutdown)} (${e.shutdownReason})`,
  ];
  if (e.errors.inventory !== undefined) lines.push(`Inventory:      ${e.errors.inventory.message}`);
  lines.push('', ...addressLines(e), '', ...zoneLines(e));
  return `${lines.join('\n')}\n`;
}

function addressLines(e: NodeExplanation): string[] {
  const lines = [`Addresses (IP families ${e.ipFamilies.join(', ')}):`];
  if (e.addresses === null) lines.push(`  none: ${failed(e, 'addresses')}`);
  else
    lines.push(
      ...indent(
        formatTable(
          ['TYPE', 'ADDRESS'],
          e.addresses.map((a) => [a.type, a.address]),
        ),
      ),
    );
  lines.push('Candidate IPs:');
  if (e.candidates.length === 0) lines.push('  (the guest reports none)');
  else {
    const rows = e.candidates.map((c) => [
      c.ip,
      c.network ?? '-',
      c.nic === null ? 'ipAddress' : String(c.nic),
      c.decision,
      c.rule,
    ]);
    lines.push(...indent(formatTable(['IP', 'NETWORK', 'NIC', 'DECISION', 'RULE'], rows)));
  }
  for (const warning of e.addressWarnings) lines.push(`warning: ${warning}`);
  return lines;
}

function zoneLines(e: NodeExplanation): string[] {
  if (!e.zonesEnabled) return ['Zone chains: not used (labels.zone and labels.region are not both set)'];
  const lines = ['Zone chains tried (nearest tagged object wins for each key):'];
  if (e.zoneAttempts.length === 0) lines.push('  none');
  for (const a of e.zoneAttempts) {
    lines.push(
      `  ${CHAIN_TEXT[a.chain]} ${objectText(a)}: zone ${tagText(a.zone)}, region ${tagText(a.region)}`,
    );
  }
  return lines;
}

function zoneLine(e: NodeExplanation, value: string | null, from: ExplainedTag | undefined): string {
  if (!e.zonesEnabled) return '- (zones not configured)';
  if (value === null || from === undefined) return failed(e, 'zone');
  return `${value} (tag on ${objectText(from)}, ${CHAIN_TEXT[e.zoneSource?.chain ?? 'vm']} chain)`;
}

function tagText(tag: ExplainedTag | null): string {
  return tag === null ? 'none' : `${tag.value} on ${objectText(tag)}`;
}

function objectText(o: { readonly moref: string; readonly name: string | null }): string {
  return o.name === null ? o.moref : `${o.name} (${o.moref})`;
}

function verdictText(value: boolean | null): string {
  return value === null ? 'error' : String(value);
}

function failed(e: NodeExplanation, step: keyof NodeExplanation['errors']): string {
  const error = e.errors[step];
  return error === undefined ? '-' : `error: ${error.message}`;
}

function indent(block: string): string[] {
  return block.split('\n').map((l) => `  ${l}`);
}
