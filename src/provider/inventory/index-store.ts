// SPDX-License-Identifier: Apache-2.0
import type { ObjectChange, WatchEvent } from '../../vsphere/update-watcher.ts';
import { AbsenceTracker, type Absence, type AbsenceTrackerOptions } from './absence-tracker.ts';
import { IndexTables } from './index-tables.ts';

/**
 * Applies watch events to the index tables and keeps the absence records. A `sync` builds new
 * tables and swaps them in whole, so readers see either the previous complete state or the new
 * one; an `update` changes the current tables one object at a time. Synchronous: an event is
 * applied entirely within one turn of the event loop.
 */
export class IndexStore {
  readonly #absence: AbsenceTracker;
  #tables: IndexTables | undefined;
  #generation = 0;

  constructor(options: AbsenceTrackerOptions = {}) {
    this.#absence = new AbsenceTracker(options);
  }

  /** The current tables; undefined before the first sync. */
  get tables(): IndexTables | undefined {
    return this.#tables;
  }

  /** Complete syncs applied so far. */
  get generation(): number {
    return this.#generation;
  }

  /**
   * Applies `event` observed at `now`; answers whether it was a complete sync. An update that
   * arrives before any sync is treated as one (the watcher never sends that, but a partial index
   * must not be possible).
   */
  apply(event: WatchEvent, now: number): 'sync' | 'update' {
    const tables = this.#tables;
    if (event.type === 'update' && tables !== undefined) {
      for (const change of event.objects) this.#applyUpdate(tables, change, now);
      return 'update';
    }
    const next = new IndexTables();
    for (const change of event.objects) next.apply(change);
    this.#tables = next;
    this.#generation += 1;
    if (tables !== undefined) this.#noteSyncAbsences(tables, next, now);
    return 'sync';
  }

  /** The absence record of a lower-case BIOS UUID. */
  absence(uuid: string): Absence | undefined {
    return this.#absence.get(uuid);
  }

  #applyUpdate(tables: IndexTables, change: ObjectChange, now: number): void {
    const before = tables.byRef(change.ref)?.biosUuid;
    tables.apply(change);
    const after = tables.byRef(change.ref)?.biosUuid;
    if (before !== undefined && before !== after && !tables.hasBiosUuid(before)) {
      this.#absence.markAbsent(before, [change.ref], now);
    }
    if (after !== undefined) this.#absence.markPresent(after);
  }

  /** UUIDs the previous tables had and the new ones lack went away during the resync. */
  #noteSyncAbsences(previous: IndexTables, next: IndexTables, now: number): void {
    for (const uuid of previous.biosUuids()) {
      if (next.hasBiosUuid(uuid)) continue;
      const lastRefs = previous.byBiosUuid(uuid).map((vm) => vm.ref);
      this.#absence.markAbsent(uuid, lastRefs, now);
    }
    for (const uuid of next.biosUuids()) this.#absence.markPresent(uuid);
  }
}
