// SPDX-License-Identifier: Apache-2.0
import { ApiException } from './client-node.ts';
import { PATCH_TYPE } from './kube-rest.ts';
import type { KubeNode } from '../controllers/node/kube-node.ts';
import type {
  NodeEvent,
  NodeRef,
  NodeSpecPatch,
  NodeStatusPatch,
  NodeWriter,
  WriteOptions,
} from '../controllers/node/node-ports.ts';
import { withTimeout } from '../lib/abort.ts';
import { CcmError } from '../lib/errors.ts';
import { parseBody, statusText } from './api-status.ts';
import type { EventRecorder } from './event-recorder.ts';
import type { KubeClient } from './kube-client.ts';
import { buildAddressesPatch } from './node-patches.ts';
import { trimNode } from './node-informer.ts';

/** 409: the Node changed since the patch was computed, or a delete precondition (uid) failed. */
export class NodeConflictError extends CcmError {
  readonly code = 'NODE_CONFLICT';
}

/** The Node does not exist (404). */
export class NodeNotFoundError extends CcmError {
  readonly code = 'NODE_NOT_FOUND';
}

/** Any other failed Node write: HTTP status when the server answered, else unreachable. */
export class NodeWriteError extends CcmError {
  readonly code = 'NODE_WRITE_FAILED';
  readonly status: number | undefined;

  constructor(message: string, options?: ErrorOptions & { readonly status?: number | undefined }) {
    super(message, options);
    this.status = options?.status;
  }
}

export interface KubeNodeWriterOptions {
  readonly client: KubeClient;
  readonly events: EventRecorder;
  /** Bound of each write, on top of the caller's signal (default 30 s). */
  readonly timeoutMs?: number;
}

/**
 * `NodeWriter` over the API server: status addresses by strategic-merge patch on `/status`
 * (list replaced whole), spec and labels by JSON merge patch with the resourceVersion
 * precondition in the body, deletion with a uid precondition, Events queued to `EventRecorder`.
 */
export class KubeNodeWriter implements NodeWriter {
  readonly #client: KubeClient;
  readonly #events: EventRecorder;
  readonly #timeoutMs: number;

  constructor(options: KubeNodeWriterOptions) {
    this.#client = options.client;
    this.#events = options.events;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** @throws NodeNotFoundError, NodeConflictError or NodeWriteError. */
  async patchNodeStatus(name: string, patch: NodeStatusPatch, options: WriteOptions): Promise<KubeNode> {
    const { body } = buildAddressesPatch(patch.addresses);
    const node = await this.#call(`patch status of node ${name}`, options, (signal) =>
      this.#client.rest.request<unknown>({
        method: 'PATCH',
        path: `/api/v1/nodes/${encodeURIComponent(name)}/status`,
        body,
        contentType: PATCH_TYPE.strategic,
        signal,
      }),
    );
    return trimNode(node);
  }

  /** @throws NodeConflictError on a stale resourceVersion; NodeNotFoundError; NodeWriteError. */
  async patchNode(name: string, patch: NodeSpecPatch, options: WriteOptions): Promise<void> {
    const metadata: Record<string, unknown> = { resourceVersion: patch.resourceVersion };
    if (patch.labels !== undefined) metadata['labels'] = patch.labels;
    const spec: Record<string, unknown> = {};
    if (patch.providerID !== undefined) spec['providerID'] = patch.providerID;
    if (patch.taints !== undefined) spec['taints'] = patch.taints;
    await this.#call(`patch node ${name}`, options, (signal) =>
      this.#client.rest.request<unknown>({
        method: 'PATCH',
        path: `/api/v1/nodes/${encodeURIComponent(name)}`,
        body: { metadata, spec },
        contentType: PATCH_TYPE.merge,
        signal,
      }),
    );
  }

  /**
   * Resolves when the Node is deleted or already gone.
   * @throws NodeConflictError when `node.uid` no longer matches (the Node was re-created).
   */
  async deleteNode(node: NodeRef, options: WriteOptions): Promise<void> {
    try {
      await this.#call(`delete node ${node.name}`, options, (signal) =>
        this.#client.rest.request<unknown>({
          method: 'DELETE',
          path: `/api/v1/nodes/${encodeURIComponent(node.name)}`,
          body: {
            kind: 'DeleteOptions',
            apiVersion: 'v1',
            ...(node.uid === undefined ? {} : { preconditions: { uid: node.uid } }),
          },
          signal,
        }),
      );
    } catch (err) {
      if (err instanceof NodeNotFoundError) return;
      throw err;
    }
  }

  /** Queues the Event for the recorder's background sender; resolves at once, never rejects. */
  recordEvent(event: NodeEvent): Promise<void> {
    return this.#events.record(event);
  }

  async #call<T>(what: string, options: WriteOptions, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await send(withTimeout(options.signal, this.#timeoutMs));
    } catch (err) {
      throw toWriteError(what, err);
    }
  }
}

function toWriteError(what: string, err: unknown): Error {
  if (!(err instanceof ApiException)) {
    const reason = err instanceof Error ? err.message : String(err);
    return new NodeWriteError(`${what}: Kubernetes API unreachable: ${reason}`, { cause: err });
  }
  const status = (err as ApiException<unknown>).code;
  const message = `${what}: HTTP ${status}: ${statusText(parseBody(err.body))}`;
  if (status === 409) return new NodeConflictError(message, { cause: err });
  if (status === 404) return new NodeNotFoundError(message, { cause: err });
  return new NodeWriteError(message, { cause: err, status });
}
