// SPDX-License-Identifier: Apache-2.0
import type { ManagedObjectReference } from '../vim25/generated/data-objects.ts';
import {
  FindAllByDnsName,
  FindAllByIp,
  FindByDnsName,
  FindByIp,
  FindByUuid,
} from '../vim25/generated/methods.ts';
import type { VimClient } from '../vim25/client.ts';
import type { CallOptions } from '../vim25/round-tripper.ts';
import { CcmError } from '../lib/errors.ts';

/**
 * vCenter's SearchIndex: server-side lookups of VMs by UUID, DNS name or IP. Each returns
 * `undefined` (or `[]`) when nothing matches; any failure throws, so "not found" is always an
 * authoritative answer from vCenter.
 *
 * See https://developer.broadcom.com/xapis/vsphere-web-services-api/latest/vim.SearchIndex.html
 */
export interface VmSearch {
  /** Restrict the search to one datacenter (vCenter honours it; the simulator ignores it). */
  readonly datacenter?: ManagedObjectReference;
}

/** The endpoint has no SearchIndex. */
export class NoSearchIndexError extends CcmError {
  readonly code = 'VIM_NO_SEARCH_INDEX';
}

/** Finds a VM by its BIOS UUID (`config.uuid`), or by instance UUID when `instanceUuid` is set. */
export async function findVmByUuid(
  client: VimClient,
  query: VmSearch & { readonly uuid: string; readonly instanceUuid?: boolean },
  options?: CallOptions,
): Promise<ManagedObjectReference | undefined> {
  return FindByUuid(
    client.rt,
    {
      _this: searchIndex(client),
      ...dc(query),
      uuid: query.uuid,
      vmSearch: true,
      instanceUuid: query.instanceUuid ?? false,
    },
    options,
  );
}

/** Finds one VM whose guest reports `dnsName` as its host name (VMware Tools' guest.hostName). */
export async function findVmByDnsName(
  client: VimClient,
  query: VmSearch & { readonly dnsName: string },
  options?: CallOptions,
): Promise<ManagedObjectReference | undefined> {
  return FindByDnsName(
    client.rt,
    { _this: searchIndex(client), ...dc(query), dnsName: query.dnsName, vmSearch: true },
    options,
  );
}

/** Every VM whose guest host name is `dnsName`: more than one means the name is ambiguous. */
export async function findAllVmsByDnsName(
  client: VimClient,
  query: VmSearch & { readonly dnsName: string },
  options?: CallOptions,
): Promise<ManagedObjectReference[]> {
  return FindAllByDnsName(
    client.rt,
    { _this: searchIndex(client), ...dc(query), dnsName: query.dnsName, vmSearch: true },
    options,
  );
}

/** Finds one VM whose guest reports the IP address `ip`. */
export async function findVmByIp(
  client: VimClient,
  query: VmSearch & { readonly ip: string },
  options?: CallOptions,
): Promise<ManagedObjectReference | undefined> {
  return FindByIp(
    client.rt,
    { _this: searchIndex(client), ...dc(query), ip: query.ip, vmSearch: true },
    options,
  );
}

/** Every VM whose guest reports the IP address `ip`. */
export async function findAllVmsByIp(
  client: VimClient,
  query: VmSearch & { readonly ip: string },
  options?: CallOptions,
): Promise<ManagedObjectReference[]> {
  return FindAllByIp(
    client.rt,
    { _this: searchIndex(client), ...dc(query), ip: query.ip, vmSearch: true },
    options,
  );
}

function searchIndex(client: VimClient): ManagedObjectReference {
  const ref = client.serviceContent.searchIndex;
  if (ref === undefined) throw new NoSearchIndexError('this endpoint has no SearchIndex');
  return ref;
}

function dc(query: VmSearch): { datacenter?: ManagedObjectReference } {
  return query.datacenter === undefined ? {} : { datacenter: query.datacenter };
}
