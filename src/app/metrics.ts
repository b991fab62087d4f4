// SPDX-License-Identifier: Apache-2.0
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type OpenMetricsContentType,
  type PrometheusContentType,
} from 'prom-client';

/** One vCenter's inventory index, as `/metrics` reports it. */
export interface IndexSyncState {
  readonly vcenter: string;
  readonly synced: boolean;
  /** Seconds since the index last caught up with vCenter; `undefined` before the first sync. */
  readonly lagSeconds: number | undefined;
}

/** One vCenter's session, as `/metrics` reports it. */
export interface SessionState {
  readonly vcenter: string;
  readonly active: boolean;
}

/** Read-at-scrape sources; each is called once per scrape and must be cheap and synchronous. */
export interface MetricsSources {
  readonly indexStates?: () => readonly IndexSyncState[];
  readonly sessions?: () => readonly SessionState[];
}

/** Construction options. */
export interface CcmMetricsOptions {
  readonly sources?: MetricsSources;
  /** Also export prom-client's process and Node.js metrics (`process_*`, `nodejs_*`). Default true. */
  readonly defaultMetrics?: boolean;
}

/** A rendered scrape. */
export interface MetricsScrape {
  readonly contentType: PrometheusContentType | OpenMetricsContentType;
  readonly body: string;
}

const PREFIX = 'vsphere_ccm_';
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const INIT_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * The `operation` label of a vAPI REST call: its path with object ids replaced by `{id}` (so the
 * label's values are bounded by the API, not by the inventory), plus `?~action=` when present.
 */
export function restOperation(path: string, action?: string): string {
  const template = path.replace(/\/id:[^/?]*/g, '/id:{id}');
  return action === undefined ? template : `${template}?~action=${action}`;
}

/** The `outcome` label of a REST call from its HTTP status (undefined: no response). */
export function restOutcome(status: number | undefined): string {
  if (status === undefined) return 'error';
  return status >= 200 && status < 300 ? 'ok' : String(status);
}

/**
 * The process's metrics, in a registry of its own (never prom-client's global one), with a small
 * typed recorder API. Every name starts with `vsphere_ccm_` (see docs/metrics.md). Creating it
 * does no I/O; `render` serves the Prometheus text format or OpenMetrics by `Accept`.
 */
export class CcmMetrics {
  readonly registry: Registry;
  private readonly openMetrics: Registry<OpenMetricsContentType>;
  private readonly roundTrips: Counter<'vcenter' | 'method' | 'outcome'>;
  private readonly roundTripSeconds: Histogram<'vcenter' | 'method'>;
  private readonly restCalls: Counter<'vcenter' | 'operation' | 'outcome'>;
  private readonly restCallSeconds: Histogram<'vcenter' | 'operation'>;
  private readonly logins: Counter<'vcenter' | 'result'>;
  private readonly kubeRequests: Counter<'verb' | 'resource' | 'code'>;
  private readonly kubeRequestSeconds: Histogram<'verb' | 'resource'>;
  private readonly queueDepth: Gauge<'queue'>;
  private readonly queueRetries: Counter<'queue'>;
  private readonly nodeInitSeconds: Histogram<'result'>;
  private readonly nodesDeleted: Counter;
  private readonly nodesTainted: Counter<'taint'>;

  constructor(options: CcmMetricsOptions = {}) {
    const registers = [new Registry()];
    this.registry = registers[0] as Registry;
    const sources = options.sources ?? {};
    this.roundTrips = new Counter({
      name: `${PREFIX}vcenter_round_trips_total`,
      help: 'vCenter SOAP round trips by method and outcome (ok, fault name, or transport error code).',
      labelNames: ['vcenter', 'method', 'outcome'],
      registers,
    });
    this.roundTripSeconds = new Histogram({
      name: `${PREFIX}vcenter_round_trip_duration_seconds`,
      help: 'vCenter SOAP round-trip latency in seconds, by method.',
      labelNames: ['vcenter', 'method'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.restCalls = new Counter({
      name: `${PREFIX}vcenter_rest_calls_total`,
      help: 'vCenter vAPI REST calls by operation (path template) and outcome (ok, HTTP status, or error).',
      labelNames: ['vcenter', 'operation', 'outcome'],
      registers,
    });
    this.restCallSeconds = new Histogram({
      name: `${PREFIX}vcenter_rest_call_duration_seconds`,
      help: 'vCenter vAPI REST call latency in seconds, by operation.',
      labelNames: ['vcenter', 'operation'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.logins = new Counter({
      name: `${PREFIX}vcenter_logins_total`,
      help: 'vCenter session logins by result (success or failure).',
      labelNames: ['vcenter', 'result'],
      registers,
    });
    new Gauge({
      name: `${PREFIX}vcenter_session_active`,
      help: '1 when the vCenter session is established, else 0.',
      labelNames: ['vcenter'],
      registers,
      collect(): void {
        this.reset();
        for (const s of sources.sessions?.() ?? []) this.set({ vcenter: s.vcenter }, s.active ? 1 : 0);
      },
    });
    new Gauge({
      name: `${PREFIX}index_synced`,
      help: "1 when the vCenter's inventory index is synced, else 0.",
      labelNames: ['vcenter'],
      registers,
      collect(): void {
        this.reset();
        for (const s of sources.indexStates?.() ?? []) this.set({ vcenter: s.vcenter }, s.synced ? 1 : 0);
      },
    });
    new Gauge({
      name: `${PREFIX}index_sync_lag_seconds`,
      help: "Seconds since the vCenter's inventory index last caught up; absent before the first sync.",
      labelNames: ['vcenter'],
      registers,
      collect(): void {
        this.reset();
        for (const s of sources.indexStates?.() ?? []) {
          if (s.lagSeconds !== undefined) this.set({ vcenter: s.vcenter }, s.lagSeconds);
        }
      },
    });
    this.kubeRequests = new Counter({
      name: `${PREFIX}kube_requests_total`,
      help: 'Kubernetes API requests by verb, resource and HTTP status code (or error).',
      labelNames: ['verb', 'resource', 'code'],
      registers,
    });
    this.kubeRequestSeconds = new Histogram({
      name: `${PREFIX}kube_request_duration_seconds`,
      help: 'Kubernetes API request latency in seconds (to the response headers), by verb and resource.',
      labelNames: ['verb', 'resource'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.queueDepth = new Gauge({
      name: `${PREFIX}workqueue_depth`,
      help: 'Keys waiting in the work queue.',
      labelNames: ['queue'],
      registers,
    });
    this.queueRetries = new Counter({
      name: `${PREFIX}workqueue_retries_total`,
      help: 'Keys re-queued with backoff after a failed sync.',
      labelNames: ['queue'],
      registers,
    });
    this.nodeInitSeconds = new Histogram({
      name: `${PREFIX}node_initialization_duration_seconds`,
      help: 'Time from first seeing an uninitialised Node to the end of its initialisation attempt, by result.',
      labelNames: ['result'],
      buckets: INIT_BUCKETS,
      registers,
    });
    this.nodesDeleted = new Counter({
      name: `${PREFIX}nodes_deleted_total`,
      help: 'Nodes deleted because their VM no longer exists.',
      registers,
    });
    this.nodesTainted = new Counter({
      name: `${PREFIX}nodes_tainted_total`,
      help: 'Taints added to Nodes by the lifecycle controller, by taint (e.g. shutdown).',
      labelNames: ['taint'],
      registers,
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    // The same metric objects, rendered in the other format; prom-client binds the format to a registry.
    this.openMetrics = new Registry<OpenMetricsContentType>();
    this.openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    for (const { name } of this.registry.getMetricsAsArray()) {
      const metric = this.registry.getSingleMetric(name);
      if (metric !== undefined) this.openMetrics.registerMetric(metric);
    }
  }

  /** Records one vCenter round trip: `outcome` is `ok`, a fault name or a transport error code. */
  vcenterRoundTrip(vcenter: string, method: string, outcome: string, seconds: number): void {
    this.roundTrips.inc({ vcenter, method, outcome });
    this.roundTripSeconds.observe({ vcenter, method }, seconds);
  }

  /** Records one login attempt to a vCenter. */
  vcenterLogin(vcenter: string, result: 'success' | 'failure'): void {
    this.logins.inc({ vcenter, result });
  }

  /**
   * Records one vAPI REST call: `operation` is a path template (see `restOperation`), `outcome`
   * `ok` (2xx), the HTTP status, or `error` when no response arrived.
   */
  vcenterRestCall(vcenter: string, operation: string, outcome: string, seconds: number): void {
    this.restCalls.inc({ vcenter, operation, outcome });
    this.restCallSeconds.observe({ vcenter, operation }, seconds);
  }

  /**
   * Records one Kubernetes API request: `verb` as the API server counts it (`LIST`, `WATCH`,
   * `PATCH`…), `resource` such as `nodes/status`, `code` the HTTP status or `error`.
   */
  kubeRequest(verb: string, resource: string, code: number | string, seconds: number): void {
    this.kubeRequests.inc({ verb, resource, code: String(code) });
    this.kubeRequestSeconds.observe({ verb, resource }, seconds);
  }

  /** Sets a work queue's current depth. */
  workQueueDepth(queue: string, depth: number): void {
    this.queueDepth.set({ queue }, depth);
  }

  /** Records one re-queue with backoff. */
  workQueueRetry(queue: string): void {
    this.queueRetries.inc({ queue });
  }

  /** Records one node-initialisation attempt and how long it took. */
  nodeInitialization(result: 'success' | 'failure', seconds: number): void {
    this.nodeInitSeconds.observe({ result }, seconds);
  }

  /** Records one Node deleted by the lifecycle controller. */
  nodeDeleted(): void {
    this.nodesDeleted.inc();
  }

  /** Records one taint added to a Node (`taint` is a short name such as `shutdown`). */
  nodeTainted(taint: string): void {
    this.nodesTainted.inc({ taint });
  }

  /**
   * Renders every metric: OpenMetrics when `accept` asks for `application/openmetrics-text`,
   * else the Prometheus text format 0.0.4.
   */
  async render(accept: string | undefined): Promise<MetricsScrape> {
    if (accept?.includes('application/openmetrics-text') === true) {
      return { contentType: this.openMetrics.contentType, body: await this.openMetrics.metrics() };
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
