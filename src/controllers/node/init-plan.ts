// SPDX-License-Identifier: Apache-2.0
import type { KubeNode } from './kube-node.ts';
import type { InstanceMetadata, NodeAddress } from '../../cloud/instances.ts';
import { isValidLabelKey, isValidLabelValue } from './label-syntax.ts';
import { applyProvidedNodeIps, dedupeAddresses, sameAddresses } from './node-addresses.ts';
import { taintsWithout } from './node-identity.ts';
import type { NodeSpecPatch } from './node-ports.ts';
import { InvalidNodeLabelError } from './node-sync-errors.ts';
import {
  INSTANCE_TYPE_BETA_LABEL,
  INSTANCE_TYPE_LABEL,
  PROVIDED_NODE_IP_ANNOTATION,
  REGION_BETA_LABEL,
  REGION_LABEL,
  UNINITIALIZED_TAINT_KEY,
  ZONE_BETA_LABEL,
  ZONE_LABEL,
} from './well-known.ts';

/** The two writes that initialise a Node, in the order they must be made. */
export interface InitPlan {
  /** The new `status.addresses`; absent when the Node already has exactly these. */
  readonly addresses?: readonly NodeAddress[];
  /** providerID, labels and the taint list without the uninitialized taint. */
  readonly spec: NodeSpecPatch;
}

/**
 * The addresses the Node should have: the cloud's, de-duplicated, with the kubelet's `--node-ip`
 * applied. Pure.
 *
 * @throws ProvidedNodeIpNotFoundError when the kubelet's IP is not among them.
 */
export function desiredAddresses(node: KubeNode, metadata: InstanceMetadata): NodeAddress[] {
  const provided = node.metadata?.annotations?.[PROVIDED_NODE_IP_ANNOTATION];
  return applyProvidedNodeIps(provided, dedupeAddresses(metadata.nodeAddresses));
}

/**
 * The labels the cloud puts on the Node. The well-known labels win over `--node-labels` extras
 * of the same key; empty zone, region and instance type add no label.
 *
 * @throws InvalidNodeLabelError naming every invalid key or value, before anything is written.
 */
export function desiredLabels(metadata: InstanceMetadata): Record<string, string> {
  const labels: Record<string, string> = { ...metadata.additionalLabels };
  const put = (keys: readonly string[], value: string): void => {
    if (value !== '') for (const key of keys) labels[key] = value;
  };
  put([INSTANCE_TYPE_LABEL, INSTANCE_TYPE_BETA_LABEL], metadata.instanceType);
  put([ZONE_LABEL, ZONE_BETA_LABEL], metadata.zone);
  put([REGION_LABEL, REGION_BETA_LABEL], metadata.region);
  const invalid = Object.entries(labels).filter(([k, v]) => !isValidLabelKey(k) || !isValidLabelValue(v));
  if (invalid.length > 0) {
    const list = invalid.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
    throw new InvalidNodeLabelError(
      `the cloud reports label(s) Kubernetes does not accept: ${list} (a value must be at most 63 characters of [-A-Za-z0-9_.], alphanumeric at both ends); fix the inventory, e.g. the zone or region tag name`,
    );
  }
  return labels;
}

/**
 * Everything needed to initialise `node` from the cloud's `metadata`, validated up front so that
 * nothing is written when any part would be rejected. Pure.
 *
 * @throws InvalidNodeLabelError or ProvidedNodeIpNotFoundError.
 */
export function planInitialization(node: KubeNode, metadata: InstanceMetadata): InitPlan {
  const labels = desiredLabels(metadata);
  const addresses = desiredAddresses(node, metadata);
  const current = node.metadata?.labels ?? {};
  const changed = Object.fromEntries(Object.entries(labels).filter(([k, v]) => current[k] !== v));
  const setProviderID = (node.spec?.providerID ?? '') === '' && metadata.providerID !== '';
  const spec: NodeSpecPatch = {
    resourceVersion: node.metadata?.resourceVersion ?? '',
    taints: taintsWithout(node, UNINITIALIZED_TAINT_KEY),
    ...(setProviderID ? { providerID: metadata.providerID } : {}),
    ...(Object.keys(changed).length > 0 ? { labels: changed } : {}),
  };
  const unchanged = addresses.length === 0 || sameAddresses(node.status?.addresses, addresses);
  return unchanged ? { spec } : { addresses, spec };
}
