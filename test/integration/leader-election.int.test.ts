// SPDX-License-Identifier: Apache-2.0
// Two candidates elect over a real Lease on the in-memory API server with short timings: exactly
// one leads; a stopped leader releases so the standby takes over at once; a hung leader steps
// down at its renew deadline and the standby waits out the lease; times go out as MicroTime.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  KubeLeaseClient,
  type LeaseCallOptions,
  type LeaseClient,
  type LeaseRecord,
  type ObservedLease,
} from '../../src/app/lease-client.ts';
import { LeaderElector } from '../../src/app/leader-election.ts';
import { startKubeApi, type KubeApiFixture } from '../support/kube-apiserver.ts';

const NS = 'kube-system';
const LEASE_MS = 1_000;
const RENEW_MS = 500;
const RETRY_MS = 200;
/** Worst acquire pause: retry period plus client-go's 1.2 jitter. */
const MAX_PAUSE_MS = RETRY_MS * 2.2;
/** Scheduling slack on a shared 2-core machine. */
const SLACK_MS = 500;

/** A LeaseClient that can be frozen: every call then waits until its signal aborts. */
class FreezableLeaseClient implements LeaseClient {
  frozen = false;
  readonly #inner: LeaseClient;

  constructor(inner: LeaseClient) {
    this.#inner = inner;
  }

  describe(): string {
    return this.#inner.describe();
  }

  async #gate(options: LeaseCallOptions): Promise<void> {
    if (!this.frozen) return;
    await new Promise((_, reject) => {
      if (options.signal.aborted) reject(options.signal.reason as Error);
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
    await this.#gate(options);
    return this.#inner.get(options);
  }

  async create(record: LeaseRecord, options: LeaseCallOptions): Promise<ObservedLease> {
    await this.#gate(options);
    return this.#inner.create(record, options);
  }

  async update(record: LeaseRecord, rv: string, options: LeaseCallOptions): Promise<ObservedLease> {
    await this.#gate(options);
    return this.#inner.update(record, rv, options);
  }
}

interface Candidate {
  readonly elector: LeaderElector;
  readonly client: FreezableLeaseClient;
  readonly stop: AbortController;
  readonly done: Promise<void>;
  startedAt: number | undefined;
  stoppedAt: number | undefined;
  leaderSignal: AbortSignal | undefined;
}

async function waitFor(what: string, pred: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > until) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

describe('leader election against the in-memory API server', () => {
  let kube: KubeApiFixture;
  let leaseName = '';
  let seq = 0;
  const candidates: Candidate[] = [];

  before(async () => {
    kube = await startKubeApi();
  });

  after(async () => {
    await kube.close();
  });

  afterEach(async () => {
    for (const c of candidates.splice(0)) {
      c.client.frozen = false;
      c.stop.abort();
      await c.done;
    }
  });

  function candidate(identity: string): Candidate {
    const client = new FreezableLeaseClient(
      new KubeLeaseClient(kube.kubeConfig, { name: leaseName, namespace: NS }),
    );
    const elector = new LeaderElector({
      client,
      identity,
      leaseDurationMs: LEASE_MS,
      renewDeadlineMs: RENEW_MS,
      retryPeriodMs: RETRY_MS,
    });
    const stop = new AbortController();
    const c: Candidate = {
      elector,
      client,
      stop,
      startedAt: undefined,
      stoppedAt: undefined,
      leaderSignal: undefined,
      done: Promise.resolve(),
    };
    const done = elector.run({
      signal: stop.signal,
      onStartedLeading: (s) => {
        c.startedAt = Date.now();
        c.leaderSignal = s;
        s.addEventListener('abort', () => (c.stoppedAt = Date.now()), { once: true });
      },
    });
    candidates.push(Object.assign(c, { done }));
    return c;
  }

  async function electOne(): Promise<[Candidate, Candidate]> {
    leaseName = `ccm-${++seq}`;
    const a = candidate('a');
    const b = candidate('b');
    await waitFor('a leader', () => a.elector.isLeader() || b.elector.isLeader(), 3_000);
    // Several retry periods later there must still be exactly one.
    await sleep(3 * RETRY_MS);
    assert.equal(Number(a.elector.isLeader()) + Number(b.elector.isLeader()), 1);
    return a.elector.isLeader() ? [a, b] : [b, a];
  }

  async function readLease(): Promise<{ spec: Record<string, unknown> }> {
    const res = await fetch(`${kube.url}/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/${leaseName}`);
    return (await res.json()) as { spec: Record<string, unknown> };
  }

  test('given two candidates should elect exactly one and write six-digit MicroTimes', async () => {
    const [leader, standby] = await electOne();
    assert.equal(standby.elector.observedLeader(), leader.elector.identity);
    const { spec } = await readLease();
    assert.equal(spec['holderIdentity'], leader.elector.identity);
    assert.equal(spec['leaseDurationSeconds'], 1);
    assert.match(String(spec['renewTime']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.match(String(spec['acquireTime']), /\.\d{6}Z$/);
    assert.equal(kube.requestLog.count({ resource: 'leases', code: 400 }), 0);
    assert.ok(kube.requestLog.count({ resource: 'leases', verb: 'update', code: 200 }) >= 2);
  });

  test('given the leader stops should release so the standby takes over within lease + retry', async () => {
    const [leader, standby] = await electOne();
    const stoppedAt = Date.now();
    leader.stop.abort();
    await leader.done;
    assert.equal(leader.leaderSignal?.aborted, true);
    const released = await readLease();
    assert.ok(
      released.spec['holderIdentity'] === undefined ||
        released.spec['holderIdentity'] === '' ||
        released.spec['holderIdentity'] === standby.elector.identity,
    );
    await waitFor('takeover', () => standby.elector.isLeader(), LEASE_MS + MAX_PAUSE_MS + SLACK_MS);
    // A release needs no expiry: the standby's next attempt takes it.
    assert.ok((standby.startedAt ?? Infinity) - stoppedAt < MAX_PAUSE_MS + SLACK_MS);
    const { spec } = await readLease();
    assert.equal(spec['holderIdentity'], standby.elector.identity);
    assert.equal(spec['leaseTransitions'], 1);
  });

  test('given the leader hangs should step it down at the renew deadline and take over after expiry', async () => {
    const [leader, standby] = await electOne();
    const frozenAt = Date.now();
    leader.client.frozen = true;
    await waitFor(
      'takeover',
      () => standby.elector.isLeader(),
      LEASE_MS + MAX_PAUSE_MS + SLACK_MS + RETRY_MS,
    );
    const hungLeaderStoppedAt = leader.stoppedAt ?? Infinity;
    const takenAt = standby.startedAt ?? 0;
    // The hung leader stopped its work before anyone else started: no overlap.
    assert.ok(hungLeaderStoppedAt <= takenAt, `stopped ${hungLeaderStoppedAt} took ${takenAt}`);
    assert.ok(hungLeaderStoppedAt - frozenAt <= RETRY_MS + RENEW_MS + SLACK_MS);
    // The standby waited for the lease to expire (it was last renewed at most one retry earlier).
    assert.ok(takenAt - frozenAt >= LEASE_MS - RETRY_MS, `took over after ${takenAt - frozenAt} ms`);
    assert.equal(leader.elector.isLeader(), false);
    assert.equal(leader.elector.healthy(), false);
    const { spec } = await readLease();
    assert.equal(spec['holderIdentity'], standby.elector.identity);
    assert.equal(spec['leaseTransitions'], 1);
  });
});
