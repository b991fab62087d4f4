// SPDX-License-Identifier: Apache-2.0
import { createHmac, randomBytes } from 'node:crypto';
import type { HttpLibrary, KubeConfig } from '@kubernetes/client-node';
import type { KubeRequestObserver } from '../kube/request-verb.ts';
import { CcmError } from '../lib/errors.ts';
import type { GlobalConfig, SecretRef, VCenterConfig } from '../config/config.ts';
import { classifyCredentials } from './classify-credentials.ts';
import type { CredentialSource, CredentialSourceEvent, CredentialSourceState } from './credential-source.ts';
import type { CredentialProvider, ResolvedCredentials, VCenterCredentials } from './credentials.ts';
import { SecretDataError } from './secret-data-parser.ts';
import { SecretCredentialSource } from './secret-source.ts';
import { SecretsDirectorySource, type SecretsDirectoryOptions } from './secrets-directory.ts';

/** No source has credentials for the vCenter. The message keeps the reference's wording. */
export class CredentialsNotFoundError extends CcmError {
  readonly code = 'CREDENTIALS_NOT_FOUND';
  readonly server: string;

  constructor(server: string, notes: readonly string[], options?: ErrorOptions) {
    super(`Credentials not found for ${server}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`, options);
    this.server = server;
  }
}

/** A vCenter needs a Kubernetes Secret but the provider was given no way to reach the API server. */
export class CredentialSourceUnavailableError extends CcmError {
  readonly code = 'CREDENTIALS_SOURCE_UNAVAILABLE';
}

/** Where a source lives; the key sources are shared by. */
export type SourceLocation =
  | { readonly kind: 'secret'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'directory'; readonly path: string };

export interface CredentialProviderOptions {
  readonly global: Pick<
    GlobalConfig,
    'user' | 'password' | 'secretName' | 'secretNamespace' | 'secretsDirectory'
  >;
  /**
   * The vCenters whose sources `start()` starts (e.g. `config.vcenters.values()`); others are
   * started on first use.
   */
  readonly vcenters: Iterable<VCenterConfig>;
  /** Required when any vCenter uses a Secret (unless `createSource` is given). */
  readonly kubeConfig?: KubeConfig;
  /** The library Secret reads go through (the daemon's pooled `KubeClient.http`). */
  readonly kubeHttp?: HttpLibrary;
  /** Told about each Secret watch request (see `SecretWatchOptions.onRequest`). */
  readonly kubeOnRequest?: KubeRequestObserver;
  /** Longest wait for sources' first sync, in `start()` and in each `resolve()` (default 10 s). */
  readonly syncTimeoutMs?: number;
  readonly directory?: Pick<SecretsDirectoryOptions, 'rereadIntervalMs' | 'fsWatch' | 'debounceMs'>;
  readonly onEvent?: (event: CredentialSourceEvent) => void;
  /** Builds a source; defaults to a Secret watch or a directory watch. A seam for tests. */
  readonly createSource?: (location: SourceLocation) => CredentialSource;
}

/** Rejected versions remembered per vCenter; older ones are forgotten first. */
const MAX_REJECTED_VERSIONS = 16;

/**
 * The credentials of every configured vCenter, from (in this order):
 * 1. inline `user`/`password`, each taken from the vCenter or else from Global;
 * 2. the vCenter's `secretRef`: its own Secret, or for `global` the Global Secret then the
 *    secrets directory; entries are looked up by `vc.server`.
 * Sources are watched, so a rotated Secret or file applies at the next login. `version` is a
 * keyed hash of the credentials (never reversible from logs). After `reportInvalidLogin`, the
 * rejected credentials are passed over while a later source has others, which is how the
 * reference falls back from stale inline credentials to the Secret.
 */
export class SourcedCredentialProvider implements CredentialProvider {
  readonly #opts: CredentialProviderOptions;
  readonly #sources = new Map<string, CredentialSource>();
  readonly #rejected = new Map<string, string[]>();
  readonly #versionKey = randomBytes(32);
  #startSignal: AbortSignal | undefined;
  #started = false;

  constructor(options: CredentialProviderOptions) {
    this.#opts = options;
    for (const vc of options.vcenters) this.#sourcesFor(vc.secretRef);
  }

  /**
   * Starts every source and resolves once each has finished its first read, or after
   * `syncTimeoutMs`, whichever is first (sources not synced yet keep trying in the background).
   * Rejects only when `signal` aborts; the sources stop then.
   */
  async start(options?: { readonly signal?: AbortSignal }): Promise<void> {
    options?.signal?.throwIfAborted();
    this.#startSignal = options?.signal;
    this.#started = true;
    const starts = [...this.#sources.values()].map((s) => this.#startSource(s));
    await this.#bounded(Promise.all(starts), options?.signal);
  }

  async resolve(
    vc: VCenterConfig,
    options?: { readonly signal?: AbortSignal },
  ): Promise<ResolvedCredentials> {
    const rejected = this.#rejected.get(vc.tenantRef) ?? [];
    const candidates: ResolvedCredentials[] = [];
    const inline = this.#inline(vc);
    if (inline !== undefined) {
      if (!rejected.includes(inline.version)) return inline;
      candidates.push(inline);
    }
    const notes: string[] = [];
    for (const source of this.#sourcesFor(vc.secretRef)) {
      const state = await this.#syncedState(source, options?.signal);
      if (state.invalid !== undefined) throw state.invalid;
      const credentials = state.entries?.get(vc.server);
      if (credentials === undefined) {
        notes.push(`${source.name}: ${noEntryReason(state, vc.server, this.#started)}`);
        continue;
      }
      const resolved = this.#resolved(credentials, source.name);
      if (!rejected.includes(resolved.version)) return resolved;
      candidates.push(resolved);
    }
    // Everything was rejected before: hand out the first, and let the session's lockout guard
    // decide whether it may be tried again.
    const [first] = candidates;
    if (first !== undefined) return first;
    if (vc.secretRef === undefined) notes.push('no inline user/password and no secret configured');
    throw new CredentialsNotFoundError(vc.server, notes);
  }

  /**
   * The vCenter refused these credentials (InvalidLogin): prefer another source's credentials
   * for it from now on, until the rejected ones change (their version then changes).
   */
  reportInvalidLogin(vc: VCenterConfig, version: string): void {
    const list = this.#rejected.get(vc.tenantRef) ?? [];
    if (list.includes(version)) return;
    list.push(version);
    if (list.length > MAX_REJECTED_VERSIONS) list.shift();
    this.#rejected.set(vc.tenantRef, list);
  }

  /** Every source and its state, for readiness and metrics. */
  sources(): readonly { readonly name: string; readonly state: CredentialSourceState }[] {
    return [...this.#sources.values()].map((s) => ({ name: s.name, state: s.state() }));
  }

  /** Stops every watch. */
  async close(): Promise<void> {
    await Promise.all([...this.#sources.values()].map((s) => s.close()));
  }

  #inline(vc: VCenterConfig): ResolvedCredentials | undefined {
    const username = nonEmpty(vc.user) ?? nonEmpty(this.#opts.global.user);
    const password = nonEmpty(vc.password) ?? nonEmpty(this.#opts.global.password);
    if (username === undefined || password === undefined) return undefined;
    const classified = classifyCredentials({ username, password });
    if ('problem' in classified) {
      throw new SecretDataError(`inline credentials of vcenter ${vc.tenantRef}`, [
        {
          key: 'user',
          message: 'Invalid credential value',
          hint: 'a PEM user must be a certificate and the password its PEM private key',
        },
      ]);
    }
    return this.#resolved(classified.credentials, 'inline');
  }

  #resolved(credentials: VCenterCredentials, source: string): ResolvedCredentials {
    return { credentials, source, version: this.#version(credentials) };
  }

  #version(credentials: VCenterCredentials): string {
    const fields =
      credentials.kind === 'password'
        ? [credentials.kind, credentials.username, credentials.password]
        : credentials.kind === 'session-manager'
          ? [credentials.kind, credentials.url, credentials.token ?? '']
          : [credentials.kind, credentials.certificatePem, credentials.privateKeyPem];
    return createHmac('sha256', this.#versionKey).update(JSON.stringify(fields)).digest('hex').slice(0, 32);
  }

  #sourcesFor(ref: SecretRef | undefined): CredentialSource[] {
    if (ref === undefined) return [];
    const locations: SourceLocation[] = [];
    if (ref.kind === 'secret') {
      locations.push({ kind: 'secret', namespace: ref.namespace, name: ref.name });
    } else {
      const { secretName, secretNamespace, secretsDirectory } = this.#opts.global;
      const name = nonEmpty(secretName);
      const namespace = nonEmpty(secretNamespace);
      if (name !== undefined && namespace !== undefined) locations.push({ kind: 'secret', namespace, name });
      const path = nonEmpty(secretsDirectory);
      if (path !== undefined) locations.push({ kind: 'directory', path });
    }
    return locations.map((l) => this.#source(l));
  }

  #source(location: SourceLocation): CredentialSource {
    const key =
      location.kind === 'secret'
        ? `secret ${location.namespace}/${location.name}`
        : `directory ${location.path}`;
    let source = this.#sources.get(key);
    if (source === undefined) {
      source = this.#create(location);
      this.#sources.set(key, source);
      // A vCenter outside the configured list, seen after start: start its source now.
      if (this.#started) void this.#startSource(source);
    }
    return source;
  }

  #create(location: SourceLocation): CredentialSource {
    if (this.#opts.createSource !== undefined) return this.#opts.createSource(location);
    const onEvent = this.#opts.onEvent;
    if (location.kind === 'directory') {
      return new SecretsDirectorySource({
        ...this.#opts.directory,
        path: location.path,
        ...(onEvent === undefined ? {} : { onEvent }),
      });
    }
    if (this.#opts.kubeConfig === undefined) {
      throw new CredentialSourceUnavailableError(
        `secret ${location.namespace}/${location.name} is configured but no Kubernetes client configuration was given`,
      );
    }
    return new SecretCredentialSource({
      kubeConfig: this.#opts.kubeConfig,
      ...(this.#opts.kubeHttp === undefined ? {} : { httpApi: this.#opts.kubeHttp }),
      ...(this.#opts.kubeOnRequest === undefined ? {} : { onRequest: this.#opts.kubeOnRequest }),
      namespace: location.namespace,
      name: location.name,
      ...(onEvent === undefined ? {} : { onEvent }),
    });
  }

  async #startSource(source: CredentialSource): Promise<void> {
    const signal = this.#startSignal;
    await source.start(signal === undefined ? {} : { signal }).catch(() => {
      // Only an abort rejects, and then the source has stopped; nothing to report.
    });
  }

  async #syncedState(
    source: CredentialSource,
    signal: AbortSignal | undefined,
  ): Promise<CredentialSourceState> {
    if (this.#started) await this.#bounded(source.synced(signal === undefined ? {} : { signal }), signal);
    return source.state();
  }

  /** Waits for `work` at most `syncTimeoutMs`; rejects only when `signal` aborts. */
  async #bounded(work: Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
    const timeout = AbortSignal.timeout(this.#opts.syncTimeoutMs ?? 10_000);
    const bound = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        if (signal?.aborted === true) reject(signal.reason as Error);
        else resolve();
      };
      if (bound.aborted) {
        onAbort();
        return;
      }
      bound.addEventListener('abort', onAbort, { once: true });
      work.then(
        () => {
          bound.removeEventListener('abort', onAbort);
          resolve();
        },
        () => {
          bound.removeEventListener('abort', onAbort);
          onAbort();
        },
      );
    });
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function noEntryReason(state: CredentialSourceState, server: string, started: boolean): string {
  if (!started) return 'not started';
  const reason = state.synced ? `no entry for ${server}` : 'not synced yet';
  return state.lastError === undefined ? reason : `${reason}; ${state.lastError.message}`;
}
