// SPDX-License-Identifier: Apache-2.0
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabelsConfig, NodesConfig } from '../config/config.ts';
import { InstanceNotFoundError, ProviderUnavailableError } from '../cloud/errors.ts';
import { mor } from '../vim25/mor.ts';
import { FakeAuthoritativeCheck } from '../../test/fakes/fake-authoritative-check.ts';
import { FakeIndex, type FakeVm } from '../../test/fakes/fake-index.ts';
import { AbsenceNotConfirmedError } from './absence-rule.ts';
import { VSphereInstances, VmPropertyUnknownError, type VSphereInstancesOptions } from './instances.ts';
import { NodeAddressError } from './node-addresses.ts';
import { VmLocator } from './vm-locator.ts';
import { ZoneTagsMissingError } from './zone-chains.ts';

const BIOS = '422e4956-ad22-1139-6d72-59cc8f26bc90';
const SWAPPED = '56492e42-22ad-3911-6d72-59cc8f26bc90';

const root = mor('Folder', 'group-d1');
const dc = mor('Datacenter', 'datacenter-2');
const hostFolder = mor('Folder', 'group-h4');
const cluster = mor('ClusterComputeResource', 'domain-c7');
const host = mor('HostSystem', 'host-9');
const pool = mor('ResourcePool', 'resgroup-8');
const vmFolder = mor('Folder', 'group-v3');
const topology = [
  { ref: root, name: 'Datacenters', parent: undefined },
  { ref: dc, name: 'dc-east', parent: root },
  { ref: hostFolder, name: 'host', parent: dc },
  { ref: cluster, name: 'c1', parent: hostFolder },
  { ref: host, name: 'esx-1', parent: cluster },
  { ref: pool, name: 'Resources', parent: cluster },
  { ref: vmFolder, name: 'vm', parent: dc },
];

const noNodes: NodesConfig = {
  internalNetworkSubnetCidrs: [],
  externalNetworkSubnetCidrs: [],
  internalVmNetworkName: undefined,
  externalVmNetworkName: undefined,
  excludeInternalNetworkSubnetCidrs: [],
  excludeExternalNetworkSubnetCidrs: [],
};
const zonesOn: LabelsConfig = { zone: 'k8s-zone', region: 'k8s-region' };

function node1(extra: Partial<FakeVm> = {}): FakeVm {
  return {
    id: 'vm-1',
    name: 'node-1',
    biosUuid: BIOS,
    powerState: 'poweredOn',
    host,
    resourcePool: pool,
    parent: vmFolder,
    guestHostName: 'node-1',
    guestIpAddress: '10.0.0.11',
    nics: [
      {
        network: 'VM Network',
        deviceConfigId: 4000,
        macAddress: undefined,
        ipAddresses: ['10.0.0.11', 'fe80::1'],
      },
    ],
    numCpu: 4,
    memoryMB: 8192,
    guestId: 'ubuntu64Guest',
    ...extra,
  };
}

function setup(
  vms: FakeVm[] = [node1()],
  extra: Partial<VSphereInstancesOptions> = {},
): { instances: VSphereInstances; index: FakeIndex; check: FakeAuthoritativeCheck } {
  const index = new FakeIndex('east', vms);
  index.setTopology(topology);
  index.tagSnapshot = {
    index: {
      zones: new Map([['ClusterComputeResource:domain-c7', 'zone-a']]),
      regions: new Map([['Datacenter:datacenter-2', 'region-east']]),
    },
    loadedAt: 0,
  };
  const check = new FakeAuthoritativeCheck();
  const instances = new VSphereInstances({
    locator: new VmLocator({ vcenters: () => [{ tenantRef: 'east', index }] }),
    check,
    ipFamilies: () => ['ipv4'],
    nodes: noNodes,
    labels: zonesOn,
    ...extra,
  });
  return { instances, index, check };
}

describe('VSphereInstances.instanceMetadata', () => {
  test('given an initialised-to-be Node found by name, should assemble every field from the index', async () => {
    const { instances, index, check } = setup();
    const lookupsBefore = index.lookups;
    const metadata = await instances.instanceMetadata({ name: 'node-1' });
    assert.deepEqual(metadata, {
      providerID: `vsphere://${BIOS}`,
      instanceType: 'vsphere-vm.cpu-4.mem-8gb.os-ubuntu',
      nodeAddresses: [
        { type: 'Hostname', address: 'node-1' },
        { type: 'InternalIP', address: '10.0.0.11' },
        { type: 'ExternalIP', address: '10.0.0.11' },
      ],
      zone: 'zone-a',
      region: 'region-east',
      additionalLabels: {},
    });
    assert.ok(index.lookups > lookupsBefore, 'answered from the index');
    assert.deepEqual(check.calls, [], 'no vCenter call');
  });

  test('given a Node with its own providerID (swapped form), should keep it exactly', async () => {
    const { instances } = setup();
    const metadata = await instances.instanceMetadata({ name: 'node-1', providerID: `vsphere://${SWAPPED}` });
    assert.equal(metadata.providerID, `vsphere://${SWAPPED}`);
  });

  test('given the VM vCenter IP families, should publish addresses of those families in order', async () => {
    const vm = node1({
      nics: [
        {
          network: 'VM Network',
          deviceConfigId: 4000,
          macAddress: undefined,
          ipAddresses: ['10.0.0.11', 'fd00::11'],
        },
      ],
    });
    const { instances } = setup([vm], { ipFamilies: (t) => (t === 'east' ? ['ipv6', 'ipv4'] : undefined) });
    const metadata = await instances.instanceMetadata({ name: 'node-1' });
    assert.deepEqual(
      metadata.nodeAddresses.map((a) => `${a.type}=${a.address}`),
      [
        'Hostname=node-1',
        'InternalIP=fd00::11',
        'ExternalIP=fd00::11',
        'InternalIP=10.0.0.11',
        'ExternalIP=10.0.0.11',
      ],
    );
  });

  test('given a zone category only, should leave zone and region empty without reading tags', async () => {
    const { instances, index } = setup([node1()], { labels: { zone: 'k8s-zone', region: undefined } });
    index.tagSnapshot = undefined;
    const metadata = await instances.instanceMetadata({ name: 'node-1' });
    assert.equal(metadata.zone, '');
    assert.equal(metadata.region, '');
  });

  test('given zones configured but no tag snapshot yet, should reject as unavailable', async () => {
    const { instances, index } = setup();
    index.tagSnapshot = undefined;
    await assert.rejects(instances.instanceMetadata({ name: 'node-1' }), ProviderUnavailableError);
  });

  test('given no region tag on any chain, should reject with the reference message', async () => {
    const { instances, index } = setup();
    index.tagSnapshot = {
      index: { zones: new Map([['HostSystem:host-9', 'zone-h']]), regions: new Map() },
      loadedAt: 0,
    };
    await assert.rejects(
      instances.instanceMetadata({ name: 'node-1' }),
      (err) =>
        err instanceof ZoneTagsMissingError &&
        err.message ===
          'vSphere region category k8s-region does not match any tags for mo: VirtualMachine:vm-1',
    );
  });

  test('given a VM whose tools report no host name, should reject with the address error', async () => {
    const { instances } = setup([node1({ guestHostName: undefined })]);
    await assert.rejects(
      instances.instanceMetadata({ name: 'node-1', providerID: `vsphere://${BIOS}` }),
      (err) => err instanceof NodeAddressError && err.message === 'VM Guest hostname is empty',
    );
  });

  test('given additional labels, should return a copy of them', async () => {
    const labels = { 'example.com/pool': 'blue' };
    const { instances } = setup([node1()], { additionalLabels: labels });
    const metadata = await instances.instanceMetadata({ name: 'node-1' });
    assert.deepEqual(metadata.additionalLabels, labels);
    assert.notEqual(metadata.additionalLabels, labels);
  });

  test('given the VM only in an index that is not current, should reject rather than publish stale data', async () => {
    const { instances, index } = setup();
    index.healthy = false;
    await assert.rejects(instances.instanceMetadata({ name: 'node-1' }), ProviderUnavailableError);
  });

  test('given an unknown node, should reject with No VM found', async () => {
    const { instances } = setup();
    await assert.rejects(instances.instanceMetadata({ name: 'node-9' }), InstanceNotFoundError);
  });
});

describe('VSphereInstances.instanceShutdown', () => {
  for (const [power, expected] of [
    ['poweredOn', false],
    ['poweredOff', true],
    ['suspended', true],
  ] as const) {
    test(`given a VM ${power}, should answer ${String(expected)}`, async () => {
      const { instances } = setup([node1({ powerState: power })]);
      assert.equal(
        await instances.instanceShutdown({ name: 'node-1', providerID: `vsphere://${BIOS}` }),
        expected,
      );
    });
  }

  test('given a powered-off VM that reports no host name and no IPs, should still answer true', async () => {
    const { instances, check } = setup([
      node1({ powerState: 'poweredOff', guestHostName: undefined, guestIpAddress: undefined, nics: [] }),
    ]);
    assert.equal(await instances.instanceShutdown({ name: 'node-1', providerID: `vsphere://${BIOS}` }), true);
    assert.deepEqual(check.calls, []);
  });

  test('given an unknown power state, should reject rather than guess', async () => {
    const { instances } = setup([node1({ powerState: undefined })]);
    await assert.rejects(
      instances.instanceShutdown({ name: 'node-1', providerID: BIOS }),
      VmPropertyUnknownError,
    );
  });

  test('given the VM in an index that is not current, should reject', async () => {
    const { instances, index } = setup([node1({ powerState: 'poweredOff' })]);
    index.healthy = false;
    await assert.rejects(
      instances.instanceShutdown({ name: 'node-1', providerID: BIOS }),
      ProviderUnavailableError,
    );
  });
});

describe('VSphereInstances.instanceExists (found)', () => {
  test('given the VM by providerID, should answer true without calling vCenter', async () => {
    const { instances, check } = setup([
      node1({ powerState: 'poweredOff', nics: [], guestHostName: undefined }),
    ]);
    assert.equal(await instances.instanceExists({ name: 'node-1', providerID: `vsphere://${BIOS}` }), true);
    assert.deepEqual(check.calls, []);
  });

  test('given the VM only in an index that is not current, should still answer true', async () => {
    const { instances, index } = setup();
    index.healthy = false;
    assert.equal(await instances.instanceExists({ name: 'node-1', providerID: BIOS }), true);
  });

  test('given two VMs with the UUID, should answer true (something with it exists)', async () => {
    const { instances } = setup([node1(), node1({ id: 'vm-2', guestHostName: 'copy' })]);
    assert.equal(await instances.instanceExists({ name: 'node-1', providerID: BIOS }), true);
  });

  test('given a Node without providerID found by name, should answer true', async () => {
    const { instances } = setup();
    assert.equal(await instances.instanceExists({ name: 'node-1' }), true);
  });

  test('given a Node without providerID and no VM, should reject, never answer false', async () => {
    const { instances, check } = setup();
    await assert.rejects(
      instances.instanceExists({ name: 'node-9' }),
      (err) =>
        err instanceof AbsenceNotConfirmedError &&
        err.hold === 'no-provider-id' &&
        err.cause instanceof InstanceNotFoundError,
    );
    assert.deepEqual(check.calls, []);
  });

  test('given an aborted signal, should reject with its reason', async () => {
    const { instances } = setup();
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await assert.rejects(
      instances.instanceExists({ name: 'node-1', providerID: BIOS }, { signal: ac.signal }),
      /stop/,
    );
  });
});
