// SPDX-License-Identifier: Apache-2.0
import type { VCenterConfig } from '../config/config.ts';
import { loadCaFile, type HttpAgentOptions } from '../vim25/http-agent.ts';
import { connectVCenter, type VCenterConnector } from './connect-vcenter.ts';
import type { VCenterState } from './vcenter-health.ts';
import { UnknownVCenterError, VCenterPoolClosedError } from './vcenter-pool-errors.ts';
import {
  VCenterSlot,
  type PooledVCenter,
  type RejectionAwareCredentialProvider,
  type VCenterPoolEvent,
} from './vcenter-slot.ts';
import { settleWithin } from './race-signal.ts';

export type { VCenterErrorInfo, VCenterState } from './vcenter-health.ts';
export type { PooledVCenter, RejectionAwareCredentialProvider, VCenterPoolEvent } from './vcenter-slot.ts';

export interface VCenterPoolOptions {
  readonly vcenters: readonly VCenterConfig[];
  /** Asked at every login; told of refused credentials when it has `reportInvalidLogin`. */
  readonly credentials: RejectionAwareCredentialProvider;
  /** Default: `connectVCenter` (the real SOAP connection). Tests pass a fake. */
  readonly connector?: VCenterConnector;
  /** Bound of one connect, from reading the CA file to the datacenter lookup. Default 60 s. */
  readonly connectTimeoutMs?: number;
  /** Bound of each SOAP/REST call on the connections. Default: the connection's (30 s). */
  readonly callTimeoutMs?: number;
  /** Wait after the n-th consecutive failed connect: initial × 2^(n-1). Default 1 s. */
  readonly retryInitialMs?: number;
  /** Upper bound of that wait. Default 60 s. */
  readonly retryMaxMs?: number;
  /** After an InvalidLogin, that credential version is not used again for this long. Default 5 min. */
  readonly invalidLoginBackoffMs?: number;
  /** Bound of closing one vCenter in `close()`. Default 10 s. */
  readonly closeTimeoutMs?: number;
  readonly now?: () => number;
  /** Receives what the pool does, for logs. Must not throw. */
  readonly onEvent?: (event: VCenterPoolEvent) => void;
}

/**
 * One connection per vCenter (per `tenantRef`), opened on first use.
 *
 * - Each vCenter has its own single-flight connect: concurrent first users share one login, and
 *   a slow or dead vCenter never delays another (there is no pool-wide lock).
 * - A failed connect is retried by the next `get()` once a backoff has passed; until then `get()`
 *   fails at once with `VCenterUnavailableError` carrying the failure. An InvalidLogin blocks that
 *   credential version for `invalidLoginBackoffMs` (connects and re-logins alike), so a wrong
 *   password costs one failed login; changed credentials are tried at once. The provider is told
 *   of the refusal, so it can offer another source's credentials (inline, then Secret).
 * - TLS comes from the config (each CA file is read once), credentials from the provider at every
 *   login, and configured datacenters are resolved at connect: an unknown one fails the connect
 *   with `DatacenterNotFoundError` as the cause.
 * - `state()` reports connected / last error / last success per vCenter; calls made through a
 *   pooled client's `rt` keep it current. `close()` logs every session out within a bounded time.
 *
 * The constructor does no I/O; it throws TypeError for a duplicated tenantRef.
 */
export class VCenterPool {
  readonly #slots = new Map<string, VCenterSlot>();
  readonly #caFiles = new Map<string, Promise<string>>();
  readonly #shutdown = new AbortController();
  readonly #closeTimeoutMs: number;
  readonly #emit: (event: VCenterPoolEvent) => void;
  #closing: Promise<void> | undefined;

  constructor(options: VCenterPoolOptions) {
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
    this.#emit = options.onEvent ?? ((): void => undefined);
    const context = {
      credentials: options.credentials,
      connector: options.connector ?? connectVCenter,
      tls: (config: VCenterConfig) => this.#tls(config),
      shutdown: this.#shutdown.signal,
      connectTimeoutMs: options.connectTimeoutMs ?? 60_000,
      callTimeoutMs: options.callTimeoutMs,
      retryInitialMs: options.retryInitialMs ?? 1_000,
      retryMaxMs: options.retryMaxMs ?? 60_000,
      invalidLoginBackoffMs: options.invalidLoginBackoffMs ?? 5 * 60_000,
      now: options.now ?? Date.now,
      emit: this.#emit,
    };
    for (const config of options.vcenters) {
      if (this.#slots.has(config.tenantRef)) {
        throw new TypeError(`duplicate vCenter tenant ${config.tenantRef}`);
      }
      this.#slots.set(config.tenantRef, new VCenterSlot(config, context));
    }
  }

  /** The configured tenants, in configuration order. */
  get tenantRefs(): readonly string[] {
    return [...this.#slots.keys()];
  }

  /** The state of one vCenter, or undefined for an unknown tenant. */
  state(tenantRef: string): VCenterState | undefined {
    return this.#slots.get(tenantRef)?.state();
  }

  /** The state of every vCenter, in configuration order. */
  states(): VCenterState[] {
    return [...this.#slots.values()].map((s) => s.state());
  }

  /**
   * The connection of `tenantRef`, connecting first if needed. `signal` ends only this caller's
   * wait; a connect that other callers share goes on. Rejects with `VCenterUnavailableError`,
   * `UnknownVCenterError`, `VCenterPoolClosedError`, or the signal's reason.
   */
  async get(tenantRef: string, options: { readonly signal?: AbortSignal } = {}): Promise<PooledVCenter> {
    if (this.#closing !== undefined) throw new VCenterPoolClosedError('the vCenter pool is closed');
    const slot = this.#slots.get(tenantRef);
    if (slot === undefined) {
      const known = this.tenantRefs.join(', ') || 'none';
      throw new UnknownVCenterError(`no vCenter "${tenantRef}" in the configuration (have: ${known})`);
    }
    return slot.get(options.signal);
  }

  /** Tries every vCenter at once (those in backoff are not retried) and returns their states. */
  async connectAll(options: { readonly signal?: AbortSignal } = {}): Promise<VCenterState[]> {
    await Promise.allSettled(this.tenantRefs.map((t) => this.get(t, options)));
    return this.states();
  }

  /**
   * Stops new connects, aborts those under way, and logs out every session: all vCenters in
   * parallel, each within `closeTimeoutMs`. Safe to call twice; never rejects.
   */
  close(): Promise<void> {
    this.#closing ??= this.#closeAll();
    return this.#closing;
  }

  async #closeAll(): Promise<void> {
    this.#shutdown.abort(new VCenterPoolClosedError('the vCenter pool is closed'));
    await Promise.all(
      [...this.#slots.entries()].map(async ([tenantRef, slot]) => {
        if (!(await settleWithin(slot.close(), this.#closeTimeoutMs))) {
          this.#emit({ type: 'closed', tenantRef, timedOut: true });
        }
      }),
    );
  }

  async #tls(config: VCenterConfig): Promise<HttpAgentOptions> {
    const caPem = config.caFile === undefined ? undefined : await this.#caFile(config.caFile);
    return {
      insecure: config.insecure,
      ...(caPem === undefined ? {} : { caPem }),
      ...(config.thumbprint === undefined ? {} : { thumbprint: config.thumbprint }),
    };
  }

  /** Each CA file is read once per pool; a failed read is retried by the next connect. */
  #caFile(path: string): Promise<string> {
    let pending = this.#caFiles.get(path);
    if (pending === undefined) {
      pending = loadCaFile(path, { signal: this.#shutdown.signal });
      this.#caFiles.set(path, pending);
      pending.catch(() => this.#caFiles.delete(path));
    }
    return pending;
  }
}
