// SPDX-License-Identifier: Apache-2.0
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InstanceNotFoundError, ProviderUnavailableError } from '../cloud/errors.ts';
import { mor } from '../vim25/mor.ts';
import { FakeIndex, type FakeVm } from '../../test/fakes/fake-index.ts';
import { EmptyNodeIdError } from './provider-id.ts';
import {
  AmbiguousVmError,
  NodeNameMismatchError,
  VmLocator,
  uuidForms,
  type LocatorVCenter,
} from './vm-locator.ts';

/** A BIOS UUID and its SMBIOS byte-swapped form (the kubelet's systemUUID), from the reference. */
const BIOS = '422e4956-ad22-1139-6d72-59cc8f26bc90';
const SWAPPED = '56492e42-22ad-3911-6d72-59cc8f26bc90';
const OTHER = '4237a1b2-c3d4-e5f6-0718-293a4b5c6d02';

const folder = mor('Folder', 'group-v3');
const topology = [
  { ref: mor('Folder', 'group-d1'), name: 'Datacenters', parent: undefined },
  { ref: mor('Datacenter', 'datacenter-2'), name: 'dc-east', parent: mor('Folder', 'group-d1') },
  { ref: folder, name: 'vm', parent: mor('Datacenter', 'datacenter-2') },
];

function node1(extra: Partial<FakeVm> = {}): FakeVm {
  return {
    id: 'vm-1',
    biosUuid: BIOS,
    guestHostName: 'node-1',
    guestIpAddress: '10.0.0.11',
    nics: [
      { network: 'VM Network', deviceConfigId: 4000, macAddress: undefined, ipAddresses: ['10.0.0.11'] },
    ],
    parent: folder,
    ...extra,
  };
}

function setup(...indexes: (FakeIndex | { tenantRef: string; reason: string })[]): VmLocator {
  const vcenters: LocatorVCenter[] = indexes.map((i) =>
    i instanceof FakeIndex
      ? { tenantRef: i.vcenter, index: i }
      : { tenantRef: i.tenantRef, index: undefined, unavailableReason: i.reason },
  );
  return new VmLocator({ vcenters: () => vcenters });
}

function east(vms: FakeVm[] = [node1()]): FakeIndex {
  const index = new FakeIndex('east', vms);
  index.setTopology(topology);
  return index;
}

describe('VmLocator by providerID', () => {
  test('given the BIOS UUID with prefix and odd case, should match it in the vCenter that has it', () => {
    const locator = setup(new FakeIndex('west'), east());
    const match = locator.locate({ name: 'x', providerID: ` vsphere://${BIOS.toUpperCase()} `.trim() });
    assert.equal(match.vm.ref.value, 'vm-1');
    assert.equal(match.tenantRef, 'east');
    assert.equal(match.matchedBy, 'uuid');
    assert.equal(match.query, BIOS);
    assert.equal(match.datacenter?.name, 'dc-east');
    assert.equal(match.current, true);
  });

  test('given the swapped form in the providerID, should match by the swapped UUID', () => {
    const match = setup(east()).locate({ name: 'x', providerID: `vsphere://${SWAPPED}` });
    assert.equal(match.matchedBy, 'swapped-uuid');
    assert.equal(match.query, BIOS);
  });

  test('given a providerID no VM has, should not fall back to the node name', () => {
    assert.throws(
      () => setup(east()).locate({ name: 'node-1', providerID: `vsphere://${OTHER}` }),
      (err) => err instanceof InstanceNotFoundError && err.message.startsWith('No VM found'),
    );
  });

  test('given a providerID that is only the prefix, should reject with nodeID is empty', () => {
    assert.throws(() => setup(east()).locate({ name: 'node-1', providerID: 'vsphere://' }), EmptyNodeIdError);
    assert.throws(
      () => setup(east()).locate({ name: 'node-1', providerID: 'vsphere://' }),
      /^EmptyNodeIdError: nodeID is empty$/,
    );
  });

  test('given two VMs with the UUID, should reject as ambiguous', () => {
    const locator = setup(east(), new FakeIndex('west', [node1({ id: 'vm-9' })]));
    assert.throws(
      () => locator.locate({ name: 'x', providerID: BIOS }),
      (err) =>
        err instanceof AmbiguousVmError &&
        err.message.startsWith('Multiple VMs found') &&
        err.candidates.length === 2,
    );
  });
});

describe('VmLocator by systemUUID, name and IP', () => {
  test('given the kubelet systemUUID, should try the swapped form first', () => {
    const twin = node1({ id: 'vm-2', biosUuid: SWAPPED, guestHostName: 'twin' });
    const match = setup(east([node1(), twin])).locate({ name: 'node-1', systemUUID: SWAPPED.toUpperCase() });
    assert.equal(match.vm.ref.value, 'vm-1');
    assert.equal(match.matchedBy, 'swapped-uuid');
  });

  test('given a systemUUID equal to the BIOS UUID, should match it as given', () => {
    const match = setup(east()).locate({ name: 'whatever', systemUUID: BIOS });
    assert.equal(match.matchedBy, 'uuid');
  });

  test('given an unknown systemUUID, should fall back to the guest host name (case-insensitive query)', () => {
    const match = setup(east([node1({ guestHostName: 'NODE-1' })])).locate({
      name: 'NODE-1',
      systemUUID: OTHER,
    });
    assert.equal(match.matchedBy, 'hostname');
    assert.equal(match.query, 'node-1');
  });

  test('given a host name that differs from the node name in case, should reject with node not found', () => {
    const locator = setup(east([node1({ guestHostName: 'Node-1' })]));
    assert.throws(
      () => locator.locate({ name: 'node-1' }),
      (err) => err instanceof NodeNameMismatchError && err.message.startsWith('node not found'),
    );
  });

  test('given two VMs with the host name, should reject with Multiple VMs found and not try IPs', () => {
    const locator = setup(east(), new FakeIndex('west', [node1({ id: 'vm-7', biosUuid: OTHER })]));
    assert.throws(
      () => locator.locate({ name: 'node-1', addresses: ['10.0.0.11'] }),
      /^AmbiguousVmError: Multiple VMs found/,
    );
  });

  test('given a node named by its IP, should find the VM by IP last', () => {
    const match = setup(east([node1({ guestHostName: 'something-else' })])).locate({ name: '10.0.0.11' });
    assert.equal(match.matchedBy, 'ip');
    assert.equal(match.vm.ref.value, 'vm-1');
  });

  test('given no host name match, should find the VM by one of the Node addresses', () => {
    const match = setup(east([node1({ guestHostName: undefined })])).locate({
      name: 'node-1',
      addresses: ['node-1.example.com', '192.0.2.1', '10.0.0.11'],
    });
    assert.equal(match.matchedBy, 'ip');
  });

  test('given Node addresses that lead to two VMs, should reject as ambiguous', () => {
    const other = node1({
      id: 'vm-3',
      biosUuid: OTHER,
      guestHostName: 'n3',
      guestIpAddress: '10.0.0.13',
      nics: [],
    });
    const locator = setup(east([node1({ guestHostName: 'n1' }), other]));
    assert.throws(
      () => locator.locate({ name: 'node-1', addresses: ['10.0.0.11', '10.0.0.13'] }),
      AmbiguousVmError,
    );
  });

  test('given nothing matches anywhere, should reject with No VM found', () => {
    assert.throws(() => setup(east()).locate({ name: 'node-9', systemUUID: OTHER }), InstanceNotFoundError);
  });

  test('given a Node with nothing to look up by, should reject with nodeID is empty', () => {
    assert.throws(() => setup(east()).locate({ name: ' ' }), EmptyNodeIdError);
  });
});

describe('VmLocator with vCenters that cannot answer', () => {
  test('given a vCenter not connected yet and the VM elsewhere, should still find it', () => {
    const match = setup({ tenantRef: 'down', reason: 'connection refused' }, east()).locate({
      name: 'x',
      providerID: BIOS,
    });
    assert.equal(match.tenantRef, 'east');
  });

  test('given a vCenter not connected yet and no match, should reject as unavailable, never not found', () => {
    const locator = setup({ tenantRef: 'down', reason: 'connection refused' }, east());
    assert.throws(
      () => locator.locate({ name: 'x', providerID: OTHER }),
      (err) => err instanceof ProviderUnavailableError && /"down".*connection refused/.test(err.message),
    );
  });

  test('given an unsynced index, should reject as unavailable without asking it', () => {
    const loading = new FakeIndex('west');
    loading.synced = false;
    assert.throws(
      () => setup(east(), loading).locate({ name: 'x', providerID: OTHER }),
      ProviderUnavailableError,
    );
    assert.equal(loading.lookups, 0);
  });

  test('given an unhealthy index and no match, should reject and not fall back to weaker keys', () => {
    const stale = new FakeIndex('west');
    stale.healthy = false;
    stale.lastError = { code: 'SOAP_TRANSPORT', message: 'connection reset', at: 0 };
    const locator = setup(east(), stale);
    assert.throws(
      () => locator.locate({ name: 'node-1', systemUUID: OTHER }),
      (err) => err instanceof ProviderUnavailableError && err.message.includes('SOAP_TRANSPORT'),
    );
  });

  test('given the VM in an unhealthy index, should return it marked not current', () => {
    const stale = east();
    stale.healthy = false;
    const match = setup(stale).locate({ name: 'x', providerID: BIOS });
    assert.equal(match.current, false);
  });

  test('given findByUuid with no match and every index healthy, should answer empty', () => {
    assert.deepEqual(setup(east(), new FakeIndex('west')).findByUuid(OTHER), []);
  });

  test('given findByUuid with a match in either form, should return every VM that has it', () => {
    const locator = setup(east(), new FakeIndex('west', [node1({ id: 'vm-8' })]));
    assert.deepEqual(
      locator.findByUuid(SWAPPED).map((m) => `${m.tenantRef}/${m.vm.ref.value}/${m.matchedBy}`),
      ['east/vm-1/swapped-uuid', 'west/vm-8/swapped-uuid'],
    );
  });
});

test('given a UUID, uuidForms should give it trimmed and lower-cased, then byte-swapped', () => {
  assert.deepEqual(uuidForms(` ${BIOS.toUpperCase()} `), [BIOS, SWAPPED]);
});
