// SPDX-License-Identifier: Apache-2.0
import type { KubeNode, Taint } from './kube-node.ts';
import type { NodeAddress } from '../../cloud/instances.ts';

/**
 * Read access to Nodes as the shared informer cache holds them. Synchronous because it never
 * goes to the API server: the controllers make no GETs for Nodes the informer has.
 */
export interface NodeReader {
  /** The cached Node, or `undefined` when the cache has none by that name. */
  getNode(name: string): KubeNode | undefined;
  /** Every cached Node; the caller must not mutate them. */
  listNodes(): readonly KubeNode[];
}

/** Signal for one write; implementations must also bound the request's time themselves. */
export interface WriteOptions {
  readonly signal: AbortSignal;
}

/** `PATCH nodes/{name}/status`: the complete, ordered address list replaces the current one. */
export interface NodeStatusPatch {
  readonly addresses: readonly NodeAddress[];
}

/**
 * One `PATCH nodes/{name}` with `resourceVersion` as a precondition (a stale one rejects with a
 * conflict, and the caller retries from a fresh read). Absent fields are left as they are.
 */
export interface NodeSpecPatch {
  /** The resourceVersion the change was computed from. */
  readonly resourceVersion: string;
  /** Set `spec.providerID` (only ever sent when the Node has none). */
  readonly providerID?: string;
  /** Labels to add or overwrite; labels not named here are kept. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The complete intended `spec.taints` list (taints have no merge key, so the list is replaced). */
  readonly taints?: readonly Taint[];
}

/** Which Node an Event or a deletion is about; `uid` guards against a re-created namesake. */
export interface NodeRef {
  readonly name: string;
  readonly uid?: string;
}

/** A core/v1 Event about a Node. `reason` is CamelCase and stable. */
export interface NodeEvent {
  readonly node: NodeRef;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

/** Writes the node controllers make. Every method rejects on failure, except `recordEvent`. */
export interface NodeWriter {
  /**
   * Resolves with the Node as the API server returned it. A status write changes the Node's
   * resourceVersion, so a following spec patch must be computed from this Node, not the cached one.
   */
  patchNodeStatus(name: string, patch: NodeStatusPatch, options: WriteOptions): Promise<KubeNode>;
  patchNode(name: string, patch: NodeSpecPatch, options: WriteOptions): Promise<void>;
  /** Deletes the Node, with `preconditions.uid` when `node.uid` is given. */
  deleteNode(node: NodeRef, options: WriteOptions): Promise<void>;
  /**
   * Best effort: an Event is advice to humans, so implementations log and aggregate their own
   * failures and never reject (a lost Event must not hide the error it reports).
   */
  recordEvent(event: NodeEvent, options: WriteOptions): Promise<void>;
}
