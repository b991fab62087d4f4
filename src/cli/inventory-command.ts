// SPDX-License-Identifier: Apache-2.0
import { readFile } from 'node:fs/promises';
import { CcmError } from '../lib/errors.ts';
import { loadCaFile } from '../vim25/http-agent.ts';
import { openVCenterConnection, vcenterBaseUrl } from '../vsphere/vcenter-connection.ts';
import { readInventory } from '../vsphere/inventory/read-inventory.ts';
import type { InventoryVm } from '../vsphere/inventory/inventory-vm.ts';
import { ConfigError } from '../config/config-error.ts';
import { formatIssue } from '../config/issues.ts';
import { readInventoryFromConfig } from './inventory-from-config.ts';
import { describeError } from './describe-error.ts';
import { formatTable } from './format-table.ts';
import type { CliIo } from './cli-io.ts';

/** Parsed `vsphere-ccm inventory` flags. */
export interface InventoryArgs {
  /** The CCM's cloud config; replaces the connection flags (--server to --thumbprint). */
  readonly cloudConfig: string | undefined;
  readonly server: string | undefined;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly passwordFile: string | undefined;
  readonly insecure: boolean;
  readonly caFile: string | undefined;
  readonly thumbprint: string | undefined;
  readonly datacenter: readonly string[];
  readonly zoneCategory: string | undefined;
  readonly regionCategory: string | undefined;
  readonly output: 'table' | 'json';
  readonly timeout: number;
}

/**
 * Lists every VM as the CCM will see it, from one vCenter given by flags or from every vCenter of
 * a cloud config. Exit 0 with the list; exit 2 with one line on stderr for a usage error, an
 * invalid config (one line per problem), a wrong password, an unreachable host, a TLS mismatch or
 * an unknown datacenter. With a cloud config, the VMs of the vCenters that answered are printed
 * even when another one failed (exit 2 then).
 */
export async function runInventory(args: InventoryArgs, io: CliIo): Promise<number> {
  let host = args.server ?? '';
  try {
    if ((args.zoneCategory === undefined) !== (args.regionCategory === undefined)) {
      throw new UsageError('--zone-category and --region-category must be given together');
    }
    if (args.cloudConfig !== undefined) return await runFromConfig(args.cloudConfig, args, io);
    if (args.server === undefined || args.user === undefined) {
      throw new UsageError('give --server and --user, or --cloud-config');
    }
    host = vcenterBaseUrl(args.server).host;
    const user = args.user;
    const password = await resolvePassword(args, io.env);
    const caPem = args.caFile === undefined ? undefined : await loadCaFile(args.caFile);
    const conn = await openVCenterConnection({
      server: args.server,
      tls: { insecure: args.insecure, ...(caPem === undefined ? {} : { caPem }), ...thumb(args.thumbprint) },
      credentials: () => ({ username: user, password }),
      timeoutMs: args.timeout * 1000,
    });
    try {
      const vms = await readInventory(conn, {
        vcenter: conn.host,
        datacenters: args.datacenter,
        ...(args.zoneCategory === undefined ? {} : { zoneCategory: args.zoneCategory }),
        ...(args.regionCategory === undefined ? {} : { regionCategory: args.regionCategory }),
        tagging: conn.tagging,
      });
      io.stdout(
        args.output === 'json'
          ? `${JSON.stringify(vms, null, 2)}\n`
          : `${inventoryTable(vms, args.zoneCategory !== undefined)}\n`,
      );
    } finally {
      await conn.close();
    }
    return 0;
  } catch (err) {
    io.stderr(
      `error: ${describeError(err, { host, ...(args.user === undefined ? {} : { user: args.user }) })}\n`,
    );
    return 2;
  }
}

const connectionFlags = ['server', 'user', 'password', 'passwordFile', 'caFile', 'thumbprint'] as const;

async function runFromConfig(cloudConfig: string, args: InventoryArgs, io: CliIo): Promise<number> {
  const clash = connectionFlags.filter((f) => args[f] !== undefined);
  if (clash.length > 0 || args.insecure) {
    const names = [...clash, ...(args.insecure ? ['insecure'] : [])].map((f) => `--${kebab(f)}`);
    throw new UsageError(`--cloud-config replaces the connection flags; drop ${names.join(', ')}`);
  }
  let result;
  try {
    result = await readInventoryFromConfig(
      {
        cloudConfig,
        datacenters: args.datacenter,
        zoneCategory: args.zoneCategory,
        regionCategory: args.regionCategory,
        callTimeoutMs: args.timeout * 1000,
      },
      io.env,
    );
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr(err.issues.map((i) => `error: ${formatIssue(i)}\n`).join(''));
    return 2;
  }
  io.stderr(result.warnings.map((w) => `warning: ${w}\n`).join(''));
  io.stdout(
    args.output === 'json'
      ? `${JSON.stringify(result.vms, null, 2)}\n`
      : `${inventoryTable(result.vms, result.withZones)}\n`,
  );
  io.stderr(result.failures.map((f) => `error: ${f}\n`).join(''));
  return result.failures.length > 0 ? 2 : 0;
}

function kebab(flag: string): string {
  return flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The flags or environment were wrong; nothing was contacted. */
class UsageError extends CcmError {
  readonly code = 'USAGE';
}

async function resolvePassword(
  args: InventoryArgs,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  if (args.password !== undefined && args.passwordFile !== undefined) {
    throw new UsageError('give either --password or --password-file, not both');
  }
  if (args.passwordFile !== undefined)
    return (await readFile(args.passwordFile, 'utf8')).replace(/\r?\n$/, '');
  const password = args.password ?? env['VSPHERE_PASSWORD'];
  if (password === undefined || password === '') {
    throw new UsageError('no password: set VSPHERE_PASSWORD, or use --password-file (or --password)');
  }
  return password;
}

function thumb(t: string | undefined): { thumbprint?: string } {
  return t === undefined ? {} : { thumbprint: t };
}

/** Human-readable inventory: one row per VM, IPs of all NICs joined by commas. */
export function inventoryTable(vms: readonly InventoryVm[], withZones: boolean): string {
  const headers = [
    'DATACENTER',
    'NAME',
    'POWER',
    'BIOS UUID',
    'GUEST HOSTNAME',
    'IPS',
    'HOST',
    'CLUSTER',
    'CPU',
    'MEM MB',
  ];
  if (withZones) headers.push('ZONE', 'REGION');
  const rows = vms.map((vm) => {
    const row = [
      vm.datacenter ?? '-',
      vm.name,
      vm.powerState ?? '-',
      vm.biosUuid ?? '-',
      vm.guestHostName ?? '-',
      vm.nics.flatMap((n) => n.ipAddresses).join(',') || '-',
      vm.host ?? '-',
      vm.cluster ?? '-',
      vm.numCpu === null ? '-' : String(vm.numCpu),
      vm.memoryMB === null ? '-' : String(vm.memoryMB),
    ];
    if (withZones) row.push(vm.zone ?? '-', vm.region ?? '-');
    return row;
  });
  return formatTable(headers, rows);
}
