// SPDX-License-Identifier: Apache-2.0

/**
 * A vAPI DynamicID: an inventory object as the tagging service names it. `id` is the MoRef value,
 * e.g. `{ type: 'ClusterComputeResource', id: 'domain-c7' }`.
 */
export interface DynamicId {
  readonly type: string;
  readonly id: string;
}

/** How many tags of one category an object may carry. */
export type CategoryCardinality = 'SINGLE' | 'MULTIPLE';

/** A tag category (`com.vmware.cis.tagging.category`). */
export interface Category {
  /** e.g. `urn:vmomi:InventoryServiceCategory:…:GLOBAL`. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** `SINGLE` or `MULTIPLE` on vCenter; kept as sent, since older servers may send others. */
  readonly cardinality: string;
  /** Inventory types the category's tags may be attached to; empty means any type. */
  readonly associableTypes: readonly string[];
  readonly usedBy: readonly string[];
}

/** A tag (`com.vmware.cis.tagging.tag`). */
export interface Tag {
  /** e.g. `urn:vmomi:InventoryServiceTag:…:GLOBAL`. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly categoryId: string;
  readonly usedBy: readonly string[];
}

/** What `createCategory` needs. Names are unique per vCenter. */
export interface CategorySpec {
  readonly name: string;
  readonly description?: string;
  readonly cardinality: CategoryCardinality;
  /** Empty (the default) lets the category's tags go on any inventory type. */
  readonly associableTypes?: readonly string[];
}

/** What `createTag` needs. Names are unique per category. */
export interface TagSpec {
  readonly name: string;
  readonly description?: string;
  readonly categoryId: string;
}

/** One entry of `listAttachedObjectsOnTags`: the objects carrying one tag. */
export interface TagAttachments {
  readonly tagId: string;
  readonly objectIds: readonly DynamicId[];
}

/** One entry of `listAttachedTagsOnObjects`: the tags on one object. */
export interface ObjectTags {
  readonly objectId: DynamicId;
  readonly tagIds: readonly string[];
}
