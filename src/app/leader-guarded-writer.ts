// SPDX-License-Identifier: Apache-2.0
import type { KubeNode } from '../controllers/node/kube-node.ts';
import type {
  NodeEvent,
  NodeRef,
  NodeSpecPatch,
  NodeStatusPatch,
  NodeWriter,
  WriteOptions,
} from '../controllers/node/node-ports.ts';
import { CcmError } from '../lib/errors.ts';

/** A write was refused because this process no longer holds a valid leader lease. */
export class NotLeaderError extends CcmError {
  readonly code = 'NOT_LEADER';
}

/**
 * `writer` with every Node write refused (`NotLeaderError`) and every Event dropped while
 * `holdsLease()` is false. Leader election alone stops the loops only once the renew loop runs;
 * after a pause (SIGSTOP, a frozen VM) queued work would otherwise write first, racing the new
 * leader. The check is made right before each request, so it also covers work already in flight.
 */
export function leaderGuardedWriter(writer: NodeWriter, holdsLease: () => boolean): NodeWriter {
  const guard = (what: string): void => {
    if (!holdsLease())
      throw new NotLeaderError(`not writing ${what}: this process no longer holds the leader lease`);
  };
  return {
    patchNodeStatus: async (
      name: string,
      patch: NodeStatusPatch,
      options: WriteOptions,
    ): Promise<KubeNode> => {
      guard(`nodes/${name}/status`);
      return writer.patchNodeStatus(name, patch, options);
    },
    patchNode: async (name: string, patch: NodeSpecPatch, options: WriteOptions): Promise<void> => {
      guard(`nodes/${name}`);
      return writer.patchNode(name, patch, options);
    },
    deleteNode: async (node: NodeRef, options: WriteOptions): Promise<void> => {
      guard(`the deletion of nodes/${node.name}`);
      return writer.deleteNode(node, options);
    },
    recordEvent: (event: NodeEvent, options: WriteOptions): Promise<void> =>
      // Events never reject (NodeWriter contract); a former leader's advice is simply not sent.
      holdsLease() ? writer.recordEvent(event, options) : Promise.resolve(),
  };
}
