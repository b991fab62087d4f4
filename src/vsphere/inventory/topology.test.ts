// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mor } from '../../vim25/mor.ts';
import { Topology } from './topology.ts';

const root = mor('Folder', 'group-d1');
const dc = mor('Datacenter', 'datacenter-2');
const hostFolder = mor('Folder', 'group-h4');
const cluster = mor('ClusterComputeResource', 'domain-c7');
const host = mor('HostSystem', 'host-9');

const topology = new Topology([
  { ref: root, name: 'Datacenters', parent: undefined },
  { ref: dc, name: 'dc-east', parent: root },
  { ref: hostFolder, name: 'host', parent: dc },
  { ref: cluster, name: 'c1', parent: hostFolder },
  { ref: host, name: 'esx-1', parent: cluster },
]);

test('given a host, should list it and its ancestors nearest first', () => {
  assert.deepEqual(
    topology.chain(host).map((n) => n.name),
    ['esx-1', 'c1', 'host', 'dc-east', 'Datacenters'],
  );
});

test('given a host, should find its cluster and datacenter', () => {
  assert.equal(topology.nearest(host, 'ClusterComputeResource')?.name, 'c1');
  assert.equal(topology.nearest(host, 'Datacenter')?.name, 'dc-east');
});

test('given an unknown or absent ref, should answer nothing rather than throw', () => {
  assert.deepEqual(topology.chain(mor('HostSystem', 'host-404')), []);
  assert.equal(topology.nearest(undefined, 'Datacenter'), undefined);
});

test('given a cyclic parent graph from a broken server, should stop instead of looping', () => {
  const a = mor('Folder', 'a');
  const b = mor('Folder', 'b');
  const cyclic = new Topology([
    { ref: a, name: 'a', parent: b },
    { ref: b, name: 'b', parent: a },
  ]);
  assert.ok(cyclic.chain(a).length <= 3);
});
