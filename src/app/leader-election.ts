// SPDX-License-Identifier: Apache-2.0
/**
 * Leader election on a coordination.k8s.io/v1 Lease with client-go semantics: a candidate takes
 * the lease only when it saw no change to it for `leaseDurationSeconds` by its own clock (remote
 * clocks are never trusted); writes are compare-and-swap on resourceVersion; a leader that cannot
 * renew within the renew deadline steps down at once; a leader that stops releases the lease.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { HttpLibrary, KubeConfig } from '@kubernetes/client-node';
import type { CcmError } from '../lib/errors.ts';
import { clockDeadline, systemClock, type ElectionClock } from './lease-clock.ts';
import { KubeLeaseClient, type LeaseClient, type ObservedLease } from './lease-client.ts';
import {
  LeaderCallbackError,
  LeaderElectionConfigError,
  LeadershipLostError,
  toLeaseError,
} from './lease-errors.ts';
import { desiredRecord, nextRecord, releaseRecord, sameLease } from './lease-records.ts';

/** client-go's jitter factor for the acquire retry period. */
const JITTER_FACTOR = 1.2;

/** Timings and collaborators of a {@link LeaderElector}; all durations in milliseconds. */
export interface LeaderElectorOptions {
  readonly client: LeaseClient;
  /** Defaults to {@link defaultIdentity}. */
  readonly identity?: string;
  /** How long a lease is valid without renewal; whole seconds on the wire. Default 15 000. */
  readonly leaseDurationMs?: number;
  /** A leader that cannot renew for this long steps down. Default 10 000. */
  readonly renewDeadlineMs?: number;
  /** Pause between attempts. Default 2 000. */
  readonly retryPeriodMs?: number;
  /** Slack {@link LeaderElector.healthy} allows past the renew deadline. Default 20 000. */
  readonly healthToleranceMs?: number;
  readonly clock?: ElectionClock;
  /** Uniform [0, 1) source for the acquire jitter. Default `Math.random`. */
  readonly random?: () => number;
  /** Told about every failed Lease call (for logs); must not throw. */
  readonly onAttemptFailed?: (err: CcmError) => void;
}

/** What {@link LeaderElector.run} drives. */
export interface RunOptions {
  /** Aborting it stops the election; a leader then stops its work and releases the lease. */
  readonly signal: AbortSignal;
  /** Called once leadership is acquired; `leaderSignal` aborts the moment it ends. */
  readonly onStartedLeading: (leaderSignal: AbortSignal) => void | Promise<void>;
  /** Called once after leadership ended (only if it was held), after the release attempt. */
  readonly onStoppedLeading?: () => void;
  /** Called with the holder's identity whenever a different holder is observed (not for `''`). */
  readonly onNewLeader?: (identity: string) => void;
}

/** Reads `signal.aborted` afresh (control-flow analysis would keep an earlier narrowing). */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

/** client-go's identity for a CCM: host name plus a random suffix, unique per process. */
export function defaultIdentity(): string {
  return `${hostname()}_${randomUUID()}`;
}

/** A candidate for one Lease. Holds per-election state; construct one per process. */
export class LeaderElector {
  readonly identity: string;
  readonly #client: LeaseClient;
  readonly #clock: ElectionClock;
  readonly #random: () => number;
  readonly #leaseMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryMs: number;
  readonly #toleranceMs: number;
  readonly #onFailed: (err: CcmError) => void;
  #observed: ObservedLease | undefined;
  #observedAt = 0;
  #reported = '';
  #leading = false;
  #lost = false;
  #lastRenewAt = 0;
  #running = false;

  /** @throws LeaderElectionConfigError unless lease > renewDeadline > 1.2 × retryPeriod > 0. */
  constructor(options: LeaderElectorOptions) {
    this.#client = options.client;
    this.identity = options.identity ?? defaultIdentity();
    this.#leaseMs = options.leaseDurationMs ?? 15_000;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.#retryMs = options.retryPeriodMs ?? 2_000;
    this.#toleranceMs = options.healthToleranceMs ?? 20_000;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#onFailed = options.onAttemptFailed ?? (() => undefined);
    if (this.identity === '') throw new LeaderElectionConfigError('identity must not be empty');
    if (this.#leaseMs < 1000) throw new LeaderElectionConfigError('lease duration must be ≥ 1 s');
    if (this.#leaseMs <= this.#renewDeadlineMs) {
      throw new LeaderElectionConfigError('lease duration must exceed the renew deadline');
    }
    if (this.#retryMs <= 0 || this.#renewDeadlineMs <= JITTER_FACTOR * this.#retryMs) {
      throw new LeaderElectionConfigError('renew deadline must exceed 1.2 × a positive retry period');
    }
  }

  /** Whether this candidate currently leads (between `onStartedLeading` and the step-down). */
  isLeader(): boolean {
    return this.#leading;
  }

  /**
   * Whether a write made now is covered by this candidate's lease: leading, and the last
   * successful renewal *started* less than the renew deadline ago. Unlike `isLeader`, this turns
   * false the moment the process resumes from a pause longer than the deadline (SIGSTOP, a frozen
   * VM, a stalled event loop), before the renew loop has run and noticed the loss, so callers
   * can refuse writes that a new leader may be making at the same time.
   */
  holdsLease(): boolean {
    return this.#leading && this.#clock.now() - this.#lastRenewAt < this.#renewDeadlineMs;
  }

  /** The holder last observed on the Lease (`''` if none or not read yet). */
  observedLeader(): string {
    return this.#observed?.record.holderIdentity ?? '';
  }

  /**
   * For /healthz: false when leading but the last successful renewal is older than the renew
   * deadline plus the tolerance (a wedged elector), or after leadership was lost (the process is
   * expected to exit); true otherwise, including while standing by.
   */
  healthy(): boolean {
    if (this.#lost) return false;
    if (!this.#leading) return true;
    return this.#clock.now() - this.#lastRenewAt <= this.#renewDeadlineMs + this.#toleranceMs;
  }

  /**
   * Campaigns until leadership is acquired or `signal` aborts, then leads until leadership is lost
   * or `signal` aborts, then releases the lease (holder cleared, duration 1 s) and resolves. The
   * leader signal aborts first; on shutdown the release waits (at most one renew deadline) for the
   * promise `onStartedLeading` returned. Every Lease call is bounded by the renew deadline. Like
   * client-go it does not campaign again; run a new elector (or restart the process) for that.
   * @throws LeaderCallbackError if `onStartedLeading` failed; LeaderElectionConfigError if running.
   */
  async run(options: RunOptions): Promise<void> {
    if (this.#running) throw new LeaderElectionConfigError('run() is already in progress');
    this.#running = true;
    this.#lost = false;
    try {
      if (!(await this.#acquire(options))) return;
      await this.#lead(options);
    } finally {
      this.#running = false;
    }
  }

  async #lead(options: RunOptions): Promise<void> {
    const leader = new AbortController();
    const stop = new AbortController();
    const onOuter = (): void => {
      stop.abort(options.signal.reason);
    };
    options.signal.addEventListener('abort', onOuter, { once: true });
    const callback: { failure?: { readonly err: unknown } } = {};
    const fail = (err: unknown): void => {
      callback.failure = { err };
      stop.abort(err);
    };
    this.#leading = true;
    this.#lastRenewAt = this.#clock.now();
    let work: Promise<void> = Promise.resolve();
    try {
      try {
        work = Promise.resolve(options.onStartedLeading(leader.signal)).catch(fail);
      } catch (err) {
        fail(err);
      }
      const outcome = await this.#renewLoop(stop.signal, options);
      this.#leading = false;
      this.#lost = outcome === 'lost';
      leader.abort(
        outcome === 'lost'
          ? new LeadershipLostError(`lost lease ${this.#client.describe()}`)
          : (stop.signal.reason as unknown),
      );
      if (outcome === 'stopped') await this.#settle(work);
    } finally {
      this.#leading = false;
      if (!leader.signal.aborted) leader.abort(new LeadershipLostError('elector stopped'));
      options.signal.removeEventListener('abort', onOuter);
      await this.#release();
      options.onStoppedLeading?.();
    }
    if (callback.failure !== undefined) {
      throw new LeaderCallbackError('onStartedLeading failed; leadership given up', {
        cause: callback.failure.err,
      });
    }
  }

  /** Waits (at most one renew deadline) for the leader's work to wind down before releasing. */
  async #settle(work: Promise<void>): Promise<void> {
    const timer = new AbortController();
    const expiry = this.#clock.sleep(this.#renewDeadlineMs, timer.signal).catch(() => undefined);
    await Promise.race([work, expiry]);
    timer.abort();
  }

  async #acquire(options: RunOptions): Promise<boolean> {
    const { signal } = options;
    while (!signal.aborted) {
      const bounded = clockDeadline(this.#clock, signal, this.#renewDeadlineMs, 'acquire lease');
      const ok = await this.#tryAcquireOrRenew(bounded.signal).finally(() => {
        bounded.dispose();
      });
      this.#reportTransition(options);
      if (ok) return true;
      const pause = this.#retryMs * (1 + this.#random() * JITTER_FACTOR);
      try {
        await this.#clock.sleep(pause, signal);
      } catch {
        return false;
      }
    }
    return false;
  }

  async #renewLoop(signal: AbortSignal, options: RunOptions): Promise<'stopped' | 'lost'> {
    while (!signal.aborted) {
      const round = clockDeadline(this.#clock, signal, this.#renewDeadlineMs, 'renew lease');
      let ok = false;
      let attemptStartedAt = this.#clock.now();
      try {
        while (!round.signal.aborted) {
          // The lease covers us from when the successful request was sent, not when it returned.
          attemptStartedAt = this.#clock.now();
          ok = await this.#tryAcquireOrRenew(round.signal);
          this.#reportTransition(options);
          // Another valid holder means the lease is gone; waiting out the deadline changes nothing.
          if (ok || this.observedLeader() !== this.identity) break;
          await this.#clock.sleep(this.#retryMs, round.signal).catch(() => undefined);
        }
      } finally {
        round.dispose();
      }
      if (isAborted(signal)) return 'stopped';
      if (!ok) return 'lost';
      this.#lastRenewAt = attemptStartedAt;
      try {
        await this.#clock.sleep(this.#retryMs, signal);
      } catch {
        return 'stopped';
      }
    }
    return 'stopped';
  }

  #observe(lease: ObservedLease, now: number): void {
    this.#observed = lease;
    this.#observedAt = now;
  }

  /** Valid by the local time the record was last seen to change, never by its renewTime. */
  #leaseValid(now: number): boolean {
    const seconds = this.#observed?.record.leaseDurationSeconds ?? 0;
    return this.#observedAt + seconds * 1000 > now;
  }

  async #tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = this.#clock.now();
    const desired = desiredRecord(this.identity, this.#leaseMs, now);
    const observed = this.#observed;
    try {
      if (observed?.record.holderIdentity === this.identity && this.#leaseValid(now)) {
        const rec = nextRecord(desired, observed.record);
        try {
          this.#observe(await this.#client.update(rec, observed.resourceVersion, { signal }), now);
          return true;
        } catch (err) {
          // The cached copy may be stale; fall back to a fresh read, as client-go does.
          this.#onFailed(toLeaseError(err));
          if (signal.aborted) return false;
        }
      }
      const current = await this.#client.get({ signal });
      if (current === undefined) {
        this.#observe(await this.#client.create(desired, { signal }), now);
        return true;
      }
      if (!sameLease(current, this.#observed)) this.#observe(current, now);
      const holder = current.record.holderIdentity;
      if (holder !== '' && holder !== this.identity && this.#leaseValid(now)) return false;
      const record = nextRecord(desired, current.record);
      this.#observe(await this.#client.update(record, current.resourceVersion, { signal }), now);
      return true;
    } catch (err) {
      this.#onFailed(toLeaseError(err));
      return false;
    }
  }

  async #release(): Promise<void> {
    const observed = this.#observed;
    if (observed?.record.holderIdentity !== this.identity) return;
    const now = this.#clock.now();
    const record = releaseRecord(observed.record, now);
    const bounded = clockDeadline(
      this.#clock,
      new AbortController().signal,
      this.#renewDeadlineMs,
      'release lease',
    );
    try {
      this.#observe(await this.#client.update(record, observed.resourceVersion, bounded), now);
    } catch (err) {
      this.#onFailed(toLeaseError(err));
    } finally {
      bounded.dispose();
    }
  }

  #reportTransition(options: RunOptions): void {
    const holder = this.observedLeader();
    if (holder === this.#reported) return;
    this.#reported = holder;
    if (holder !== '') options.onNewLeader?.(holder);
  }
}

/** A {@link LeaderElector} on Lease `namespace/name` through client-node. */
export function createKubeLeaderElector(
  kubeConfig: KubeConfig,
  lease: { readonly name: string; readonly namespace: string },
  options: Omit<LeaderElectorOptions, 'client'> = {},
  httpApi?: HttpLibrary,
): LeaderElector {
  return new LeaderElector({ ...options, client: new KubeLeaseClient(kubeConfig, lease, httpApi) });
}
