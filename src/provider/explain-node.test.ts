// SPDX-License-Identifier: Apache-2.0
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IpFamily, LabelsConfig, NodesConfig, VCenterConfig } from '../config/config.ts';
import { InstanceNotFoundError, ProviderUnavailableError } from '../cloud/errors.ts';
import { mor } from '../vim25/mor.ts';
import { FakeAuthoritativeCheck } from '../../test/fakes/fake-authoritative-check.ts';
import { FakeIndex, type FakeVm } from '../../test/fakes/fake-index.ts';
import { explainNode, type ExplainNodeOptions } from './explain-node.ts';
import { VSphereInstances } from './instances.ts';
import { AmbiguousVmError, VmLocator } from './vm-locator.ts';

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

function vcenter(ipFamilies: readonly IpFamily[]): VCenterConfig {
  return {
    tenantRef: 'east',
    server: 'vc.example.com',
    port: 443,
    user: 'admin',
    password: 'not-printed',
    insecure: false,
    caFile: undefined,
    thumbprint: undefined,
    datacenters: [],
    ipFamilies,
    soapRoundtripCount: 3,
    secretRef: undefined,
  };
}

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
        ipAddresses: ['10.0.0.11', 'fe80::1', '192.168.1.5'],
      },
    ],
    numCpu: 4,
    memoryMB: 8192,
    guestId: 'ubuntu64Guest',
    ...extra,
  };
}

interface Setup {
  readonly options: ExplainNodeOptions;
  readonly index: FakeIndex;
  readonly instances: VSphereInstances;
  readonly check: FakeAuthoritativeCheck;
}

function setup(
  vms: FakeVm[] = [node1()],
  extra: { labels?: LabelsConfig; ipFamilies?: readonly IpFamily[]; nodes?: NodesConfig } = {},
): Setup {
  const index = new FakeIndex('east', vms);
  index.setTopology(topology);
  index.tagSnapshot = {
    index: {
      zones: new Map([
        ['ClusterComputeResource:domain-c7', 'zone-a'],
        ['HostSystem:host-9', 'zone-host'],
      ]),
      regions: new Map([['Datacenter:datacenter-2', 'region-east']]),
    },
    loadedAt: 0,
  };
  const config = {
    vcenters: new Map([['east', vcenter(extra.ipFamilies ?? ['ipv4'])]]),
    labels: extra.labels ?? zonesOn,
    nodes: extra.nodes ?? noNodes,
  };
  const locator = new VmLocator({ vcenters: () => [{ tenantRef: 'east', index }] });
  const check = new FakeAuthoritativeCheck();
  const instances = new VSphereInstances({
    locator,
    check,
    ipFamilies: (t) => config.vcenters.get(t)?.ipFamilies,
    nodes: config.nodes,
    labels: config.labels,
  });
  return { options: { locator, instances, config }, index, instances, check };
}

describe('explainNode', () => {
  test('given a Node found by name, should explain every published value the way metadata computes it', async () => {
    const { options, instances, check } = setup();
    const e = await explainNode({ name: 'node-1' }, options);
    const metadata = await instances.instanceMetadata({ name: 'node-1' });
    assert.deepEqual(
      [e.providerID, e.instanceType, e.addresses, e.zone, e.region],
      [metadata.providerID, metadata.instanceType, metadata.nodeAddresses, metadata.zone, metadata.region],
    );
    assert.deepEqual(e.vm, {
      vcenter: 'east',
      server: 'vc.example.com:443',
      datacenter: 'dc-east',
      name: 'node-1',
      moref: 'VirtualMachine:vm-1',
      biosUuid: BIOS,
      instanceUuid: null,
      powerState: 'poweredOn',
      guestHostName: 'node-1',
    });
    assert.deepEqual([e.matchedBy, e.matchQuery, e.exists, e.shutdown], ['hostname', 'node-1', true, false]);
    assert.deepEqual(e.errors, {});
    assert.deepEqual(check.calls, [], 'a found VM needs no vCenter call');
  });

  test('given several guest IPs, should give each one its decision and rule in guest order', async () => {
    const { options } = setup();
    const e = await explainNode({ name: 'node-1' }, options);
    assert.deepEqual(
      e.candidates.map((c) => [c.ip, c.network, c.nic, c.decision]),
      [
        ['10.0.0.11', 'VM Network', 0, 'picked'],
        ['fe80::1', 'VM Network', 0, 'dropped'],
        ['192.168.1.5', 'VM Network', 0, 'unused'],
      ],
    );
    assert.match(e.candidates[0]?.rule ?? '', /^InternalIP by default selection/);
    assert.match(e.candidates[1]?.rule ?? '', /link-local/);
  });

  test('given tags on host, cluster and datacenter, should name the nearest carrier of each key', async () => {
    const { options } = setup();
    const e = await explainNode({ name: 'node-1' }, options);
    assert.deepEqual(e.zoneSource, {
      chain: 'host',
      zone: { value: 'zone-host', moref: 'HostSystem:host-9', name: 'esx-1' },
      region: { value: 'region-east', moref: 'Datacenter:datacenter-2', name: 'dc-east' },
    });
    assert.deepEqual(
      e.zoneAttempts.map((a) => [a.chain, a.name]),
      [['host', 'esx-1']],
    );
  });

  test('given a zone chain without a region anywhere, should report the reference error and keep the rest', async () => {
    const { options, index } = setup();
    index.tagSnapshot = {
      index: { zones: new Map([['HostSystem:host-9', 'z']]), regions: new Map() },
      loadedAt: 0,
    };
    const e = await explainNode({ name: 'node-1' }, options);
    assert.deepEqual([e.zone, e.region, e.zoneSource], [null, null, null]);
    assert.equal(
      e.errors.zone?.message,
      'vSphere region category k8s-region does not match any tags for mo: VirtualMachine:vm-1',
    );
    assert.deepEqual(
      e.zoneAttempts.map((a) => [a.chain, a.zone?.value ?? null, a.region]),
      [
        ['host', 'z', null],
        ['resourcePool', null, null],
        ['vm', null, null],
      ],
    );
    assert.notEqual(e.addresses, null, 'addresses are still computed');
  });

  test('given tags not loaded yet, should say so rather than report missing tags', async () => {
    const { options, index } = setup();
    index.tagSnapshot = undefined;
    const e = await explainNode({ name: 'node-1' }, options);
    const { code, message } = e.errors.zone ?? {};
    assert.equal(code, 'PROVIDER_UNAVAILABLE');
    assert.match(message ?? '', /tags of vCenter "east" are not loaded yet/);
  });

  test('given zones not configured, should leave zone and region null without an error', async () => {
    const { options } = setup([node1()], { labels: { zone: 'k8s-zone', region: undefined } });
    const e = await explainNode({ name: 'node-1' }, options);
    assert.deepEqual(
      [e.zonesEnabled, e.zone, e.region, e.zoneAttempts, e.errors],
      [false, null, null, [], {}],
    );
  });

  test('given a VM with no usable IP, should keep what is known and the exact reference error', async () => {
    const nics = [
      { network: 'VM Network', deviceConfigId: 4000, macAddress: undefined, ipAddresses: ['fe80::1'] },
    ];
    const { options } = setup([node1({ nics, guestIpAddress: undefined })]);
    const e = await explainNode({ name: 'node-1' }, options);
    assert.equal(e.addresses, null);
    assert.deepEqual(e.errors.addresses, {
      code: 'NO_USABLE_IP',
      message: 'unable to find suitable IP address for node after filtering out localhost IPs',
    });
    assert.deepEqual(
      [e.providerID, e.zone, e.exists, e.shutdown],
      [`vsphere://${BIOS}`, 'zone-host', true, false],
    );
    assert.deepEqual(
      e.candidates.map((c) => c.decision),
      ['dropped'],
    );
  });

  test('given an IPv6-only vCenter, should use its IP families for the addresses', async () => {
    const nics = [
      {
        network: 'VM Network',
        deviceConfigId: 4000,
        macAddress: undefined,
        ipAddresses: ['10.0.0.11', 'fd00::11'],
      },
    ];
    const { options } = setup([node1({ nics })], { ipFamilies: ['ipv6'] });
    const e = await explainNode({ name: 'node-1' }, options);
    assert.deepEqual(e.ipFamilies, ['ipv6']);
    assert.deepEqual(
      e.addresses?.map((a) => a.address),
      ['node-1', 'fd00::11', 'fd00::11'],
    );
    assert.equal(e.candidates[0]?.decision, 'unused');
  });

  test('given a powered-off VM found by the swapped system UUID, should say shut down and why', async () => {
    const { options } = setup([node1({ powerState: 'poweredOff' })]);
    const e = await explainNode({ name: '', systemUUID: SWAPPED }, options);
    assert.deepEqual([e.matchedBy, e.matchQuery, e.shutdown], ['swapped-uuid', BIOS, true]);
    assert.match(e.shutdownReason, /poweredOff/);
  });

  test('given a Node with providerID, should keep it and explain exists by UUID', async () => {
    const { options } = setup();
    const e = await explainNode({ name: 'node-1', providerID: `vsphere://${SWAPPED}` }, options);
    assert.equal(e.providerID, `vsphere://${SWAPPED}`);
    assert.equal(e.matchedBy, 'swapped-uuid');
    assert.equal(e.existsReason, `the inventory of vCenter "east" has a VM with UUID ${BIOS}`);
  });

  test('given an index that is synced but not current, should report it and the refused verdict', async () => {
    const { options, index } = setup();
    index.healthy = false;
    index.lastError = { code: 'SOAP_TRANSPORT', message: 'connection reset', at: 0 };
    const e = await explainNode({ name: 'node-1' }, options);
    assert.equal(e.inventoryCurrent, false);
    assert.match(e.errors.inventory?.message ?? '', /not current \(SOAP_TRANSPORT: connection reset\)/);
    assert.equal(e.shutdown, null);
    assert.equal(e.errors.shutdown?.code, new ProviderUnavailableError('').code);
  });

  test('given no VM or several VMs, should throw the locator error', async () => {
    const twin = node1({ id: 'vm-2', biosUuid: '422e4956-ad22-1139-6d72-59cc8f26bc91' });
    const { options } = setup([node1(), twin]);
    await assert.rejects(explainNode({ name: 'node-1' }, options), (err) => {
      assert.ok(err instanceof AmbiguousVmError);
      assert.match(err.message, /^Multiple VMs found/);
      return true;
    });
    await assert.rejects(explainNode({ name: 'node-9' }, options), InstanceNotFoundError);
  });
});
