// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../../lib/errors.ts';
import type { Category } from '../rest/tagging-types.ts';
import type { TaggingClient } from '../rest/tagging.ts';
import type { TagIndex } from './zone-resolver.ts';

/** A zone or region category named in the configuration does not exist in vCenter. */
export class TagCategoryNotFoundError extends CcmError {
  readonly code = 'TAG_CATEGORY_NOT_FOUND';
  readonly category: string;

  constructor(category: string) {
    super(`tag category "${category}" not found in vCenter`);
    this.category = category;
  }
}

/**
 * Reads which objects carry a zone or region tag, at a cost of O(#categories + #tags) REST calls
 * and one `list-attached-objects-on-tags` for all tags together, never per VM or per object.
 * Category names match case-sensitively, as in the Go CPI. Objects are keyed `Type:value`.
 */
export async function readTagIndex(
  tagging: TaggingClient,
  categories: { readonly zoneCategory: string | undefined; readonly regionCategory: string | undefined },
  signal?: AbortSignal,
): Promise<TagIndex> {
  const opts = signal === undefined ? {} : { signal };
  const wanted = [categories.zoneCategory, categories.regionCategory].filter(
    (c): c is string => c !== undefined,
  );
  const found = await findCategories(tagging, wanted, opts);
  const tagNames = new Map<string, { name: string; kind: 'zone' | 'region' }>();
  for (const [kind, name] of [
    ['zone', categories.zoneCategory],
    ['region', categories.regionCategory],
  ] as const) {
    if (name === undefined) continue;
    const category = found.get(name);
    if (category === undefined) throw new TagCategoryNotFoundError(name);
    for (const tagId of await tagging.listTagsForCategory(category.id, opts)) {
      const tag = await tagging.getTag(tagId, opts);
      if (tag !== undefined) tagNames.set(tagId, { name: tag.name, kind });
    }
  }
  const zones = new Map<string, string>();
  const regions = new Map<string, string>();
  // Sorted so that an object with two tags of one category resolves the same way every time.
  const attachments = await tagging.listAttachedObjectsOnTags([...tagNames.keys()], opts);
  const sorted = attachments.flatMap((a) => {
    const tag = tagNames.get(a.tagId);
    return tag === undefined ? [] : a.objectIds.map((o) => ({ key: `${o.type}:${o.id}`, ...tag }));
  });
  sorted.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { key, name, kind } of sorted) {
    const target = kind === 'zone' ? zones : regions;
    if (!target.has(key)) target.set(key, name);
  }
  return { zones, regions };
}

/** Lists categories and reads them until every wanted name is found (at most once each). */
async function findCategories(
  tagging: TaggingClient,
  names: readonly string[],
  opts: { signal?: AbortSignal },
): Promise<Map<string, Category>> {
  const out = new Map<string, Category>();
  if (names.length === 0) return out;
  for (const id of await tagging.listCategories(opts)) {
    const category = await tagging.getCategory(id, opts);
    if (category !== undefined && names.includes(category.name)) out.set(category.name, category);
    if (out.size === new Set(names).size) break;
  }
  return out;
}
