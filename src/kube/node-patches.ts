// SPDX-License-Identifier: Apache-2.0
/**
 * Pure builders of the Node writes a cloud-controller-manager makes, each in the form the real
 * kube-apiserver needs (see docs on taints, addresses and label values in the reference notes):
 * taint changes carry the full list plus a resourceVersion precondition; the address list is
 * replaced, not merged by type.
 */
import type { InstanceMetadata, NodeAddress } from '../cloud/instances.ts';
import { CcmError } from '../lib/errors.ts';

export const UNINITIALIZED_TAINT_KEY = 'node.cloudprovider.kubernetes.io/uninitialized';
export const SHUTDOWN_TAINT_KEY = 'node.cloudprovider.kubernetes.io/shutdown';

export const LABEL_INSTANCE_TYPE = 'node.kubernetes.io/instance-type';
export const LABEL_INSTANCE_TYPE_BETA = 'beta.kubernetes.io/instance-type';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';
export const LABEL_ZONE_BETA = 'failure-domain.beta.kubernetes.io/zone';
export const LABEL_REGION = 'topology.kubernetes.io/region';
export const LABEL_REGION_BETA = 'failure-domain.beta.kubernetes.io/region';

export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';

/** A patch body and the Content-Type it must be sent with. */
export interface NodePatch {
  readonly contentType: typeof MERGE_PATCH | typeof STRATEGIC_MERGE_PATCH;
  readonly body: Record<string, unknown>;
}

/** A taint as read from the API (client-node `V1Taint` fits). */
export interface TaintView {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
  readonly timeAdded?: unknown;
}

/** The parts of a Node the builders read (client-node `V1Node` fits). */
export interface NodeView {
  readonly metadata?: {
    readonly name?: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly spec?: { readonly providerID?: string; readonly taints?: readonly TaintView[] };
}

/** One or more labels the provider computed cannot be written: the server would answer 422. */
export class InvalidNodeLabelsError extends CcmError {
  readonly code = 'INVALID_NODE_LABELS';
  /** `key=value: reason` per rejected label. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid node labels: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

/** The Node read has no resourceVersion, so no precondition can guard the write. */
export class MissingResourceVersionError extends CcmError {
  readonly code = 'MISSING_RESOURCE_VERSION';
}

const NAME_RE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const DNS_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `value` is not a valid label value (≤ 63 chars, alphanumeric ends, `-_.` inside), or `undefined`. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return 'value must be at most 63 characters';
  if (!NAME_RE.test(value)) {
    return 'value must be empty or begin and end with [A-Za-z0-9] with only [-A-Za-z0-9_.] between';
  }
  return undefined;
}

/** Why `key` is not a valid label key (qualified name: optional DNS-subdomain prefix + `/`), or `undefined`. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (
    prefix !== undefined &&
    (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN_RE.test(prefix))
  ) {
    return 'key prefix must be a DNS subdomain of at most 253 characters';
  }
  if (name.length === 0 || name.length > 63 || !NAME_RE.test(name)) {
    return 'key name must be 1-63 characters, [A-Za-z0-9] at both ends, [-A-Za-z0-9_.] between';
  }
  return undefined;
}

/**
 * The labels node initialisation sets: the additional labels, then instance type (GA + beta) when
 * non-empty, zone and region (topology + failure-domain beta) each when non-empty. Throws
 * `InvalidNodeLabelsError` naming every invalid key or value, so the caller can report once
 * instead of retrying a patch the server will always reject.
 */
export function initialisationLabels(meta: InstanceMetadata): Readonly<Record<string, string>> {
  const labels: Record<string, string> = { ...meta.additionalLabels };
  if (meta.instanceType !== '') {
    labels[LABEL_INSTANCE_TYPE] = meta.instanceType;
    labels[LABEL_INSTANCE_TYPE_BETA] = meta.instanceType;
  }
  if (meta.zone !== '') {
    labels[LABEL_ZONE] = meta.zone;
    labels[LABEL_ZONE_BETA] = meta.zone;
  }
  if (meta.region !== '') {
    labels[LABEL_REGION] = meta.region;
    labels[LABEL_REGION_BETA] = meta.region;
  }
  const problems: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const problem = labelKeyProblem(key) ?? labelValueProblem(value);
    if (problem !== undefined) problems.push(`${key}=${JSON.stringify(value)}: ${problem}`);
  }
  if (problems.length > 0) throw new InvalidNodeLabelsError(problems);
  return labels;
}

function requireResourceVersion(node: NodeView): string {
  const rv = node.metadata?.resourceVersion;
  if (rv === undefined || rv === '') {
    throw new MissingResourceVersionError(`node ${node.metadata?.name ?? '?'} has no resourceVersion`);
  }
  return rv;
}

/**
 * The single `PATCH nodes/{name}` (JSON merge patch) that initialises a Node: sets
 * `spec.providerID` only if the Node has none, merges the initialisation labels, and replaces
 * `spec.taints` with the current list minus the uninitialized taint (taints have no merge key,
 * so the whole list is sent). `metadata.resourceVersion` makes it a precondition: a Node changed
 * since it was read gives 409, and the caller re-reads and rebuilds.
 */
export function buildInitialisationPatch(node: NodeView, meta: InstanceMetadata): NodePatch {
  const resourceVersion = requireResourceVersion(node);
  const labels = initialisationLabels(meta);
  const spec: Record<string, unknown> = {
    taints: (node.spec?.taints ?? []).filter((t) => t.key !== UNINITIALIZED_TAINT_KEY),
  };
  const current = node.spec?.providerID ?? '';
  if (current === '' && meta.providerID !== '') spec['providerID'] = meta.providerID;
  return { contentType: MERGE_PATCH, body: { metadata: { resourceVersion, labels }, spec } };
}

/**
 * The addresses without repeated (type, address) pairs, first occurrence kept: the server rejects
 * a duplicate pair with 422, while the same IP as InternalIP and ExternalIP is fine.
 */
export function uniqueAddresses(addresses: readonly NodeAddress[]): NodeAddress[] {
  const seen = new Set<string>();
  return addresses.filter((a) => {
    const id = `${a.type}\u0000${a.address}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * The `PATCH nodes/{name}/status` body that makes `status.addresses` exactly `addresses` (in
 * order, duplicates dropped). A strategic-merge patch would merge by `type` and collapse two
 * InternalIPs, so the list carries the `{"$patch":"replace"}` directive, which replaces it whole.
 */
export function buildAddressesPatch(addresses: readonly NodeAddress[]): NodePatch {
  const list: Record<string, string>[] = uniqueAddresses(addresses).map((a) => ({
    type: a.type,
    address: a.address,
  }));
  return {
    contentType: STRATEGIC_MERGE_PATCH,
    body: { status: { addresses: [...list, { $patch: 'replace' }] } },
  };
}

/**
 * The `PATCH nodes/{name}` (JSON merge patch, resourceVersion precondition, full taint list) that
 * adds (`present`) or removes the `node.cloudprovider.kubernetes.io/shutdown:NoSchedule` taint,
 * or `undefined` when the Node already is as wanted. Removal drops every taint with that key.
 */
export function buildShutdownTaintPatch(node: NodeView, present: boolean): NodePatch | undefined {
  const taints = node.spec?.taints ?? [];
  const has = taints.some((t) => t.key === SHUTDOWN_TAINT_KEY);
  if (has === present) return undefined;
  const resourceVersion = requireResourceVersion(node);
  const next: TaintView[] = present
    ? [...taints, { key: SHUTDOWN_TAINT_KEY, effect: 'NoSchedule' }]
    : taints.filter((t) => t.key !== SHUTDOWN_TAINT_KEY);
  return { contentType: MERGE_PATCH, body: { metadata: { resourceVersion }, spec: { taints: next } } };
}
