// SPDX-License-Identifier: Apache-2.0
import { ApiException } from './client-node.ts';
import { PATCH_TYPE } from './kube-rest.ts';
import type { NodeEvent } from '../controllers/node/node-ports.ts';
import { withTimeout } from '../lib/abort.ts';
import type { KubeClient } from './kube-client.ts';

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
  readonly now?: () => Date;
}

interface Tracked {
  readonly name: string;
  count: number;
  lastMs: number;
}

/** metav1.Time: RFC 3339 with second precision. */
function metaTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Records core/v1 Events about Nodes. A repeat of the same (node, type, reason, message) within
 * the aggregation window patches the earlier Event's `count` and `lastTimestamp` instead of
 * creating another. `record` never rejects: an Event is advice, so failures are logged.
 */
export class EventRecorder {
  readonly #opts: EventRecorderOptions;
  readonly #namespace: string;
  readonly #tracked = new Map<string, Tracked>();
  #sequence = 0;

  constructor(options: EventRecorderOptions) {
    this.#opts = options;
    this.#namespace = options.namespace ?? 'default';
  }

  /** Creates or counts up the Event; resolves when done or after logging why it could not. */
  async record(event: NodeEvent, options: { readonly signal: AbortSignal }): Promise<void> {
    const key = JSON.stringify([
      event.node.name,
      event.node.uid ?? '',
      event.type,
      event.reason,
      event.message,
    ]);
    const now = (this.#opts.now ?? (() => new Date()))();
    const signal = withTimeout(options.signal, this.#opts.timeoutMs ?? 10_000);
    try {
      const seen = this.#tracked.get(key);
      const window = this.#opts.aggregateWindowMs ?? 600_000;
      if (
        seen !== undefined &&
        now.getTime() - seen.lastMs <= window &&
        (await this.#countUp(seen, now, signal))
      )
        return;
      await this.#create(key, event, now, signal);
    } catch (err) {
      this.#opts.logger.warn(
        { err, node: event.node.name, reason: event.reason, eventType: event.type },
        'could not record event',
      );
    }
  }

  /** Patches count and lastTimestamp; false when the Event is gone (expired by the server's TTL). */
  async #countUp(seen: Tracked, now: Date, signal: AbortSignal): Promise<boolean> {
    const { client } = this.#opts;
    const body = { count: seen.count + 1, lastTimestamp: metaTime(now) };
    try {
      await client.rest.request<unknown>({
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
    const { client } = this.#opts;
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
    await client.rest.request<unknown>({ method: 'POST', path: this.#eventsPath(), body, signal });
    this.#tracked.delete(key);
    this.#tracked.set(key, { name, count: 1, lastMs: now.getTime() });
    // Map order is insertion order: the first key is the least recently created.
    if (this.#tracked.size > (this.#opts.maxTracked ?? 4096)) {
      const oldest = this.#tracked.keys().next();
      if (oldest.done !== true) this.#tracked.delete(oldest.value);
    }
  }
}
