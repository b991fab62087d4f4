// SPDX-License-Identifier: Apache-2.0
import type { RestCallOptions, VapiRestClient } from './rest-client.ts';
import { RestNotFoundError } from './rest-errors.ts';
import {
  decodeCategory,
  decodeCreatedId,
  decodeDynamicIds,
  decodeIdList,
  decodeObjectTags,
  decodeTag,
  decodeTagAttachments,
  encodeDynamicId,
} from './tagging-decode.ts';
import type {
  Category,
  CategorySpec,
  DynamicId,
  ObjectTags,
  Tag,
  TagAttachments,
  TagSpec,
} from './tagging-types.ts';

export type {
  Category,
  CategoryCardinality,
  CategorySpec,
  DynamicId,
  ObjectTags,
  Tag,
  TagAttachments,
  TagSpec,
} from './tagging-types.ts';

const categoryPath = '/com/vmware/cis/tagging/category';
const tagPath = '/com/vmware/cis/tagging/tag';
const associationPath = '/com/vmware/cis/tagging/tag-association';

/** Converts a MoRef (`{ type, value }`) to the DynamicID the tagging service uses. */
export function toDynamicId(ref: { readonly type: string; readonly value: string }): DynamicId {
  return { type: ref.type, id: ref.value };
}

/**
 * The vSphere tagging service (`/com/vmware/cis/tagging/…`) over a {@link VapiRestClient}.
 *
 * Every method is one HTTP call unless its doc says otherwise, takes `{ signal, timeoutMs }`
 * and rejects with the client's error classes. Reading a category or tag by id that does not
 * exist resolves `undefined` (expected absence); every other failure rejects. No caching: the
 * caller decides how long a snapshot of tags is valid (e.g. one sync pass).
 */
export class TaggingClient {
  readonly #rest: VapiRestClient;

  constructor(rest: VapiRestClient) {
    this.#rest = rest;
  }

  /** Ids of all categories. */
  async listCategories(options: RestCallOptions = {}): Promise<string[]> {
    return decodeIdList(await this.#rest.get(categoryPath, options), 'categories');
  }

  /** The category with this id, or `undefined` when there is none. */
  async getCategory(id: string, options: RestCallOptions = {}): Promise<Category | undefined> {
    const value = await absentOn404(this.#rest.get(withId(categoryPath, id), options));
    return value === absent ? undefined : decodeCategory(value);
  }

  /**
   * The category named exactly `name` (case-sensitive, as the Go CPI matches), or `undefined`.
   * Costs 1 + up to N calls (list, then read each until found): cache the result.
   */
  async findCategoryByName(name: string, options: RestCallOptions = {}): Promise<Category | undefined> {
    for (const id of await this.listCategories(options)) {
      const category = await this.getCategory(id, options);
      if (category?.name === name) return category;
    }
    return undefined;
  }

  /** Creates a category and returns its id. A name already in use rejects `RestAlreadyExistsError`. */
  async createCategory(spec: CategorySpec, options: RestCallOptions = {}): Promise<string> {
    const body = {
      create_spec: {
        name: spec.name,
        description: spec.description ?? '',
        cardinality: spec.cardinality,
        associable_types: [...(spec.associableTypes ?? [])],
      },
    };
    return decodeCreatedId(await this.#rest.post(categoryPath, { ...options, body }), 'category');
  }

  /** Deletes a category (and, server-side, its tags). Resolves `false` when it did not exist. */
  async deleteCategory(id: string, options: RestCallOptions = {}): Promise<boolean> {
    return (await absentOn404(this.#rest.delete(withId(categoryPath, id), options))) !== absent;
  }

  /** Ids of all tags. */
  async listTags(options: RestCallOptions = {}): Promise<string[]> {
    return decodeIdList(await this.#rest.get(tagPath, options), 'tags');
  }

  /** The tag with this id, or `undefined` when there is none. */
  async getTag(id: string, options: RestCallOptions = {}): Promise<Tag | undefined> {
    const value = await absentOn404(this.#rest.get(withId(tagPath, id), options));
    return value === absent ? undefined : decodeTag(value);
  }

  /** Creates a tag in a category and returns its id. */
  async createTag(spec: TagSpec, options: RestCallOptions = {}): Promise<string> {
    const body = {
      create_spec: { name: spec.name, description: spec.description ?? '', category_id: spec.categoryId },
    };
    return decodeCreatedId(await this.#rest.post(tagPath, { ...options, body }), 'tag');
  }

  /** Deletes a tag and its attachments. Resolves `false` when it did not exist. */
  async deleteTag(id: string, options: RestCallOptions = {}): Promise<boolean> {
    return (await absentOn404(this.#rest.delete(withId(tagPath, id), options))) !== absent;
  }

  /** Ids of the tags in a category (empty for an unknown category on vcsim). */
  async listTagsForCategory(categoryId: string, options: RestCallOptions = {}): Promise<string[]> {
    const body = { category_id: categoryId };
    const value = await this.#rest.post(withId(tagPath, categoryId), {
      ...options,
      action: 'list-tags-for-category',
      body,
    });
    return decodeIdList(value, 'tags for category');
  }

  /** Attaches a tag to an object; attaching twice is a no-op. */
  async attach(tagId: string, objectId: DynamicId, options: RestCallOptions = {}): Promise<void> {
    const body = { object_id: encodeDynamicId(objectId) };
    await this.#rest.post(withId(associationPath, tagId), { ...options, action: 'attach', body });
  }

  /** Detaches a tag from an object; detaching a tag that is not attached is a no-op. */
  async detach(tagId: string, objectId: DynamicId, options: RestCallOptions = {}): Promise<void> {
    const body = { object_id: encodeDynamicId(objectId) };
    await this.#rest.post(withId(associationPath, tagId), { ...options, action: 'detach', body });
  }

  /** The objects one tag is attached to. */
  async listAttachedObjects(tagId: string, options: RestCallOptions = {}): Promise<DynamicId[]> {
    const path = withId(associationPath, tagId);
    const value = await this.#rest.post(path, { ...options, action: 'list-attached-objects' });
    return decodeDynamicIds(value, 'attached objects');
  }

  /** Ids of the tags attached to one object. */
  async listAttachedTags(objectId: DynamicId, options: RestCallOptions = {}): Promise<string[]> {
    const body = { object_id: encodeDynamicId(objectId) };
    const value = await this.#rest.post(associationPath, { ...options, action: 'list-attached-tags', body });
    return decodeIdList(value, 'attached tags');
  }

  /**
   * The objects carrying each of `tagIds`, in one call: the cheap way to learn every zone's
   * members. An empty input resolves `[]` without a call.
   */
  async listAttachedObjectsOnTags(
    tagIds: readonly string[],
    options: RestCallOptions = {},
  ): Promise<TagAttachments[]> {
    if (tagIds.length === 0) return [];
    const body = { tag_ids: [...tagIds] };
    const value = await this.#rest.post(associationPath, {
      ...options,
      action: 'list-attached-objects-on-tags',
      body,
    });
    return decodeTagAttachments(value);
  }

  /** The tags on each of `objectIds`, in one call. An empty input resolves `[]` without a call. */
  async listAttachedTagsOnObjects(
    objectIds: readonly DynamicId[],
    options: RestCallOptions = {},
  ): Promise<ObjectTags[]> {
    if (objectIds.length === 0) return [];
    const body = { object_ids: objectIds.map(encodeDynamicId) };
    const value = await this.#rest.post(associationPath, {
      ...options,
      action: 'list-attached-tags-on-objects',
      body,
    });
    return decodeObjectTags(value);
  }
}

const absent: unique symbol = Symbol('absent');

/** Maps "no such object" to a marker; every other failure still rejects. */
async function absentOn404(call: Promise<unknown>): Promise<unknown> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof RestNotFoundError) return absent;
    throw err;
  }
}

/** `/…/id:<id>`; `:` stays literal as in govmomi's URLs, everything unsafe is escaped. */
function withId(base: string, id: string): string {
  return `${base}/id:${encodeURIComponent(id).replaceAll('%3A', ':')}`;
}
