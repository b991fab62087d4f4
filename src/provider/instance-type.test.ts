// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { instanceType, SHORT_OS_BY_GUEST_ID, shortGuestOs } from './instance-type.ts';

describe('instanceType', () => {
  const rows: readonly (readonly [
    cpu: number | undefined,
    memMb: number | undefined,
    guestId: string | undefined,
    out: string,
  ])[] = [
    [4, 16384, 'ubuntu64Guest', 'vsphere-vm.cpu-4.mem-16gb.os-ubuntu'],
    [2, 1536, 'rhel9_64Guest', 'vsphere-vm.cpu-2.mem-1gb.os-rhel9'],
    [1, 1023, 'vmwarePhoton64Guest', 'vsphere-vm.cpu-1.mem-0gb.os-photon'],
    [8, 32768, 'windows9Server64Guest', 'vsphere-vm.cpu-8.mem-32gb.os-win10server'],
    [16, 65536, 'debian11_64Guest', 'vsphere-vm.cpu-16.mem-64gb.os-unknown'],
    [2, 4096, 'otherGuest64', 'vsphere-vm.cpu-2.mem-4gb.os-other'],
    [2, 4096, 'eComStation2Guest', 'vsphere-vm.cpu-2.mem-4gb.os-eComStation2'],
    [undefined, undefined, undefined, 'vsphere-vm.cpu-0.mem-0gb.os-unknown'],
  ];
  for (const [numCpu, memorySizeMB, guestId, out] of rows) {
    test(`given ${numCpu} CPUs, ${memorySizeMB} MB and ${guestId}, should be ${out}`, () => {
      assert.equal(instanceType({ numCpu, memorySizeMB, guestId }), out);
    });
  }
});

describe('shortGuestOs', () => {
  const rows: readonly (readonly [guestId: string, short: string])[] = [
    ['centos7_64Guest', 'centos7'],
    ['centos64Guest', 'centos64'],
    ['darwin16_64Guest', 'darwin'],
    ['other3xLinux64Guest', 'linux'],
    ['redhatGuest', 'rhel'],
    ['rhel10_64Guest', 'rhel10'],
    ['sles64Guest', 'sles64'],
    ['turboLinux64Guest', 'turbolinux'],
    ['windows7Server64Guest', 'win7server'],
    ['winXPPro64Guest', 'winxppro'],
    ['UBUNTU64GUEST', 'unknown'],
    ['constructor', 'unknown'],
    ['', 'unknown'],
  ];
  for (const [guestId, short] of rows) {
    test(`given guest id ${JSON.stringify(guestId)}, should be ${short}`, () => {
      assert.equal(shortGuestOs(guestId), short);
    });
  }
});

describe('the guest OS table', () => {
  test('given the reference table, should hold its 151 guest ids and 93 short names', () => {
    assert.equal(SHORT_OS_BY_GUEST_ID.size, 151);
    assert.equal(new Set(SHORT_OS_BY_GUEST_ID.values()).size, 93);
  });
});
