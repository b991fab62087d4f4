// SPDX-License-Identifier: Apache-2.0
import type { KubeNode } from '../node/kube-node.ts';
import type { InstancesV2 } from '../../cloud/instances.ts';
import { withTimeout } from '../../lib/abort.ts';
import { hasTaint, nodeIdentity, nodeRef, taintsWithout } from '../node/node-identity.ts';
import type { NodeReader, NodeWriter } from '../node/node-ports.ts';
import { SHUTDOWN_TAINT_KEY } from '../node/well-known.ts';
import { NodeLifecycleError } from './node-lifecycle-errors.ts';

/** Event reason recorded before a Node is deleted (stable: users filter on it). */
export const DELETING_NODE_REASON = 'DeletingNode';

export interface CloudNodeLifecycleControllerOptions {
  readonly cloud: InstancesV2;
  readonly reader: NodeReader;
  readonly writer: NodeWriter;
  /** Upper bound of each cloud call and each write; default 30 s. */
  readonly callTimeoutMs?: number;
}

/** What one Node's check did. */
export type LifecycleAction = 'none' | 'tainted' | 'untainted' | 'deleted';

/** The result of one `monitor` pass; the caller logs the errors and counts the actions. */
export interface LifecycleReport {
  readonly checked: number;
  readonly tainted: readonly string[];
  readonly untainted: readonly string[];
  readonly deleted: readonly string[];
  readonly errors: readonly { readonly node: string; readonly error: unknown }[];
}

/** Whether the Node's Ready condition is True (a missing condition counts as not ready). */
export function isNodeReady(node: KubeNode): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * The cloud-node-lifecycle controller. For Nodes whose Ready condition is not True it taints the
 * shut-down ones `node.cloudprovider.kubernetes.io/shutdown:NoSchedule` and deletes those whose
 * machine the cloud says, authoritatively, no longer exists. It removes the shutdown taint once
 * the machine runs again or the Node is Ready. It never deletes because of an error; when only the
 * power-state query fails it still asks whether the machine exists, as the Go framework does, and
 * deletes only on that authoritative `false`.
 */
export class CloudNodeLifecycleController {
  readonly #cloud: InstancesV2;
  readonly #reader: NodeReader;
  readonly #writer: NodeWriter;
  readonly #timeoutMs: number;

  constructor(options: CloudNodeLifecycleControllerOptions) {
    this.#cloud = options.cloud;
    this.#reader = options.reader;
    this.#writer = options.writer;
    this.#timeoutMs = options.callTimeoutMs ?? 30_000;
  }

  /**
   * One pass over every cached Node (one `--node-monitor-period` tick), one Node at a time. A
   * failure on one Node is reported and the pass goes on; only an abort ends it early (rejecting
   * with the signal's reason).
   */
  async monitor(signal: AbortSignal): Promise<LifecycleReport> {
    const report = {
      checked: 0,
      tainted: [] as string[],
      untainted: [] as string[],
      deleted: [] as string[],
    };
    const errors: { node: string; error: unknown }[] = [];
    for (const node of this.#reader.listNodes()) {
      signal.throwIfAborted();
      const name = node.metadata?.name ?? '';
      report.checked++;
      try {
        const action = await this.#check(node, name, signal);
        if (action !== 'none') report[action].push(name);
      } catch (error) {
        signal.throwIfAborted();
        errors.push({ node: name, error });
      }
    }
    return { ...report, errors };
  }

  /**
   * Checks the named Node once; idempotent.
   *
   * @throws NodeLifecycleError when the cloud cannot answer; nothing was changed then.
   */
  async sync(nodeName: string, signal: AbortSignal): Promise<LifecycleAction> {
    const node = this.#reader.getNode(nodeName);
    return node === undefined ? 'none' : this.#check(node, nodeName, signal);
  }

  async #check(node: KubeNode, name: string, signal: AbortSignal): Promise<LifecycleAction> {
    if (isNodeReady(node)) return this.#removeShutdownTaint(node, name, signal);
    let shutdownError: unknown;
    try {
      const shutdown = await this.#cloud.instanceShutdown(nodeIdentity(node), this.#opts(signal));
      if (shutdown) return await this.#addShutdownTaint(node, name, signal);
      if (hasTaint(node, SHUTDOWN_TAINT_KEY)) return await this.#removeShutdownTaint(node, name, signal);
    } catch (err) {
      signal.throwIfAborted();
      // Still ask whether the machine exists: a gone machine cannot report its power state.
      shutdownError = err;
    }
    const exists = await this.#exists(node, name, signal);
    if (exists) {
      if (shutdownError === undefined) return 'none';
      throw new NodeLifecycleError(`checking whether node ${name} is shut down`, { cause: shutdownError });
    }
    const message = `Deleting node ${name} because it does not exist in the cloud provider`;
    const ref = nodeRef(node);
    await this.#writer.recordEvent(
      { node: ref, type: 'Normal', reason: DELETING_NODE_REASON, message },
      this.#opts(signal),
    );
    await this.#writer.deleteNode(ref, this.#opts(signal));
    return 'deleted';
  }

  async #exists(node: KubeNode, name: string, signal: AbortSignal): Promise<boolean> {
    try {
      return await this.#cloud.instanceExists(nodeIdentity(node), this.#opts(signal));
    } catch (err) {
      signal.throwIfAborted();
      throw new NodeLifecycleError(`checking whether the machine of node ${name} exists`, { cause: err });
    }
  }

  async #addShutdownTaint(node: KubeNode, name: string, signal: AbortSignal): Promise<LifecycleAction> {
    if (hasTaint(node, SHUTDOWN_TAINT_KEY)) return 'none';
    const taints = [...(node.spec?.taints ?? []), { key: SHUTDOWN_TAINT_KEY, effect: 'NoSchedule' }];
    await this.#writer.patchNode(
      name,
      { resourceVersion: resourceVersion(node), taints },
      this.#opts(signal),
    );
    return 'tainted';
  }

  async #removeShutdownTaint(node: KubeNode, name: string, signal: AbortSignal): Promise<LifecycleAction> {
    if (!hasTaint(node, SHUTDOWN_TAINT_KEY)) return 'none';
    const taints = taintsWithout(node, SHUTDOWN_TAINT_KEY);
    await this.#writer.patchNode(
      name,
      { resourceVersion: resourceVersion(node), taints },
      this.#opts(signal),
    );
    return 'untainted';
  }

  #opts(signal: AbortSignal): { signal: AbortSignal } {
    return { signal: withTimeout(signal, this.#timeoutMs) };
  }
}

function resourceVersion(node: KubeNode): string {
  return node.metadata?.resourceVersion ?? '';
}
