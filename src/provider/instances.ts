// SPDX-License-Identifier: Apache-2.0
import type { IpFamily, LabelsConfig, NodesConfig } from '../config/config.ts';
import type { CallOptions, InstanceMetadata, InstancesV2, NodeIdentity } from '../cloud/instances.ts';
import { InstanceNotFoundError, ProviderUnavailableError } from '../cloud/errors.ts';
import { CcmError } from '../lib/errors.ts';
import { formatMor } from '../vim25/mor.ts';
import { AbsenceNotConfirmedError, AbsenceRule } from './absence-rule.ts';
import type { AuthoritativeCheck } from './authoritative-check.ts';
import { instanceType } from './instance-type.ts';
import { discoverNodeAddresses } from './node-addresses.ts';
import { instanceIdFromProviderId, providerIdFromBiosUuid } from './provider-id.ts';
import type { VmLocator, VmMatch } from './vm-locator.ts';
import { resolveZoneChains, type ZoneChain, type ZoneMatch } from './zone-chains.ts';

export interface VSphereInstancesOptions {
  readonly locator: VmLocator;
  readonly check: AuthoritativeCheck;
  /** IP families of a vCenter, in priority order; `['ipv4']` when it returns undefined. */
  readonly ipFamilies: (tenantRef: string) => readonly IpFamily[] | undefined;
  readonly nodes: NodesConfig | undefined;
  readonly labels: LabelsConfig;
  /** Labels added to every Node (the reference's `--node-labels`). Default none. */
  readonly additionalLabels?: Readonly<Record<string, string>>;
  /** The process environment, for `SKIP_NODE_DELETION`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => number;
  /** Least time between two observations of absence. Default 10 s. */
  readonly absenceConfirmMs?: number;
  /** See `AbsenceRuleOptions.searchWithoutMoRef` (absence-rule.ts). Default true. */
  readonly searchWithoutMoRef?: boolean;
}

/** The VM was found, but a property the answer needs is not known (yet). */
export class VmPropertyUnknownError extends CcmError {
  readonly code = 'VM_PROPERTY_UNKNOWN';
}

/**
 * `InstancesV2` for vSphere, answered from the vCenter indexes (see `VmLocator`): shutdown and
 * metadata never call vCenter; exists calls it only before it would resolve `false`.
 *
 * - `instanceExists`: true as soon as any index (even a stale one) has a VM with the providerID's
 *   UUID, or, for a Node without providerID, when its VM is found at all. `false` only through
 *   `AbsenceRule` (two observations ≥ 10 s apart by healthy indexes, the MoRef and UUID checks,
 *   `SKIP_NODE_DELETION` unset); a Node without providerID is never reported gone (the reference
 *   deletes only by UUID, #381). Everything else rejects.
 * - `instanceShutdown`: the power state is not `poweredOn` (suspended is shut down). Needs only
 *   the VM and its power state, so it works for a powered-off VM that reports no IPs.
 * - `instanceMetadata`: providerID (the Node's own when set, else `vsphere://` + BIOS UUID),
 *   instance type, zone and region (only when both categories are configured), addresses
 *   (§3.1 rules, the vCenter's IP families), additional labels. Any failure rejects, in the
 *   reference's order: identity, type, zone, addresses.
 * - shutdown and metadata reject with `ProviderUnavailableError` when the VM's index is not
 *   healthy: its data may be stale.
 */
export class VSphereInstances implements InstancesV2 {
  readonly #locator: VmLocator;
  readonly #absence: AbsenceRule;
  readonly #options: VSphereInstancesOptions;

  constructor(options: VSphereInstancesOptions) {
    this.#locator = options.locator;
    this.#options = options;
    this.#absence = new AbsenceRule({
      locator: options.locator,
      check: options.check,
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.absenceConfirmMs === undefined ? {} : { confirmAfterMs: options.absenceConfirmMs }),
      ...(options.searchWithoutMoRef === undefined ? {} : { searchWithoutMoRef: options.searchWithoutMoRef }),
    });
  }

  async instanceExists(node: NodeIdentity, options: CallOptions = {}): Promise<boolean> {
    options.signal?.throwIfAborted();
    if ((node.providerID ?? '') === '') return this.#existsWithoutProviderId(node);
    const uuid = instanceIdFromProviderId(node.providerID ?? '');
    if (this.#locator.findByUuid(uuid).length > 0) {
      this.#absence.present(uuid);
      return true;
    }
    return this.#absence.confirm(node, uuid, options.signal === undefined ? {} : { signal: options.signal });
  }

  instanceShutdown(node: NodeIdentity, options: CallOptions = {}): Promise<boolean> {
    return Promise.resolve().then(() => {
      options.signal?.throwIfAborted();
      const { vm } = this.#currentMatch(node);
      if (vm.powerState === undefined) {
        throw new VmPropertyUnknownError(`the power state of VM ${formatMor(vm.ref)} is not known`);
      }
      return vm.powerState !== 'poweredOn';
    });
  }

  instanceMetadata(node: NodeIdentity, options: CallOptions = {}): Promise<InstanceMetadata> {
    return Promise.resolve().then(() => {
      options.signal?.throwIfAborted();
      return this.#metadata(node, this.#currentMatch(node));
    });
  }

  /** Found at all: true. Not found: never false, since the reference deletes only by UUID (#381). */
  #existsWithoutProviderId(node: NodeIdentity): boolean {
    try {
      this.#locator.locate(node);
      return true;
    } catch (err) {
      if (!(err instanceof InstanceNotFoundError)) throw err;
      throw new AbsenceNotConfirmedError(
        'no-provider-id',
        `${err.message}; a Node without providerID is never reported gone (deletion is by UUID only)`,
        { cause: err },
      );
    }
  }

  /** The Node's VM from a healthy index. */
  #currentMatch(node: NodeIdentity): VmMatch {
    const match = this.#locator.locate(node);
    if (!match.current) {
      const error = match.index.state().lastError;
      const why = error === undefined ? '' : ` (${error.code}: ${error.message})`;
      throw new ProviderUnavailableError(
        `VM ${formatMor(match.vm.ref)} of node "${node.name}" is in vCenter "${match.tenantRef}", whose inventory is not current${why}`,
      );
    }
    return match;
  }

  #metadata(node: NodeIdentity, match: VmMatch): InstanceMetadata {
    const { vm } = match;
    const providerID =
      (node.providerID ?? '') === '' ? providerIdFromBiosUuid(vm.biosUuid) : (node.providerID ?? '');
    const type = instanceType({ numCpu: vm.numCpu, memorySizeMB: vm.memoryMB, guestId: vm.guestId });
    const zone = this.#zone(match);
    const result = discoverNodeAddresses({
      nodeId: instanceIdFromProviderId(providerID),
      guest: { hostName: vm.guestHostName, net: vm.nics, ipAddress: vm.guestIpAddress },
      guestinfo: {
        metadata: vm.guestInfo['guestinfo.metadata'],
        encoding: vm.guestInfo['guestinfo.metadata.encoding'],
      },
      ipFamilies: this.#options.ipFamilies(match.tenantRef) ?? ['ipv4'],
      nodes: this.#options.nodes,
    });
    if (!result.ok) throw result.error;
    return {
      providerID,
      instanceType: type,
      nodeAddresses: result.addresses,
      zone: zone?.zone ?? '',
      region: zone?.region ?? '',
      additionalLabels: { ...this.#options.additionalLabels },
    };
  }

  /** Zone and region from the tag snapshot; undefined when zones are off. */
  #zone(match: VmMatch): ZoneMatch | undefined {
    const { zone, region } = this.#options.labels;
    if (zone === undefined || zone === '' || region === undefined || region === '') return undefined;
    const tags = match.index.tags();
    if (tags === undefined) {
      throw new ProviderUnavailableError(
        `the zone and region tags of vCenter "${match.tenantRef}" are not loaded yet`,
      );
    }
    const result = resolveZoneChains(zoneChains(match), tags.index, { zone, region });
    if (!result.ok) throw result.error;
    return result.match;
  }
}

/** The VM's host, resource-pool and VM chains in the reference's order; empty chains left out. */
export function zoneChains(match: VmMatch): ZoneChain[] {
  const chains = match.index.zoneChains(match.vm);
  const out: ZoneChain[] = [];
  for (const kind of ['host', 'resourcePool', 'vm'] as const) {
    const [first, ...rest] = chains[kind].map((n) => n.ref);
    if (first !== undefined) out.push({ kind, objects: [first, ...rest] });
  }
  return out;
}
