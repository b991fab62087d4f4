// SPDX-License-Identifier: Apache-2.0
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceContent } from '../vim25/generated/data-objects.ts';
import { mor } from '../vim25/mor.ts';
import { FakeRoundTripper } from '../../test/fakes/fake-round-tripper.ts';
import {
  DatacenterAmbiguousError,
  DatacenterNotFoundError,
  datacentersOf,
  listDatacenters,
  resolveDatacenters,
  selectDatacenters,
  type DatacenterTreeNode,
} from './datacenters.ts';

const root = mor('Folder', 'group-d1');
const regions = mor('Folder', 'group-10');
const west = mor('Folder', 'group-11');
const lab = mor('Folder', 'group-12');
const dcEast = mor('Datacenter', 'datacenter-2');
const dcWest = mor('Datacenter', 'datacenter-20');
const dcLab = mor('Datacenter', 'datacenter-30');
const dcLabEast = mor('Datacenter', 'datacenter-31');

const tree: DatacenterTreeNode[] = [
  { ref: root, name: 'Datacenters', parent: undefined },
  { ref: dcEast, name: 'dc-east', parent: root },
  { ref: regions, name: 'regions', parent: root },
  { ref: west, name: 'west', parent: regions },
  { ref: dcWest, name: 'dc-west', parent: west },
  { ref: lab, name: 'lab', parent: root },
  { ref: dcLab, name: 'dc-lab', parent: lab },
  // Same name as the root-level dc-east, in another folder.
  { ref: dcLabEast, name: 'dc-east', parent: lab },
];

const unique = datacentersOf(tree.filter((n) => n.ref !== dcLabEast));
const all = datacentersOf(tree);

describe('datacentersOf', () => {
  test('given folders and datacenters, should build each inventory path below the root folder', () => {
    assert.deepEqual(
      all.map((dc) => [dc.path, dc.name, dc.ref.value]),
      [
        ['/dc-east', 'dc-east', 'datacenter-2'],
        ['/lab/dc-east', 'dc-east', 'datacenter-31'],
        ['/lab/dc-lab', 'dc-lab', 'datacenter-30'],
        ['/regions/west/dc-west', 'dc-west', 'datacenter-20'],
      ],
    );
  });

  test('given a topology without the root folder itself, should build the same paths', () => {
    const withoutRoot = datacentersOf(tree.filter((n) => n.ref !== root));
    assert.deepEqual(
      withoutRoot.map((dc) => dc.path),
      all.map((dc) => dc.path),
    );
  });

  test('given a cyclic parent graph, should stop instead of looping', () => {
    const a = mor('Folder', 'a');
    const b = mor('Folder', 'b');
    const dcs = datacentersOf([
      { ref: a, name: 'a', parent: b },
      { ref: b, name: 'b', parent: a },
      { ref: dcEast, name: 'x', parent: a },
    ]);
    assert.equal(dcs.length, 1);
    assert.ok(dcs[0]!.path.endsWith('/a/x'));
  });
});

describe('selectDatacenters', () => {
  const cases: { name: string; wanted: string[]; refs: string[] }[] = [
    { name: 'a bare name', wanted: ['dc-west'], refs: ['datacenter-20'] },
    { name: 'an absolute path', wanted: ['/regions/west/dc-west'], refs: ['datacenter-20'] },
    { name: 'a path relative to the root folder', wanted: ['regions/west/dc-west'], refs: ['datacenter-20'] },
    {
      name: 'a path with doubled and trailing slashes',
      wanted: ['/regions//west/./dc-west/'],
      refs: ['datacenter-20'],
    },
    { name: 'a MoRef', wanted: ['Datacenter:datacenter-2'], refs: ['datacenter-2'] },
    { name: 'blanks around entries', wanted: ['  dc-east ', ''], refs: ['datacenter-2'] },
    {
      name: 'the same datacenter three ways',
      wanted: ['dc-west', '/regions/west/dc-west', 'Datacenter:datacenter-20'],
      refs: ['datacenter-20'],
    },
    { name: 'several datacenters', wanted: ['dc-west', 'dc-east'], refs: ['datacenter-20', 'datacenter-2'] },
  ];
  for (const c of cases) {
    test(`given ${c.name}, should resolve to the datacenter(s) in the order given`, () => {
      assert.deepEqual(
        selectDatacenters(unique, c.wanted).map((dc) => dc.ref.value),
        c.refs,
      );
    });
  }

  test('given unknown entries, should name every one and list the available datacenters', () => {
    assert.throws(
      () => selectDatacenters(unique, ['dc-west', 'dc-nowhere', '/dc-west', 'Datacenter:datacenter-99']),
      (err: unknown) => {
        assert.ok(err instanceof DatacenterNotFoundError);
        assert.equal(err.code, 'DATACENTER_NOT_FOUND');
        assert.deepEqual(err.datacenters, ['dc-nowhere', '/dc-west', 'Datacenter:datacenter-99']);
        assert.equal(
          err.message,
          'datacenters not found: dc-nowhere, /dc-west, Datacenter:datacenter-99 (available: dc-east, dc-lab, dc-west)',
        );
        return true;
      },
    );
  });

  test('given a name that exists in two folders, should refuse it and list both paths', () => {
    assert.throws(
      () => selectDatacenters(all, ['dc-east']),
      (err: unknown) => {
        assert.ok(err instanceof DatacenterAmbiguousError);
        assert.equal(err.code, 'DATACENTER_AMBIGUOUS');
        assert.deepEqual(err.paths, ['/dc-east', '/lab/dc-east']);
        return true;
      },
    );
    assert.deepEqual(
      selectDatacenters(all, ['/lab/dc-east']).map((dc) => dc.ref.value),
      ['datacenter-31'],
    );
  });

  test('given a duplicated name is unknown elsewhere, should show paths for it in the available list', () => {
    assert.throws(() => selectDatacenters(all, ['nope']), {
      message: 'datacenter not found: nope (available: /dc-east, /lab/dc-east, dc-lab, dc-west)',
    });
  });

  test('given a datacenter literally named like a MoRef, should fall back to the name', () => {
    const odd = datacentersOf([
      { ref: root, name: 'Datacenters', parent: undefined },
      { ref: dcEast, name: 'Datacenter:prod', parent: root },
    ]);
    assert.deepEqual(
      selectDatacenters(odd, ['Datacenter:prod']).map((dc) => dc.ref.value),
      ['datacenter-2'],
    );
  });

  test('given no datacenters at all, should say none are available', () => {
    assert.throws(() => selectDatacenters([], ['dc-east']), {
      message: 'datacenter not found: dc-east (available: none)',
    });
  });
});

describe('listDatacenters', () => {
  const serviceContent = {
    rootFolder: root,
    propertyCollector: mor('PropertyCollector', 'propertyCollector'),
  } as ServiceContent;

  const reply = (): unknown => ({
    objects: tree.map((n) => ({
      obj: n.ref,
      propSet: [
        { name: 'name', val: n.name },
        ...(n.parent === undefined ? [] : [{ name: 'parent', val: n.parent }]),
      ],
    })),
  });

  test('given a vCenter, should read folders and datacenters in one call that stops at datacenters', async () => {
    const rt = new FakeRoundTripper(reply);
    const dcs = await listDatacenters({ rt, serviceContent });
    assert.equal(dcs.length, 4);
    assert.deepEqual(
      rt.calls.map((c) => c.method),
      ['RetrievePropertiesEx'],
    );
    const spec = (rt.calls[0]!.request['specSet'] as Record<string, unknown>[])[0]!;
    const objectSet = spec['objectSet'] as { obj: unknown; selectSet: { type: string; path: string }[] }[];
    assert.deepEqual(objectSet[0]!.obj, root);
    assert.deepEqual(
      objectSet[0]!.selectSet.map((s) => [s.type, s.path]),
      [['Folder', 'childEntity']],
    );
    const types = (spec['propSet'] as { type: string }[]).map((p) => p.type).sort();
    assert.deepEqual(types, ['Datacenter', 'Folder']);
  });

  test('given an unknown datacenter, resolveDatacenters should reject after one call', async () => {
    const rt = new FakeRoundTripper(reply);
    await assert.rejects(resolveDatacenters({ rt, serviceContent }, ['dc-x']), DatacenterNotFoundError);
    assert.equal(rt.calls.length, 1);
  });
});
