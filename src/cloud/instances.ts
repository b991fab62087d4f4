// SPDX-License-Identifier: Apache-2.0
/**
 * The provider-neutral instances contract (Kubernetes cloud-provider `InstancesV2`). Controllers
 * see only this; the vSphere provider implements it. Every method takes the Node as Kubernetes
 * has it, so that the provider can use whatever identifies the machine (providerID, system UUID,
 * name, addresses).
 */

/** The parts of a Kubernetes Node the provider may use to find its machine. */
export interface NodeIdentity {
  readonly name: string;
  /** `spec.providerID`, when the Node already has one (kubelet `--provider-id`, or initialised). */
  readonly providerID?: string;
  /** `status.nodeInfo.systemUUID`, as the kubelet reads it from SMBIOS (byte-swapped on vSphere). */
  readonly systemUUID?: string;
  /** `status.addresses[].address`, used only as a last resort to find the machine by IP. */
  readonly addresses?: readonly string[];
}

export type NodeAddressType = 'Hostname' | 'InternalIP' | 'ExternalIP' | 'InternalDNS' | 'ExternalDNS';

export interface NodeAddress {
  readonly type: NodeAddressType;
  readonly address: string;
}

/** What the node controller writes on a Node it initialises. */
export interface InstanceMetadata {
  /** `vsphere://<lower-case BIOS UUID>`. */
  readonly providerID: string;
  /** Becomes the `node.kubernetes.io/instance-type` label. */
  readonly instanceType: string;
  readonly nodeAddresses: readonly NodeAddress[];
  /** Empty when zones are not configured. */
  readonly zone: string;
  readonly region: string;
  readonly additionalLabels: Readonly<Record<string, string>>;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface InstancesV2 {
  /**
   * Whether the machine behind the Node still exists. **If this resolves `false`, the node
   * lifecycle controller deletes the Node**, so implementations must resolve `false` only on
   * authoritative absence and reject for every other situation (outage, lost session, missing
   * permission, ambiguity).
   */
  instanceExists(node: NodeIdentity, options?: CallOptions): Promise<boolean>;
  /**
   * Whether the machine is shut down (not running). `true` makes the lifecycle controller add the
   * `node.cloudprovider.kubernetes.io/shutdown` taint to a NotReady Node; it never deletes.
   */
  instanceShutdown(node: NodeIdentity, options?: CallOptions): Promise<boolean>;
  /** Everything the node controller needs to initialise the Node; rejects rather than guess. */
  instanceMetadata(node: NodeIdentity, options?: CallOptions): Promise<InstanceMetadata>;
}
