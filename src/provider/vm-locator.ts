// SPDX-License-Identifier: Apache-2.0
import { isIP } from 'node:net';
import type { NodeIdentity } from '../cloud/instances.ts';
import { InstanceNotFoundError, ProviderUnavailableError } from '../cloud/errors.ts';
import { CcmError } from '../lib/errors.ts';
import { formatMor } from '../vim25/mor.ts';
import type { TopologyNode } from '../vsphere/inventory/topology.ts';
import type { IndexedVm } from './inventory/indexed-vm.ts';
import type { VCenterIndex } from './inventory/vcenter-index.ts';
import { EmptyNodeIdError, instanceIdFromProviderId } from './provider-id.ts';
import { swapUuidByteOrder } from './uuid.ts';

/** How a Node was matched to its VM. */
export type MatchKind = 'uuid' | 'swapped-uuid' | 'hostname' | 'ip';

/** The part of a vCenter's index the locator and the instance rules read. */
export type LocatorIndex = Pick<
  VCenterIndex,
  | 'state'
  | 'byRef'
  | 'byBiosUuid'
  | 'byHostName'
  | 'byIp'
  | 'vms'
  | 'datacenterOf'
  | 'zoneChains'
  | 'tags'
  | 'absence'
>;

/** One configured vCenter as the locator sees it. */
export interface LocatorVCenter {
  readonly tenantRef: string;
  /** Undefined until the vCenter was connected and its index created. */
  readonly index: LocatorIndex | undefined;
  /** Why there is no index yet (e.g. the latest connect error), for error messages. */
  readonly unavailableReason?: string | undefined;
}

/** A Node's VM, where it was found and how. */
export interface VmMatch {
  readonly vm: IndexedVm;
  readonly tenantRef: string;
  readonly index: LocatorIndex;
  /** The datacenter holding the VM, from the index's topology. */
  readonly datacenter: TopologyNode | undefined;
  readonly matchedBy: MatchKind;
  /** What matched: the UUID in the form found, the host name or the IP. */
  readonly query: string;
  /** False when the vCenter's index is synced but not healthy: the VM's properties may be stale. */
  readonly current: boolean;
}

/** Several VMs answer one Node. The message starts with the reference's `Multiple VMs found`. */
export class AmbiguousVmError extends CcmError {
  readonly code = 'VM_MULTIPLE_FOUND';
  /** `tenantRef/Type:value` of each candidate. */
  readonly candidates: readonly string[];

  constructor(what: string, matches: readonly VmMatch[]) {
    const candidates = matches.map((m) => `${m.tenantRef}/${formatMor(m.vm.ref)}`);
    super(`Multiple VMs found for ${what}: ${candidates.join(', ')}`);
    this.candidates = candidates;
  }
}

/**
 * A VM answers the node name only case-insensitively. The reference requires the guest host name
 * to equal the node name exactly (`node not found`, host names are case sensitive).
 */
export class NodeNameMismatchError extends CcmError {
  readonly code = 'NODE_NAME_MISMATCH';
}

export interface VmLocatorOptions {
  /** The configured vCenters, read at every lookup. */
  readonly vcenters: () => readonly LocatorVCenter[];
}

/** Both forms of a BIOS UUID: as given (trimmed, lower-cased), then SMBIOS byte-swapped. */
export function uuidForms(uuid: string): readonly [string, string] {
  const given = uuid.trim().toLowerCase();
  return [given, swapUuidByteOrder(given)];
}

/**
 * Finds a Node's VM in the vCenter indexes, in memory: it never calls vCenter.
 *
 * - By `spec.providerID` when the Node has one (the UUID as given, then SMBIOS-swapped), and by
 *   nothing else. Otherwise by `systemUUID` (swapped first, as the reference's RegisterNode does,
 *   then as given), then by node name = guest host name (case-insensitive query; more than one VM
 *   is `Multiple VMs found`; the one VM must report the name exactly, case included), then by IP
 *   (a node name that is an IP, then the Node's addresses).
 * - Each step looks at every vCenter. A step falls through to the next only when every index is
 *   synced and healthy: an unsynced, unhealthy or unconnected vCenter could hold the VM, so the
 *   lookup rejects with `ProviderUnavailableError` rather than answer "not found" or try a weaker
 *   key. Matches from an unhealthy index are returned with `current: false`.
 * - More than one VM for a key rejects with `AmbiguousVmError`; a host-name match whose case
 *   differs from the node name with `NodeNameMismatchError`; none at all with
 *   `InstanceNotFoundError` (every vCenter answered); a Node with nothing to look up by (or a
 *   providerID that is only the prefix) with `EmptyNodeIdError` (`nodeID is empty`).
 */
export class VmLocator {
  readonly #vcenters: () => readonly LocatorVCenter[];

  constructor(options: VmLocatorOptions) {
    this.#vcenters = options.vcenters;
  }

  /** The Node's VM; rejects as described on the class. */
  locate(node: NodeIdentity): VmMatch {
    const steps = lookupSteps(node);
    if (steps.length === 0) throw new EmptyNodeIdError();
    for (const step of steps) {
      const matches = this.#run(step);
      if (matches.length === 0) continue;
      const [first] = matches;
      if (first === undefined || matches.length > 1) throw new AmbiguousVmError(step.what, matches);
      if (step.kind === 'hostname' && first.vm.guestHostName !== node.name) {
        throw new NodeNameMismatchError(
          `node not found: VM ${formatMor(first.vm.ref)} reports host name "${first.vm.guestHostName ?? ''}", not "${node.name}" (host names are case sensitive)`,
        );
      }
      return first;
    }
    throw new InstanceNotFoundError(`No VM found for ${describeNode(node)}`);
  }

  /**
   * Every VM with BIOS UUID `uuid`, as given or SMBIOS-swapped (the first form that matches
   * anything wins), across all vCenters. Empty only when every index is synced and healthy;
   * otherwise rejects with `ProviderUnavailableError`.
   */
  findByUuid(uuid: string): VmMatch[] {
    const [given, swapped] = uuidForms(uuid);
    for (const step of [uuidStep(given, 'uuid'), uuidStep(swapped, 'swapped-uuid')]) {
      const matches = this.#run(step);
      if (matches.length > 0) return matches;
    }
    return [];
  }

  /** The configured vCenters as of now. */
  vcenters(): readonly LocatorVCenter[] {
    return this.#vcenters();
  }

  #run(step: Step): VmMatch[] {
    const matches: VmMatch[] = [];
    const unavailable: string[] = [];
    for (const vc of this.#vcenters()) {
      const { index } = vc;
      const state = index?.state();
      if (index === undefined || state?.synced !== true) {
        unavailable.push(`vCenter "${vc.tenantRef}": inventory not loaded${reason(vc.unavailableReason)}`);
        continue;
      }
      if (!state.healthy) {
        const last =
          state.lastError === undefined ? '' : `${state.lastError.code}: ${state.lastError.message}`;
        unavailable.push(`vCenter "${vc.tenantRef}": inventory not current${reason(last)}`);
      }
      const seen = new Set<string>();
      for (const vm of step.find(index)) {
        const key = formatMor(vm.ref);
        if (seen.has(key)) continue;
        seen.add(key);
        matches.push({
          vm,
          tenantRef: vc.tenantRef,
          index,
          datacenter: index.datacenterOf(vm),
          matchedBy: step.kind,
          query: step.query,
          current: state.healthy,
        });
      }
    }
    if (matches.length === 0 && unavailable.length > 0) {
      throw new ProviderUnavailableError(
        `cannot tell whether a VM with ${step.what} exists: ${unavailable.join('; ')}`,
      );
    }
    return matches;
  }
}

interface Step {
  readonly kind: MatchKind;
  readonly query: string;
  /** For messages: `UUID x`, `host name "y"`, `IP z`. */
  readonly what: string;
  readonly find: (index: LocatorIndex) => readonly IndexedVm[];
}

function lookupSteps(node: NodeIdentity): Step[] {
  const providerID = node.providerID ?? '';
  if (providerID !== '') {
    const [given, swapped] = uuidForms(instanceIdFromProviderId(providerID));
    return [uuidStep(given, 'uuid'), uuidStep(swapped, 'swapped-uuid')];
  }
  const steps: Step[] = [];
  const systemUuid = node.systemUUID?.trim() ?? '';
  if (systemUuid !== '') {
    const [given, swapped] = uuidForms(systemUuid);
    steps.push(uuidStep(swapped, 'swapped-uuid'), uuidStep(given, 'uuid'));
  }
  const name = node.name.trim().toLowerCase();
  if (name !== '') {
    steps.push({
      kind: 'hostname',
      query: name,
      what: `host name "${name}"`,
      find: (i) => i.byHostName(name),
    });
  }
  const ips = [...new Set([node.name.trim(), ...(node.addresses ?? [])].filter((a) => isIP(a) !== 0))];
  if (ips.length > 0) {
    steps.push({
      kind: 'ip',
      query: ips.join(','),
      what: `IP ${ips.join(', ')}`,
      find: (i) => ips.flatMap((ip) => i.byIp(ip)),
    });
  }
  return steps;
}

function uuidStep(uuid: string, kind: 'uuid' | 'swapped-uuid'): Step {
  return { kind, query: uuid, what: `UUID ${uuid}`, find: (i) => i.byBiosUuid(uuid) };
}

function reason(text: string | undefined): string {
  return text === undefined || text === '' ? '' : ` (${text})`;
}

function describeNode(node: NodeIdentity): string {
  const parts = [`node "${node.name}"`];
  if (node.providerID !== undefined && node.providerID !== '') parts.push(`providerID ${node.providerID}`);
  if (node.systemUUID !== undefined && node.systemUUID !== '') parts.push(`systemUUID ${node.systemUUID}`);
  return parts.join(', ');
}
