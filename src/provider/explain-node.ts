// SPDX-License-Identifier: Apache-2.0
import type { CallOptions, InstancesV2, NodeIdentity } from '../cloud/instances.ts';
import type { CloudConfig, IpFamily } from '../config/config.ts';
import { CcmError } from '../lib/errors.ts';
import { formatMor } from '../vim25/mor.ts';
import { explainZones, type ExplainedZoneAttempt, type ExplainedZoneSource } from './explain-zones.ts';
import { instanceType } from './instance-type.ts';
import { discoverNodeAddresses, type CandidateDecision, type NodeAddress } from './node-addresses.ts';
import { instanceIdFromProviderId, providerIdFromBiosUuid } from './provider-id.ts';
import type { MatchKind, VmLocator, VmMatch } from './vm-locator.ts';

export type { ExplainedTag, ExplainedZoneAttempt, ExplainedZoneSource } from './explain-zones.ts';

/** A failed step, as `explain-node` shows it: the stable code and the exact message. */
export interface ExplainedError {
  readonly code: string;
  readonly message: string;
}

/** The steps whose failure the explanation reports, in the order the CCM runs them. */
export type ExplainStep = 'inventory' | 'providerID' | 'zone' | 'addresses' | 'exists' | 'shutdown';

/** The matched VM. `vcenter` is the tenant (the config key); absent values are null. */
export interface ExplainedVm {
  readonly vcenter: string;
  readonly server: string | null;
  readonly datacenter: string | null;
  readonly name: string | null;
  readonly moref: string;
  readonly biosUuid: string | null;
  readonly instanceUuid: string | null;
  readonly powerState: string | null;
  readonly guestHostName: string | null;
}

/** One guest IP and what the address rules did with it. */
export interface ExplainedCandidate {
  readonly ip: string;
  readonly network: string | null;
  /** Index in `guest.net`; null when the address came from `guest.ipAddress`. */
  readonly nic: number | null;
  readonly decision: CandidateDecision;
  readonly rule: string;
}

/**
 * Everything `explain-node` shows (also its JSON document, in this field order). A value the
 * CCM could not compute is null, with the reason under `errors`.
 */
export interface NodeExplanation {
  readonly providerID: string | null;
  readonly instanceType: string;
  readonly addresses: readonly NodeAddress[] | null;
  /** Null when zones are off (a category not configured) or the lookup failed. */
  readonly zone: string | null;
  readonly region: string | null;
  /** Null when the verdict is an error (see `errors.exists`): the CCM would keep the Node. */
  readonly exists: boolean | null;
  readonly shutdown: boolean | null;
  readonly vm: ExplainedVm;
  readonly candidates: readonly ExplainedCandidate[];
  readonly matchedBy: MatchKind;
  /** What matched: the UUID in the form found, the lower-cased host name, or the IP(s). */
  readonly matchQuery: string;
  /** False when the vCenter's inventory is synced but not current: metadata would be refused. */
  readonly inventoryCurrent: boolean;
  readonly ipFamilies: readonly IpFamily[];
  readonly addressWarnings: readonly string[];
  readonly zonesEnabled: boolean;
  /** The chain that supplied both tags, and the object that carried each; null without a zone. */
  readonly zoneSource: ExplainedZoneSource | null;
  /** Every chain tried, in order (host, resource pool, VM). */
  readonly zoneAttempts: readonly ExplainedZoneAttempt[];
  readonly existsReason: string;
  readonly shutdownReason: string;
  readonly errors: Readonly<Partial<Record<ExplainStep, ExplainedError>>>;
}

export interface ExplainNodeOptions {
  readonly locator: Pick<VmLocator, 'locate'>;
  /** The verdicts come from the provider itself, so they are the CCM's own. */
  readonly instances: Pick<InstancesV2, 'instanceExists' | 'instanceShutdown'>;
  readonly config: Pick<CloudConfig, 'vcenters' | 'labels' | 'nodes'>;
  readonly signal?: AbortSignal;
}

/**
 * Explains what the CCM makes of `node`: finds its VM (`locate` errors are thrown as they are:
 * not found, ambiguous, unavailable), then computes what `instanceMetadata` publishes with every
 * intermediate result (each guest IP's rule, each zone chain's tag carriers), and asks the
 * provider for the exists and shutdown verdicts. A failed step is recorded in `errors` and the
 * others still run. Calls vCenter only where `instanceExists` itself would.
 */
export async function explainNode(node: NodeIdentity, options: ExplainNodeOptions): Promise<NodeExplanation> {
  const match = options.locator.locate(node);
  const described = explainMatch(node, match, options.config);
  const call: CallOptions = options.signal === undefined ? {} : { signal: options.signal };
  const errors: Partial<Record<ExplainStep, ExplainedError>> = { ...described.errors };
  const exists = await verdict(() => options.instances.instanceExists(node, call));
  const shutdown = await verdict(() => options.instances.instanceShutdown(node, call));
  if (exists.error !== undefined) errors.exists = exists.error;
  if (shutdown.error !== undefined) errors.shutdown = shutdown.error;
  const { providerID, instanceType: type, addresses, zone, region, vm, candidates, ...rest } = described;
  return {
    providerID,
    instanceType: type,
    addresses,
    zone,
    region,
    exists: exists.value,
    shutdown: shutdown.value,
    vm,
    candidates,
    ...rest,
    existsReason: exists.error?.message ?? existsReason(node, match, exists.value),
    shutdownReason: shutdown.error?.message ?? shutdownReason(match),
    errors,
  };
}

type Described = Omit<NodeExplanation, 'exists' | 'shutdown' | 'existsReason' | 'shutdownReason'>;

/**
 * The metadata part of the explanation for a VM already found: providerID, instance type,
 * zone and region with their chains, addresses with every candidate. Pure (reads the index).
 */
function explainMatch(node: NodeIdentity, match: VmMatch, config: ExplainNodeOptions['config']): Described {
  const { vm } = match;
  const errors: Partial<Record<ExplainStep, ExplainedError>> = {};
  if (!match.current) errors.inventory = staleInventory(match);
  const providerID = attempt(errors, 'providerID', () =>
    (node.providerID ?? '') === '' ? providerIdFromBiosUuid(vm.biosUuid) : (node.providerID ?? ''),
  );
  const vcenterConfig = config.vcenters.get(match.tenantRef);
  const ipFamilies = vcenterConfig?.ipFamilies ?? ['ipv4'];
  const zones = explainZones(match, config.labels);
  if (zones.error !== undefined) errors.zone = errorOf(zones.error);
  const result = discoverNodeAddresses({
    nodeId: providerID === undefined ? (vm.biosUuid ?? node.name) : instanceIdFromProviderId(providerID),
    guest: { hostName: vm.guestHostName, net: vm.nics, ipAddress: vm.guestIpAddress },
    guestinfo: {
      metadata: vm.guestInfo['guestinfo.metadata'],
      encoding: vm.guestInfo['guestinfo.metadata.encoding'],
    },
    ipFamilies,
    nodes: config.nodes,
  });
  if (!result.ok) errors.addresses = errorOf(result.error);
  return {
    providerID: providerID ?? null,
    instanceType: instanceType({ numCpu: vm.numCpu, memorySizeMB: vm.memoryMB, guestId: vm.guestId }),
    addresses: result.ok ? result.addresses : null,
    zone: zones.source?.zone.value ?? null,
    region: zones.source?.region.value ?? null,
    vm: explainVm(match, vcenterConfig),
    candidates: result.explanation.candidates.map((c) => ({
      ip: c.ip,
      network: c.network ?? null,
      nic: c.nic ?? null,
      decision: c.decision,
      rule: c.rule,
    })),
    matchedBy: match.matchedBy,
    matchQuery: match.query,
    inventoryCurrent: match.current,
    ipFamilies,
    addressWarnings: result.explanation.warnings,
    zonesEnabled: zones.enabled,
    zoneSource: zones.source ?? null,
    zoneAttempts: zones.attempts,
    errors,
  };
}

function staleInventory(match: VmMatch): ExplainedError {
  const last = match.index.state().lastError;
  const why = last === undefined ? '' : ` (${last.code}: ${last.message})`;
  return {
    code: 'PROVIDER_UNAVAILABLE',
    message: `the inventory of vCenter "${match.tenantRef}" is not current${why}; the CCM would refuse metadata and shutdown`,
  };
}

function explainVm(
  match: VmMatch,
  vc: { readonly server: string; readonly port: number } | undefined,
): ExplainedVm {
  const { vm } = match;
  return {
    vcenter: match.tenantRef,
    server: vc === undefined ? null : `${vc.server}:${String(vc.port)}`,
    datacenter: match.datacenter?.name ?? null,
    name: vm.name ?? null,
    moref: formatMor(vm.ref),
    biosUuid: vm.biosUuid ?? null,
    instanceUuid: vm.instanceUuid ?? null,
    powerState: vm.powerState ?? null,
    guestHostName: vm.guestHostName ?? null,
  };
}

function existsReason(node: NodeIdentity, match: VmMatch, exists: boolean | null): string {
  if (exists === false) return 'vCenter confirmed that the VM is gone: the CCM would delete the Node';
  const where = `vCenter "${match.tenantRef}"`;
  if ((node.providerID ?? '') !== '') return `the inventory of ${where} has a VM with UUID ${match.query}`;
  return `found by ${match.matchedBy} ${match.query} in ${where}; a Node without providerID is never reported gone`;
}

function shutdownReason(match: VmMatch): string {
  const power = match.vm.powerState ?? 'unknown';
  if (power === 'poweredOn') return 'power state is poweredOn';
  return `power state is ${power} (anything but poweredOn counts as shut down)`;
}

async function verdict(
  run: () => Promise<boolean>,
): Promise<{ value: boolean | null; error: ExplainedError | undefined }> {
  try {
    return { value: await run(), error: undefined };
  } catch (err) {
    return { value: null, error: errorOf(err) };
  }
}

function attempt<T>(
  errors: Partial<Record<ExplainStep, ExplainedError>>,
  step: ExplainStep,
  run: () => T,
): T | undefined {
  try {
    return run();
  } catch (err) {
    errors[step] = errorOf(err);
    return undefined;
  }
}

function errorOf(err: unknown): ExplainedError {
  if (err instanceof CcmError) return { code: err.code, message: err.message };
  return { code: 'UNKNOWN', message: err instanceof Error ? err.message : String(err) };
}
