// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { instanceIdFromBiosUuid, instanceIdFromProviderId, providerIdFromBiosUuid } from './provider-id.ts';

const UUID = '423740e7-c66e-05e3-9d0b-9e1205b24d43';

describe('instanceIdFromProviderId', () => {
  const parsed: readonly (readonly [input: string, id: string])[] = [
    [`vsphere://${UUID}`, UUID],
    [`vsphere://${UUID.toUpperCase()}`, UUID],
    [UUID, UUID],
    [UUID.toUpperCase(), UUID],
    [`vsphere://  ${UUID}\n`, UUID],
    [` vsphere://${UUID}`, `vsphere://${UUID}`],
    [`VSPHERE://${UUID}`, `vsphere://${UUID}`],
    [`vsphere://vsphere://${UUID}`, `vsphere://${UUID}`],
    [`vsphere://\u0085${UUID}\u00a0`, UUID],
    ['vsphere://not-a-uuid', 'not-a-uuid'],
  ];
  for (const [input, id] of parsed) {
    test(`given ${JSON.stringify(input)}, should yield ${JSON.stringify(id)}`, () => {
      assert.equal(instanceIdFromProviderId(input), id);
    });
  }

  for (const input of ['', 'vsphere://', 'vsphere://   ', '  ']) {
    test(`given ${JSON.stringify(input)}, should fail with "nodeID is empty"`, () => {
      assert.throws(() => instanceIdFromProviderId(input), {
        name: 'EmptyNodeIdError',
        message: 'nodeID is empty',
        code: 'NODE_ID_EMPTY',
      });
    });
  }

  test('given a zero-width no-break space around the id, should keep it as Go TrimSpace does', () => {
    assert.equal(instanceIdFromProviderId(`\ufeff${UUID}`), `\ufeff${UUID}`);
  });
});

describe('providerIdFromBiosUuid', () => {
  test('given an upper-case BIOS UUID with spaces, should write vsphere:// plus the lower-case UUID', () => {
    assert.equal(providerIdFromBiosUuid(` ${UUID.toUpperCase()} `), `vsphere://${UUID}`);
    assert.equal(instanceIdFromBiosUuid(UUID.toUpperCase()), UUID);
  });

  test('given a providerID it wrote, should parse back to the same instance id', () => {
    assert.equal(instanceIdFromProviderId(providerIdFromBiosUuid(UUID.toUpperCase())), UUID);
  });

  for (const uuid of [undefined, '', '  ']) {
    test(`given BIOS UUID ${JSON.stringify(uuid)}, should fail with "discovered VM UUID is empty"`, () => {
      assert.throws(() => providerIdFromBiosUuid(uuid), {
        name: 'EmptyVmUuidError',
        message: 'discovered VM UUID is empty',
        code: 'VM_UUID_EMPTY',
      });
    });
  }
});
