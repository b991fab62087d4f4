// SPDX-License-Identifier: Apache-2.0
import { RestDecodeError } from './rest-errors.ts';
import type { Category, DynamicId, ObjectTags, Tag, TagAttachments } from './tagging-types.ts';

// Wire shapes are snake_case (`category_id`, `associable_types`); these turn a reply's `value`
// into the camelCase types, and reject anything else with RestDecodeError rather than guessing.

type Json = Record<string, unknown>;

/** A list of ids; an absent or `null` value (vcsim's empty list) is an empty list. */
export function decodeIdList(value: unknown, what: string): string[] {
  return optionalArray(value, what).map((v, i) => requireString(v, `${what}[${String(i)}]`));
}

/** The id a create call returns. */
export function decodeCreatedId(value: unknown, what: string): string {
  return requireString(value, `created ${what} id`);
}

/** A category object (`GET …/category/id:{id}`). */
export function decodeCategory(value: unknown): Category {
  const o = requireObject(value, 'category');
  return {
    id: requireString(o.id, 'category.id'),
    name: requireString(o.name, 'category.name'),
    description: optionalString(o.description, 'category.description'),
    cardinality: optionalString(o.cardinality, 'category.cardinality'),
    associableTypes: decodeIdList(o.associable_types, 'category.associable_types'),
    usedBy: decodeIdList(o.used_by, 'category.used_by'),
  };
}

/** A tag object (`GET …/tag/id:{id}`). */
export function decodeTag(value: unknown): Tag {
  const o = requireObject(value, 'tag');
  return {
    id: requireString(o.id, 'tag.id'),
    name: requireString(o.name, 'tag.name'),
    description: optionalString(o.description, 'tag.description'),
    categoryId: requireString(o.category_id, 'tag.category_id'),
    usedBy: decodeIdList(o.used_by, 'tag.used_by'),
  };
}

/** A list of DynamicIDs (`list-attached-objects`). */
export function decodeDynamicIds(value: unknown, what: string): DynamicId[] {
  return optionalArray(value, what).map((v, i) => decodeDynamicId(v, `${what}[${String(i)}]`));
}

/** The reply of `list-attached-objects-on-tags`. */
export function decodeTagAttachments(value: unknown): TagAttachments[] {
  return optionalArray(value, 'attachments').map((v, i) => {
    const o = requireObject(v, `attachments[${String(i)}]`);
    return {
      tagId: requireString(o.tag_id, `attachments[${String(i)}].tag_id`),
      objectIds: decodeDynamicIds(o.object_ids, `attachments[${String(i)}].object_ids`),
    };
  });
}

/** The reply of `list-attached-tags-on-objects`. */
export function decodeObjectTags(value: unknown): ObjectTags[] {
  return optionalArray(value, 'object tags').map((v, i) => {
    const o = requireObject(v, `objectTags[${String(i)}]`);
    return {
      objectId: decodeDynamicId(o.object_id, `objectTags[${String(i)}].object_id`),
      tagIds: decodeIdList(o.tag_ids, `objectTags[${String(i)}].tag_ids`),
    };
  });
}

/** The wire form of a DynamicID, for request bodies. */
export function encodeDynamicId(ref: DynamicId): { type: string; id: string } {
  return { type: ref.type, id: ref.id };
}

function decodeDynamicId(value: unknown, what: string): DynamicId {
  const o = requireObject(value, what);
  return { type: requireString(o.type, `${what}.type`), id: requireString(o.id, `${what}.id`) };
}

function optionalArray(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RestDecodeError(`${what}: expected a list, got ${typeName(value)}`);
  return value as unknown[];
}

function requireObject(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RestDecodeError(`${what}: expected an object, got ${typeName(value)}`);
  }
  return value as Json;
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new RestDecodeError(`${what}: expected a non-empty string, got ${typeName(value)}`);
  }
  return value;
}

function optionalString(value: unknown, what: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string')
    throw new RestDecodeError(`${what}: expected a string, got ${typeName(value)}`);
  return value;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}
