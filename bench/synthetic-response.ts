// SPDX-License-Identifier: Apache-2.0
// A RetrievePropertiesEx reply for many VMs, written the way vCenter writes one: envelope-level
// namespace prefixes, xsi:type on every `val`, ArrayOfX wrappers, properties in name order.

/** One NIC of a synthetic VM, as the guest reports it. */
export interface SyntheticNic {
  readonly network: string;
  readonly macAddress: string;
  readonly deviceConfigId: number;
  /** In the order vCenter lists them: IPv4, then IPv6 (global, then link-local). */
  readonly ipAddresses: readonly { readonly ip: string; readonly prefixLength: number }[];
}

/** What the decoder must find for VM number `index` (1-based) of a synthetic reply. */
export interface SyntheticVm {
  readonly moref: string;
  readonly name: string;
  readonly uuid: string;
  readonly instanceUuid: string;
  readonly host: string;
  readonly hostName: string;
  readonly annotation: string;
  readonly numCpu: number;
  readonly memorySizeMB: number;
  readonly overallCpuUsage: number;
  readonly committed: number;
  readonly nics: readonly SyntheticNic[];
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/**
 * The identity and guest data of synthetic VM `index` (1 ≤ index ≤ 65,535, else RangeError):
 * unique names, UUIDs, MACs and addresses, two NICs each with IPv4 and IPv6, and an annotation
 * with multi-byte UTF-8 and markup characters so that chunk boundaries and entity handling are
 * exercised.
 */
export function syntheticVm(index: number): SyntheticVm {
  if (!Number.isInteger(index) || index < 1 || index > 0xffff) {
    throw new RangeError(`synthetic VM index ${index} is outside 1..65535`);
  }
  const [b1, b0] = [index >> 8, index & 0xff];
  const name = `k8s-worker-${String(index).padStart(5, '0')}`;
  return {
    moref: `vm-${1000 + index}`,
    name,
    uuid: `4201${hex(index, 4)}-9c3d-4a2b-8e4f-${hex(index, 12)}`,
    instanceUuid: `5001${hex(index, 4)}-c3d4-4e5f-9718-${hex(index, 12)}`,
    host: `host-${100 + (index % 16)}`,
    hostName: `${name}.k8s.example.test`,
    annotation: `Kubernetes worker ${index} – pool “general” & <prod>`,
    numCpu: 2 + (index % 4) * 2,
    memorySizeMB: 4096 * (1 + (index % 4)),
    overallCpuUsage: (index * 37) % 4000,
    committed: 21_474_836_480 + index * 4096,
    nics: [
      {
        network: 'VM Network',
        macAddress: `00:50:56:00:${hex(b1, 2)}:${hex(b0, 2)}`,
        deviceConfigId: 4000,
        ipAddresses: [
          { ip: `10.100.${b1}.${b0}`, prefixLength: 16 },
          { ip: `fd00:10::${hex(index, 1)}`, prefixLength: 64 },
          { ip: `fe80::250:56ff:fe00:${hex(index, 4)}`, prefixLength: 64 },
        ],
      },
      {
        network: 'k8s-pods',
        macAddress: `00:50:56:80:${hex(b1, 2)}:${hex(b0, 2)}`,
        deviceConfigId: 4001,
        ipAddresses: [
          { ip: `192.168.${b1}.${b0}`, prefixLength: 24 },
          { ip: `fd00:20::${hex(index, 1)}`, prefixLength: 64 },
        ],
      },
    ],
  };
}

function escape(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** `<tag>text</tag>` for each defined field, in order (vCenter omits unset optional fields). */
function fields(entries: readonly (readonly [string, string | number | boolean | undefined])[]): string {
  return entries
    .filter((e): e is readonly [string, string | number | boolean] => e[1] !== undefined)
    .map(([tag, v]) => `<${tag}>${escape(String(v))}</${tag}>`)
    .join('');
}

function prop(name: string, type: string, inner: string, attrs = ''): string {
  return `<propSet><name>${name}</name><val${attrs} xsi:type="${type}">${inner}</val></propSet>`;
}

function nicXml(nic: SyntheticNic): string {
  const ips = nic.ipAddresses.map((a) => `<ipAddress>${a.ip}</ipAddress>`).join('');
  const ipConfig = nic.ipAddresses
    .map(
      (a) =>
        `<ipAddress>${fields([
          ['ipAddress', a.ip],
          ['prefixLength', a.prefixLength],
          ['origin', a.ip.startsWith('fe80:') ? 'linklayer' : 'manual'],
          ['state', 'preferred'],
        ])}</ipAddress>`,
    )
    .join('');
  return (
    `<GuestNicInfo xsi:type="GuestNicInfo"><network>${nic.network}</network>${ips}` +
    `${fields([
      ['macAddress', nic.macAddress],
      ['connected', true],
      ['deviceConfigId', nic.deviceConfigId],
    ])}<ipConfig>${ipConfig}</ipConfig></GuestNicInfo>`
  );
}

function runtimeXml(vm: SyntheticVm): string {
  const devices = vm.nics
    .map(
      (n) =>
        `<device><runtimeState xsi:type="VirtualMachineDeviceRuntimeInfoVirtualEthernetCardRuntimeState">` +
        `<vmDirectPathGen2Active>false</vmDirectPathGen2Active></runtimeState><key>${n.deviceConfigId}</key></device>`,
    )
    .join('');
  return `<runtime>${devices}<host type="HostSystem">${vm.host}</host>${fields([
    ['connectionState', 'connected'],
    ['powerState', 'poweredOn'],
    ['faultToleranceState', 'notConfigured'],
    ['toolsInstallerMounted', false],
    ['bootTime', '2026-11-20T08:15:30.123456Z'],
    ['maxCpuUsage', vm.numCpu * 2400],
    ['maxMemoryUsage', vm.memorySizeMB],
    ['numMksConnections', 0],
    ['recordReplayState', 'inactive'],
    ['consolidationNeeded', false],
    ['onlineStandby', false],
    ['paused', false],
    ['snapshotInBackground', false],
    ['instantCloneFrozen', false],
    ['cryptoState', 'unlocked'],
  ])}</runtime>`;
}

function summaryXml(vm: SyntheticVm): string {
  const guest = fields([
    ['guestId', 'ubuntu64Guest'],
    ['guestFullName', 'Ubuntu Linux (64-bit)'],
    ['toolsStatus', 'toolsOk'],
    ['toolsVersionStatus', 'guestToolsUnmanaged'],
    ['toolsVersionStatus2', 'guestToolsUnmanaged'],
    ['toolsRunningStatus', 'guestToolsRunning'],
    ['hostName', vm.hostName],
    ['ipAddress', vm.nics[0]?.ipAddresses[0]?.ip],
    ['hwVersion', 'vmx-19'],
  ]);
  const config = fields([
    ['name', vm.name],
    ['template', false],
    ['vmPathName', `[vsanDatastore] ${vm.name}/${vm.name}.vmx`],
    ['memorySizeMB', vm.memorySizeMB],
    ['cpuReservation', 0],
    ['memoryReservation', 0],
    ['numCpu', vm.numCpu],
    ['numEthernetCards', vm.nics.length],
    ['numVirtualDisks', 2],
    ['uuid', vm.uuid],
    ['instanceUuid', vm.instanceUuid],
    ['guestId', 'ubuntu64Guest'],
    ['guestFullName', 'Ubuntu Linux (64-bit)'],
    ['annotation', vm.annotation],
    ['installBootRequired', false],
    ['tpmPresent', false],
    ['numVmiopBackings', 0],
    ['hwVersion', 'vmx-19'],
  ]);
  const storage = fields([
    ['committed', vm.committed],
    ['uncommitted', 10_737_418_240],
    ['unshared', vm.committed],
    ['timestamp', '2026-11-23T04:00:00.512Z'],
  ]);
  const quickStats = fields([
    ['overallCpuUsage', vm.overallCpuUsage],
    ['overallCpuDemand', vm.overallCpuUsage + 12],
    ['overallCpuReadiness', 0],
    ['guestMemoryUsage', Math.floor(vm.memorySizeMB / 5)],
    ['hostMemoryUsage', vm.memorySizeMB + 40],
    ['guestHeartbeatStatus', 'green'],
    ['distributedCpuEntitlement', vm.overallCpuUsage],
    ['distributedMemoryEntitlement', Math.floor(vm.memorySizeMB / 2)],
    ['staticCpuEntitlement', vm.numCpu * 2400],
    ['staticMemoryEntitlement', vm.memorySizeMB + 60],
    ['grantedMemory', vm.memorySizeMB],
    ['privateMemory', vm.memorySizeMB - 200],
    ['sharedMemory', 0],
    ['swappedMemory', 0],
    ['balloonedMemory', 0],
    ['consumedOverheadMemory', 40],
    ['ftLogBandwidth', -1],
    ['ftSecondaryLatency', -1],
    ['compressedMemory', 0],
    ['uptimeSeconds', 86_400 + vm.overallCpuUsage],
    ['ssdSwappedMemory', 0],
  ]);
  return (
    `<vm type="VirtualMachine">${vm.moref}</vm>${runtimeXml(vm)}<guest>${guest}</guest>` +
    `<config>${config}</config><storage>${storage}</storage><quickStats>${quickStats}</quickStats>` +
    `<overallStatus>green</overallStatus>`
  );
}

function objectXml(vm: SyntheticVm): string {
  return (
    `<objects><obj type="VirtualMachine">${vm.moref}</obj>` +
    prop('config.instanceUuid', 'xsd:string', vm.instanceUuid) +
    prop('config.uuid', 'xsd:string', vm.uuid) +
    prop('guest.hostName', 'xsd:string', vm.hostName) +
    prop('guest.net', 'ArrayOfGuestNicInfo', vm.nics.map(nicXml).join('')) +
    prop('name', 'xsd:string', vm.name) +
    prop('runtime.host', 'ManagedObjectReference', vm.host, ' type="HostSystem"') +
    prop('runtime.powerState', 'VirtualMachinePowerState', 'poweredOn') +
    prop('summary', 'VirtualMachineSummary', summaryXml(vm)) +
    `</objects>\n`
  );
}

/**
 * The complete HTTP body of a RetrievePropertiesEx reply holding VMs 1..`count` (see
 * {@link syntheticVm}) with the properties name, config.uuid, config.instanceUuid,
 * runtime.powerState, runtime.host, guest.hostName, guest.net and summary; no paging token.
 */
export function retrievePropertiesResponse(count: number): string {
  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    '<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"\n',
    ' xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"\n',
    ' xmlns:xsd="http://www.w3.org/2001/XMLSchema"\n',
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n<soapenv:Body>\n',
    '<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>',
  ];
  for (let i = 1; i <= count; i++) parts.push(objectXml(syntheticVm(i)));
  parts.push('</returnval></RetrievePropertiesExResponse>\n</soapenv:Body>\n</soapenv:Envelope>');
  return parts.join('');
}
