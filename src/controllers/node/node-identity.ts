// SPDX-License-Identifier: Apache-2.0
import type { KubeNode, Taint } from './kube-node.ts';
import type { NodeIdentity } from '../../cloud/instances.ts';
import type { NodeRef } from './node-ports.ts';

/** What the cloud may use to find the Node's machine; empty strings count as absent. */
export function nodeIdentity(node: KubeNode): NodeIdentity {
  const providerID = node.spec?.providerID ?? '';
  const systemUUID = node.status?.nodeInfo?.systemUUID ?? '';
  const addresses = (node.status?.addresses ?? []).map((a) => a.address);
  return {
    name: node.metadata?.name ?? '',
    ...(providerID === '' ? {} : { providerID }),
    ...(systemUUID === '' ? {} : { systemUUID }),
    ...(addresses.length === 0 ? {} : { addresses }),
  };
}

/** The Node's name and uid, for Events and guarded deletion. */
export function nodeRef(node: KubeNode): NodeRef {
  const uid = node.metadata?.uid;
  return { name: node.metadata?.name ?? '', ...(uid === undefined ? {} : { uid }) };
}

/** Whether the Node carries a taint with `key` (any value or effect). */
export function hasTaint(node: KubeNode, key: string): boolean {
  return (node.spec?.taints ?? []).some((t) => t.key === key);
}

/** The Node's taints without those keyed `key`. */
export function taintsWithout(node: KubeNode, key: string): Taint[] {
  return (node.spec?.taints ?? []).filter((t) => t.key !== key);
}
