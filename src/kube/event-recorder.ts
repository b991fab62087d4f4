// SPDX-License-Identifier: Apache-2.0
import { ApiException } from './client-node.ts';
import { KubeRest, PATCH_TYPE } from './kube-rest.ts';
import type { NodeEvent } from '../controllers/node/node-ports.ts';
import { withTimeout } from '../lib/abort.ts';
import type { KubeClient } from './kube-client.ts';
import { TokenBucket, type Clock, type Sleep } from './rate-limiter.ts';

/** Where failures to record go: pino's `warn(obj, msg)` fits. */
export interface EventLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface EventRecorderOptions {
  readonly client: KubeClient;
  readonly logger: EventLogger;
  /** `source.component` of every Event (e.g. `cloud-node-controller`). */
  readonly component: string;
  /** Namespace of Events about cluster-scoped objects (default `default`, as client-go). */
  readonly namespace?: string;
  /** Bound of each write (default 10 s). */
  readonly timeoutMs?: number;
  /** A repeat later than this starts a new Event instead of counting up (default 10 min). */
  readonly aggregateWindowMs?: number;
  /** How many distinct Events are remembered for aggregation (default 4096). */
  readonly maxTracked?: number;
  /** Events waiting to be sent, at most (default 1000, as client-go's broadcaster); then the oldest is dropped. */
  readonly maxQueued?: number;
  /** Event writes per second, a budget of their own next to the client's (default 5). */
  readonly qps?: number;
  /** Event writes allowed at once above `qps` (default 10). */
  readonly burst?: number;
  /** How long `stop` may go on sending what is queued (default 2 s). */
  readonly drainTimeoutMs?: number;
  /** Told about each Event dropped because the queue was full (for metrics); must not throw. */
  readonly onDropped?: () => void;
  /**
   * Asked right before each write; false drops the Event unsent (e.g. leadership was lost while
   * it waited in the queue, and another process now speaks for the cluster). Default: always send.
   */
  readonly mayWrite?: () => boolean;
  readonly now?: () => Date;
  /** Clock and sleep of the Event rate limit (tests). */
  readonly clock?: Clock;
  readonly sleep?: Sleep;
}

interface Tracked {
  readonly name: string;
  count: number;
  lastMs: number;
}

interface Queued {
  readonly event: NodeEvent;
  /** When `record` was called: the Event's timestamp, whenever it is sent. */
  readonly at: Date;
}

/** A full queue logs its first drop, then one line per this many. */
const DROP_LOG_EVERY = 100;

/** How long `stop` waits for the write it aborted to end. */
const ABORT_GRACE_MS = 100;

/** Whether `p` (undefined: nothing to wait for) settled within `ms`; never rejects. */
async function settledWithin(p: Promise<void> | undefined, ms: number): Promise<boolean> {
  if (p === undefined) return true;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  try {
    return await Promise.race([p.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** metav1.Time: RFC 3339 with second precision. */
function metaTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Records core/v1 Events about Nodes asynchronously, as client-go's event broadcaster: `record`
 * only enqueues and returns at once; one background sender writes the queue in order. A repeat
 * of the same (node, uid, type, reason, message) within the aggregation window patches the
 * earlier Event's `count` and `lastTimestamp` instead of creating another.
 *
 * The queue is bounded (`maxQueued`); when full, the oldest Event is dropped, reported to
 * `onDropped` and logged (the first, then every 100th). Event writes go through the client's
 * pooled, observed connection but NOT its QPS bucket: they have a small budget of their own
 * (`qps`/`burst`), so a burst of Node writes is never slowed by the Events it causes, and Events
 * cannot take more than that budget from the API server. Write failures are logged, never
 * thrown: an Event is advice. No I/O happens before the first `record`.
 */
export class EventRecorder {
  readonly #opts: EventRecorderOptions;
  readonly #namespace: string;
  readonly #rest: KubeRest;
  readonly #tracked = new Map<string, Tracked>();
  readonly #queue: Queued[] = [];
  readonly #stopping = new AbortController();
  #sequence = 0;
  #dropped = 0;
  #sending: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;

  constructor(options: EventRecorderOptions) {
    this.#opts = options;
    this.#namespace = options.namespace ?? 'default';
    const bucket = new TokenBucket({
      qps: options.qps ?? 5,
      burst: options.burst ?? 10,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    });
    this.#rest = new KubeRest({
      kubeConfig: options.client.kubeConfig,
      http: options.client.http,
      beforeEach: (signal) => bucket.take({ signal }),
    });
  }

  /** Events queued and not yet being sent. */
  get pending(): number {
    return this.#queue.length;
  }

  /**
   * Queues the Event and resolves at once; never rejects. It takes no signal: the Event
   * describes something that already happened, and its write is bounded by the recorder. After
   * `stop`, Events are ignored.
   */
  record(event: NodeEvent): Promise<void> {
    if (this.#stopped !== undefined) return Promise.resolve();
    const at = (this.#opts.now ?? (() => new Date()))();
    if (this.#queue.length >= (this.#opts.maxQueued ?? 1000)) {
      this.#queue.shift();
      this.#drop();
    }
    this.#queue.push({ event, at });
    this.#sending ??= this.#drain();
    return Promise.resolve();
  }

  /**
   * Stops taking Events and sends what is queued for at most `drainTimeoutMs`, then aborts the
   * write in flight; what is left is logged as lost. Resolves within `drainTimeoutMs` + 100 ms,
   * whatever the API server does. Safe to call twice.
   */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      await settledWithin(this.#sending, this.#opts.drainTimeoutMs ?? 2_000);
      this.#stopping.abort();
      // An aborted write ends at once; the bound only guards against one that ignores its signal.
      const ended = await settledWithin(this.#sending, ABORT_GRACE_MS);
      const lost = this.#queue.length + (ended ? 0 : 1);
      this.#queue.length = 0;
      if (lost > 0) this.#opts.logger.warn({ lost }, 'events not sent before shutdown');
    })();
    return this.#stopped;
  }

  /** The single sender: writes queued Events in order until the queue is empty or `stop` aborts. */
  async #drain(): Promise<void> {
    // Yield first, so `#sending` is set before this can end, and records of one tick are batched.
    await Promise.resolve();
    const signal = this.#stopping.signal;
    for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
      if (this.#opts.mayWrite?.() === false) continue;
      if (!(await this.#send(next, signal))) {
        // The in-flight Event counts as lost too.
        this.#queue.unshift(next);
        break;
      }
    }
    this.#sending = undefined;
  }

  #drop(): void {
    this.#dropped += 1;
    try {
      this.#opts.onDropped?.();
    } catch {
      // Metrics must never change what the recorder does.
    }
    if (this.#dropped % DROP_LOG_EVERY === 1)
      this.#opts.logger.warn(
        { dropped: this.#dropped, maxQueued: this.#opts.maxQueued ?? 1000 },
        'event queue full; dropping the oldest events',
      );
  }

  /**
   * Creates or counts up one Event; logs why it could not. False only when `stop` interrupted
   * it (not logged: `stop` reports the loss).
   */
  async #send({ event, at }: Queued, stopping: AbortSignal): Promise<boolean> {
    const key = JSON.stringify([
      event.node.name,
      event.node.uid ?? '',
      event.type,
      event.reason,
      event.message,
    ]);
    const signal = withTimeout(stopping, this.#opts.timeoutMs ?? 10_000);
    try {
      const seen = this.#tracked.get(key);
      const window = this.#opts.aggregateWindowMs ?? 600_000;
      if (
        seen !== undefined &&
        at.getTime() - seen.lastMs <= window &&
        (await this.#countUp(seen, at, signal))
      )
        return true;
      await this.#create(key, event, at, signal);
    } catch (err) {
      if (stopping.aborted) return false;
      this.#opts.logger.warn(
        { err, node: event.node.name, reason: event.reason, eventType: event.type },
        'could not record event',
      );
    }
    return true;
  }

  /** Patches count and lastTimestamp; false when the Event is gone (expired by the server's TTL). */
  async #countUp(seen: Tracked, now: Date, signal: AbortSignal): Promise<boolean> {
    const body = { count: seen.count + 1, lastTimestamp: metaTime(now) };
    try {
      await this.#rest.request<unknown>({
        method: 'PATCH',
        path: `${this.#eventsPath()}/${encodeURIComponent(seen.name)}`,
        body,
        contentType: PATCH_TYPE.merge,
        signal,
      });
    } catch (err) {
      if (err instanceof ApiException && (err as ApiException<unknown>).code === 404) return false;
      throw err;
    }
    seen.count += 1;
    seen.lastMs = now.getTime();
    return true;
  }

  #eventsPath(): string {
    return `/api/v1/namespaces/${encodeURIComponent(this.#namespace)}/events`;
  }

  async #create(key: string, event: NodeEvent, now: Date, signal: AbortSignal): Promise<void> {
    // Nanoseconds as client-go names Events; the sequence keeps same-millisecond names apart.
    this.#sequence = (this.#sequence + 1) % 1_000_000;
    const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(this.#sequence);
    const name = `${event.node.name}.${nanos.toString(16)}`;
    // A core/v1 Event as the API server takes it (timestamps as metav1.Time strings).
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: this.#namespace },
      involvedObject: {
        kind: 'Node',
        apiVersion: 'v1',
        name: event.node.name,
        ...(event.node.uid === undefined ? {} : { uid: event.node.uid }),
      },
      reason: event.reason,
      message: event.message,
      type: event.type,
      source: { component: this.#opts.component },
      reportingComponent: this.#opts.component,
      count: 1,
      firstTimestamp: metaTime(now),
      lastTimestamp: metaTime(now),
    };
    await this.#rest.request<unknown>({ method: 'POST', path: this.#eventsPath(), body, signal });
    this.#tracked.delete(key);
    this.#tracked.set(key, { name, count: 1, lastMs: now.getTime() });
    // Map order is insertion order: the first key is the least recently created.
    if (this.#tracked.size > (this.#opts.maxTracked ?? 4096)) {
      const oldest = this.#tracked.keys().next();
      if (oldest.done !== true) this.#tracked.delete(oldest.value);
    }
  }
}
