// SPDX-License-Identifier: Apache-2.0
import type { NodeAddress } from '../../src/cloud/instances.ts';
import type {
  NodeEvent,
  NodeReader,
  NodeRef,
  NodeSpecPatch,
  NodeStatusPatch,
  NodeWriter,
  WriteOptions,
} from '../../src/controllers/node/node-ports.ts';
import type { KubeNode, Taint } from '../../src/controllers/node/kube-node.ts';
import { CcmError } from '../../src/lib/errors.ts';

/** What the fake API server answers a stale resourceVersion or uid with. */
export class FakeConflictError extends CcmError {
  readonly code = 'FAKE_CONFLICT';
}

/** One recorded Node write, in the order it was made. */
export type NodeWrite =
  | { readonly op: 'status'; readonly name: string; readonly patch: NodeStatusPatch }
  | { readonly op: 'spec'; readonly name: string; readonly patch: NodeSpecPatch }
  | { readonly op: 'delete'; readonly name: string; readonly uid: string | undefined };

/**
 * An in-memory Node informer cache plus API server: it serves reads from its map, applies writes
 * to it (bumping `resourceVersion`, enforcing the resourceVersion and uid preconditions) and
 * records every successful write and every Event. `failNext` makes the next write of that kind
 * reject without effect.
 */
export class FakeNodeStore implements NodeReader, NodeWriter {
  readonly nodes = new Map<string, KubeNode>();
  readonly writes: NodeWrite[] = [];
  readonly events: NodeEvent[] = [];
  readonly failNext = new Map<NodeWrite['op'], Error>();
  #version = 100;

  /** Adds or replaces a Node; gives it a fresh resourceVersion. */
  put(node: KubeNode): KubeNode {
    const stored = this.#bump(structuredClone(node));
    this.nodes.set(stored.metadata?.name ?? '', stored);
    return stored;
  }

  getNode(name: string): KubeNode | undefined {
    return this.nodes.get(name);
  }

  listNodes(): readonly KubeNode[] {
    return [...this.nodes.values()];
  }

  async patchNodeStatus(name: string, patch: NodeStatusPatch, options: WriteOptions): Promise<KubeNode> {
    await this.#write({ op: 'status', name, patch }, options, (node) => ({
      ...node,
      status: { ...node.status, addresses: patch.addresses.map((a) => ({ ...a })) },
    }));
    return structuredClone(this.nodes.get(name)!);
  }

  patchNode(name: string, patch: NodeSpecPatch, options: WriteOptions): Promise<void> {
    return this.#write({ op: 'spec', name, patch }, options, (node) => {
      if (node.metadata?.resourceVersion !== patch.resourceVersion) {
        throw new FakeConflictError(`node ${name}: resourceVersion ${patch.resourceVersion} is stale`);
      }
      return {
        ...node,
        metadata: { ...node.metadata, labels: { ...node.metadata.labels, ...patch.labels } },
        spec: {
          ...node.spec,
          ...(patch.providerID === undefined ? {} : { providerID: patch.providerID }),
          ...(patch.taints === undefined ? {} : { taints: patch.taints.map((t) => ({ ...t })) }),
        },
      };
    });
  }

  deleteNode(ref: NodeRef, options: WriteOptions): Promise<void> {
    return this.#write({ op: 'delete', name: ref.name, uid: ref.uid }, options, (node) => {
      if (ref.uid !== undefined && node.metadata?.uid !== ref.uid) {
        throw new FakeConflictError(`node ${ref.name}: uid precondition failed`);
      }
      return undefined;
    });
  }

  recordEvent(event: NodeEvent, options: WriteOptions): Promise<void> {
    if (!options.signal.aborted) this.events.push(event);
    return Promise.resolve();
  }

  /** Successful Node writes of one kind (all kinds when `op` is omitted). */
  count(op?: NodeWrite['op']): number {
    return this.writes.filter((w) => op === undefined || w.op === op).length;
  }

  #write(
    write: NodeWrite,
    options: WriteOptions,
    apply: (node: KubeNode) => KubeNode | undefined,
  ): Promise<void> {
    try {
      options.signal.throwIfAborted();
      const failure = this.failNext.get(write.op);
      if (failure !== undefined) {
        this.failNext.delete(write.op);
        throw failure;
      }
      const current = this.nodes.get(write.name);
      if (current === undefined) throw new FakeConflictError(`node ${write.name} not found`);
      const next = apply(structuredClone(current));
      if (next === undefined) this.nodes.delete(write.name);
      else this.nodes.set(write.name, this.#bump(next));
      this.writes.push(write);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  #bump(node: KubeNode): KubeNode {
    return { ...node, metadata: { ...node.metadata, resourceVersion: String(++this.#version) } };
  }
}

export interface NodeSpec {
  readonly name: string;
  readonly taints?: readonly Taint[];
  readonly addresses?: readonly NodeAddress[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly providerID?: string;
  /** Ready condition status; omitted means the Node has no Ready condition. */
  readonly ready?: 'True' | 'False' | 'Unknown';
}

/** A Node as the kubelet registers it, with the given parts. */
export function makeNode(spec: NodeSpec): KubeNode {
  return {
    metadata: {
      name: spec.name,
      uid: `uid-${spec.name}`,
      labels: { 'kubernetes.io/hostname': spec.name, ...spec.labels },
      annotations: { ...spec.annotations },
    },
    spec: {
      ...(spec.providerID === undefined ? {} : { providerID: spec.providerID }),
      taints: (spec.taints ?? []).map((t) => ({ ...t })),
    },
    status: {
      addresses: (spec.addresses ?? []).map((a) => ({ ...a })),
      nodeInfo: { systemUUID: '4F2A0642-0B56-D3A1-9E2B-6C3F0E4A1B2C' },
      conditions: spec.ready === undefined ? [] : [{ type: 'Ready', status: spec.ready }],
    },
  };
}
