// SPDX-License-Identifier: Apache-2.0
import type {
  LocalizedMethodFault,
  ManagedObjectReference,
  TaskInfo,
} from '../vim25/generated/data-objects.ts';
import { Destroy_Task, PowerOffVM_Task, PowerOnVM_Task } from '../vim25/generated/methods.ts';
import type { VimClient } from '../vim25/client.ts';
import type { CallOptions } from '../vim25/round-tripper.ts';
import { vimFaultError } from '../vim25/faults.ts';
import { CcmError } from '../lib/errors.ts';
import { abortableDelay, withTimeout } from '../lib/abort.ts';
import { retrieveProperties } from './property-collector.ts';

/** The task ended in state `error`; `cause` is the task's fault as a VimFaultError. */
export class TaskFailedError extends CcmError {
  readonly code = 'VIM_TASK_FAILED';
  readonly task: ManagedObjectReference;

  constructor(task: ManagedObjectReference, fault: LocalizedMethodFault | undefined) {
    const faultName = fault?.fault._type ?? 'unknown fault';
    super(`task ${task.value} failed: ${fault?.localizedMessage ?? faultName}`, {
      cause: vimFaultError({
        faultCode: 'ServerFaultCode',
        faultString: fault?.localizedMessage ?? faultName,
        ...(fault === undefined
          ? {}
          : { detail: { ...fault.fault, _type: fault.fault._type ?? 'MethodFault' } }),
      }),
    });
    this.task = task;
  }
}

/** Default bound on how long a task may run before waitForTask gives up (the task goes on). */
const defaultTaskTimeoutMs = 10 * 60_000;

/**
 * Waits until a Task is `success` (returns `info.result`) or `error` (throws TaskFailedError).
 * Polls `info` with a backoff from 100 ms to 2 s: tasks the CCM runs are rare and short, so a
 * private property collector per task would cost more round trips than it saves.
 */
export async function waitForTask(
  client: VimClient,
  task: ManagedObjectReference,
  options?: CallOptions,
): Promise<unknown> {
  const signal = withTimeout(options?.signal, options?.timeoutMs ?? defaultTaskTimeoutMs);
  let delay = 100;
  for (;;) {
    const [obj] = await retrieveProperties(
      client,
      { type: 'Task', paths: ['info'], from: { refs: [task] } },
      { signal },
    );
    const info: TaskInfo | undefined = obj?.props.info;
    if (info?.state === 'success') return info.result;
    if (info?.state === 'error') throw new TaskFailedError(task, info.error);
    await abortableDelay(delay, signal);
    delay = Math.min(delay * 2, 2_000);
  }
}

/** Powers a VM off and waits for the task. Fails with InvalidPowerState if it is already off. */
export async function powerOffVm(
  client: VimClient,
  vm: ManagedObjectReference,
  options?: CallOptions,
): Promise<void> {
  await waitForTask(client, await PowerOffVM_Task(client.rt, { _this: vm }, options), options);
}

/** Powers a VM on and waits for the task. */
export async function powerOnVm(
  client: VimClient,
  vm: ManagedObjectReference,
  options?: CallOptions,
): Promise<void> {
  await waitForTask(client, await PowerOnVM_Task(client.rt, { _this: vm }, options), options);
}

/** Destroys a managed entity (deletes a VM from disk) and waits for the task. */
export async function destroyEntity(
  client: VimClient,
  entity: ManagedObjectReference,
  options?: CallOptions,
): Promise<void> {
  await waitForTask(client, await Destroy_Task(client.rt, { _this: entity }, options), options);
}
