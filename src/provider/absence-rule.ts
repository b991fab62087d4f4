// SPDX-License-Identifier: Apache-2.0
import type { NodeIdentity } from '../cloud/instances.ts';
import { CcmError } from '../lib/errors.ts';
import type { ManagedObjectReference } from '../vim25/generated/data-objects.ts';
import { formatMor } from '../vim25/mor.ts';
import type { AuthoritativeCheck, CheckOptions } from './authoritative-check.ts';
import { AbsenceTracker } from './inventory/absence-tracker.ts';
import type { IndexedVm } from './inventory/indexed-vm.ts';
import { PROVIDER_NAME } from './provider-id.ts';
import { uuidForms, type VmLocator } from './vm-locator.ts';

/** Why an absent-looking VM is not (yet) reported as gone. */
export type AbsenceHold =
  | 'skip-node-deletion'
  | 'first-observation'
  | 'too-soon'
  | 'unknown-identities'
  | 'no-known-moref'
  | 'foreign-provider-id'
  | 'no-provider-id';

/**
 * The VM looks absent, but not every condition for saying so holds (see `AbsenceRule`): the
 * Node must be kept. `hold` says which condition is missing.
 */
export class AbsenceNotConfirmedError extends CcmError {
  readonly code = 'INSTANCE_ABSENCE_NOT_CONFIRMED';
  readonly hold: AbsenceHold;

  constructor(hold: AbsenceHold, message: string, options?: ErrorOptions) {
    super(message, options);
    this.hold = hold;
  }
}

/**
 * The Node's providerID names a VM that is gone, but another existing VM claims the Node: its
 * systemUUID (written by the kubelet now running on the Node) names that VM, or that VM reports
 * the Node's name as its guest host name. A machine recreated under the same name took the Node
 * over; deleting it would disrupt a live node, keeping it needs an operator.
 */
export class NodeIdentityConflictError extends CcmError {
  readonly code = 'NODE_IDENTITY_CONFLICT';
}

export interface AbsenceRuleOptions {
  readonly locator: VmLocator;
  readonly check: AuthoritativeCheck;
  /** The process environment; `SKIP_NODE_DELETION` (any value, even empty) keeps every Node. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => number;
  /** Least time between the first and the confirming observation of absence. Default 10 s. */
  readonly confirmAfterMs?: number;
  /** How long an own observation is remembered. Default 6 h. */
  readonly retentionMs?: number;
  /**
   * Whether a UUID search may stand in for the MoRef check when no index saw the VM go (e.g.
   * it was deleted while this process was down). vCenter hides VMs the account may not see, so
   * after a restart a lost permission looks like deletion; false keeps such Nodes (error).
   * Default true.
   */
  readonly searchWithoutMoRef?: boolean;
}

/**
 * Decides whether a VM the indexes no longer have is really gone (the only `false` of
 * `instanceExists`). It is gone only when all of these hold, in this order:
 *
 * 1. `SKIP_NODE_DELETION` is not set, and the providerID is a vSphere one (a bare UUID counts,
 *    as in the reference; `aws://…` and the like never lead to `false`);
 * 2. no other existing VM claims the Node, by the Node's systemUUID or by reporting the Node's
 *    name as its guest host name (a machine recreated under the same name uses the same Node
 *    object: `NodeIdentityConflictError`);
 * 3. absence was observed twice, at least `confirmAfterMs` apart, by synced and healthy indexes:
 *    the first observation is the earliest of the indexes' absence records and this rule's own
 *    record (made at the first call, e.g. after a restart), the second is this call;
 * 4. each last-known MoRef is still in no index and vCenter answers ManagedObjectNotFound for
 *    it; without any known MoRef, `searchWithoutMoRef` is on and no index holds a VM of unknown
 *    BIOS UUID (an inaccessible or half-created VM could be this one);
 * 5. FindByUuid over every vCenter's whole inventory finds neither UUID form;
 * 6. the indexes still do not have it.
 *
 * A failed condition rejects (`AbsenceNotConfirmedError`, or the check's error) or, when vCenter
 * shows the VM, resolves true. Calls to vCenter happen only at steps 4–5.
 */
export class AbsenceRule {
  readonly #locator: VmLocator;
  readonly #check: AuthoritativeCheck;
  readonly #skip: boolean;
  readonly #now: () => number;
  readonly #confirmAfterMs: number;
  readonly #own: AbsenceTracker;
  readonly #searchWithoutMoRef: boolean;

  constructor(options: AbsenceRuleOptions) {
    this.#searchWithoutMoRef = options.searchWithoutMoRef ?? true;
    this.#locator = options.locator;
    this.#check = options.check;
    this.#skip = options.env !== undefined && options.env['SKIP_NODE_DELETION'] !== undefined;
    this.#now = options.now ?? Date.now;
    this.#confirmAfterMs = options.confirmAfterMs ?? 10_000;
    this.#own = new AbsenceTracker(
      options.retentionMs === undefined ? {} : { retentionMs: options.retentionMs },
    );
  }

  /** The VM with `uuid` was seen: a later absence starts from scratch. */
  present(uuid: string): void {
    for (const form of uuidForms(uuid)) this.#own.markPresent(form);
  }

  /**
   * Called when no healthy index has a VM with `uuid` (the Node's providerID UUID). Resolves
   * false on authoritative absence, true when vCenter still shows the VM; rejects otherwise.
   */
  async confirm(node: NodeIdentity, uuid: string, options: CheckOptions = {}): Promise<boolean> {
    const forms = uuidForms(uuid);
    if (this.#skip) {
      throw new AbsenceNotConfirmedError(
        'skip-node-deletion',
        `No VM found with UUID ${forms[0]}; SKIP_NODE_DELETION is set, so the Node is kept`,
      );
    }
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(node.providerID ?? '')?.[1];
    if (scheme !== undefined && scheme !== PROVIDER_NAME) {
      throw new AbsenceNotConfirmedError(
        'foreign-provider-id',
        `providerID ${node.providerID ?? ''} belongs to the "${scheme}" provider, not to vSphere; the Node is kept`,
      );
    }
    this.#checkTakeover(node, forms[0]);
    const refs = this.#observe(forms);
    for (const { tenantRef, ref } of refs) {
      if (this.#indexHas(tenantRef, ref)) return true;
      if ((await this.#check.checkRef(tenantRef, ref, options)) === 'present') return true;
    }
    if (refs.length === 0) this.#allowSearch(forms[0]);
    const found = await Promise.all(
      this.#locator.vcenters().map((vc) => this.#check.findByUuid(vc.tenantRef, forms, options)),
    );
    if (found.some((ref) => ref !== undefined)) return true;
    return this.#locator.findByUuid(forms[0]).length > 0;
  }

  /** Rejects when a live VM claims the Node: by its systemUUID, or by reporting its name. */
  #checkTakeover(node: NodeIdentity, uuid: string): void {
    const systemUuid = node.systemUUID?.trim() ?? '';
    const bySystemUuid = systemUuid === '' ? undefined : this.#locator.findByUuid(systemUuid)[0];
    const claim =
      bySystemUuid === undefined
        ? this.#byExactHostName(node.name)
        : { what: `systemUUID ${systemUuid}`, tenantRef: bySystemUuid.tenantRef, vm: bySystemUuid.vm };
    if (claim === undefined) return;
    throw new NodeIdentityConflictError(
      `the VM of providerID UUID ${uuid} is gone, but VM ${formatMor(claim.vm.ref)} in vCenter ` +
        `"${claim.tenantRef}" (BIOS UUID ${claim.vm.biosUuid ?? 'unknown'}) matches the Node's ${claim.what}: ` +
        'a recreated machine is using this Node name; delete the Node by hand so that it registers anew',
    );
  }

  #byExactHostName(name: string): { what: string; tenantRef: string; vm: IndexedVm } | undefined {
    for (const vc of this.#locator.vcenters()) {
      // A VM without a readable UUID may be this very one (inaccessible, being reconfigured).
      const vm = vc.index?.byHostName(name).find((v) => v.guestHostName === name && v.biosUuid !== undefined);
      if (vm !== undefined) return { what: `name "${name}" as guest host name`, tenantRef: vc.tenantRef, vm };
    }
    return undefined;
  }

  /** Records this observation; rejects unless the first one is old enough. */
  #observe(forms: readonly [string, string]): { tenantRef: string; ref: ManagedObjectReference }[] {
    const now = this.#now();
    this.#own.markAbsent(forms[0], [], now);
    let first = this.#own.get(forms[0])?.since ?? now;
    const refs = new Map<string, { tenantRef: string; ref: ManagedObjectReference }>();
    for (const vc of this.#locator.vcenters()) {
      for (const form of forms) {
        const record = vc.index?.absence(form);
        if (record === undefined) continue;
        first = Math.min(first, record.since);
        for (const ref of record.lastRefs)
          refs.set(`${vc.tenantRef}/${formatMor(ref)}`, { tenantRef: vc.tenantRef, ref });
      }
    }
    if (now - first < this.#confirmAfterMs) {
      const hold = first === now ? 'first-observation' : 'too-soon';
      const secs = String(this.#confirmAfterMs / 1000);
      throw new AbsenceNotConfirmedError(
        hold,
        `No VM found with UUID ${forms[0]} since ${new Date(first).toISOString()}; the Node is kept until its absence is confirmed after ${secs} s`,
      );
    }
    return [...refs.values()];
  }

  #indexHas(tenantRef: string, ref: ManagedObjectReference): boolean {
    const vc = this.#locator.vcenters().find((v) => v.tenantRef === tenantRef);
    return vc?.index?.byRef(ref) !== undefined;
  }

  /** Without a known MoRef: only when allowed, and when no VM of unknown identity could be it. */
  #allowSearch(uuid: string): void {
    if (!this.#searchWithoutMoRef) {
      throw new AbsenceNotConfirmedError(
        'no-known-moref',
        `No VM found with UUID ${uuid}, but no index saw it go, and a UUID search alone is not trusted (searchWithoutMoRef is off); the Node is kept`,
      );
    }
    const unknown = this.#locator
      .vcenters()
      .flatMap((vc) =>
        (vc.index?.vms() ?? [])
          .filter((vm) => vm.biosUuid === undefined)
          .map((vm) => `${vc.tenantRef}/${formatMor(vm.ref)}`),
      );
    if (unknown.length === 0) return;
    throw new AbsenceNotConfirmedError(
      'unknown-identities',
      `No VM found with UUID ${uuid}, but ${String(unknown.length)} VM(s) have no readable BIOS UUID (e.g. ${unknown.slice(0, 3).join(', ')}) and could be it; the Node is kept`,
    );
  }
}
