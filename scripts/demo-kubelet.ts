// SPDX-License-Identifier: Apache-2.0
// The demo's stand-in for kubelets started with --cloud-provider=external: registers each VM's
// Node (uninitialized taint, SMBIOS systemUUID) and reports it NotReady when its machine goes away.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment --
   client-node's model classes are plain data; a kubelet sends object literals. */
import {
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type V1Node,
} from '@kubernetes/client-node';

/** The taint a kubelet with `--cloud-provider=external` registers its Node with. */
export const UNINITIALIZED_TAINT = 'node.cloudprovider.kubernetes.io/uninitialized';

/** One machine a kubelet runs on: its Node name and the VM's BIOS UUID. */
export interface KubeletMachine {
  readonly name: string;
  readonly biosUuid: string;
}

/**
 * The systemUUID a kubelet reads from SMBIOS for `biosUuid`: the first three fields byte-swapped
 * (little-endian), upper case, as on a VMware VM.
 */
export function smbiosSystemUuid(biosUuid: string): string {
  const swap = (hex: string): string => (hex.match(/../g) ?? []).reverse().join('');
  const [a = '', b = '', c = '', ...rest] = biosUuid.split('-');
  return [swap(a), swap(b), swap(c), ...rest].join('-').toUpperCase();
}

/** The Node a kubelet with `--cloud-provider=external` registers for `machine`, Ready. */
export function kubeletNode(machine: KubeletMachine): V1Node {
  return {
    metadata: {
      name: machine.name,
      labels: {
        'kubernetes.io/hostname': machine.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
      },
    },
    spec: { taints: [{ key: UNINITIALIZED_TAINT, value: 'true', effect: 'NoSchedule' }] },
    status: {
      addresses: [{ type: 'Hostname', address: machine.name }],
      conditions: [readyCondition(true)],
      nodeInfo: { systemUUID: smbiosSystemUuid(machine.biosUuid) } as never,
    },
  };
}

function readyCondition(ready: boolean): NonNullable<NonNullable<V1Node['status']>['conditions']>[number] {
  const now = new Date();
  return {
    type: 'Ready',
    status: ready ? 'True' : 'Unknown',
    reason: ready ? 'KubeletReady' : 'NodeStatusUnknown',
    message: ready ? 'kubelet is posting ready status' : 'Kubelet stopped posting node status.',
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  };
}

/** Registers every machine's Node through the API server, as the kubelets would. */
export async function registerKubelets(
  kubeConfig: KubeConfig,
  machines: readonly KubeletMachine[],
  options: { readonly signal: AbortSignal },
): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  for (const machine of machines) {
    options.signal.throwIfAborted();
    await core.createNode({ body: kubeletNode(machine) });
  }
}

/**
 * Marks `name` NotReady (Ready=Unknown) the way the node lifecycle controller in
 * kube-controller-manager does once the kubelet stops posting status.
 */
export async function markNotReady(
  kubeConfig: KubeConfig,
  name: string,
  options: { readonly signal: AbortSignal },
): Promise<void> {
  options.signal.throwIfAborted();
  const core = kubeConfig.makeApiClient(CoreV1Api);
  await core.patchNodeStatus(
    { name, body: { status: { conditions: [readyCondition(false)] } } },
    setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
  );
}
