// SPDX-License-Identifier: Apache-2.0
/**
 * The narrow Lease store a leader elector needs (read, create, compare-and-swap update), and its
 * implementation over coordination.k8s.io/v1 with client-node.
 */
import type { HttpLibrary, KubeConfig } from '@kubernetes/client-node';
import { ApiException, createConfiguration } from '../kube/client-node.ts';
import { CcmError } from '../lib/errors.ts';
import { parseBody, statusText } from '../kube/api-status.ts';
import { KubeRest } from '../kube/kube-rest.ts';

/** The election fields of a Lease's spec, as the elector reasons about them. */
export interface LeaseRecord {
  /** `''` when nobody holds the lease (e.g. after a release). */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: Date | undefined;
  readonly renewTime: Date | undefined;
  readonly leaseTransitions: number;
}

/** A Lease as last read or written: its record plus the resourceVersion guarding the next write. */
export interface ObservedLease {
  readonly record: LeaseRecord;
  readonly resourceVersion: string;
}

/** Per-call options; every call is bounded by `signal`. */
export interface LeaseCallOptions {
  readonly signal: AbortSignal;
}

/** Storage of one election Lease. Implementations must never retry on their own. */
export interface LeaseClient {
  /** `namespace/name`, for logs and errors. */
  describe(): string;
  /** The Lease, or `undefined` when it does not exist. */
  get(options: LeaseCallOptions): Promise<ObservedLease | undefined>;
  /** Creates the Lease; {@link LeaseConflictError} when it already exists. */
  create(record: LeaseRecord, options: LeaseCallOptions): Promise<ObservedLease>;
  /** Replaces the Lease if it is still at `resourceVersion`; {@link LeaseConflictError} if not. */
  update(record: LeaseRecord, resourceVersion: string, options: LeaseCallOptions): Promise<ObservedLease>;
}

/** Someone else wrote the Lease first (409: AlreadyExists or a stale resourceVersion). */
export class LeaseConflictError extends CcmError {
  readonly code = 'LEASE_CONFLICT';
}

/** A Lease call failed for any other reason (network, timeout, server error, bad answer). */
export class LeaseApiError extends CcmError {
  readonly code = 'LEASE_API_FAILED';
}

/** Reads a MicroTime field, which client-node hands back as a string at run time. */
function toDate(v: unknown): Date | undefined {
  let d: Date | undefined;
  if (v instanceof Date) d = new Date(v.getTime());
  else if (typeof v === 'string') d = new Date(v);
  return d === undefined || Number.isNaN(d.getTime()) ? undefined : d;
}

/** metav1.MicroTime: the API server rejects a Lease time without six fraction digits. */
function toMicroTime(d: Date | undefined): string | undefined {
  return d === undefined ? undefined : d.toISOString().replace(/Z$/, '000Z');
}

/** The parts of an API Lease that are read (client-node `V1Lease` fits; times may be strings). */
export interface LeaseView {
  readonly metadata?: { readonly resourceVersion?: string };
  readonly spec?: {
    readonly holderIdentity?: string;
    readonly leaseDurationSeconds?: number;
    readonly acquireTime?: unknown;
    readonly renewTime?: unknown;
    readonly leaseTransitions?: number;
  };
}

/** Converts an API Lease into an {@link ObservedLease}; `LeaseApiError` if it has no resourceVersion. */
export function observedFromLease(lease: LeaseView): ObservedLease {
  const rv = lease.metadata?.resourceVersion;
  if (rv === undefined || rv === '') throw new LeaseApiError('lease answer has no resourceVersion');
  const spec = lease.spec;
  return {
    resourceVersion: rv,
    record: {
      holderIdentity: spec?.holderIdentity ?? '',
      leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
      acquireTime: toDate(spec?.acquireTime),
      renewTime: toDate(spec?.renewTime),
      leaseTransitions: spec?.leaseTransitions ?? 0,
    },
  };
}

/** A coordination.k8s.io/v1 Lease as sent to the API server. */
export interface LeaseBody {
  readonly apiVersion: 'coordination.k8s.io/v1';
  readonly kind: 'Lease';
  readonly metadata: { readonly name: string; readonly namespace: string; readonly resourceVersion?: string };
  readonly spec: {
    readonly holderIdentity: string;
    readonly leaseDurationSeconds: number;
    readonly leaseTransitions: number;
    readonly acquireTime?: string;
    readonly renewTime?: string;
  };
}

/** The Lease body for `record`; MicroTimes carry six fraction digits, durations are integers. */
export function leaseFromRecord(
  name: string,
  namespace: string,
  record: LeaseRecord,
  resourceVersion?: string,
): LeaseBody {
  const acquireTime = toMicroTime(record.acquireTime);
  const renewTime = toMicroTime(record.renewTime);
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: Math.max(1, Math.round(record.leaseDurationSeconds)),
      leaseTransitions: Math.max(0, Math.trunc(record.leaseTransitions)),
      ...(acquireTime === undefined ? {} : { acquireTime }),
      ...(renewTime === undefined ? {} : { renewTime }),
    },
  };
}

/** {@link LeaseClient} for one `coordination.k8s.io/v1` Lease, through client-node. */
export class KubeLeaseClient implements LeaseClient {
  readonly #rest: KubeRest;
  readonly #name: string;
  readonly #namespace: string;

  /** `httpApi`: the library to send through (default: client-node's own, one connection per call). */
  constructor(
    kubeConfig: KubeConfig,
    lease: { readonly name: string; readonly namespace: string },
    httpApi?: HttpLibrary,
  ) {
    // Without the daemon's pooled library, client-node's own one (a connection per call) serves.
    this.#rest = new KubeRest({ kubeConfig, http: httpApi ?? createConfiguration().httpApi });
    this.#name = lease.name;
    this.#namespace = lease.namespace;
  }

  describe(): string {
    return `${this.#namespace}/${this.#name}`;
  }

  async get(options: LeaseCallOptions): Promise<ObservedLease | undefined> {
    try {
      const lease = await this.#rest.request<LeaseView>({
        method: 'GET',
        path: this.#path(),
        signal: options.signal,
      });
      return observedFromLease(lease);
    } catch (err) {
      if (err instanceof ApiException && (err as ApiException<unknown>).code === 404) return undefined;
      throw this.#wrap('get', err);
    }
  }

  async create(record: LeaseRecord, options: LeaseCallOptions): Promise<ObservedLease> {
    try {
      const lease = await this.#rest.request<LeaseView>({
        method: 'POST',
        path: this.#path(false),
        body: leaseFromRecord(this.#name, this.#namespace, record),
        signal: options.signal,
      });
      return observedFromLease(lease);
    } catch (err) {
      throw this.#wrap('create', err);
    }
  }

  async update(
    record: LeaseRecord,
    resourceVersion: string,
    options: LeaseCallOptions,
  ): Promise<ObservedLease> {
    try {
      const body = leaseFromRecord(this.#name, this.#namespace, record, resourceVersion);
      const lease = await this.#rest.request<LeaseView>({
        method: 'PUT',
        path: this.#path(),
        body,
        signal: options.signal,
      });
      return observedFromLease(lease);
    } catch (err) {
      throw this.#wrap('update', err);
    }
  }

  #path(named = true): string {
    const base = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.#namespace)}/leases`;
    return named ? `${base}/${encodeURIComponent(this.#name)}` : base;
  }

  #wrap(verb: string, err: unknown): CcmError {
    if (err instanceof CcmError) return err;
    const what = `${verb} lease ${this.describe()}`;
    if (err instanceof ApiException) {
      const e = err as ApiException<unknown>;
      const text = statusText(parseBody(e.body));
      if (e.code === 409) return new LeaseConflictError(`${what}: ${text}`, { cause: err });
      return new LeaseApiError(`${what}: HTTP ${e.code} ${text}`, { cause: err });
    }
    const msg = err instanceof Error ? err.message : String(err);
    return new LeaseApiError(`${what}: ${msg}`, { cause: err });
  }
}
