// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import type { V1Node } from '@kubernetes/client-node';
import type { Vcsim } from './vcsim.ts';

/** The taint a kubelet with `--cloud-provider=external` registers its Node with. */
export const UNINITIALIZED_TAINT = 'node.cloudprovider.kubernetes.io/uninitialized';

/** BIOS UUID of VM `node-<n>` in test/vcsim/scenarios/basic.json. */
export function basicBiosUuid(n: number): string {
  return `4237a1b2-c3d4-e5f6-0718-293a4b5c6d0${String(n)}`;
}

/** SMBIOS presents the first three UUID fields little-endian, so the kubelet sees them swapped. */
export function smbiosForm(uuid: string): string {
  const swap = (hex: string): string => (hex.match(/../g) ?? []).reverse().join('');
  const [a = '', b = '', c = '', ...rest] = uuid.split('-');
  return [swap(a), swap(b), swap(c), ...rest].join('-').toUpperCase();
}

/** How {@link kubeletNode} registers a Node. */
export interface KubeletNodeOptions {
  /** The VM's BIOS UUID; the Node reports it in SMBIOS byte order, as the kubelet reads it. */
  readonly biosUuid: string;
  /** The Ready condition (default true). */
  readonly ready?: boolean;
  /** The kubelet's `--node-ip`, as the `alpha.kubernetes.io/provided-node-ip` annotation. */
  readonly providedIp?: string;
  /** A Node the CCM initialised before: its providerID, and no uninitialized taint. */
  readonly providerID?: string;
}

/**
 * A Node as a kubelet with `--cloud-provider=external` registers it: the hostname label and
 * address, the Ready condition, the SMBIOS system UUID and the uninitialized taint.
 */
export function kubeletNode(name: string, options: KubeletNodeOptions): V1Node {
  const ready = options.ready ?? true;
  /* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment --
     client-node's model classes are plain data; a kubelet sends object literals too. */
  return {
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name },
      ...(options.providedIp === undefined
        ? {}
        : { annotations: { 'alpha.kubernetes.io/provided-node-ip': options.providedIp } }),
    },
    spec:
      options.providerID === undefined
        ? { taints: [{ key: UNINITIALIZED_TAINT, value: 'true', effect: 'NoSchedule' }] }
        : { providerID: options.providerID },
    status: {
      addresses: [{ type: 'Hostname', address: name }],
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          reason: ready ? 'KubeletReady' : 'KubeletNotReady',
          message: '',
        },
      ],
      nodeInfo: { systemUUID: smbiosForm(options.biosUuid) } as never,
    },
  };
  /* eslint-enable @typescript-eslint/no-unsafe-class-instance-assignment */
}

/**
 * A YAML cloud config for one simulator (tenant `east`, datacenter `dc-east`, pinned by its
 * SHA-256 thumbprint), with the zone/region categories of the basic scenario when `zones` is set.
 */
export function simCloudConfig(sim: Vcsim, options: { readonly zones?: boolean } = {}): string {
  return [
    'vcenter:',
    '  east:',
    '    server: 127.0.0.1',
    `    port: ${new URL(sim.sdkUrl).port}`,
    `    user: ${JSON.stringify(sim.credentials.username)}`,
    `    password: ${JSON.stringify(sim.credentials.password)}`,
    `    thumbprint: ${JSON.stringify(sim.thumbprintSha256)}`,
    '    datacenters: ["dc-east"]',
    ...(options.zones === true ? ['labels:', '  zone: k8s-zone', '  region: k8s-region'] : []),
    '',
  ].join('\n');
}

/** Polls `probe` until it returns a value, failing the test after `timeoutMs` with `what`. */
export async function until<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string | (() => string),
): Promise<T> {
  const started = performance.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() - started > timeoutMs) {
      assert.fail(`not within ${String(timeoutMs)} ms: ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
