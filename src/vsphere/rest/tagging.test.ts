// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import {
  isLogin,
  reply,
  replyText,
  startFakeVapi,
  type FakeVapi,
  type SeenRequest,
} from '../../../test/fakes/fake-vapi-server.ts';
import { VapiRestClient } from './rest-client.ts';
import { RestAlreadyExistsError, RestDecodeError, RestError, RestUnauthorizedError } from './rest-errors.ts';
import { TaggingClient, toDynamicId } from './tagging.ts';

const cat = '/com/vmware/cis/tagging/category';
const tag = '/com/vmware/cis/tagging/tag';
const assoc = '/com/vmware/cis/tagging/tag-association';
const catId = 'urn:vmomi:InventoryServiceCategory:c1:GLOBAL';
const tagId = 'urn:vmomi:InventoryServiceTag:t1:GLOBAL';

/** Route key → reply: `[status, body]`; a string body is sent as plain text. */
type Routes = Record<string, readonly [number, unknown]>;

interface Fixture {
  tagging: TaggingClient;
  calls: () => SeenRequest[];
}

const open: FakeVapi[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});

function key(req: Pick<SeenRequest, 'method' | 'path' | 'action'>): string {
  return `${req.method} ${req.path}${req.action === undefined ? '' : `?${req.action}`}`;
}

async function fixture(routes: Routes): Promise<Fixture> {
  const fake = await startFakeVapi((req, res) => {
    if (isLogin(req)) {
      reply(res, 200, { value: 'sid' });
      return;
    }
    const route = routes[key(req)];
    if (route === undefined) replyText(res, 404, '404 page not found');
    else if (typeof route[1] === 'string') replyText(res, route[0], route[1]);
    else reply(res, route[0], route[1]);
  });
  open.push(fake);
  const rest = new VapiRestClient({
    baseUrl: fake.baseUrl,
    dispatcher: fake.dispatcher,
    credentials: () => ({ username: 'user', password: 'pass' }),
    timeoutMs: 5_000,
  });
  return { tagging: new TaggingClient(rest), calls: () => fake.requests.filter((r) => !isLogin(r)) };
}

function body(req: SeenRequest | undefined): unknown {
  return JSON.parse(req?.body ?? 'null') as unknown;
}

const wireCategory = {
  id: catId,
  name: 'k8s-zone',
  description: '',
  cardinality: 'SINGLE',
  associable_types: ['ClusterComputeResource', 'HostSystem'],
  used_by: [],
};

describe('TaggingClient categories', () => {
  test('given categories, should list ids and map a category to camelCase', async () => {
    const f = await fixture({
      [`GET ${cat}`]: [200, { value: [catId] }],
      [`GET ${cat}/id:${catId}`]: [200, { value: wireCategory }],
    });
    assert.deepEqual(await f.tagging.listCategories(), [catId]);
    assert.deepEqual(await f.tagging.getCategory(catId), {
      id: catId,
      name: 'k8s-zone',
      description: '',
      cardinality: 'SINGLE',
      associableTypes: ['ClusterComputeResource', 'HostSystem'],
      usedBy: [],
    });
  });

  test('given no categories ({"value":null}), should list an empty array', async () => {
    const f = await fixture({ [`GET ${cat}`]: [200, { value: null }] });
    assert.deepEqual(await f.tagging.listCategories(), []);
  });

  test('given a missing category id, should resolve undefined', async () => {
    const f = await fixture({});
    assert.equal(await f.tagging.getCategory('urn:nope'), undefined);
    assert.equal(await f.tagging.deleteCategory('urn:nope'), false);
  });

  test('given a server error reading a category, should reject instead of reporting absence', async () => {
    const f = await fixture({
      [`GET ${cat}/id:${catId}`]: [403, { type: 'com.vmware.vapi.std.errors.unauthorized' }],
    });
    await assert.rejects(f.tagging.getCategory(catId), RestUnauthorizedError);
  });

  test('given a category reply missing its name, should reject RestDecodeError', async () => {
    const f = await fixture({ [`GET ${cat}/id:${catId}`]: [200, { value: { id: catId } }] });
    await assert.rejects(f.tagging.getCategory(catId), RestDecodeError);
  });

  test('given a name, should find the category by exact name and stop at the match', async () => {
    const other = 'urn:vmomi:InventoryServiceCategory:c0:GLOBAL';
    const later = 'urn:vmomi:InventoryServiceCategory:c2:GLOBAL';
    const f = await fixture({
      [`GET ${cat}`]: [200, { value: [other, catId, later] }],
      [`GET ${cat}/id:${other}`]: [200, { value: { ...wireCategory, id: other, name: 'K8S-ZONE' } }],
      [`GET ${cat}/id:${catId}`]: [200, { value: wireCategory }],
    });
    assert.equal((await f.tagging.findCategoryByName('k8s-zone'))?.id, catId);
    assert.equal(f.calls().length, 3);
    assert.equal(await f.tagging.findCategoryByName('k8s-region'), undefined);
  });

  test('given a spec, should create a category with the snake_case create_spec', async () => {
    const f = await fixture({ [`POST ${cat}`]: [200, { value: catId }] });
    const id = await f.tagging.createCategory({ name: 'k8s-zone', cardinality: 'SINGLE' });
    assert.equal(id, catId);
    assert.deepEqual(body(f.calls()[0]), {
      create_spec: { name: 'k8s-zone', description: '', cardinality: 'SINGLE', associable_types: [] },
    });
  });

  test('given a name in use, should reject RestAlreadyExistsError', async () => {
    const f = await fixture({
      [`POST ${cat}`]: [400, { type: 'com.vmware.vapi.std.errors.already_exists', value: {} }],
    });
    await assert.rejects(
      f.tagging.createCategory({ name: 'k', cardinality: 'MULTIPLE' }),
      RestAlreadyExistsError,
    );
  });

  test('given an existing category, should delete it and report true', async () => {
    const f = await fixture({ [`DELETE ${cat}/id:${catId}`]: [200, undefined] });
    assert.equal(await f.tagging.deleteCategory(catId), true);
  });
});

describe('TaggingClient tags', () => {
  test('given a tag, should map category_id and list tags for a category with an action', async () => {
    const f = await fixture({
      [`GET ${tag}/id:${tagId}`]: [
        200,
        { value: { id: tagId, name: 'zone-a', description: 'd', category_id: catId, used_by: null } },
      ],
      [`POST ${tag}/id:${catId}?list-tags-for-category`]: [200, { value: [tagId] }],
      [`GET ${tag}`]: [200, { value: null }],
    });
    assert.deepEqual(await f.tagging.getTag(tagId), {
      id: tagId,
      name: 'zone-a',
      description: 'd',
      categoryId: catId,
      usedBy: [],
    });
    assert.deepEqual(await f.tagging.listTagsForCategory(catId), [tagId]);
    assert.deepEqual(body(f.calls()[1]), { category_id: catId });
    assert.deepEqual(await f.tagging.listTags(), []);
  });

  test('given a spec, should create a tag and delete it', async () => {
    const f = await fixture({
      [`POST ${tag}`]: [200, { value: tagId }],
      [`DELETE ${tag}/id:${tagId}`]: [200, undefined],
    });
    assert.equal(await f.tagging.createTag({ name: 'zone-a', categoryId: catId }), tagId);
    assert.deepEqual(body(f.calls()[0]), {
      create_spec: { name: 'zone-a', description: '', category_id: catId },
    });
    assert.equal(await f.tagging.deleteTag(tagId), true);
    assert.equal(await f.tagging.getTag(tagId), undefined);
  });

  test('given a create reply without an id, should reject RestDecodeError', async () => {
    const f = await fixture({ [`POST ${tag}`]: [200, { value: null }] });
    await assert.rejects(f.tagging.createTag({ name: 'z', categoryId: catId }), RestDecodeError);
  });

  test('given an id with characters unsafe in a path, should escape them but keep colons', async () => {
    const f = await fixture({});
    await f.tagging.getTag('urn:a b/c');
    assert.equal(f.calls()[0]?.path, `${tag}/id:urn:a%20b%2Fc`);
  });
});

describe('TaggingClient associations', () => {
  const cluster = { type: 'ClusterComputeResource', id: 'domain-c7' };
  const host = { type: 'HostSystem', id: 'host-21' };

  test('given attach and detach, should post the object id to the tag association', async () => {
    const f = await fixture({
      [`POST ${assoc}/id:${tagId}?attach`]: [200, undefined],
      [`POST ${assoc}/id:${tagId}?detach`]: [200, undefined],
    });
    await f.tagging.attach(tagId, cluster);
    await f.tagging.detach(tagId, cluster);
    assert.deepEqual(
      f.calls().map((r) => [r.action, body(r)]),
      [
        ['attach', { object_id: cluster }],
        ['detach', { object_id: cluster }],
      ],
    );
  });

  test('given a tag on objects, should list them with an empty {} body', async () => {
    const f = await fixture({
      [`POST ${assoc}/id:${tagId}?list-attached-objects`]: [200, { value: [cluster, host] }],
    });
    assert.deepEqual(await f.tagging.listAttachedObjects(tagId), [cluster, host]);
    assert.equal(f.calls()[0]?.body, '{}');
  });

  test('given an object, should list its attached tag ids', async () => {
    const f = await fixture({ [`POST ${assoc}?list-attached-tags`]: [200, { value: null }] });
    assert.deepEqual(await f.tagging.listAttachedTags(host), []);
    assert.deepEqual(body(f.calls()[0]), { object_id: host });
  });

  test('given several tags, should list their objects in one call', async () => {
    const other = 'urn:vmomi:InventoryServiceTag:t2:GLOBAL';
    const f = await fixture({
      [`POST ${assoc}?list-attached-objects-on-tags`]: [
        200,
        {
          value: [
            { tag_id: tagId, object_ids: [cluster] },
            { tag_id: other, object_ids: null },
          ],
        },
      ],
    });
    assert.deepEqual(await f.tagging.listAttachedObjectsOnTags([tagId, other]), [
      { tagId, objectIds: [cluster] },
      { tagId: other, objectIds: [] },
    ]);
    assert.equal(f.calls().length, 1);
    assert.deepEqual(body(f.calls()[0]), { tag_ids: [tagId, other] });
  });

  test('given several objects, should list their tags in one call', async () => {
    const f = await fixture({
      [`POST ${assoc}?list-attached-tags-on-objects`]: [
        200,
        {
          value: [
            { object_id: cluster, tag_ids: [tagId] },
            { object_id: host, tag_ids: null },
          ],
        },
      ],
    });
    assert.deepEqual(await f.tagging.listAttachedTagsOnObjects([cluster, host]), [
      { objectId: cluster, tagIds: [tagId] },
      { objectId: host, tagIds: [] },
    ]);
    assert.deepEqual(body(f.calls()[0]), { object_ids: [cluster, host] });
  });

  test('given empty inputs to the bulk lists, should resolve [] without a call', async () => {
    const f = await fixture({});
    assert.deepEqual(await f.tagging.listAttachedObjectsOnTags([]), []);
    assert.deepEqual(await f.tagging.listAttachedTagsOnObjects([]), []);
    assert.equal(f.calls().length, 0);
  });

  test('given a malformed bulk reply, should reject RestDecodeError', async () => {
    const f = await fixture({
      [`POST ${assoc}?list-attached-objects-on-tags`]: [
        200,
        { value: [{ tag_id: tagId, object_ids: [{ type: 'X' }] }] },
      ],
    });
    await assert.rejects(f.tagging.listAttachedObjectsOnTags([tagId]), RestDecodeError);
  });

  test('given an association call for a missing tag, should reject rather than return nothing', async () => {
    const f = await fixture({});
    await assert.rejects(f.tagging.listAttachedObjects(tagId), RestError);
  });

  test('given a MoRef, should convert it to a DynamicID', () => {
    assert.deepEqual(toDynamicId({ type: 'Datacenter', value: 'datacenter-2' }), {
      type: 'Datacenter',
      id: 'datacenter-2',
    });
  });
});
