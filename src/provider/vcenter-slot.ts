// SPDX-License-Identifier: Apache-2.0
import type { VCenterConfig } from '../config/config.ts';
import type { CredentialProvider, ResolvedCredentials } from '../credentials/credentials.ts';
import type { VimClient } from '../vim25/client.ts';
import type { HttpAgentOptions } from '../vim25/http-agent.ts';
import type { RoundTripper } from '../vim25/round-tripper.ts';
import type { DatacenterInfo } from '../vsphere/datacenters.ts';
import type { TaggingClient } from '../vsphere/rest/tagging.ts';
import { LoginGuard, LoginSuppressedError } from '../vsphere/login/login-guard.ts';
import type { SessionEvent } from '../vsphere/session.ts';
import { vcenterUrl, type OpenVCenter, type VCenterConnector } from './connect-vcenter.ts';
import { VCenterHealth, type VCenterState } from './vcenter-health.ts';
import {
  VCenterConnectTimeoutError,
  VCenterPoolClosedError,
  VCenterUnavailableError,
} from './vcenter-pool-errors.ts';
import { raceSignal } from './race-signal.ts';

/** One connected vCenter as callers use it. Its lifetime belongs to the pool: never close it. */
export interface PooledVCenter extends VimClient {
  readonly tenantRef: string;
  readonly config: VCenterConfig;
  /** `host:port` of the vCenter. */
  readonly host: string;
  /** The configured datacenters, resolved at connect; undefined means every datacenter. */
  readonly datacenters: readonly DatacenterInfo[] | undefined;
  readonly tagging: TaggingClient;
}

/** What the pool did, for logs. Never carries a secret. */
export type VCenterPoolEvent =
  | {
      readonly type: 'connected';
      readonly tenantRef: string;
      readonly durationMs: number;
      /** Inventory paths of the resolved datacenters; empty when not scoped. */
      readonly datacenters: readonly string[];
    }
  | {
      readonly type: 'connect-failed';
      readonly tenantRef: string;
      readonly code: string;
      readonly message: string;
      readonly retryInMs: number;
    }
  | { readonly type: 'reachability'; readonly tenantRef: string; readonly connected: boolean }
  | { readonly type: 'session'; readonly tenantRef: string; readonly event: SessionEvent }
  | { readonly type: 'closed'; readonly tenantRef: string; readonly timedOut: boolean };

/**
 * A credential provider that can also be told which credentials a vCenter refused, so that it
 * offers another source's (the Go CPI's fallback from inline credentials to the Secret);
 * `SourcedCredentialProvider` is one.
 */
export interface RejectionAwareCredentialProvider extends CredentialProvider {
  reportInvalidLogin?(vc: VCenterConfig, version: string): void;
}

/** What every slot of one pool shares. */
export interface SlotContext {
  readonly credentials: RejectionAwareCredentialProvider;
  readonly connector: VCenterConnector;
  /** TLS settings for a vCenter; reads (and caches) its CA file. */
  readonly tls: (config: VCenterConfig) => Promise<HttpAgentOptions>;
  /** Aborted when the pool closes. */
  readonly shutdown: AbortSignal;
  readonly connectTimeoutMs: number;
  readonly callTimeoutMs: number | undefined;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  readonly invalidLoginBackoffMs: number;
  readonly now: () => number;
  readonly emit: (event: VCenterPoolEvent) => void;
}

/**
 * The connection of one vCenter: single-flight connect, retry backoff, InvalidLogin bookkeeping
 * per credential version, health. Used only by `VCenterPool`, which documents the behaviour.
 */
export class VCenterSlot {
  readonly #config: VCenterConfig;
  readonly #ctx: SlotContext;
  readonly #label: string;
  readonly #health: VCenterHealth;
  #open: { readonly pooled: PooledVCenter; readonly connection: OpenVCenter } | undefined;
  #connecting: Promise<PooledVCenter> | undefined;
  #lastFailure: unknown;
  readonly #guard: LoginGuard;
  /** Version of the credentials most recently handed to a login. */
  #lastVersion: string | undefined;

  constructor(config: VCenterConfig, context: SlotContext) {
    this.#config = config;
    this.#ctx = context;
    this.#label = `vCenter "${config.tenantRef}" (${new URL(vcenterUrl(config)).host})`;
    this.#health = new VCenterHealth(config.tenantRef, config.server);
    this.#guard = new LoginGuard({ invalidLoginBackoffMs: context.invalidLoginBackoffMs, now: context.now });
  }

  state(): VCenterState {
    return this.#health.snapshot();
  }

  /** See `VCenterPool.get`. */
  get(signal: AbortSignal | undefined): Promise<PooledVCenter> {
    if (this.#open !== undefined) return Promise.resolve(this.#open.pooled);
    if (this.#connecting === undefined) {
      const next = this.#health.nextAttempt;
      const now = this.#ctx.now();
      if (next !== undefined && now < next) {
        const wait = String(Math.ceil((next - now) / 1000));
        const why = this.#health.snapshot().lastError?.message ?? 'earlier failure';
        return Promise.reject(
          new VCenterUnavailableError(`${this.#label} is unavailable, next attempt in ${wait} s: ${why}`, {
            tenantRef: this.#config.tenantRef,
            retryAt: next,
            cause: this.#lastFailure,
          }),
        );
      }
      this.#connecting = this.#connect().finally(() => {
        this.#connecting = undefined;
      });
    }
    return raceSignal(this.#connecting, signal);
  }

  /** Waits for a connect under way (the pool has aborted it), then logs out. */
  async close(): Promise<void> {
    await this.#connecting?.catch(() => undefined);
    const open = this.#open;
    this.#open = undefined;
    this.#health.closed();
    if (open === undefined) return;
    await open.connection.close();
    this.#ctx.emit({ type: 'closed', tenantRef: this.#config.tenantRef, timedOut: false });
  }

  async #connect(): Promise<PooledVCenter> {
    const started = this.#ctx.now();
    this.#health.attempted(started);
    const deadline = new AbortController();
    const timer = setTimeout(() => {
      const secs = String(this.#ctx.connectTimeoutMs / 1000);
      deadline.abort(new VCenterConnectTimeoutError(`${this.#label}: no connection within ${secs} s`));
    }, this.#ctx.connectTimeoutMs);
    timer.unref();
    const signal = AbortSignal.any([this.#ctx.shutdown, deadline.signal]);
    try {
      const tls = await raceSignal(this.#ctx.tls(this.#config), signal);
      await this.#credentials(signal);
      const opened = await this.#ctx.connector(
        {
          config: this.#config,
          tls,
          credentials: () => this.#credentials(undefined),
          loginGuard: this.#guard,
          callTimeoutMs: this.#ctx.callTimeoutMs,
          onSessionEvent: (event) => {
            this.#onSessionEvent(event);
          },
        },
        { signal },
      );
      if (this.#ctx.shutdown.aborted) {
        await opened.connection.close();
        throw new VCenterPoolClosedError('the vCenter pool is closed');
      }
      const pooled = this.#pooled(opened.connection, opened.datacenters);
      this.#open = { pooled, connection: opened.connection };
      this.#health.connectSucceeded(this.#ctx.now(), opened.datacenters);
      this.#ctx.emit({
        type: 'connected',
        tenantRef: this.#config.tenantRef,
        durationMs: this.#ctx.now() - started,
        datacenters: (opened.datacenters ?? []).map((dc) => dc.path),
      });
      return pooled;
    } catch (err) {
      throw this.#failed(err);
    } finally {
      clearTimeout(timer);
    }
  }

  #failed(err: unknown): Error {
    if (this.#ctx.shutdown.aborted) {
      return new VCenterPoolClosedError('the vCenter pool is closed', { cause: err });
    }
    const now = this.#ctx.now();
    const failures = this.#health.consecutiveFailures + 1;
    const waitMs = Math.min(this.#ctx.retryInitialMs * 2 ** (failures - 1), this.#ctx.retryMaxMs);
    const info = this.#health.connectFailed(err, now, now + waitMs);
    this.#lastFailure = err;
    this.#ctx.emit({
      type: 'connect-failed',
      tenantRef: this.#config.tenantRef,
      code: info.code,
      message: info.message,
      retryInMs: waitMs,
    });
    return new VCenterUnavailableError(`cannot connect to ${this.#label}: ${info.message}`, {
      tenantRef: this.#config.tenantRef,
      retryAt: now + waitMs,
      cause: err,
    });
  }

  /**
   * Current credentials. Fails without contacting the vCenter while this very version is held
   * back by the lockout guard (the session records rejections in it, in every login mode).
   */
  async #credentials(signal: AbortSignal | undefined): Promise<ResolvedCredentials> {
    const resolved = await this.#ctx.credentials.resolve(
      this.#config,
      signal === undefined ? {} : { signal },
    );
    if (this.#guard.isSuppressed(resolved.version)) {
      const secs = String(Math.round(this.#ctx.invalidLoginBackoffMs / 1000));
      throw new LoginSuppressedError(
        `${this.#label} refused these credentials (${resolved.source}); not trying them again until they change or ${secs} s have passed`,
      );
    }
    this.#lastVersion = resolved.version;
    return resolved;
  }

  #onSessionEvent(event: SessionEvent): void {
    const version = this.#lastVersion;
    // The guard holds a version back only after a refusal (not after an outage), in any mode.
    if (event.type === 'login-failed' && version !== undefined && this.#guard.isSuppressed(version)) {
      this.#ctx.credentials.reportInvalidLogin?.(this.#config, version);
    } else if (event.type === 'keep-alive' && this.#open !== undefined && !this.#ctx.shutdown.aborted) {
      const code = event.ok ? undefined : (event.code ?? 'UNEXPECTED');
      if (this.#health.keepAliveSettled(code, this.#ctx.now())) this.#emitReachability();
    }
    this.#ctx.emit({ type: 'session', tenantRef: this.#config.tenantRef, event });
  }

  /** The caller's view: calls through `rt` keep the health record current. */
  #pooled(connection: OpenVCenter, datacenters: readonly DatacenterInfo[] | undefined): PooledVCenter {
    const observed: RoundTripper = {
      roundTrip: async (method, request, options) => {
        try {
          const out = await connection.rt.roundTrip(method, request, options);
          this.#settled(undefined);
          return out;
        } catch (err) {
          this.#settled(err);
          throw err;
        }
      },
    };
    return {
      tenantRef: this.#config.tenantRef,
      config: this.#config,
      host: connection.host,
      datacenters,
      tagging: connection.tagging,
      rt: observed,
      serviceContent: connection.serviceContent,
    };
  }

  #settled(err: unknown): void {
    if (this.#ctx.shutdown.aborted) return;
    if (this.#health.callSettled(err, this.#ctx.now())) this.#emitReachability();
  }

  #emitReachability(): void {
    this.#ctx.emit({
      type: 'reachability',
      tenantRef: this.#config.tenantRef,
      connected: this.#health.connected,
    });
  }
}
