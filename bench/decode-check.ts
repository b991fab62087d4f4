// SPDX-License-Identifier: Apache-2.0
import { isDeepStrictEqual } from 'node:util';
import type { DecodedResponse } from '../src/vim25/codec/decode.ts';
import type {
  GuestNicInfo,
  ObjectContent,
  RetrieveResult,
  VirtualMachineSummary,
} from '../src/vim25/generated/data-objects.ts';
import { check } from './bench-check-error.ts';
import { syntheticVm, type SyntheticNic, type SyntheticVm } from './synthetic-response.ts';

/** What one checked decode contained. */
export interface DecodeCheckCounts {
  readonly objects: number;
  readonly nics: number;
  readonly addresses: number;
}

/**
 * Checks that `decoded` is the reply {@link retrievePropertiesResponse}(`count`) describes: every
 * object, in order, with every property value, every NIC's addresses and ipConfig, and typed
 * summary fields (numbers, Dates, MoRefs). Throws `BenchCheckError` at the first difference.
 */
export function checkDecoded(decoded: DecodedResponse, count: number): DecodeCheckCounts {
  check(decoded.kind === 'result', () => `decode returned a fault: ${JSON.stringify(decoded)}`);
  const result = decoded.value as RetrieveResult | undefined;
  const objects = result?.objects ?? [];
  check(objects.length === count, () => `expected ${count} objects, decoded ${objects.length}`);
  check(result?.token === undefined, () => 'unexpected paging token');
  let nics = 0;
  let addresses = 0;
  objects.forEach((oc, i) => {
    const want = syntheticVm(i + 1);
    checkObject(oc, want);
    nics += want.nics.length;
    addresses += want.nics.reduce((n, nic) => n + nic.ipAddresses.length, 0);
  });
  return { objects: objects.length, nics, addresses };
}

function checkObject(oc: ObjectContent, want: SyntheticVm): void {
  const where = `object ${want.moref}`;
  check(
    isDeepStrictEqual(oc.obj, { type: 'VirtualMachine', value: want.moref }),
    () => `${where}: obj is ${JSON.stringify(oc.obj)}`,
  );
  const props = new Map((oc.propSet ?? []).map((p) => [p.name, p.val]));
  const scalars: readonly (readonly [string, unknown])[] = [
    ['name', want.name],
    ['config.uuid', want.uuid],
    ['config.instanceUuid', want.instanceUuid],
    ['runtime.powerState', 'poweredOn'],
    ['guest.hostName', want.hostName],
  ];
  for (const [path, value] of scalars) {
    check(props.get(path) === value, () => `${where}: ${path} is ${JSON.stringify(props.get(path))}`);
  }
  check(
    isDeepStrictEqual(props.get('runtime.host'), { type: 'HostSystem', value: want.host }),
    () => `${where}: runtime.host is ${JSON.stringify(props.get('runtime.host'))}`,
  );
  const net = props.get('guest.net');
  check(Array.isArray(net) && net.length === want.nics.length, () => `${where}: guest.net has wrong length`);
  want.nics.forEach((nic, k) => {
    checkNic(net[k] as GuestNicInfo, nic, `${where} NIC ${k}`);
  });
  checkSummary(props.get('summary') as VirtualMachineSummary | undefined, want, where);
}

function checkNic(got: GuestNicInfo, want: SyntheticNic, where: string): void {
  const ips = want.ipAddresses.map((a) => a.ip);
  check(got.network === want.network, () => `${where}: network is ${String(got.network)}`);
  check(got.macAddress === want.macAddress, () => `${where}: macAddress is ${String(got.macAddress)}`);
  check(got.deviceConfigId === want.deviceConfigId, () => `${where}: deviceConfigId is wrong`);
  check(got.connected, () => `${where}: connected is not true`);
  check(
    isDeepStrictEqual(got.ipAddress, ips),
    () => `${where}: ipAddress is ${JSON.stringify(got.ipAddress)}`,
  );
  const config = (got.ipConfig?.ipAddress ?? []).map((a) => ({
    ip: a.ipAddress,
    prefixLength: a.prefixLength,
  }));
  check(
    isDeepStrictEqual(config, want.ipAddresses),
    () => `${where}: ipConfig is ${JSON.stringify(got.ipConfig)}`,
  );
}

function checkSummary(summary: VirtualMachineSummary | undefined, want: SyntheticVm, where: string): void {
  check(summary !== undefined, () => `${where}: summary missing`);
  const { config, runtime, quickStats, storage, guest } = summary;
  check(config.uuid === want.uuid, () => `${where}: summary.config.uuid is ${String(config.uuid)}`);
  check(config.numCpu === want.numCpu, () => `${where}: summary.config.numCpu is ${String(config.numCpu)}`);
  check(config.memorySizeMB === want.memorySizeMB, () => `${where}: summary.config.memorySizeMB is wrong`);
  check(config.annotation === want.annotation, () => `${where}: annotation is ${String(config.annotation)}`);
  check(
    isDeepStrictEqual(runtime.host, { type: 'HostSystem', value: want.host }),
    () => `${where}: summary.runtime.host is wrong`,
  );
  check(runtime.bootTime instanceof Date, () => `${where}: summary.runtime.bootTime is not a Date`);
  check(guest?.hostName === want.hostName, () => `${where}: summary.guest.hostName is wrong`);
  check(
    quickStats.overallCpuUsage === want.overallCpuUsage && quickStats.guestHeartbeatStatus === 'green',
    () => `${where}: summary.quickStats is ${JSON.stringify(quickStats)}`,
  );
  check(
    storage?.committed === want.committed && storage.timestamp instanceof Date,
    () => `${where}: summary.storage is ${JSON.stringify(storage)}`,
  );
}
