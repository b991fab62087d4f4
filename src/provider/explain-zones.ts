// SPDX-License-Identifier: Apache-2.0
import { ProviderUnavailableError } from '../cloud/errors.ts';
import type { LabelsConfig } from '../config/config.ts';
import type { ManagedObjectReference } from '../vim25/generated/data-objects.ts';
import { formatMor } from '../vim25/mor.ts';
import { zoneChains } from './instances.ts';
import type { VmMatch } from './vm-locator.ts';
import {
  resolveZoneChains,
  type TagHit,
  type ZoneAttempt,
  type ZoneChainKind,
  type ZoneTagsMissingError,
} from './zone-chains.ts';

/** A tag value and the inventory object that carried it. */
export interface ExplainedTag {
  readonly value: string;
  readonly moref: string;
  readonly name: string | null;
}

/** One chain tried for zone and region: its first object and what the walk up from it found. */
export interface ExplainedZoneAttempt {
  readonly chain: ZoneChainKind;
  readonly moref: string;
  readonly name: string | null;
  readonly zone: ExplainedTag | null;
  readonly region: ExplainedTag | null;
}

/** The chain that supplied both tags, and the object that carried each. */
export interface ExplainedZoneSource {
  readonly chain: ZoneChainKind;
  readonly zone: ExplainedTag;
  readonly region: ExplainedTag;
}

/** Zone and region of a VM as `explain-node` shows them. */
export interface ZonesExplained {
  /** Both categories are configured. */
  readonly enabled: boolean;
  readonly source: ExplainedZoneSource | undefined;
  /** Every chain tried, in order (host, resource pool, VM). */
  readonly attempts: readonly ExplainedZoneAttempt[];
  /** Why there is no zone although zones are on: tags not loaded, or no chain had both tags. */
  readonly error: ProviderUnavailableError | ZoneTagsMissingError | undefined;
}

/**
 * Resolves the VM's zone and region as `instanceMetadata` does (same chains, same tag snapshot,
 * same rules) and keeps what each chain found, with the name of each object that carried a tag.
 * Pure: reads the VM's index only.
 */
export function explainZones(match: VmMatch, labels: LabelsConfig): ZonesExplained {
  const { zone, region } = labels;
  if (zone === undefined || zone === '' || region === undefined || region === '') {
    return { enabled: false, source: undefined, attempts: [], error: undefined };
  }
  const tags = match.index.tags();
  if (tags === undefined) {
    const last = match.index.state().tags?.lastError;
    const why = last === undefined ? '' : ` (${last.code}: ${last.message})`;
    const error = new ProviderUnavailableError(
      `the zone and region tags of vCenter "${match.tenantRef}" are not loaded yet${why}`,
    );
    return { enabled: true, source: undefined, attempts: [], error };
  }
  const names = objectNames(match);
  const result = resolveZoneChains(zoneChains(match), tags.index, { zone, region });
  const attempts = result.attempts.map((a) => explainAttempt(a, names));
  if (!result.ok) return { enabled: true, source: undefined, attempts, error: result.error };
  const found = result.match;
  const source =
    found === undefined
      ? undefined
      : {
          chain: found.chain,
          zone: carrier({ value: found.zone, from: found.zoneFrom }, names),
          region: carrier({ value: found.region, from: found.regionFrom }, names),
        };
  return { enabled: true, source, attempts, error: undefined };
}

/** `Type:value` → display name of every object on the VM's chains. */
function objectNames(match: VmMatch): ReadonlyMap<string, string> {
  const chains = match.index.zoneChains(match.vm);
  const names = new Map<string, string>();
  for (const node of [...chains.host, ...chains.resourcePool, ...chains.vm]) {
    names.set(formatMor(node.ref), node.name);
  }
  return names;
}

function explainAttempt(a: ZoneAttempt, names: ReadonlyMap<string, string>): ExplainedZoneAttempt {
  return {
    chain: a.chain,
    ...named(a.object, names),
    zone: a.zone === undefined ? null : carrier(a.zone, names),
    region: a.region === undefined ? null : carrier(a.region, names),
  };
}

function carrier(hit: TagHit, names: ReadonlyMap<string, string>): ExplainedTag {
  return { value: hit.value, ...named(hit.from, names) };
}

function named(
  ref: ManagedObjectReference,
  names: ReadonlyMap<string, string>,
): { moref: string; name: string | null } {
  const moref = formatMor(ref);
  return { moref, name: names.get(moref) ?? null };
}
