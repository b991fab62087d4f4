// SPDX-License-Identifier: Apache-2.0
import type { ManagedObjectReference } from '../../vim25/generated/data-objects.ts';

/** The index's evidence that a BIOS UUID went away. */
export interface Absence {
  /** Epoch ms at which a synced, healthy index first saw no VM with the UUID, after it had one. */
  readonly since: number;
  /** The VMs that last had the UUID: what a direct ManagedObjectNotFound check should ask about. */
  readonly lastRefs: readonly ManagedObjectReference[];
}

export interface AbsenceTrackerOptions {
  /** Records older than this are forgotten (their Nodes fall back to a full search). Default 6 h. */
  readonly retentionMs?: number;
  /** At most this many records are kept; the oldest go first. Default 100,000. */
  readonly maxRecords?: number;
}

/**
 * Remembers, per lower-case BIOS UUID, when the index first saw it absent after it had been
 * present, so that the exists rule can ask for two observations at least 10 s apart (this one,
 * and the caller's own later one) before it believes a VM is gone. A UUID that comes back clears
 * its record; a UUID that was never seen has none. Memory is bounded by age and count.
 */
export class AbsenceTracker {
  readonly #records = new Map<string, Absence>();
  readonly #retentionMs: number;
  readonly #maxRecords: number;

  constructor(options: AbsenceTrackerOptions = {}) {
    this.#retentionMs = options.retentionMs ?? 6 * 3_600_000;
    this.#maxRecords = options.maxRecords ?? 100_000;
  }

  /** Records that `uuid` is gone as of `at`, unless already recorded (the first sighting counts). */
  markAbsent(uuid: string, lastRefs: readonly ManagedObjectReference[], at: number): void {
    if (this.#records.has(uuid)) return;
    this.#records.set(uuid, { since: at, lastRefs });
    this.#prune(at);
  }

  /** `uuid` is present again: a later absence starts a new record. */
  markPresent(uuid: string): void {
    this.#records.delete(uuid);
  }

  get(uuid: string): Absence | undefined {
    return this.#records.get(uuid);
  }

  get size(): number {
    return this.#records.size;
  }

  /** Insertion order is age order, so expired and surplus records are at the front. */
  #prune(now: number): void {
    for (const [uuid, record] of this.#records) {
      const expired = now - record.since > this.#retentionMs;
      if (!expired && this.#records.size <= this.#maxRecords) break;
      this.#records.delete(uuid);
    }
  }
}
