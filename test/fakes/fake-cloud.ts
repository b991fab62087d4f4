// SPDX-License-Identifier: Apache-2.0
import type { CallOptions, InstanceMetadata, InstancesV2, NodeIdentity } from '../../src/cloud/instances.ts';
import { InstanceNotFoundError } from '../../src/cloud/errors.ts';

/** A scripted answer: a value, or an Error to reject with. */
export type Answer<T> = T | Error;

/**
 * A recording `InstancesV2`. Answers are looked up by Node name in the three maps (an Error makes
 * the call reject); unset names answer exists `true`, shutdown `false` and metadata
 * `InstanceNotFoundError`. Every call is recorded as `method nodeName`, with its identity.
 */
export class FakeCloud implements InstancesV2 {
  readonly calls: string[] = [];
  readonly identities: NodeIdentity[] = [];
  readonly exists = new Map<string, Answer<boolean>>();
  readonly shutdown = new Map<string, Answer<boolean>>();
  readonly metadata = new Map<string, Answer<InstanceMetadata>>();
  /** The signal of the last call, to check that callers pass one. */
  lastSignal: AbortSignal | undefined;

  instanceExists(node: NodeIdentity, options?: CallOptions): Promise<boolean> {
    return this.#answer('instanceExists', node, options, this.exists.get(node.name) ?? true);
  }

  instanceShutdown(node: NodeIdentity, options?: CallOptions): Promise<boolean> {
    return this.#answer('instanceShutdown', node, options, this.shutdown.get(node.name) ?? false);
  }

  instanceMetadata(node: NodeIdentity, options?: CallOptions): Promise<InstanceMetadata> {
    const answer =
      this.metadata.get(node.name) ?? new InstanceNotFoundError(`No VM found for node ${node.name}`);
    return this.#answer('instanceMetadata', node, options, answer);
  }

  #answer<T>(
    method: string,
    node: NodeIdentity,
    options: CallOptions | undefined,
    answer: Answer<T>,
  ): Promise<T> {
    this.calls.push(`${method} ${node.name}`);
    this.identities.push(node);
    this.lastSignal = options?.signal;
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }
}

/** What the vSphere provider answers for a typical VM; override parts per test. */
export function makeMetadata(overrides: Partial<InstanceMetadata> = {}): InstanceMetadata {
  return {
    providerID: 'vsphere://42064a4f-560b-a1d3-9e2b-6c3f0e4a1b2c',
    instanceType: 'vsphere-vm.cpu-4.mem-8gb.os-ubuntu',
    nodeAddresses: [
      { type: 'Hostname', address: 'worker-1' },
      { type: 'InternalIP', address: '10.0.0.11' },
      { type: 'ExternalIP', address: '10.0.0.11' },
    ],
    zone: 'zone-a',
    region: 'region-1',
    additionalLabels: {},
    ...overrides,
  };
}
