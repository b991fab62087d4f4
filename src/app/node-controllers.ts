// SPDX-License-Identifier: Apache-2.0
import type { InstancesV2 } from '../cloud/instances.ts';
import type { ControllerName } from '../controllers/names.ts';
import { CloudNodeLifecycleController } from '../controllers/node-lifecycle/node-lifecycle-controller.ts';
import { CloudNodeController } from '../controllers/node/node-controller.ts';
import type { KubeNode } from '../controllers/node/kube-node.ts';
import { hasTaint } from '../controllers/node/node-identity.ts';
import type { NodeReader, NodeWriter } from '../controllers/node/node-ports.ts';
import { UNINITIALIZED_TAINT_KEY } from '../controllers/node/well-known.ts';
import { runWorkers } from '../controllers/run-workers.ts';
import { WorkQueue } from '../controllers/work-queue.ts';
import type { NodeHandlers } from '../kube/node-informer.ts';
import { abortableDelay } from '../lib/abort.ts';
import type { CcmMetrics } from './metrics.ts';

/** Where the node controllers report; pino's `info/warn/debug(obj, msg)` fit. */
export interface ControllerLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  debug(obj: Record<string, unknown>, msg: string): void;
}

/** The recorders the node controllers feed; `CcmMetrics` is one. */
export type NodeControllerMetrics = Pick<
  CcmMetrics,
  'workQueueDepth' | 'workQueueRetry' | 'nodeInitialization' | 'nodeDeleted' | 'nodeTainted'
>;

/** The cloud-node work queue's name in the metrics. */
export const CLOUD_NODE_QUEUE = 'cloud-node';

/** What the node controllers need; every collaborator is built by `createApp`. */
export interface NodeControllersOptions {
  readonly controllers: readonly ControllerName[];
  readonly cloud: InstancesV2;
  readonly reader: NodeReader;
  readonly writer: NodeWriter;
  readonly logger: ControllerLogger;
  /** `--concurrent-node-syncs`. */
  readonly workers: number;
  /** `--node-status-update-frequency`: every Node is synced again this often (address refresh). */
  readonly statusUpdateFrequencyMs: number;
  /** `--node-monitor-period`: one lifecycle pass this often. */
  readonly monitorPeriodMs: number;
  /** Bound of one Node sync; default 60 s. */
  readonly syncTimeoutMs?: number;
  /** Where queue, initialisation and lifecycle figures go; none recorded when absent. */
  readonly metrics?: NodeControllerMetrics;
  /** Milliseconds clock for the initialisation latency; default `performance.now`. */
  readonly now?: () => number;
}

function nodeName(node: KubeNode): string {
  return node.metadata?.name ?? '';
}

function uninitialized(node: KubeNode): boolean {
  return hasTaint(node, UNINITIALIZED_TAINT_KEY);
}

/**
 * The cloud-node and cloud-node-lifecycle loops over one shared Node informer. Register
 * `handlers` with the informer once; `run` may then be called once per term of leadership.
 * Between runs informer events are ignored: each run starts by syncing every cached Node.
 */
export class NodeControllers {
  readonly #opts: NodeControllersOptions;
  readonly #node: CloudNodeController;
  readonly #lifecycle: CloudNodeLifecycleController;
  readonly #now: () => number;
  /** When each still-uninitialised Node was first seen, for the initialisation latency. */
  readonly #seenAt = new Map<string, number>();
  #queue: WorkQueue | undefined;

  constructor(options: NodeControllersOptions) {
    this.#opts = options;
    const ports = { cloud: options.cloud, reader: options.reader, writer: options.writer };
    this.#node = new CloudNodeController(ports);
    this.#lifecycle = new CloudNodeLifecycleController(ports);
    this.#now = options.now ?? ((): number => performance.now());
  }

  /**
   * Informer handlers feeding the cloud-node queue. Only Nodes that carry the uninitialized taint
   * (added with it, or gaining it) are queued; the status write of an initialisation does not
   * queue the Node again, which keeps an initialisation at two writes.
   */
  get handlers(): NodeHandlers {
    return {
      onAdd: (node) => {
        if (uninitialized(node)) this.#enqueue(nodeName(node));
      },
      onUpdate: (oldNode, newNode) => {
        if (uninitialized(newNode) && !uninitialized(oldNode)) this.#enqueue(nodeName(newNode));
      },
    };
  }

  /**
   * Runs the selected controllers until `signal` aborts; resolves once every loop and in-flight
   * sync has stopped. Never rejects: failures are logged and retried.
   */
  async run(signal: AbortSignal): Promise<void> {
    const loops: Promise<void>[] = [];
    if (this.#opts.controllers.includes('cloud-node')) loops.push(this.#runCloudNode(signal));
    if (this.#opts.controllers.includes('cloud-node-lifecycle')) loops.push(this.#runLifecycle(signal));
    await Promise.all(loops);
  }

  /** Queues an uninitialised Node, remembering when it was first seen. */
  #enqueue(name: string): void {
    const queue = this.#queue;
    if (queue === undefined) return;
    if (!this.#seenAt.has(name)) this.#seenAt.set(name, this.#now());
    queue.add(name);
    this.#opts.metrics?.workQueueDepth(CLOUD_NODE_QUEUE, queue.length);
  }

  /** Records the end of an initialisation attempt of a Node first seen uninitialised. */
  #initAttempt(name: string, result: 'success' | 'failure' | 'gone'): void {
    const seen = this.#seenAt.get(name);
    if (seen === undefined) return;
    if (result !== 'failure') this.#seenAt.delete(name);
    if (result !== 'gone') this.#opts.metrics?.nodeInitialization(result, (this.#now() - seen) / 1000);
  }

  async #runCloudNode(signal: AbortSignal): Promise<void> {
    const queue = new WorkQueue();
    this.#queue = queue;
    const log = this.#opts.logger;
    const metrics = this.#opts.metrics;
    const enqueueAll = (): void => {
      for (const node of this.#opts.reader.listNodes()) {
        const name = nodeName(node);
        if (uninitialized(node) && !this.#seenAt.has(name)) this.#seenAt.set(name, this.#now());
        queue.add(name);
      }
      metrics?.workQueueDepth(CLOUD_NODE_QUEUE, queue.length);
    };
    enqueueAll();
    const refresh = this.#every(this.#opts.statusUpdateFrequencyMs, signal, enqueueAll);
    try {
      await runWorkers({
        queue,
        workers: this.#opts.workers,
        signal,
        syncTimeoutMs: this.#opts.syncTimeoutMs ?? 60_000,
        sync: async (key, syncSignal) => {
          metrics?.workQueueDepth(CLOUD_NODE_QUEUE, queue.length);
          const outcome = await this.#node.sync(key, syncSignal);
          if (outcome === 'initialized') this.#initAttempt(key, 'success');
          else if (outcome === 'rejected') this.#initAttempt(key, 'failure');
          else this.#initAttempt(key, 'gone');
          if (outcome !== 'unchanged' && outcome !== 'absent')
            log.info({ node: key, outcome }, 'node synced');
        },
        onError: (f) => {
          this.#initAttempt(f.key, 'failure');
          if (f.retryAfterMs === undefined) metrics?.workQueueRetry(CLOUD_NODE_QUEUE);
          metrics?.workQueueDepth(CLOUD_NODE_QUEUE, queue.length);
          log.warn({ node: f.key, requeues: f.requeues, err: f.error }, 'node sync failed; retrying');
        },
      });
    } finally {
      if (this.#queue === queue) this.#queue = undefined;
      await refresh;
    }
  }

  async #runLifecycle(signal: AbortSignal): Promise<void> {
    const log = this.#opts.logger;
    await this.#every(this.#opts.monitorPeriodMs, signal, async () => {
      const report = await this.#lifecycle.monitor(signal);
      const metrics = this.#opts.metrics;
      for (let i = 0; i < report.tainted.length; i++) metrics?.nodeTainted('shutdown');
      for (let i = 0; i < report.deleted.length; i++) metrics?.nodeDeleted();
      for (const name of report.tainted) log.info({ node: name }, 'node shut down: tainted');
      for (const name of report.untainted) log.info({ node: name }, 'node running again: taint removed');
      for (const name of report.deleted) log.info({ node: name }, 'node deleted: its VM no longer exists');
      for (const { node, error } of report.errors)
        log.warn({ node, err: error }, 'node lifecycle check failed');
    });
  }

  /** Calls `tick` every `periodMs` (after it settles) until `signal` aborts; never rejects. */
  async #every(periodMs: number, signal: AbortSignal, tick: () => void | Promise<void>): Promise<void> {
    for (;;) {
      try {
        await abortableDelay(periodMs, signal);
        await tick();
      } catch (err) {
        if (signal.aborted) return;
        this.#opts.logger.warn({ err }, 'periodic controller pass failed');
      }
    }
  }
}
