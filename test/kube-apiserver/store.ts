// SPDX-License-Identifier: Apache-2.0
// Test-only: the fake API server's object store: one global resourceVersion counter, an event
// history with a compaction point, and change listeners for watches.
import type { ResourceType } from './resources.ts';

type Obj = Record<string, unknown>;

/** A stored change, as a watch would report it. */
export interface StoredEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The resource type key (`group/resource`). */
  readonly typeKey: string;
  readonly rv: number;
  readonly object: Obj;
}

/** Called for every change after it is stored. */
export type ChangeListener = (e: StoredEvent) => void;

/** `group/resource` of the storage `t` uses: the key separating types in the store. */
export function typeKeyOf(t: ResourceType): string {
  const s = t.storage ?? t;
  return `${s.group}/${s.resource}`;
}

function objectKey(t: ResourceType, namespace: string, name: string): string {
  return `${typeKeyOf(t)}/${namespace}/${name}`;
}

/** The namespace of a stored object (`''` when cluster-scoped). */
export function namespaceOf(obj: Obj): string {
  const ns = (obj['metadata'] as Obj | undefined)?.['namespace'];
  return typeof ns === 'string' ? ns : '';
}

/** The in-memory store. Objects handed out are copies; callers may mutate them freely. */
export class ObjectStore {
  #rv = 100;
  #compactedRv = 100;
  readonly #objects = new Map<string, Obj>();
  readonly #history: StoredEvent[] = [];
  readonly #listeners = new Set<ChangeListener>();
  readonly #historyLimit: number;

  /** `historyLimit` is how many changes stay replayable before the oldest are compacted away. */
  constructor(historyLimit: number) {
    this.#historyLimit = historyLimit;
  }

  /** The current global resourceVersion. */
  get resourceVersion(): number {
    return this.#rv;
  }

  /** The oldest resourceVersion a watch may still start from. */
  get compactedResourceVersion(): number {
    return this.#compactedRv;
  }

  /** A copy of the object, or `undefined`. */
  get(t: ResourceType, namespace: string, name: string): Obj | undefined {
    const o = this.#objects.get(objectKey(t, namespace, name));
    return o === undefined ? undefined : structuredClone(o);
  }

  /** Copies of the objects of `t` (in `namespace` when given), in key order. */
  list(t: ResourceType, namespace: string | undefined): Obj[] {
    const prefix = namespace === undefined ? `${typeKeyOf(t)}/` : `${typeKeyOf(t)}/${namespace}/`;
    return [...this.#objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => structuredClone(o));
  }

  /** Stores `obj` under a new resourceVersion and returns the stored copy. */
  put(t: ResourceType, obj: Obj, type: 'ADDED' | 'MODIFIED'): Obj {
    const meta = obj['metadata'] as Obj;
    const rv = ++this.#rv;
    const stored = structuredClone({ ...obj, metadata: { ...meta, resourceVersion: String(rv) } });
    this.#objects.set(objectKey(t, namespaceOf(stored), String(meta['name'])), stored);
    this.#record({ type, typeKey: typeKeyOf(t), rv, object: stored });
    return structuredClone(stored);
  }

  /**
   * Removes the object; the DELETED event carries a new resourceVersion and `last` when given (the
   * final state of an update that deleted it, e.g. its last finalizer removed), else the stored one.
   */
  remove(t: ResourceType, namespace: string, name: string, last?: Obj): Obj | undefined {
    const key = objectKey(t, namespace, name);
    const stored = this.#objects.get(key);
    if (stored === undefined) return undefined;
    const old = last ?? stored;
    this.#objects.delete(key);
    const rv = ++this.#rv;
    const gone = { ...old, metadata: { ...(old['metadata'] as Obj), resourceVersion: String(rv) } };
    this.#record({ type: 'DELETED', typeKey: typeKeyOf(t), rv, object: gone });
    return structuredClone(gone);
  }

  /** Changes after `rv`, or `undefined` when `rv` is older than the compaction point. */
  eventsSince(rv: number): StoredEvent[] | undefined {
    if (rv < this.#compactedRv) return undefined;
    return this.#history.filter((e) => e.rv > rv);
  }

  /** Forgets the whole history, as an etcd compaction: older watches get 410 Expired. */
  compact(): void {
    this.#history.length = 0;
    this.#compactedRv = this.#rv;
  }

  /** Registers a change listener; returns its removal. */
  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #record(e: StoredEvent): void {
    this.#history.push(e);
    while (this.#history.length > this.#historyLimit) {
      const dropped = this.#history.shift();
      if (dropped !== undefined) this.#compactedRv = dropped.rv;
    }
    for (const l of this.#listeners) l(e);
  }
}
