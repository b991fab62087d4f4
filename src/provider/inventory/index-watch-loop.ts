// SPDX-License-Identifier: Apache-2.0
import type { ManagedObjectReference } from '../../vim25/generated/data-objects.ts';
import type { VimClient } from '../../vim25/client.ts';
import type { RoundTripper } from '../../vim25/round-tripper.ts';
import { abortableDelay } from '../../lib/abort.ts';
import {
  watchUpdates,
  type ObjectChange,
  type ResyncReason,
  type WatchEvent,
} from '../../vsphere/update-watcher.ts';
import { indexFilterSetup } from './index-filter.ts';

/** The watcher the index runs on; `watchUpdates` unless a test passes a fake event source. */
export type WatchSource = typeof watchUpdates;

export interface IndexWatchLoop {
  readonly client: VimClient;
  readonly datacenters: readonly ManagedObjectReference[] | undefined;
  readonly watch: WatchSource;
  readonly maxWaitSeconds: number;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  readonly signal: AbortSignal;
  /** Applies one event; synchronous, so that the event can be released right after. */
  readonly apply: (event: WatchEvent) => void;
  readonly onResync: (reason: ResyncReason) => void;
  /** Every successful call of the watch: vCenter answered. */
  readonly onContact: () => void;
}

/**
 * Runs the index's watch until `signal` aborts: the filter of `indexFilterSetup`, each event
 * applied then released. The watcher resyncs by itself; should it ever end or throw anyway (a
 * defect), the loop reports it as a resync and starts over after a pause, never busily.
 */
export async function runIndexWatch(loop: IndexWatchLoop): Promise<void> {
  const { signal, backoff } = loop;
  const client = observed(loop.client, loop.onContact);
  while (!isAborted(signal)) {
    try {
      const events = loop.watch(client, {
        setup: indexFilterSetup(client, loop.datacenters),
        signal,
        maxWaitSeconds: loop.maxWaitSeconds,
        backoff,
        onResync: loop.onResync,
      });
      for await (const event of events) {
        loop.apply(event);
        release(event);
      }
      if (!isAborted(signal)) await abortableDelay(backoff.initialMs, signal).catch(() => undefined);
    } catch (err) {
      loop.onResync({ code: 'UNKNOWN', error: err, attempt: 1 });
      await abortableDelay(backoff.maxMs, signal).catch(() => undefined);
    }
  }
}

/** The client with every successful call reported as contact with vCenter. */
function observed(client: VimClient, onContact: () => void): VimClient {
  const rt: RoundTripper = {
    roundTrip: async (method, request, options) => {
      const out = await client.rt.roundTrip(method, request, options);
      onContact();
      return out;
    },
  };
  return { rt, serviceContent: client.serviceContent };
}

/**
 * Empties an applied event. The watcher's suspended generator keeps its last event reachable
 * until the next one arrives, which after a sync is every object's decoded properties (and,
 * through string slices, the reply they were cut from): tens of MB at thousands of VMs, for as
 * long as nothing changes. The index has copied what it keeps.
 */
function release(event: WatchEvent): void {
  if (!Object.isFrozen(event.objects)) (event.objects as ObjectChange[]).length = 0;
}

/** A call, not a property read, so that narrowing does not assume it stays false across awaits. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
