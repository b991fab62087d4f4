// SPDX-License-Identifier: Apache-2.0
import { CcmError, findInCauses } from '../lib/errors.ts';
import type { VimClient } from '../vim25/client.ts';
import { ManagedObjectNotFoundError } from '../vim25/faults.ts';
import type { ManagedObjectReference } from '../vim25/generated/data-objects.ts';
import { formatMor, sameMor } from '../vim25/mor.ts';
import { retrieveProperties } from '../vsphere/property-collector.ts';
import { findVmByUuid } from '../vsphere/search-index.ts';

/** What a direct check of one VM MoRef established. */
export type RefCheck = 'gone' | 'present';

/**
 * The only vCenter calls of the exists rule: questions asked of vCenter itself, never of the
 * index, made just before a Node could be deleted. Both reject on anything but a clear answer
 * (outage, lost session, refused login, timeout, an unexpected fault or reply).
 */
export interface AuthoritativeCheck {
  /**
   * One RetrievePropertiesEx of `ref`: `gone` only when vCenter answers ManagedObjectNotFound
   * for this very object, `present` when it returns the object (whatever its state).
   */
  checkRef(tenantRef: string, ref: ManagedObjectReference, options?: CheckOptions): Promise<RefCheck>;
  /**
   * SearchIndex FindByUuid (BIOS UUID, VMs only) for each of `uuids` over the vCenter's whole
   * inventory, every datacenter included (configured or not): the first VM found, or undefined
   * when vCenter answered "none" for every UUID.
   */
  findByUuid(
    tenantRef: string,
    uuids: readonly string[],
    options?: CheckOptions,
  ): Promise<ManagedObjectReference | undefined>;
}

export interface CheckOptions {
  readonly signal?: AbortSignal;
}

/** Where the check gets a vCenter's connection; `VCenterPool` is one. */
export interface VCenterClients {
  get(tenantRef: string, options?: { readonly signal?: AbortSignal }): Promise<VimClient>;
}

export interface PoolAuthoritativeCheckOptions {
  readonly clients: VCenterClients;
  /** Bound of one check, the connection included. Default 30 s. */
  readonly timeoutMs?: number;
}

/** vCenter did not answer a check in time (hung, or slower than `timeoutMs`). */
export class CheckTimeoutError extends CcmError {
  readonly code = 'VCENTER_CHECK_TIMEOUT';
}

/** vCenter's answer did not settle the question (no fault, no object). Never read as absence. */
export class UnclearAnswerError extends CcmError {
  readonly code = 'VCENTER_ANSWER_UNCLEAR';
}

/**
 * `AuthoritativeCheck` over pooled connections (their session renewal and per-call timeouts
 * apply), each check bounded by `timeoutMs`.
 */
export class PoolAuthoritativeCheck implements AuthoritativeCheck {
  readonly #clients: VCenterClients;
  readonly #timeoutMs: number;

  constructor(options: PoolAuthoritativeCheckOptions) {
    this.#clients = options.clients;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  checkRef(tenantRef: string, ref: ManagedObjectReference, options: CheckOptions = {}): Promise<RefCheck> {
    return this.#bounded(tenantRef, `the check of ${formatMor(ref)}`, options, async (client, signal) => {
      try {
        const found = await retrieveProperties(
          client,
          { type: 'VirtualMachine', paths: ['runtime.powerState'], from: { refs: [ref] } },
          { signal },
        );
        if (found.some((o) => sameMor(o.ref, ref))) return 'present';
      } catch (err) {
        if (notFoundFor(err, ref)) return 'gone';
        throw err;
      }
      throw new UnclearAnswerError(
        `vCenter "${tenantRef}" returned neither ${formatMor(ref)} nor ManagedObjectNotFound for it`,
      );
    });
  }

  findByUuid(
    tenantRef: string,
    uuids: readonly string[],
    options: CheckOptions = {},
  ): Promise<ManagedObjectReference | undefined> {
    return this.#bounded(
      tenantRef,
      `the search for UUID ${uuids.join(' / ')}`,
      options,
      async (client, signal) => {
        for (const uuid of uuids) {
          // No datacenter argument: the whole inventory, so a VM moved out of the configured
          // datacenters still counts as existing.
          const ref = await findVmByUuid(client, { uuid }, { signal });
          if (ref !== undefined) return ref;
        }
        return undefined;
      },
    );
  }

  /** Runs `work` on the vCenter's connection within `timeoutMs`; a timeout becomes `CheckTimeoutError`. */
  async #bounded<T>(
    tenantRef: string,
    what: string,
    options: CheckOptions,
    work: (client: VimClient, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const deadline = AbortSignal.timeout(this.#timeoutMs);
    const signal = options.signal === undefined ? deadline : AbortSignal.any([options.signal, deadline]);
    try {
      return await work(await this.#clients.get(tenantRef, { signal }), signal);
    } catch (err) {
      if (!deadline.aborted || options.signal?.aborted === true) throw err;
      const secs = String(this.#timeoutMs / 1000);
      throw new CheckTimeoutError(`vCenter "${tenantRef}" did not answer ${what} within ${secs} s`, {
        cause: err,
      });
    }
  }
}

/** True when `err` is ManagedObjectNotFound about `ref` itself (not about, say, a collector). */
function notFoundFor(err: unknown, ref: ManagedObjectReference): boolean {
  const fault = findInCauses(
    err,
    (e): e is ManagedObjectNotFoundError => e instanceof ManagedObjectNotFoundError,
  );
  const obj = fault?.fault.detail?.['obj'] as Partial<ManagedObjectReference> | undefined;
  return obj?.type === ref.type && obj.value === ref.value;
}
