// SPDX-License-Identifier: Apache-2.0

/** One key's values: almost always a single one, so that case costs no Map. */
type Slot<V> = { readonly id: string; readonly value: V } | Map<string, V>;

/**
 * A map from a key to several values, each value named by an id (a VM's MoRef), so that one
 * value can be removed from a key without scanning. Keys with no values left are dropped. A key
 * with one value (the usual case: UUIDs, host names and addresses are mostly unique) is stored
 * without a nested Map, which matters at thousands of VMs. `V` must not itself be a Map.
 */
export class MultiIndex<V> {
  readonly #byKey = new Map<string, Slot<V>>();

  add(key: string, id: string, value: V): void {
    const slot = this.#byKey.get(key);
    if (slot === undefined || (!(slot instanceof Map) && slot.id === id)) {
      this.#byKey.set(key, { id, value });
    } else if (slot instanceof Map) {
      slot.set(id, value);
    } else {
      this.#byKey.set(
        key,
        new Map([
          [slot.id, slot.value],
          [id, value],
        ]),
      );
    }
  }

  delete(key: string, id: string): void {
    const slot = this.#byKey.get(key);
    if (slot === undefined) return;
    if (!(slot instanceof Map)) {
      if (slot.id === id) this.#byKey.delete(key);
      return;
    }
    slot.delete(id);
    const [only, ...rest] = slot;
    if (only === undefined) this.#byKey.delete(key);
    else if (rest.length === 0) this.#byKey.set(key, { id: only[0], value: only[1] });
  }

  /** The values under `key`, in the order they were first added; empty when none. */
  get(key: string): V[] {
    const slot = this.#byKey.get(key);
    if (slot === undefined) return [];
    return slot instanceof Map ? [...slot.values()] : [slot.value];
  }

  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  /** Every key that has at least one value. */
  keys(): IterableIterator<string> {
    return this.#byKey.keys();
  }

  /** Number of distinct keys. */
  get size(): number {
    return this.#byKey.size;
  }
}
