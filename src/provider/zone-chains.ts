// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../lib/errors.ts';
import type { ManagedObjectReference } from '../vim25/generated/data-objects.ts';
import { formatMor } from '../vim25/mor.ts';
import type { TagIndex } from '../vsphere/inventory/zone-resolver.ts';

/** Which ancestor chain of a VM: the reference tries its host, then resource pool, then the VM. */
export type ZoneChainKind = 'host' | 'resourcePool' | 'vm';

/** One chain: the object itself first, then its ancestors up to the root folder. */
export interface ZoneChain {
  readonly kind: ZoneChainKind;
  readonly objects: readonly [ManagedObjectReference, ...ManagedObjectReference[]];
}

/** The configured tag category names (`labels.zone`, `labels.region`). */
export interface ZoneCategories {
  readonly zone: string | undefined;
  readonly region: string | undefined;
}

/** A tag value and the object that carried it. */
export interface TagHit {
  readonly value: string;
  readonly from: ManagedObjectReference;
}

/** What one chain yielded (for `explain-node`). */
export interface ZoneAttempt {
  readonly chain: ZoneChainKind;
  readonly object: ManagedObjectReference;
  readonly zone: TagHit | undefined;
  readonly region: TagHit | undefined;
}

/** Zone and region found, with where they came from. */
export interface ZoneMatch {
  readonly zone: string;
  readonly region: string;
  readonly chain: ZoneChainKind;
  readonly zoneFrom: ManagedObjectReference;
  readonly regionFrom: ManagedObjectReference;
}

/** No chain carried both tags; the message is the reference's for the last chain tried. */
export class ZoneTagsMissingError extends CcmError {
  readonly code = 'ZONE_TAGS_MISSING';
  readonly missing: 'zone' | 'region';

  constructor(missing: 'zone' | 'region', category: string, object: ManagedObjectReference | undefined) {
    // Go prints a zero ManagedObjectReference as ":".
    const mo = object === undefined ? ':' : formatMor(object);
    super(`vSphere ${missing} category ${category} does not match any tags for mo: ${mo}`);
    this.missing = missing;
  }
}

/**
 * - `ok` with `match: undefined`: zones are off (a category is not configured), as in the reference;
 * - `ok` with a match: the first chain that supplied both tags;
 * - not `ok`: no chain did; metadata must fail (the Node stays uninitialized) rather than publish
 *   half a topology.
 * `attempts` lists every chain tried, in order.
 */
export type ZoneResult =
  | { readonly ok: true; readonly match: ZoneMatch | undefined; readonly attempts: readonly ZoneAttempt[] }
  | { readonly ok: false; readonly error: ZoneTagsMissingError; readonly attempts: readonly ZoneAttempt[] };

/**
 * Resolves a VM's zone and region from its chains (host → resource pool → VM, each nearest
 * first) and the tag index. Within a chain the nearest tagged object wins for each key separately
 * (a closer zone is never overwritten by a farther one, unlike the reference's tag-order-dependent
 * loop); a chain counts only if it supplies both keys; the first such chain wins. When none does,
 * the error is the reference's for the last chain: region checked first, then zone.
 */
export function resolveZoneChains(
  chains: readonly ZoneChain[],
  tags: TagIndex,
  categories: ZoneCategories,
): ZoneResult {
  const { zone: zoneCategory, region: regionCategory } = categories;
  if (
    zoneCategory === undefined ||
    zoneCategory === '' ||
    regionCategory === undefined ||
    regionCategory === ''
  ) {
    return { ok: true, match: undefined, attempts: [] };
  }
  const attempts: ZoneAttempt[] = [];
  for (const chain of chains) {
    const attempt = walkChain(chain, tags);
    attempts.push(attempt);
    if (attempt.zone !== undefined && attempt.region !== undefined) {
      const match: ZoneMatch = {
        zone: attempt.zone.value,
        region: attempt.region.value,
        chain: chain.kind,
        zoneFrom: attempt.zone.from,
        regionFrom: attempt.region.from,
      };
      return { ok: true, match, attempts };
    }
  }
  const last = attempts.at(-1);
  const error =
    last?.region === undefined
      ? new ZoneTagsMissingError('region', regionCategory, last?.object)
      : new ZoneTagsMissingError('zone', zoneCategory, last.object);
  return { ok: false, error, attempts };
}

function walkChain(chain: ZoneChain, tags: TagIndex): ZoneAttempt {
  let zone: TagHit | undefined;
  let region: TagHit | undefined;
  for (const ref of chain.objects) {
    const key = formatMor(ref);
    const z = tags.zones.get(key);
    const r = tags.regions.get(key);
    if (zone === undefined && z !== undefined) zone = { value: z, from: ref };
    if (region === undefined && r !== undefined) region = { value: r, from: ref };
    if (zone !== undefined && region !== undefined) break;
  }
  return { chain: chain.kind, object: chain.objects[0], zone, region };
}
