// SPDX-License-Identifier: Apache-2.0
import type { KubeNode } from './kube-node.ts';
import type { InstanceMetadata, InstancesV2 } from '../../cloud/instances.ts';
import { withTimeout } from '../../lib/abort.ts';
import { desiredAddresses, planInitialization } from './init-plan.ts';
import { sameAddresses } from './node-addresses.ts';
import { hasTaint, nodeIdentity, nodeRef } from './node-identity.ts';
import type { NodeEvent, NodeReader, NodeWriter } from './node-ports.ts';
import { InvalidNodeLabelError, NodeSyncError } from './node-sync-errors.ts';
import { UNINITIALIZED_TAINT_KEY } from './well-known.ts';

/** Event reasons of the cloud-node controller (stable: users filter on them). */
export const NODE_EVENT_REASONS = {
  synced: 'Synced',
  initFailed: 'FailedToInitializeNode',
  invalidLabel: 'InvalidNodeLabel',
} as const;

export interface CloudNodeControllerOptions {
  readonly cloud: InstancesV2;
  readonly reader: NodeReader;
  readonly writer: NodeWriter;
  /** Upper bound of each cloud call and each write; default 30 s. */
  readonly callTimeoutMs?: number;
}

/**
 * What one `sync` did. `rejected` means the cloud's answer can never be written (an invalid
 * label): an Event was recorded and retrying would fail the same way, so the caller should not
 * back off and retry but wait for the next change or periodic resync.
 */
export type NodeSyncOutcome = 'absent' | 'initialized' | 'addresses-updated' | 'unchanged' | 'rejected';

/**
 * The cloud-node controller: initialises Nodes that carry the `uninitialized` taint and keeps
 * the addresses of initialised Nodes current. It reads Nodes only from the informer cache.
 */
export class CloudNodeController {
  readonly #cloud: InstancesV2;
  readonly #reader: NodeReader;
  readonly #writer: NodeWriter;
  readonly #timeoutMs: number;

  constructor(options: CloudNodeControllerOptions) {
    this.#cloud = options.cloud;
    this.#reader = options.reader;
    this.#writer = options.writer;
    this.#timeoutMs = options.callTimeoutMs ?? 30_000;
  }

  /**
   * Brings the named Node in line with the cloud; idempotent. A tainted Node is initialised with
   * at most two writes, status (addresses) first so that the Node has its addresses by the time
   * it becomes schedulable, then one patch setting providerID and labels and removing the taint.
   * An initialised Node gets a status patch only when its addresses really differ.
   *
   * @throws NodeSyncError (retry with backoff) when the cloud or a write fails; a tainted Node
   *   then keeps its taint and gets a Warning Event with the reason.
   */
  async sync(nodeName: string, signal: AbortSignal): Promise<NodeSyncOutcome> {
    const node = this.#reader.getNode(nodeName);
    if (node === undefined) return 'absent';
    return hasTaint(node, UNINITIALIZED_TAINT_KEY)
      ? this.#initialize(node, nodeName, signal)
      : this.#refreshAddresses(node, nodeName, signal);
  }

  async #initialize(node: KubeNode, name: string, signal: AbortSignal): Promise<NodeSyncOutcome> {
    try {
      const metadata = await this.#metadata(node, signal);
      let plan = planInitialization(node, metadata);
      if (plan.addresses !== undefined) {
        const updated = await this.#writer.patchNodeStatus(
          name,
          { addresses: plan.addresses },
          this.#opts(signal),
        );
        // The status write moved the resourceVersion; the taint list must come from that version.
        plan = planInitialization(updated, metadata);
      }
      await this.#writer.patchNode(name, plan.spec, this.#opts(signal));
    } catch (err) {
      signal.throwIfAborted();
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof InvalidNodeLabelError) {
        await this.#event(node, 'Warning', NODE_EVENT_REASONS.invalidLabel, message, signal);
        return 'rejected';
      }
      await this.#event(node, 'Warning', NODE_EVENT_REASONS.initFailed, message, signal);
      throw new NodeSyncError(`initialising node ${name}: ${message}`, { cause: err });
    }
    await this.#event(node, 'Normal', NODE_EVENT_REASONS.synced, 'Node synced successfully', signal);
    return 'initialized';
  }

  async #refreshAddresses(node: KubeNode, name: string, signal: AbortSignal): Promise<NodeSyncOutcome> {
    try {
      const addresses = desiredAddresses(node, await this.#metadata(node, signal));
      // An empty answer would wipe working addresses; keep the old ones instead.
      if (addresses.length === 0 || sameAddresses(node.status?.addresses, addresses)) return 'unchanged';
      await this.#writer.patchNodeStatus(name, { addresses }, this.#opts(signal));
      return 'addresses-updated';
    } catch (err) {
      signal.throwIfAborted();
      const message = err instanceof Error ? err.message : String(err);
      throw new NodeSyncError(`refreshing addresses of node ${name}: ${message}`, { cause: err });
    }
  }

  #metadata(node: KubeNode, signal: AbortSignal): Promise<InstanceMetadata> {
    return this.#cloud.instanceMetadata(nodeIdentity(node), this.#opts(signal));
  }

  async #event(
    node: KubeNode,
    type: NodeEvent['type'],
    reason: string,
    message: string,
    signal: AbortSignal,
  ): Promise<void> {
    await this.#writer.recordEvent({ node: nodeRef(node), type, reason, message }, this.#opts(signal));
  }

  #opts(signal: AbortSignal): { signal: AbortSignal } {
    return { signal: withTimeout(signal, this.#timeoutMs) };
  }
}
