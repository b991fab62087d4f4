// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ElectionClock } from './lease-clock.ts';
import {
  LeaseConflictError,
  type LeaseCallOptions,
  type LeaseClient,
  type LeaseRecord,
  type ObservedLease,
} from './lease-client.ts';
import { LeaderElector, type LeaderElectorOptions } from './leader-election.ts';
import { LeaderCallbackError, LeaderElectionConfigError } from './lease-errors.ts';

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

interface Waiter {
  readonly at: number;
  readonly resolve: () => void;
}

/** A clock that only moves when told; sleeps resolve in deadline order. */
class FakeClock implements ElectionClock {
  t = Date.UTC(2026, 10, 23, 3, 4, 5);
  readonly #waiters = new Set<Waiter>();

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const w: Waiter = {
        at: this.t + ms,
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#waiters.delete(w);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(w);
    });
  }

  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      const next = [...this.#waiters].filter((w) => w.at <= end).sort((a, b) => a.at - b.at)[0];
      if (next === undefined) break;
      this.#waiters.delete(next);
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    this.t = end;
    await flush();
  }
}

/** One in-memory Lease with resourceVersions, a call log and fault switches. */
class FakeLeaseClient implements LeaseClient {
  lease: ObservedLease | undefined;
  #rv = 0;
  calls: string[] = [];
  /** When true every call waits until its signal aborts. */
  hang = false;
  /** Called between a `get` and the next write, to simulate a racing writer. */
  beforeWrite: (() => void) | undefined;

  describe(): string {
    return 'kube-system/ccm';
  }

  put(record: LeaseRecord): ObservedLease {
    const lease = { record, resourceVersion: String(++this.#rv) };
    this.lease = lease;
    return lease;
  }

  /** The stored record; fails the test when there is none. */
  record(): LeaseRecord {
    assert.ok(this.lease, 'no lease stored');
    return this.lease.record;
  }

  async #call(verb: string, options: LeaseCallOptions): Promise<void> {
    this.calls.push(verb);
    if (!this.hang) return;
    await new Promise((_, reject) => {
      options.signal.addEventListener(
        'abort',
        () => {
          reject(options.signal.reason as Error);
        },
        { once: true },
      );
    });
  }

  async get(options: LeaseCallOptions): Promise<ObservedLease | undefined> {
    await this.#call('get', options);
    return this.lease;
  }

  async create(record: LeaseRecord, options: LeaseCallOptions): Promise<ObservedLease> {
    await this.#call('create', options);
    this.#race();
    if (this.lease !== undefined) throw new LeaseConflictError('exists');
    return this.put(record);
  }

  async update(record: LeaseRecord, rv: string, options: LeaseCallOptions): Promise<ObservedLease> {
    await this.#call('update', options);
    this.#race();
    if (this.lease?.resourceVersion !== rv) throw new LeaseConflictError('stale');
    return this.put(record);
  }

  #race(): void {
    const f = this.beforeWrite;
    this.beforeWrite = undefined;
    f?.();
  }
}

function other(clock: FakeClock, holder = 'other'): LeaseRecord {
  return {
    holderIdentity: holder,
    leaseDurationSeconds: 15,
    acquireTime: new Date(clock.t - 3_600_000),
    // An hour-old remote renewTime must not count: expiry is judged by local observation.
    renewTime: new Date(clock.t - 3_600_000),
    leaseTransitions: 4,
  };
}

function setup(extra: Partial<LeaderElectorOptions> = {}) {
  const clock = new FakeClock();
  const client = new FakeLeaseClient();
  const elector = new LeaderElector({
    client,
    clock,
    identity: 'me',
    random: () => 0,
    ...extra,
  });
  const outer = new AbortController();
  const events: string[] = [];
  let leaderSignal: AbortSignal | undefined;
  const start = (onStarted?: (s: AbortSignal) => void | Promise<void>) =>
    elector.run({
      signal: outer.signal,
      onStartedLeading: (s) => {
        leaderSignal = s;
        events.push('started');
        return onStarted?.(s);
      },
      onStoppedLeading: () => events.push('stopped'),
      onNewLeader: (id) => events.push(`leader:${id}`),
    });
  return { clock, client, elector, outer, events, start, leaderSignal: () => leaderSignal };
}

describe('LeaderElector', () => {
  test('given no lease should create it and start leading with MicroTimes at the local time', async () => {
    const { clock, client, elector, outer, events, start } = setup();
    const done = start();
    await clock.advance(0);
    assert.deepEqual(events, ['leader:me', 'started']);
    assert.equal(elector.isLeader(), true);
    assert.equal(client.record().holderIdentity, 'me');
    assert.equal(client.record().leaseDurationSeconds, 15);
    assert.equal(client.record().leaseTransitions, 0);
    assert.equal(client.record().acquireTime?.getTime(), clock.t);
    outer.abort();
    await done;
  });

  test('given leadership should renew every retry period keeping acquireTime', async () => {
    const { clock, client, outer, start } = setup();
    const done = start();
    await clock.advance(0);
    const acquired = client.record().acquireTime?.getTime();
    client.calls = [];
    await clock.advance(2_000);
    await clock.advance(2_000);
    assert.deepEqual(client.calls, ['update', 'update']);
    assert.equal(client.record().renewTime?.getTime(), clock.t);
    assert.equal(client.record().acquireTime?.getTime(), acquired);
    assert.equal(client.record().leaseTransitions, 0);
    outer.abort();
    await done;
  });

  test('given a valid lease of another holder should stand by until it expires locally, then take over', async () => {
    const { clock, client, elector, outer, events, start } = setup();
    client.put(other(clock));
    const done = start();
    await clock.advance(0);
    assert.deepEqual(events, ['leader:other']);
    await clock.advance(14_000);
    assert.equal(elector.isLeader(), false);
    assert.equal(client.record().holderIdentity, 'other');
    await clock.advance(2_000);
    assert.equal(elector.isLeader(), true);
    assert.deepEqual(events, ['leader:other', 'leader:me', 'started']);
    assert.equal(client.record().leaseTransitions, 5);
    outer.abort();
    await done;
  });

  test('given the other holder keeps renewing should never take over', async () => {
    const { clock, client, elector, outer, start } = setup();
    client.put(other(clock));
    const done = start();
    for (let i = 0; i < 20; i++) {
      client.put(other(clock));
      await clock.advance(2_000);
    }
    assert.equal(elector.isLeader(), false);
    assert.equal(client.record().holderIdentity, 'other');
    outer.abort();
    await done;
  });

  test('given a racing writer (409) should not lead and retry later', async () => {
    const { clock, client, elector, outer, events, start } = setup();
    client.beforeWrite = () => client.put(other(clock, 'racer'));
    const done = start();
    await clock.advance(0);
    assert.equal(elector.isLeader(), false);
    assert.deepEqual(client.calls, ['get', 'create']);
    await clock.advance(2_000);
    assert.equal(elector.isLeader(), false);
    assert.deepEqual(events, ['leader:racer']);
    outer.abort();
    await done;
  });

  test('given renewals that hang should lose leadership at the renew deadline', async () => {
    const { clock, client, elector, events, start, leaderSignal } = setup();
    const done = start();
    await clock.advance(0);
    client.hang = true;
    await clock.advance(2_000 + 9_000);
    assert.equal(elector.isLeader(), true);
    assert.equal(leaderSignal()?.aborted, false);
    await clock.advance(1_000);
    assert.equal(leaderSignal()?.aborted, true);
    assert.equal((leaderSignal()?.reason as { code?: string }).code, 'LEADERSHIP_LOST');
    assert.equal(elector.isLeader(), false);
    assert.equal(elector.healthy(), false);
    // The release attempt is bounded too; onStoppedLeading follows it.
    assert.deepEqual(events, ['leader:me', 'started']);
    await clock.advance(10_000);
    await done;
    assert.deepEqual(events, ['leader:me', 'started', 'stopped']);
    assert.equal(client.calls.at(-1), 'update');
  });

  test('given another holder took the lease should step down without waiting for the deadline', async () => {
    const { clock, client, elector, events, start } = setup();
    const done = start();
    await clock.advance(0);
    client.put(other(clock, 'thief'));
    await clock.advance(2_000);
    await done;
    assert.equal(elector.isLeader(), false);
    assert.deepEqual(events, ['leader:me', 'started', 'leader:thief', 'stopped']);
    assert.equal(client.record().holderIdentity, 'thief');
  });

  test('given shutdown should stop the work, then release with an empty holder and 1 s duration', async () => {
    const { clock, client, elector, outer, events, start, leaderSignal } = setup();
    let releasedBeforeWorkEnded = false;
    const done = start(async (s) => {
      await new Promise((r) => {
        s.addEventListener('abort', r, { once: true });
      });
      releasedBeforeWorkEnded = client.record().holderIdentity === '';
    });
    await clock.advance(0);
    outer.abort();
    await done;
    assert.equal(leaderSignal()?.aborted, true);
    assert.equal(releasedBeforeWorkEnded, false);
    assert.equal(client.record().holderIdentity, '');
    assert.equal(client.record().leaseDurationSeconds, 1);
    assert.equal(client.record().leaseTransitions, 0);
    assert.equal(elector.isLeader(), false);
    assert.equal(elector.healthy(), true);
    assert.deepEqual(events, ['leader:me', 'started', 'stopped']);
  });

  test('given a released lease should take it over at once', async () => {
    const { clock, client, elector, outer, start } = setup();
    client.put({ ...other(clock), holderIdentity: '', leaseDurationSeconds: 1 });
    const done = start();
    await clock.advance(0);
    assert.equal(elector.isLeader(), true);
    assert.equal(client.record().leaseTransitions, 5);
    outer.abort();
    await done;
  });

  test('given shutdown while standing by should resolve without callbacks or writes', async () => {
    const { clock, client, outer, events, start } = setup();
    client.put(other(clock));
    const done = start();
    await clock.advance(0);
    outer.abort();
    await done;
    assert.deepEqual(events, ['leader:other']);
    assert.deepEqual(client.calls, ['get']);
  });

  test('given a failing onStartedLeading should give up and reject with LEADER_CALLBACK_FAILED', async () => {
    const { clock, client, start } = setup();
    const rejected = assert.rejects(
      start(() => Promise.reject(new Error('boom'))),
      (err: unknown) => {
        assert.ok(err instanceof LeaderCallbackError);
        assert.equal((err.cause as Error).message, 'boom');
        return true;
      },
    );
    await clock.advance(0);
    await rejected;
    assert.equal(client.record().holderIdentity, '');
  });

  test('given a leader whose loop is wedged should report unhealthy after deadline plus tolerance', async () => {
    const { clock, elector, outer, start } = setup({ healthToleranceMs: 5_000 });
    const done = start();
    await clock.advance(0);
    assert.equal(elector.healthy(), true);
    clock.t += 15_001;
    assert.equal(elector.healthy(), false);
    outer.abort();
    await done;
  });

  test('given a pause longer than the renew deadline should stop holding the lease before the loop notices', async () => {
    const { clock, elector, outer, start } = setup();
    const done = start();
    await clock.advance(0);
    await clock.advance(2_000);
    assert.equal(elector.holdsLease(), true);
    // The process was frozen: time moved, but no timer or renewal has run yet.
    clock.t += 10_000;
    assert.equal(elector.isLeader(), true);
    assert.equal(elector.holdsLease(), false);
    outer.abort();
    await done;
    assert.equal(elector.holdsLease(), false);
  });

  test('given a second concurrent run should reject it', async () => {
    const { clock, elector, outer, start } = setup();
    const done = start();
    await assert.rejects(
      elector.run({ signal: outer.signal, onStartedLeading: () => undefined }),
      LeaderElectionConfigError,
    );
    await clock.advance(0);
    outer.abort();
    await done;
  });

  test('given inconsistent timings should refuse to construct', () => {
    const client = new FakeLeaseClient();
    for (const bad of [
      { leaseDurationMs: 10_000, renewDeadlineMs: 10_000 },
      { renewDeadlineMs: 2_000, retryPeriodMs: 2_000 },
      { leaseDurationMs: 500, renewDeadlineMs: 400, retryPeriodMs: 100 },
      { identity: '' },
    ]) {
      assert.throws(() => new LeaderElector({ client, ...bad }), LeaderElectionConfigError);
    }
    assert.match(new LeaderElector({ client }).identity, /^.+_[0-9a-f-]{36}$/);
  });
});
