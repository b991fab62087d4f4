// SPDX-License-Identifier: Apache-2.0
import type {
  ManagedObjectReference,
  ObjectUpdate,
  PropertyFilterSpec,
  UpdateSet,
} from '../vim25/generated/data-objects.ts';
import {
  CreateFilter,
  CreatePropertyCollector,
  DestroyPropertyCollector,
  WaitForUpdatesEx,
} from '../vim25/generated/methods.ts';
import type { VimClient } from '../vim25/client.ts';
import { InvalidCollectorVersionError } from '../vim25/faults.ts';
import { abortableDelay } from '../lib/abort.ts';
import { CcmError } from '../lib/errors.ts';

/** What the watched filter covers. Called again after every resync, since views die with sessions. */
export type FilterSetup = (signal: AbortSignal) => Promise<{
  readonly spec: PropertyFilterSpec;
  /** Releases what setup created (e.g. a ContainerView); called before the next setup. */
  readonly cleanup: () => Promise<void>;
}>;

/** One object's change: `enter` (new or first seen), `modify`, or `leave` (deleted or out of scope). */
export interface ObjectChange {
  readonly kind: 'enter' | 'modify' | 'leave';
  readonly ref: ManagedObjectReference;
  readonly changes: readonly { readonly name: string; readonly op: string; readonly val?: unknown }[];
}

/**
 * `sync`: the complete current state; consumers must replace what they hold (objects they had but
 * that are not in it are gone). `update`: incremental changes since the previous event.
 */
export interface WatchEvent {
  readonly type: 'sync' | 'update';
  readonly objects: readonly ObjectChange[];
}

/**
 * Default `maxObjectUpdates`: the first sync of a large inventory arrives in pages of this many
 * objects, so that only one page's reply is decoded at a time (the whole reply at once was the
 * daemon's largest memory transient, about +50 MB at 1,000 VMs). A page costs one immediate
 * round trip: ceil(N / 500) calls for N objects, 3 at 1,000 VMs with their topology, well inside
 * the 50-call budget of a 1,000-Node burst. Measured on that burst (ADR 0006), 500 gave the
 * lowest peak; 100 and 250 cost more calls and time and were no lower, within the noise.
 */
export const DEFAULT_MAX_OBJECT_UPDATES = 500;

/** Why the watcher started over; passed to `onResync` for logs and metrics. */
export interface ResyncReason {
  readonly code: string;
  readonly error: unknown;
  readonly attempt: number;
}

export interface WatchOptions {
  readonly setup: FilterSetup;
  readonly signal: AbortSignal;
  /** Server-side wait per WaitForUpdatesEx; the HTTP call gets this plus a grace period. */
  readonly maxWaitSeconds?: number;
  /**
   * WaitOptions.maxObjectUpdates: at most this many object updates per reply; vCenter marks a
   * longer reply truncated and the watcher fetches the rest at once. Default
   * `DEFAULT_MAX_OBJECT_UPDATES`; 0 asks for no limit (vCenter's policy may still page).
   */
  readonly maxObjectUpdates?: number;
  /** Back-off after a failure: first delay, doubled per consecutive failure, capped by maxMs. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly onResync?: (reason: ResyncReason) => void;
}

/**
 * Watches properties with a **private** property collector and filter, driven by
 * WaitForUpdatesEx (govmomi property.Wait). Yields a `sync` first and `update`s after it.
 * A reply that vCenter truncated (see `maxObjectUpdates`) is followed at once by a call for the
 * rest; its objects are yielded, in order, in the one event of the complete batch, so a `sync`
 * always holds the complete state and is never split across events.
 *
 * On InvalidCollectorVersion, a lost session (the session layer re-logs in, but the collector and
 * any view died with the old session), a vanished collector, or a transport failure, it destroys
 * what it can, waits (no delay for InvalidCollectorVersion), recreates everything and yields a new
 * `sync`. It only stops when `signal` aborts: the generator then returns, after destroying the
 * collector on a best-effort basis.
 */
export async function* watchUpdates(client: VimClient, options: WatchOptions): AsyncGenerator<WatchEvent> {
  const { signal } = options;
  let failures = 0;
  while (!isAborted(signal)) {
    let collector: ManagedObjectReference | undefined;
    let cleanup: (() => Promise<void>) | undefined;
    try {
      const setup = await options.setup(signal);
      cleanup = setup.cleanup;
      collector = await CreatePropertyCollector(
        client.rt,
        { _this: client.serviceContent.propertyCollector },
        { signal },
      );
      await CreateFilter(
        client.rt,
        { _this: collector, spec: setup.spec, partialUpdates: false },
        { signal },
      );
      for await (const event of pollCollector(client, collector, options)) {
        failures = 0;
        yield event;
      }
    } catch (err) {
      if (isAborted(signal)) break;
      failures += 1;
      options.onResync?.({
        code: err instanceof CcmError ? err.code : 'UNKNOWN',
        error: err,
        attempt: failures,
      });
      const delay = err instanceof InvalidCollectorVersionError ? 0 : backoffDelay(options, failures);
      await release(client, collector, cleanup);
      collector = undefined;
      cleanup = undefined;
      await abortableDelay(delay, signal).catch(() => undefined);
    } finally {
      await release(client, collector, cleanup);
    }
  }
}

/** Runs the WaitForUpdatesEx loop on one collector; throws on any failure (the caller resyncs). */
async function* pollCollector(
  client: VimClient,
  collector: ManagedObjectReference,
  options: WatchOptions,
): AsyncGenerator<WatchEvent> {
  let version = '';
  let pending: ObjectChange[] = [];
  let synced = false;
  for (;;) {
    const batch = await waitForBatch(client, collector, version, options);
    if (batch === undefined) continue; // the wait timed out with nothing new: poll again
    version = batch.version;
    for (const change of batch.changes) pending.push(change);
    if (batch.truncated) continue; // more of the same batch is waiting on the server
    const objects = pending;
    pending = [];
    yield { type: synced ? 'update' : 'sync', objects };
    synced = true;
  }
}

/**
 * One WaitForUpdatesEx, reduced to what the watcher keeps. A separate function so that the
 * decoded reply is unreachable once it returns: a suspended generator frame keeps its locals
 * alive, and a first sync can be tens of MB.
 */
async function waitForBatch(
  client: VimClient,
  collector: ManagedObjectReference,
  version: string,
  options: WatchOptions,
): Promise<{ version: string; changes: ObjectChange[]; truncated: boolean } | undefined> {
  const maxWaitSeconds = options.maxWaitSeconds ?? 60;
  const maxObjectUpdates = options.maxObjectUpdates ?? DEFAULT_MAX_OBJECT_UPDATES;
  // vCenter rejects a maxObjectUpdates of 0 or less: "no limit" is an absent field.
  const waitOptions = maxObjectUpdates > 0 ? { maxWaitSeconds, maxObjectUpdates } : { maxWaitSeconds };
  const set = await WaitForUpdatesEx(
    client.rt,
    { _this: collector, version, options: waitOptions },
    { signal: options.signal, timeoutMs: (maxWaitSeconds + 30) * 1000 },
  );
  if (set === undefined) return undefined;
  return { version: set.version, changes: changesOf(set), truncated: set.truncated === true };
}

function changesOf(set: UpdateSet): ObjectChange[] {
  const out: ObjectChange[] = [];
  for (const filterUpdate of set.filterSet ?? []) {
    for (const update of filterUpdate.objectSet ?? []) out.push(toChange(update));
  }
  return out;
}

function toChange(update: ObjectUpdate): ObjectChange {
  const changes = (update.changeSet ?? []).map((c) =>
    c.val === undefined ? { name: c.name, op: c.op } : { name: c.name, op: c.op, val: c.val },
  );
  return { kind: update.kind, ref: update.obj, changes };
}

/** A function, not a property read, so that type narrowing does not assume it stays false across awaits. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function backoffDelay(options: WatchOptions, failures: number): number {
  const { initialMs, maxMs } = options.backoff ?? { initialMs: 1_000, maxMs: 30_000 };
  return Math.min(initialMs * 2 ** (failures - 1), maxMs);
}

/** Best effort: the collector may already be gone with its session, which is fine. */
async function release(
  client: VimClient,
  collector: ManagedObjectReference | undefined,
  cleanup: (() => Promise<void>) | undefined,
): Promise<void> {
  const bounded = { timeoutMs: 5_000 };
  if (collector !== undefined)
    await DestroyPropertyCollector(client.rt, { _this: collector }, bounded).catch(() => undefined);
  if (cleanup !== undefined) await cleanup().catch(() => undefined);
}
