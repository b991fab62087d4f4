// SPDX-License-Identifier: Apache-2.0
import type { IpFamily } from '../../config/config.ts';
import { isGoIpv4, type LocalOnlyReason } from './go-ip.ts';
import type { Candidate, FamilySelection, Pick } from './select-family.ts';

/**
 * What happened to one guest IP:
 * - `picked`: published as InternalIP and/or ExternalIP;
 * - `excluded`: barred by an exclusion CIDR (for every role it could have had);
 * - `unused`: usable, but another address won, its family was not asked for, or discovery
 *   stopped before it was considered;
 * - `dropped`: loopback, link-local, unspecified or not an IP address;
 * - `skipped`: on a NIC with deviceConfigId -1.
 */
export type CandidateDecision = 'picked' | 'excluded' | 'unused' | 'dropped' | 'skipped';

/** One guest IP with the decision and the rule behind it (the `explain-node` candidate row). */
export interface CandidateExplanation {
  readonly ip: string;
  readonly network: string | undefined;
  /** Index in `guest.net`; undefined when the address came from `guest.ipAddress`. */
  readonly nic: number | undefined;
  readonly decision: CandidateDecision;
  /** Human-readable rule(s), `; `-separated, e.g. `InternalIP by internal subnet 10.0.0.0/8`. */
  readonly rule: string;
}

export interface AddressExplanation {
  /** Every IP VMware Tools reported, in guest order. */
  readonly candidates: readonly CandidateExplanation[];
  /** Things an operator should know even when addresses were found. */
  readonly warnings: readonly string[];
}

/** Working record of one reported IP while addresses are computed (internal to this module tree). */
export interface IpEntry {
  readonly ip: string;
  readonly network: string | undefined;
  readonly nic: number | undefined;
  readonly skipped: boolean;
  dropped: LocalOnlyReason | undefined;
  candidate: Candidate | undefined;
  staticRank: number | undefined;
}

export interface ExplainInput {
  readonly entries: readonly IpEntry[];
  readonly selections: readonly FamilySelection[];
  readonly ipFamilies: readonly IpFamily[];
  readonly warnings: readonly string[];
  /** The error that ended discovery early, if any. */
  readonly stoppedBy: Error | undefined;
}

const DROP_TEXT: Readonly<Record<LocalOnlyReason, string>> = {
  invalid: 'dropped: not an IP address',
  unspecified: 'dropped: unspecified address',
  'link-local-multicast': 'dropped: link-local multicast address',
  'link-local-unicast': 'dropped: link-local unicast address',
  loopback: 'dropped: loopback address',
};

/** Turns the working records into the explanation `explain-node` prints. */
export function explainCandidates(input: ExplainInput): AddressExplanation {
  return { candidates: input.entries.map((e) => explainEntry(e, input)), warnings: [...input.warnings] };
}

function explainEntry(entry: IpEntry, input: ExplainInput): CandidateExplanation {
  const base = { ip: entry.ip, network: entry.network, nic: entry.nic };
  if (entry.skipped) {
    const rule = `skipped: NIC ${entry.nic ?? '?'} has deviceConfigId -1 (a guest-only device without a vNIC)`;
    return { ...base, decision: 'skipped', rule };
  }
  if (entry.dropped !== undefined) return { ...base, decision: 'dropped', rule: DROP_TEXT[entry.dropped] };
  const candidate = entry.candidate;
  if (candidate === undefined) return { ...base, decision: 'unused', rule: notEvaluated(input.stoppedBy) };
  const { decision, rules } = judge(candidate, input);
  if (entry.staticRank !== undefined)
    rules.push(`static address #${entry.staticRank + 1} in guestinfo.metadata`);
  return { ...base, decision, rule: rules.join('; ') };
}

function judge(candidate: Candidate, input: ExplainInput): { decision: CandidateDecision; rules: string[] } {
  const family: IpFamily = isGoIpv4(candidate.parsed) ? 'ipv4' : 'ipv6';
  const selection = input.selections.find((s) => s.family === family);
  if (selection === undefined) {
    const rule = input.ipFamilies.includes(family)
      ? notEvaluated(input.stoppedBy)
      : `unused: ${family} address, not among the IP families (${input.ipFamilies.join(', ') || 'none'})`;
    return { decision: 'unused', rules: [rule] };
  }
  const picks = [
    pickText('InternalIP', 'internal', selection.internal, candidate, family),
    pickText('ExternalIP', 'external', selection.external, candidate, family),
  ].filter((t): t is string => t !== undefined);
  const excluded = [
    exclusionText('InternalIP', 'exclude-internal', selection.excludedInternal.get(candidate)),
    exclusionText('ExternalIP', 'exclude-external', selection.excludedExternal.get(candidate)),
  ].filter((t): t is string => t !== undefined);
  if (picks.length > 0) return { decision: 'picked', rules: [...picks, ...excluded] };
  if (excluded.length > 0) return { decision: 'excluded', rules: excluded };
  return { decision: 'unused', rules: [`not selected: ${winners(selection)}`] };
}

function pickText(
  type: string,
  side: string,
  pick: Pick | undefined,
  candidate: Candidate,
  family: IpFamily,
): string | undefined {
  if (pick?.candidate !== candidate) return undefined;
  return `${type} by ${ruleText(pick, side, family)}`;
}

function ruleText(pick: Pick, side: string, family: IpFamily): string {
  switch (pick.rule.kind) {
    case 'subnet':
      return `${side} subnet ${pick.rule.cidr}`;
    case 'network':
      return `${side} VM network "${pick.rule.name}"`;
    case 'default':
      return `default selection (first ${family} candidate not excluded)`;
  }
}

function exclusionText(type: string, option: string, cidr: string | undefined): string | undefined {
  return cidr === undefined ? undefined : `excluded from ${type} by ${option} CIDR ${cidr}`;
}

function winners(selection: FamilySelection): string {
  const parts = [
    selection.internal &&
      `InternalIP is ${selection.internal.candidate.ip} (${ruleText(selection.internal, 'internal', selection.family)})`,
    selection.external &&
      `ExternalIP is ${selection.external.candidate.ip} (${ruleText(selection.external, 'external', selection.family)})`,
  ].filter((p): p is string => typeof p === 'string');
  return parts.length > 0 ? parts.join(', ') : `no ${selection.family} address could be selected`;
}

function notEvaluated(stoppedBy: Error | undefined): string {
  return stoppedBy === undefined
    ? 'unused: not evaluated'
    : `not evaluated: discovery stopped (${stoppedBy.message})`;
}
