// SPDX-License-Identifier: Apache-2.0
import type { CloudConfig } from '../config/config.ts';
import type { CallOptions, InstanceMetadata, InstancesV2, NodeIdentity } from '../cloud/instances.ts';
import { abortableDelay, withTimeout } from '../lib/abort.ts';
import { CcmError } from '../lib/errors.ts';
import { PoolAuthoritativeCheck, type AuthoritativeCheck } from './authoritative-check.ts';
import { VSphereInstances } from './instances.ts';
import { categoryTagSource } from './inventory/tag-snapshot.ts';
import { IndexSyncTimeoutError } from './inventory/index-errors.ts';
import {
  VCenterIndex,
  type IndexEvent,
  type VCenterIndexOptions,
  type VCenterIndexState,
} from './inventory/vcenter-index.ts';
import type { VCenterPool, VCenterState } from './vcenter-pool.ts';
import { VCenterPoolClosedError, VCenterUnavailableError } from './vcenter-pool-errors.ts';
import { raceSignal } from './race-signal.ts';
import { VmLocator, type LocatorIndex, type LocatorVCenter } from './vm-locator.ts';

/** The pool as the provider uses it. */
export type ProviderPool = Pick<VCenterPool, 'get' | 'state'>;

/** An index the provider runs: a `VCenterIndex`, or a test's stand-in. */
export type ProviderIndex = LocatorIndex & Pick<VCenterIndex, 'start' | 'waitForSync'>;

/** Index settings shared by every vCenter. */
export type SharedIndexOptions = Omit<
  VCenterIndexOptions,
  'vcenter' | 'client' | 'datacenters' | 'tags' | 'now' | 'onEvent'
>;

/** What the provider does, for logs. */
export type ProviderEvent =
  | { readonly type: 'index'; readonly event: IndexEvent }
  | {
      readonly type: 'connect-retry';
      readonly tenantRef: string;
      readonly message: string;
      readonly retryInMs: number;
    };

export interface VSphereProviderOptions {
  readonly config: Pick<CloudConfig, 'vcenters' | 'labels' | 'nodes'>;
  /** Owned by the caller: the provider never closes it. */
  readonly pool: ProviderPool;
  /** The process environment, for `SKIP_NODE_DELETION`. Default: none set. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Labels added to every Node (`--node-labels`). */
  readonly additionalLabels?: Readonly<Record<string, string>>;
  readonly now?: () => number;
  /** Least time between two observations of a VM's absence. Default 10 s. */
  readonly absenceConfirmMs?: number;
  /** See `AbsenceRuleOptions.searchWithoutMoRef`. Default true. */
  readonly searchWithoutMoRef?: boolean;
  /** Bound of one authoritative vCenter check. Default 30 s. */
  readonly checkTimeoutMs?: number;
  /** Least wait before connecting a vCenter again for its index. Default 1 s. */
  readonly connectRetryMs?: number;
  readonly index?: SharedIndexOptions;
  /** Test seam; default `new VCenterIndex(options)`. */
  readonly createIndex?: (options: VCenterIndexOptions) => ProviderIndex;
  /** Test seam; default `PoolAuthoritativeCheck` over `pool`. */
  readonly check?: AuthoritativeCheck;
  /** Must not throw. */
  readonly onEvent?: (event: ProviderEvent) => void;
}

/** The provider was closed; it answers no more lookups. */
export class ProviderClosedError extends CcmError {
  readonly code = 'PROVIDER_CLOSED';
}

/** One vCenter's connection and index, for readiness and metrics. */
export interface ProviderVCenterState {
  readonly tenantRef: string;
  readonly connection: VCenterState | undefined;
  /** Undefined until the vCenter was connected. */
  readonly index: VCenterIndexState | undefined;
}

/**
 * The vSphere provider: one event-driven index per configured vCenter over the pooled
 * connections (with the zone/region tag snapshot when both categories are configured), and the
 * `InstancesV2` rules over them (`VSphereInstances`, `VmLocator`, `AbsenceRule`).
 *
 * Construction does no I/O. `start(signal)` connects every vCenter (retrying, each on its own:
 * one unreachable vCenter never holds up another) and runs its index until `signal` aborts or
 * `close()`. Until a vCenter's index has synced, lookups that could concern it reject with
 * `ProviderUnavailableError`; they never answer "not found".
 */
export class VSphereProvider implements InstancesV2 {
  readonly #options: VSphereProviderOptions;
  readonly #indexes = new Map<string, ProviderIndex>();
  readonly #waiters = new Map<string, PromiseWithResolvers<ProviderIndex>>();
  readonly #locator: VmLocator;
  readonly #instances: VSphereInstances;
  readonly #stop = new AbortController();
  #running: Promise<void> | undefined;

  constructor(options: VSphereProviderOptions) {
    this.#options = options;
    this.#locator = new VmLocator({ vcenters: () => this.#locatorView() });
    this.#instances = new VSphereInstances({
      locator: this.#locator,
      check: options.check ?? new PoolAuthoritativeCheck(checkOptions(options)),
      ipFamilies: (tenantRef) => options.config.vcenters.get(tenantRef)?.ipFamilies,
      nodes: options.config.nodes,
      labels: options.config.labels,
      ...optional('additionalLabels', options.additionalLabels),
      ...optional('env', options.env),
      ...optional('now', options.now),
      ...optional('absenceConfirmMs', options.absenceConfirmMs),
      ...optional('searchWithoutMoRef', options.searchWithoutMoRef),
    });
  }

  /** Finds Nodes' VMs (for `explain-node` and tests). */
  get locator(): VmLocator {
    return this.#locator;
  }

  /**
   * Runs until `signal` aborts or `close()` is called; resolves once every index has stopped.
   * Never rejects for vCenter trouble (it is retried and shown in `state()`); rejects with
   * TypeError when called twice.
   */
  start(signal: AbortSignal): Promise<void> {
    if (this.#running !== undefined) return Promise.reject(new TypeError('the provider was already started'));
    const stop = AbortSignal.any([signal, this.#stop.signal]);
    const tenants = [...this.#options.config.vcenters.keys()];
    this.#running = Promise.all(tenants.map((t) => this.#runVCenter(t, stop))).then(() => undefined);
    return this.#running;
  }

  /** Resolves once every vCenter's index has synced; rejects on timeout or abort. */
  async waitForSync(options: { readonly signal?: AbortSignal; readonly timeoutMs: number }): Promise<void> {
    const signal = withTimeout(options.signal, options.timeoutMs);
    const deadline = Date.now() + options.timeoutMs;
    try {
      for (const tenantRef of this.#options.config.vcenters.keys()) {
        const index = await raceSignal(this.#created(tenantRef).promise, signal);
        await index.waitForSync({ signal, timeoutMs: Math.max(1, deadline - Date.now()) });
      }
    } catch (err) {
      if (options.signal?.aborted === true || !signal.aborted) throw err;
      const states = this.state().map(
        (s) => `${s.tenantRef}: ${s.index?.synced === true ? 'synced' : 'not synced'}`,
      );
      throw new IndexSyncTimeoutError(
        `the vCenter inventories did not load within ${String(options.timeoutMs)} ms (${states.join(', ')})`,
        { cause: err },
      );
    }
  }

  /** Stops every index and waits for them; the pool stays open. Safe to call twice. */
  async close(): Promise<void> {
    this.#stop.abort(new ProviderClosedError('the vSphere provider is closed'));
    await this.#running;
  }

  /** Connection and index state of every configured vCenter, in configuration order. */
  state(): ProviderVCenterState[] {
    return [...this.#options.config.vcenters.keys()].map((tenantRef) => ({
      tenantRef,
      connection: this.#options.pool.state(tenantRef),
      index: this.#indexes.get(tenantRef)?.state(),
    }));
  }

  instanceExists(node: NodeIdentity, options?: CallOptions): Promise<boolean> {
    return this.#instances.instanceExists(node, options);
  }

  instanceShutdown(node: NodeIdentity, options?: CallOptions): Promise<boolean> {
    return this.#instances.instanceShutdown(node, options);
  }

  instanceMetadata(node: NodeIdentity, options?: CallOptions): Promise<InstanceMetadata> {
    return this.#instances.instanceMetadata(node, options);
  }

  /** Settles when the index of `tenantRef` exists. */
  #created(tenantRef: string): PromiseWithResolvers<ProviderIndex> {
    let waiter = this.#waiters.get(tenantRef);
    if (waiter === undefined) {
      waiter = Promise.withResolvers<ProviderIndex>();
      this.#waiters.set(tenantRef, waiter);
    }
    return waiter;
  }

  #locatorView(): LocatorVCenter[] {
    const closed = this.#stop.signal.aborted;
    return [...this.#options.config.vcenters.keys()].map((tenantRef) => ({
      tenantRef,
      index: closed ? undefined : this.#indexes.get(tenantRef),
      unavailableReason: closed ? 'the provider is closed' : this.#unavailableReason(tenantRef),
    }));
  }

  #unavailableReason(tenantRef: string): string {
    if (this.#running === undefined) return 'the provider is not started';
    const index = this.#indexes.get(tenantRef);
    if (index !== undefined) return index.state().lastError?.message ?? 'loading';
    return this.#options.pool.state(tenantRef)?.lastError?.message ?? 'connecting';
  }

  async #runVCenter(tenantRef: string, signal: AbortSignal): Promise<void> {
    const pooled = await this.#connect(tenantRef, signal);
    if (pooled === undefined) return;
    const categories = zoneCategories(this.#options.config.labels);
    const options: VCenterIndexOptions = {
      ...this.#options.index,
      vcenter: tenantRef,
      client: pooled,
      datacenters: pooled.datacenters?.map((dc) => dc.ref),
      tags: categories === undefined ? undefined : categoryTagSource(pooled.tagging, categories),
      ...optional('now', this.#options.now),
      onEvent: (event) => {
        this.#options.onEvent?.({ type: 'index', event });
      },
    };
    const index = this.#options.createIndex?.(options) ?? new VCenterIndex(options);
    this.#indexes.set(tenantRef, index);
    this.#created(tenantRef).resolve(index);
    await index.start(signal);
  }

  /** The pooled connection, retried until it succeeds; undefined once stopped. */
  async #connect(
    tenantRef: string,
    signal: AbortSignal,
  ): Promise<Awaited<ReturnType<ProviderPool['get']>> | undefined> {
    const minWait = this.#options.connectRetryMs ?? 1_000;
    const now = this.#options.now ?? Date.now;
    while (!signal.aborted) {
      try {
        return await this.#options.pool.get(tenantRef, { signal });
      } catch (err) {
        if (isAborted(signal) || err instanceof VCenterPoolClosedError) return undefined;
        const retryAt = err instanceof VCenterUnavailableError ? err.retryAt : 0;
        const wait = Math.max(minWait, retryAt - now());
        const message = err instanceof Error ? err.message : String(err);
        this.#options.onEvent?.({ type: 'connect-retry', tenantRef, message, retryInMs: wait });
        await abortableDelay(wait, signal).catch(() => undefined);
      }
    }
    return undefined;
  }
}

/** The tag categories when both are configured (zones are off otherwise). */
function zoneCategories(
  labels: CloudConfig['labels'],
): { readonly zoneCategory: string; readonly regionCategory: string } | undefined {
  const { zone, region } = labels;
  if (zone === undefined || zone === '' || region === undefined || region === '') return undefined;
  return { zoneCategory: zone, regionCategory: region };
}

/** A call, so that narrowing does not assume the signal stays unaborted across awaits. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function checkOptions(
  options: VSphereProviderOptions,
): ConstructorParameters<typeof PoolAuthoritativeCheck>[0] {
  return { clients: options.pool, ...optional('timeoutMs', options.checkTimeoutMs) };
}

/** `{ [key]: value }`, or nothing when value is undefined (for exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
