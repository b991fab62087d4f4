// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent } from 'undici';
import { VapiRestClient, type RestCredentials } from '../../src/vsphere/rest/rest-client.ts';
import { RestUnauthenticatedError } from '../../src/vsphere/rest/rest-errors.ts';
import { TaggingClient, type DynamicId } from '../../src/vsphere/rest/tagging.ts';
import { startVcsim, type Vcsim } from '../support/vcsim.ts';

const scenario = resolve(import.meta.dirname, '../vcsim/scenarios/basic.json');
const loginKey = 'POST /rest/com/vmware/cis/session';
const assocPath = '/rest/com/vmware/cis/tagging/tag-association';

describe('vAPI tagging against the simulator', () => {
  let vcsim: Vcsim;
  let agent: Agent;
  const clients: VapiRestClient[] = [];

  before(async () => {
    vcsim = await startVcsim({ scenario });
    // TLS verified against the harness's self-signed certificate, never disabled.
    agent = new Agent({ connect: { ca: vcsim.certPem } });
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.logout()));
    await agent.close();
    await vcsim.close();
  });

  function connect(credentials: RestCredentials = vcsim.credentials): {
    rest: VapiRestClient;
    tags: TaggingClient;
  } {
    const rest = new VapiRestClient({
      baseUrl: new URL(vcsim.restUrl),
      dispatcher: agent,
      credentials: () => credentials,
      timeoutMs: 10_000,
    });
    clients.push(rest);
    return { rest, tags: new TaggingClient(rest) };
  }

  async function restCounts(): Promise<Readonly<Record<string, number>>> {
    return (await vcsim.control.counters()).rest;
  }

  async function tagIdsByName(tags: TaggingClient, category: string): Promise<Map<string, string>> {
    const cat = await tags.findCategoryByName(category);
    assert.ok(cat, `category ${category} exists`);
    const out = new Map<string, string>();
    for (const id of await tags.listTagsForCategory(cat.id)) {
      const tag = await tags.getTag(id);
      assert.ok(tag);
      assert.equal(tag.categoryId, cat.id);
      out.set(tag.name, id);
    }
    return out;
  }

  test('given many calls on one client, should log in exactly once', async () => {
    const { tags } = connect();
    await vcsim.control.resetCounters();
    const ids = await tags.listCategories();
    await Promise.all(ids.map((id) => tags.getCategory(id)));
    await tags.listTags();
    const counts = await restCounts();
    assert.equal(counts[loginKey], 1);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    assert.equal(total, 1 + 1 + ids.length + 1);
  });

  test('given the scenario, should find its categories and tags by name', async () => {
    const { tags } = connect();
    const zone = await tags.findCategoryByName('k8s-zone');
    assert.equal(zone?.name, 'k8s-zone');
    assert.equal(zone.cardinality, 'SINGLE');
    assert.match(zone.id, /^urn:vmomi:InventoryServiceCategory:/);
    assert.deepEqual([...(await tagIdsByName(tags, 'k8s-zone')).keys()].sort(), [
      'zone-a',
      'zone-b',
      'zone-west',
    ]);
    assert.deepEqual([...(await tagIdsByName(tags, 'k8s-region')).keys()].sort(), [
      'region-east',
      'region-west',
    ]);
    assert.equal(await tags.findCategoryByName('K8S-ZONE'), undefined);
    assert.equal(await tags.getCategory('urn:vmomi:InventoryServiceCategory:missing:GLOBAL'), undefined);
    assert.equal(await tags.getTag('urn:vmomi:InventoryServiceTag:missing:GLOBAL'), undefined);
  });

  test('given zone and region tags, should list the objects on all of them in one call', async () => {
    const { tags } = connect();
    const zones = await tagIdsByName(tags, 'k8s-zone');
    const regions = await tagIdsByName(tags, 'k8s-region');
    const wanted = [...zones.values(), ...regions.values()];
    await vcsim.control.resetCounters();
    const result = await tags.listAttachedObjectsOnTags(wanted);
    assert.deepEqual(await restCounts(), { [`POST ${assocPath}?~action=list-attached-objects-on-tags`]: 1 });
    const byTag = new Map(result.map((r) => [r.tagId, r.objectIds]));
    const typesOf = (name: string, from: Map<string, string>): string[] =>
      (byTag.get(from.get(name) ?? '') ?? []).map((o) => o.type);
    assert.deepEqual(typesOf('zone-a', zones), ['ClusterComputeResource']);
    assert.deepEqual(typesOf('zone-b', zones), ['HostSystem']);
    assert.deepEqual(typesOf('zone-west', zones), ['HostSystem']);
    assert.deepEqual(typesOf('region-east', regions), ['Datacenter']);
    assert.deepEqual(typesOf('region-west', regions), ['Datacenter']);
  });

  test('given objects, should list the tags on each of them in one call', async () => {
    const { tags } = connect();
    const zones = await tagIdsByName(tags, 'k8s-zone');
    const regions = await tagIdsByName(tags, 'k8s-region');
    const zoneA = zones.get('zone-a') ?? '';
    const regionEast = regions.get('region-east') ?? '';
    const [cluster] = await tags.listAttachedObjects(zoneA);
    const [dc] = await tags.listAttachedObjects(regionEast);
    assert.ok(cluster && dc);
    const untagged: DynamicId = { type: 'Folder', id: 'group-d1' };
    const result = await tags.listAttachedTagsOnObjects([cluster, dc, untagged]);
    assert.deepEqual(result, [
      { objectId: cluster, tagIds: [zoneA] },
      { objectId: dc, tagIds: [regionEast] },
      { objectId: untagged, tagIds: [] },
    ]);
  });

  test('given a new category and tag, should create, attach, detach and delete them', async () => {
    const { tags } = connect();
    const [cluster] = await tags.listAttachedObjects(
      (await tagIdsByName(tags, 'k8s-zone')).get('zone-a') ?? '',
    );
    assert.ok(cluster);
    const categoryId = await tags.createCategory({
      name: `it-${String(process.pid)}-${String(Date.now())}`,
      cardinality: 'MULTIPLE',
      associableTypes: ['ClusterComputeResource'],
    });
    try {
      const tagId = await tags.createTag({ name: 'it-tag', categoryId, description: 'round trip' });
      assert.equal((await tags.getTag(tagId))?.description, 'round trip');
      assert.deepEqual(await tags.listTagsForCategory(categoryId), [tagId]);
      await tags.attach(tagId, cluster);
      assert.deepEqual(await tags.listAttachedObjects(tagId), [cluster]);
      assert.ok((await tags.listAttachedTags(cluster)).includes(tagId));
      await tags.detach(tagId, cluster);
      assert.deepEqual(await tags.listAttachedObjects(tagId), []);
      assert.ok(!(await tags.listAttachedTags(cluster)).includes(tagId));
      assert.equal(await tags.deleteTag(tagId), true);
      assert.equal(await tags.getTag(tagId), undefined);
    } finally {
      assert.equal(await tags.deleteCategory(categoryId), true);
    }
    assert.equal(await tags.getCategory(categoryId), undefined);
    assert.equal(await tags.deleteCategory(categoryId), false);
  });

  test('given the session terminated under the client, should log in again transparently', async () => {
    const { tags } = connect();
    const before = await tags.listCategories();
    const ended = await vcsim.control.terminateSessions();
    assert.ok(ended.rest >= 1);
    await vcsim.control.resetCounters();
    assert.deepEqual((await tags.listCategories()).sort(), before.sort());
    const counts = await restCounts();
    assert.equal(counts[loginKey], 1);
    assert.equal(counts['GET /rest/com/vmware/cis/tagging/category'], 2);
  });

  test('given a wrong password, should fail with RestUnauthenticatedError after one login attempt', async () => {
    const { tags } = connect({ username: vcsim.credentials.username, password: 'not-the-password' });
    await vcsim.control.resetCounters();
    for (let i = 0; i < 3; i++) {
      await assert.rejects(tags.listCategories(), (err: unknown) => {
        assert.ok(err instanceof RestUnauthenticatedError);
        assert.ok(!err.message.includes('not-the-password'));
        return true;
      });
    }
    assert.deepEqual(await restCounts(), { [loginKey]: 1 });
  });

  test('given logout, should end the session on the server', async () => {
    const { rest, tags } = connect();
    await tags.listTags();
    const live = (await vcsim.control.sessions()).rest;
    await rest.logout();
    assert.equal((await vcsim.control.sessions()).rest, live - 1);
  });
});
