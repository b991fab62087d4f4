// SPDX-License-Identifier: Apache-2.0
import type { IpFamily, NodesConfig } from '../config/config.ts';
import { CcmError } from '../lib/errors.ts';
import { explainCandidates, type AddressExplanation, type IpEntry } from './addresses/explain-candidates.ts';
import { addressPolicy } from './addresses/address-policy.ts';
import { localOnlyReason, parseGoIp } from './addresses/go-ip.ts';
import { equalFold } from './addresses/go-strings.ts';
import {
  selectFamily,
  type AddressPolicy,
  type Candidate,
  type FamilySelection,
} from './addresses/select-family.ts';
import { GuestinfoMetadataError, readStaticAddresses, type GuestinfoMetadata } from './guestinfo-metadata.ts';

export type {
  AddressExplanation,
  CandidateDecision,
  CandidateExplanation,
} from './addresses/explain-candidates.ts';

/** Kubernetes `NodeAddress` types this provider publishes. */
export type NodeAddressType = 'Hostname' | 'InternalIP' | 'ExternalIP';

/** One entry of `node.status.addresses`. */
export interface NodeAddress {
  readonly type: NodeAddressType;
  readonly address: string;
}

/** One `guest.net[]` entry (VMware Tools' view of a guest NIC). */
export interface GuestNic {
  readonly network: string | undefined;
  /** Virtual device key; -1 for NICs only the guest knows (bridges, CNI devices). */
  readonly deviceConfigId: number;
  readonly ipAddresses: readonly string[];
}

/** The VM's `guest` properties that address selection reads. */
export interface GuestNetworkInfo {
  readonly hostName: string | undefined;
  /** `guest.net`. */
  readonly net: readonly GuestNic[] | undefined;
  /** `guest.ipAddress` (the primary IP VMware Tools reports). */
  readonly ipAddress: string | undefined;
}

export interface NodeAddressInput {
  /** What the node was looked up by (UUID or name); only used in an error text. */
  readonly nodeId: string;
  /** `undefined` when the VM has no `guest` property at all. */
  readonly guest: GuestNetworkInfo | undefined;
  readonly guestinfo: GuestinfoMetadata;
  /** The vCenter's IP families in priority order. */
  readonly ipFamilies: readonly IpFamily[];
  readonly nodes: NodesConfig | undefined;
}

export type NodeAddressErrorCode =
  | 'GUEST_INFO_MISSING'
  | 'GUEST_HOSTNAME_EMPTY'
  | 'GUEST_NICS_EMPTY'
  | 'NODE_CIDR_INVALID'
  | 'VM_NETWORK_NOT_FOUND'
  | 'NO_USABLE_IP'
  | 'NO_IP_FOR_FAMILY';

/** Addresses cannot be computed; `message` is the reference's text for the same situation. */
export class NodeAddressError extends CcmError {
  readonly code: NodeAddressErrorCode;

  constructor(code: NodeAddressErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * The addresses, or why there are none; both with an explanation of every guest IP (which rule
 * picked or excluded it) for `explain-node`. A failure must leave the Node's old addresses alone.
 */
export type NodeAddressResult =
  | {
      readonly ok: true;
      readonly addresses: readonly NodeAddress[];
      readonly explanation: AddressExplanation;
    }
  | {
      readonly ok: false;
      readonly error: NodeAddressError | GuestinfoMetadataError;
      readonly explanation: AddressExplanation;
    };

/**
 * Computes a node's addresses exactly as the reference CPI's `DiscoverNode` does (per-family
 * rules: `selectFamily`): Hostname (`guest.hostName`) first, then per IP
 * family in priority order an InternalIP and an ExternalIP chosen from `guest.net` (NIC order, then
 * IP order; NICs with deviceConfigId -1 skipped; loopback, link-local, unspecified and unparsable
 * IPs dropped; cloud-init static addresses moved first). Every family must yield an address.
 *
 * One deliberate extension: when `guest.net` is empty but `guest.ipAddress` is set, that address
 * is used (with a warning in the explanation) where the reference fails with
 * `VM GuestNicInfo is empty`.
 */
export function discoverNodeAddresses(input: NodeAddressInput): NodeAddressResult {
  const warnings: string[] = [];
  const entries: IpEntry[] = [];
  const selections: FamilySelection[] = [];
  const fail = (error: NodeAddressError | GuestinfoMetadataError): NodeAddressResult => ({
    ok: false,
    error,
    explanation: explainCandidates({
      entries,
      selections,
      ipFamilies: input.ipFamilies,
      warnings,
      stoppedBy: error,
    }),
  });

  const { guest } = input;
  if (guest === undefined)
    return fail(new NodeAddressError('GUEST_INFO_MISSING', 'VirtualMachine Guest property was nil'));
  if (guest.hostName === undefined || guest.hostName === '') {
    return fail(new NodeAddressError('GUEST_HOSTNAME_EMPTY', 'VM Guest hostname is empty'));
  }
  const { nics, fromIpAddress } = guestNics(guest, warnings);
  if (nics.length === 0) return fail(new NodeAddressError('GUEST_NICS_EMPTY', 'VM GuestNicInfo is empty'));
  entries.push(...collectEntries(nics, fromIpAddress));
  const policy = addressPolicy(input.nodes);
  if ('invalidCidr' in policy) {
    return fail(new NodeAddressError('NODE_CIDR_INVALID', `invalid CIDR address: ${policy.invalidCidr}`));
  }

  const addresses: NodeAddress[] = [{ type: 'Hostname', address: guest.hostName }];
  const vnics = nics.filter((n) => n.deviceConfigId !== -1);
  if (networkNamesMissing(vnics, policy)) {
    return fail(new NodeAddressError('VM_NETWORK_NOT_FOUND', 'unable to find suitable IP address for node'));
  }
  const candidates = usableCandidates(entries);
  if (candidates.length === 0) {
    return fail(
      new NodeAddressError(
        'NO_USABLE_IP',
        'unable to find suitable IP address for node after filtering out localhost IPs',
      ),
    );
  }
  try {
    orderStaticFirst(candidates, input.guestinfo, entries);
  } catch (err) {
    if (err instanceof GuestinfoMetadataError) return fail(err);
    throw err;
  }

  const familyError = addFamilyAddresses({ input, candidates, policy, addresses, selections, warnings });
  if (familyError !== undefined) return fail(familyError);
  const explanation = explainCandidates({
    entries,
    selections,
    ipFamilies: input.ipFamilies,
    warnings,
    stoppedBy: undefined,
  });
  return { ok: true, addresses, explanation };
}

interface FamilyPass {
  readonly input: NodeAddressInput;
  readonly candidates: readonly Candidate[];
  readonly policy: AddressPolicy;
  readonly addresses: NodeAddress[];
  readonly selections: FamilySelection[];
  readonly warnings: string[];
}

/** InternalIP then ExternalIP per family in priority order; every family must yield one. */
function addFamilyAddresses(pass: FamilyPass): NodeAddressError | undefined {
  const { input, addresses, warnings } = pass;
  for (const family of input.ipFamilies) {
    const selection = selectFamily(pass.candidates, family, pass.policy);
    pass.selections.push(selection);
    const { internal, external } = selection;
    if (internal !== undefined) addAddress(addresses, 'InternalIP', internal.candidate.ip);
    if (external !== undefined) addAddress(addresses, 'ExternalIP', external.candidate.ip);
    if (internal === undefined && external === undefined) {
      return new NodeAddressError(
        'NO_IP_FOR_FAMILY',
        `unable to find suitable IP address for node ${input.nodeId} with IP family ${family}`,
      );
    }
    if (internal === undefined || external === undefined) {
      const [found, missing] =
        internal === undefined ? ['ExternalIP', 'InternalIP'] : ['InternalIP', 'ExternalIP'];
      warnings.push(`${family}: ${found} found but no ${missing}; publishing only the ${found}`);
    }
  }
  return undefined;
}

/** `guest.net`, or the `guest.ipAddress` fallback as a single NIC of unknown network. */
function guestNics(
  guest: GuestNetworkInfo,
  warnings: string[],
): { nics: readonly GuestNic[]; fromIpAddress: boolean } {
  const nics = guest.net ?? [];
  if (nics.length > 0 || guest.ipAddress === undefined || guest.ipAddress === '') {
    return { nics, fromIpAddress: false };
  }
  warnings.push(
    `guest.net is empty; using guest.ipAddress ${guest.ipAddress} (the Go CPI fails with "VM GuestNicInfo is empty")`,
  );
  return {
    nics: [{ network: undefined, deviceConfigId: 0, ipAddresses: [guest.ipAddress] }],
    fromIpAddress: true,
  };
}

function collectEntries(nics: readonly GuestNic[], fromIpAddress: boolean): IpEntry[] {
  return nics.flatMap((nic, index) =>
    nic.ipAddresses.map((ip) => ({
      ip,
      network: nic.network,
      nic: fromIpAddress ? undefined : index,
      skipped: nic.deviceConfigId === -1,
      dropped: undefined,
      candidate: undefined,
      staticRank: undefined,
    })),
  );
}

/** Both network names configured and neither is the network of any (non -1) NIC. */
function networkNamesMissing(vnics: readonly GuestNic[], policy: AddressPolicy): boolean {
  const { internalNetwork, externalNetwork } = policy;
  if (internalNetwork === undefined || externalNetwork === undefined) return false;
  const present = (name: string): boolean => vnics.some((n) => equalFold(n.network ?? '', name));
  return !present(internalNetwork) && !present(externalNetwork);
}

function usableCandidates(entries: IpEntry[]): Candidate[] {
  const out: Candidate[] = [];
  for (const entry of entries) {
    if (entry.skipped) continue;
    const parsed = parseGoIp(entry.ip);
    const reason = localOnlyReason(parsed);
    if (reason !== undefined || parsed === undefined) {
      entry.dropped = reason ?? 'invalid';
      continue;
    }
    entry.candidate = { ip: entry.ip, parsed, network: entry.network };
    out.push(entry.candidate);
  }
  return out;
}

/** Stable sort: statically declared addresses first, by declared rank (compared as reported). */
function orderStaticFirst(candidates: Candidate[], guestinfo: GuestinfoMetadata, entries: IpEntry[]): void {
  const order = readStaticAddresses(guestinfo);
  if (order === undefined) return;
  for (const entry of entries) if (entry.candidate !== undefined) entry.staticRank = order.rank.get(entry.ip);
  candidates.sort((a, b) => {
    const ra = order.rank.get(a.ip);
    const rb = order.rank.get(b.ip);
    if (ra === undefined) return rb === undefined ? 0 : 1;
    return rb === undefined ? -1 : ra - rb;
  });
}

/** Appends unless the same type and address is already there (Kubernetes' AddToNodeAddresses). */
function addAddress(addresses: NodeAddress[], type: NodeAddressType, address: string): void {
  if (!addresses.some((a) => a.type === type && a.address === address)) addresses.push({ type, address });
}
