// SPDX-License-Identifier: Apache-2.0

/** What the instance type is computed from (`summary.config`); missing values count as zero/empty. */
export interface InstanceSizing {
  readonly numCpu: number | undefined;
  readonly memorySizeMB: number | undefined;
  /** vSphere guest OS identifier, e.g. `ubuntu64Guest`. */
  readonly guestId: string | undefined;
}

/**
 * Short OS names of the reference's instance-type table, each with the vSphere guest ids that map
 * to it (151 ids). Ids not listed, such as the newer `debian11_64Guest` or
 * `windows2019srv_64Guest`, give `unknown`. Kept identical to the reference so that migrated
 * clusters keep their `node.kubernetes.io/instance-type` labels.
 */
const SHORT_OS_GROUPS: readonly (readonly [short: string, guestIds: readonly string[]])[] = [
  ['asianux3', ['asianux3Guest', 'asianux3_64Guest']],
  ['asianux4', ['asianux4Guest', 'asianux4_64Guest']],
  ['asianux5', ['asianux5_64Guest']],
  ['asianux7', ['asianux7_64Guest']],
  ['centos', ['centosGuest']],
  ['centos6', ['centos6Guest', 'centos6_64Guest']],
  ['centos64', ['centos64Guest']],
  ['centos7', ['centos7Guest', 'centos7_64Guest']],
  ['coreos', ['coreos64Guest']],
  [
    'darwin',
    [
      'darwin10Guest',
      'darwin10_64Guest',
      'darwin11Guest',
      'darwin11_64Guest',
      'darwin12_64Guest',
      'darwin13_64Guest',
      'darwin14_64Guest',
      'darwin15_64Guest',
      'darwin16_64Guest',
      'darwin64Guest',
      'darwinGuest',
    ],
  ],
  ['debian10', ['debian10Guest', 'debian10_64Guest']],
  ['debian4', ['debian4Guest', 'debian4_64Guest']],
  ['debian5', ['debian5Guest', 'debian5_64Guest']],
  ['debian6', ['debian6Guest', 'debian6_64Guest']],
  ['debian7', ['debian7Guest', 'debian7_64Guest']],
  ['debian8', ['debian8Guest', 'debian8_64Guest']],
  ['debian9', ['debian9Guest', 'debian9_64Guest']],
  ['dos', ['dosGuest']],
  ['eComStation', ['eComStationGuest']],
  ['eComStation2', ['eComStation2Guest']],
  ['fedora', ['fedora64Guest', 'fedoraGuest']],
  ['freebsd', ['freebsd64Guest', 'freebsdGuest']],
  [
    'linux',
    [
      'genericLinuxGuest',
      'other24xLinux64Guest',
      'other24xLinuxGuest',
      'other26xLinux64Guest',
      'other26xLinuxGuest',
      'other3xLinux64Guest',
      'other3xLinuxGuest',
      'otherLinux64Guest',
      'otherLinuxGuest',
    ],
  ],
  ['mandrake', ['mandrakeGuest']],
  ['mandriva', ['mandriva64Guest', 'mandrivaGuest']],
  ['netware4', ['netware4Guest']],
  ['netware5', ['netware5Guest']],
  ['netware6', ['netware6Guest']],
  ['nld9', ['nld9Guest']],
  ['oes', ['oesGuest']],
  ['openServer5', ['openServer5Guest']],
  ['openServer6', ['openServer6Guest']],
  ['opensuse', ['opensuse64Guest', 'opensuseGuest']],
  ['oracleLinux', ['oracleLinux64Guest', 'oracleLinuxGuest']],
  ['oracleLinux6', ['oracleLinux6Guest', 'oracleLinux6_64Guest']],
  ['oracleLinux7', ['oracleLinux7Guest', 'oracleLinux7_64Guest']],
  ['os2', ['os2Guest']],
  ['other', ['otherGuest', 'otherGuest64']],
  ['photon', ['vmwarePhoton64Guest']],
  ['rhel', ['redhatGuest']],
  ['rhel10', ['rhel10_64Guest']],
  ['rhel2', ['rhel2Guest']],
  ['rhel3', ['rhel3Guest', 'rhel3_64Guest']],
  ['rhel4', ['rhel4Guest', 'rhel4_64Guest']],
  ['rhel5', ['rhel5Guest', 'rhel5_64Guest']],
  ['rhel6', ['rhel6Guest', 'rhel6_64Guest']],
  ['rhel7', ['rhel7Guest', 'rhel7_64Guest']],
  ['rhel8', ['rhel8_64Guest']],
  ['rhel9', ['rhel9_64Guest']],
  ['sjds', ['sjdsGuest']],
  ['sles', ['slesGuest']],
  ['sles10', ['sles10Guest', 'sles10_64Guest']],
  ['sles11', ['sles11Guest', 'sles11_64Guest']],
  ['sles12', ['sles12Guest', 'sles12_64Guest']],
  ['sles64', ['sles64Guest']],
  ['solaris10', ['solaris10Guest', 'solaris10_64Guest']],
  ['solaris11', ['solaris11_64Guest']],
  ['solaris6', ['solaris6Guest']],
  ['solaris7', ['solaris7Guest']],
  ['solaris8', ['solaris8Guest']],
  ['solaris9', ['solaris9Guest']],
  ['suse', ['suse64Guest', 'suseGuest']],
  ['turbolinux', ['turboLinux64Guest', 'turboLinuxGuest']],
  ['ubuntu', ['ubuntu64Guest', 'ubuntuGuest']],
  ['unixware7', ['unixWare7Guest']],
  ['vmkernel', ['vmkernelGuest']],
  ['vmkernel5', ['vmkernel5Guest']],
  ['vmkernel6', ['vmkernel6Guest']],
  ['vmkernel65', ['vmkernel65Guest']],
  ['win10', ['windows9Guest', 'windows9_64Guest']],
  ['win10server', ['windows9Server64Guest']],
  ['win2000advserv', ['win2000AdvServGuest']],
  ['win2000pro', ['win2000ProGuest']],
  ['win2000serv', ['win2000ServGuest']],
  ['win31', ['win31Guest']],
  ['win7', ['windows7Guest', 'windows7_64Guest']],
  ['win7server', ['windows7Server64Guest']],
  ['win8', ['windows8Guest', 'windows8_64Guest']],
  ['win8server', ['windows8Server64Guest']],
  ['win95', ['win95Guest']],
  ['win98', ['win98Guest']],
  ['windowshyperv', ['windowsHyperVGuest']],
  ['winlonghorn', ['winLonghorn64Guest', 'winLonghornGuest']],
  ['winme', ['winMeGuest']],
  ['winnetbusiness', ['winNetBusinessGuest']],
  ['winnetdatacenter', ['winNetDatacenter64Guest', 'winNetDatacenterGuest']],
  ['winnetenterprise', ['winNetEnterprise64Guest', 'winNetEnterpriseGuest']],
  ['winnetstandard', ['winNetStandard64Guest', 'winNetStandardGuest']],
  ['winnetweb', ['winNetWebGuest']],
  ['winnt', ['winNTGuest']],
  ['winvista', ['winVista64Guest', 'winVistaGuest']],
  ['winxphome', ['winXPHomeGuest']],
  ['winxppro', ['winXPPro64Guest', 'winXPProGuest']],
];

/** Guest id → short OS name, the reference's table. */
export const SHORT_OS_BY_GUEST_ID: ReadonlyMap<string, string> = new Map<string, string>(
  SHORT_OS_GROUPS.flatMap(([short, ids]) => ids.map((id) => [id, short] as const)),
);

/** The short OS name for a guest id (exact, case-sensitive match), or `unknown`. */
export function shortGuestOs(guestId: string | undefined): string {
  return (guestId === undefined ? undefined : SHORT_OS_BY_GUEST_ID.get(guestId)) ?? 'unknown';
}

/**
 * The instance type label value, exactly as the reference builds it:
 * `vsphere-vm.cpu-<numCpu>.mem-<floor(memoryMB / 1024)>gb.os-<short OS>`,
 * e.g. `vsphere-vm.cpu-4.mem-16gb.os-ubuntu` (integer division truncates: 1536 MB → `mem-1gb`).
 */
export function instanceType(sizing: InstanceSizing): string {
  const cpu = Math.trunc(sizing.numCpu ?? 0);
  const memGb = Math.trunc((sizing.memorySizeMB ?? 0) / 1024);
  return `vsphere-vm.cpu-${cpu}.mem-${memGb}gb.os-${shortGuestOs(sizing.guestId)}`;
}
