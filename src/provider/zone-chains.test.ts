// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mor } from '../vim25/mor.ts';
import type { TagIndex } from '../vsphere/inventory/zone-resolver.ts';
import { resolveZoneChains, ZoneTagsMissingError, type ZoneChain } from './zone-chains.ts';

const root = mor('Folder', 'group-d1');
const dc = mor('Datacenter', 'datacenter-2');
const hostFolder = mor('Folder', 'group-h4');
const cluster = mor('ClusterComputeResource', 'domain-c7');
const host = mor('HostSystem', 'host-10');
const rootPool = mor('ResourcePool', 'resgroup-8');
const pool = mor('ResourcePool', 'resgroup-20');
const vmFolder = mor('Folder', 'group-v3');
const vm = mor('VirtualMachine', 'vm-42');

const chains: readonly ZoneChain[] = [
  { kind: 'host', objects: [host, cluster, hostFolder, dc, root] },
  { kind: 'resourcePool', objects: [pool, rootPool, cluster, hostFolder, dc, root] },
  { kind: 'vm', objects: [vm, vmFolder, dc, root] },
];
const categories = { zone: 'k8s-zone', region: 'k8s-region' };

function index(zones: Record<string, string>, regions: Record<string, string>): TagIndex {
  return { zones: new Map(Object.entries(zones)), regions: new Map(Object.entries(regions)) };
}

describe('resolveZoneChains', () => {
  test('given zone and region on the host, should take both from the host chain', () => {
    const r = resolveZoneChains(
      chains,
      index({ 'HostSystem:host-10': 'z1' }, { 'HostSystem:host-10': 'r1' }),
      categories,
    );
    assert.ok(r.ok);
    assert.deepEqual(r.match, { zone: 'z1', region: 'r1', chain: 'host', zoneFrom: host, regionFrom: host });
  });

  test('given the region on the datacenter and the zone on the cluster, should combine them', () => {
    const r = resolveZoneChains(
      chains,
      index({ 'ClusterComputeResource:domain-c7': 'z-c' }, { 'Datacenter:datacenter-2': 'r-dc' }),
      categories,
    );
    assert.ok(r.ok);
    assert.deepEqual(r.match, {
      zone: 'z-c',
      region: 'r-dc',
      chain: 'host',
      zoneFrom: cluster,
      regionFrom: dc,
    });
  });

  test('given host tags and datacenter tags, should let the nearer host tags win', () => {
    const r = resolveZoneChains(
      chains,
      index(
        { 'HostSystem:host-10': 'z-host', 'Datacenter:datacenter-2': 'z-dc' },
        { 'HostSystem:host-10': 'r-host', 'Datacenter:datacenter-2': 'r-dc' },
      ),
      categories,
    );
    assert.ok(r.ok);
    assert.deepEqual([r.match?.zone, r.match?.region], ['z-host', 'r-host']);
  });

  test('given a zone on the host only and both tags farther up, should keep the nearer zone', () => {
    const r = resolveZoneChains(
      chains,
      index(
        { 'HostSystem:host-10': 'z-near', 'Datacenter:datacenter-2': 'z-far' },
        { 'Datacenter:datacenter-2': 'r-far' },
      ),
      categories,
    );
    assert.ok(r.ok);
    assert.deepEqual([r.match?.zone, r.match?.zoneFrom, r.match?.region], ['z-near', host, 'r-far']);
  });

  test('given tags only on the resource pool, should use the resource-pool chain', () => {
    const r = resolveZoneChains(
      chains,
      index({ 'ResourcePool:resgroup-20': 'z-rp' }, { 'ResourcePool:resgroup-20': 'r-rp' }),
      categories,
    );
    assert.ok(r.ok);
    assert.equal(r.match?.chain, 'resourcePool');
    assert.deepEqual(
      r.attempts.map((a) => [a.chain, a.zone?.value, a.region?.value]),
      [
        ['host', undefined, undefined],
        ['resourcePool', 'z-rp', 'r-rp'],
      ],
    );
  });

  test('given a zone on the host chain and a region only on the VM folder, should not mix chains', () => {
    const r = resolveZoneChains(
      chains,
      index({ 'HostSystem:host-10': 'z-host' }, { 'Folder:group-v3': 'r-folder' }),
      categories,
    );
    assert.equal(r.ok, false);
    assert.ok(r.error instanceof ZoneTagsMissingError);
    assert.equal(
      r.error.message,
      'vSphere zone category k8s-zone does not match any tags for mo: VirtualMachine:vm-42',
    );
    assert.equal(r.error.code, 'ZONE_TAGS_MISSING');
  });

  test('given tags on the VM folder, should use the VM chain', () => {
    const r = resolveZoneChains(
      chains,
      index({ 'Folder:group-v3': 'z' }, { 'Folder:group-v3': 'r' }),
      categories,
    );
    assert.ok(r.ok);
    assert.deepEqual([r.match?.chain, r.match?.zoneFrom, r.match?.regionFrom], ['vm', vmFolder, vmFolder]);
  });

  test('given no tags at all, should fail with the region message for the VM', () => {
    const r = resolveZoneChains(chains, index({}, {}), categories);
    assert.equal(r.ok, false);
    assert.equal(
      r.error.message,
      'vSphere region category k8s-region does not match any tags for mo: VirtualMachine:vm-42',
    );
    assert.equal(r.error.missing, 'region');
    assert.equal(r.attempts.length, 3);
  });

  test('given only a region tag, should fail naming the zone category', () => {
    const r = resolveZoneChains(chains, index({}, { 'Folder:group-d1': 'r' }), categories);
    assert.equal(r.ok, false);
    assert.equal(
      r.error.message,
      'vSphere zone category k8s-zone does not match any tags for mo: VirtualMachine:vm-42',
    );
  });

  test('given no resource-pool chain, should try host then VM', () => {
    const twoChains = chains.filter((c) => c.kind !== 'resourcePool');
    const r = resolveZoneChains(twoChains, index({}, {}), categories);
    assert.deepEqual(
      r.attempts.map((a) => a.chain),
      ['host', 'vm'],
    );
  });

  for (const cats of [
    { zone: undefined, region: 'r' },
    { zone: 'z', region: undefined },
    { zone: '', region: 'r' },
  ]) {
    test(`given categories ${JSON.stringify(cats)}, should report zones as off without error`, () => {
      const r = resolveZoneChains(chains, index({}, {}), cats);
      assert.deepEqual(r, { ok: true, match: undefined, attempts: [] });
    });
  }

  test('given no chains, should fail with the zero MoRef text Go prints', () => {
    const r = resolveZoneChains([], index({}, {}), categories);
    assert.equal(r.ok, false);
    assert.equal(r.error.message, 'vSphere region category k8s-region does not match any tags for mo: :');
  });
});
