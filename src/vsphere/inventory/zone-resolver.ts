// SPDX-License-Identifier: Apache-2.0
import type { ManagedObjectReference } from '../../vim25/generated/data-objects.ts';
import { formatMor } from '../../vim25/mor.ts';

/** Zone and region tags attached to objects, keyed by `Type:value`. */
export interface TagIndex {
  readonly zones: ReadonlyMap<string, string>;
  readonly regions: ReadonlyMap<string, string>;
}

export interface ZoneRegion {
  readonly zone: string | undefined;
  readonly region: string | undefined;
}

/**
 * Finds zone and region for one VM from its ancestor chains (each nearest-first). Chains are
 * tried in order (host chain, then resource-pool chain, then VM/folder chain, as the Go CPI
 * does), and zone and region are each taken from the **nearest** tagged object, independently.
 * Unlike the Go CPI, a closer tag is never overwritten by a farther one. When an object carries
 * two tags of the same category, the first in sorted order wins, so results are stable.
 */
export function resolveZoneRegion(
  chains: readonly (readonly ManagedObjectReference[])[],
  tags: TagIndex,
): ZoneRegion {
  let zone: string | undefined;
  let region: string | undefined;
  for (const chain of chains) {
    for (const ref of chain) {
      const key = formatMor(ref);
      zone ??= tags.zones.get(key);
      region ??= tags.regions.get(key);
      if (zone !== undefined && region !== undefined) return { zone, region };
    }
  }
  return { zone, region };
}
