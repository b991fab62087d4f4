// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mor } from '../../vim25/mor.ts';
import { resolveZoneRegion } from './zone-resolver.ts';

const host = mor('HostSystem', 'host-1');
const cluster = mor('ClusterComputeResource', 'domain-c1');
const dc = mor('Datacenter', 'datacenter-1');
const vm = mor('VirtualMachine', 'vm-1');

test('given zone on the cluster and region on the datacenter, should combine both', () => {
  const tags = {
    zones: new Map([['ClusterComputeResource:domain-c1', 'zone-a']]),
    regions: new Map([['Datacenter:datacenter-1', 'region-1']]),
  };
  assert.deepEqual(resolveZoneRegion([[host, cluster, dc]], tags), { zone: 'zone-a', region: 'region-1' });
});

test('given a zone on the host and another on the datacenter, should take the nearest', () => {
  const tags = {
    zones: new Map([
      ['Datacenter:datacenter-1', 'zone-far'],
      ['HostSystem:host-1', 'zone-near'],
    ]),
    regions: new Map([['Datacenter:datacenter-1', 'region-1']]),
  };
  assert.deepEqual(resolveZoneRegion([[host, cluster, dc]], tags), { zone: 'zone-near', region: 'region-1' });
});

test('given tags only on the VM chain, should fall through the host chain to it', () => {
  const tags = {
    zones: new Map([['VirtualMachine:vm-1', 'z']]),
    regions: new Map([['VirtualMachine:vm-1', 'r']]),
  };
  assert.deepEqual(resolveZoneRegion([[host, cluster, dc], [vm]], tags), { zone: 'z', region: 'r' });
});

test('given no tags, should return neither', () => {
  const tags = { zones: new Map<string, string>(), regions: new Map<string, string>() };
  assert.deepEqual(resolveZoneRegion([[host, dc]], tags), { zone: undefined, region: undefined });
});
