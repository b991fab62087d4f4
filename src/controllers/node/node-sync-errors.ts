// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../../lib/errors.ts';

/** Initialising or refreshing a Node failed; retry with backoff. The cause says why. */
export class NodeSyncError extends CcmError {
  readonly code = 'NODE_SYNC_FAILED';
}

/**
 * A label the cloud wants on the Node is not a valid Kubernetes label (e.g. zone `Zone A`). The
 * API server would reject every attempt, so this is not retried; fixing the inventory is.
 */
export class InvalidNodeLabelError extends CcmError {
  readonly code = 'INVALID_NODE_LABEL';
}

/** The kubelet's `--node-ip` is not among the addresses the cloud reports for the machine. */
export class ProvidedNodeIpNotFoundError extends CcmError {
  readonly code = 'PROVIDED_NODE_IP_NOT_FOUND';
}
