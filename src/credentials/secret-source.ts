// SPDX-License-Identifier: Apache-2.0
import type { HttpLibrary, KubeConfig } from '@kubernetes/client-node';
import type { KubeRequestObserver } from '../kube/request-verb.ts';
import { CcmError } from '../lib/errors.ts';
import { SecretWatch, type SecretSnapshot, type SecretWatchOptions } from '../kube/secret-watch.ts';
import type { CredentialSource, CredentialSourceEvent, CredentialSourceState } from './credential-source.ts';
import { SourceStateTracker } from './credential-source.ts';
import { decodeSecretData } from './secret-data-parser.ts';

/**
 * The credentials Secret does not exist (never seen), or was deleted (its last credentials are
 * still served, as the reference does).
 */
export class CredentialsSecretMissingError extends CcmError {
  readonly code = 'CREDENTIALS_SECRET_MISSING';
  readonly deleted: boolean;

  constructor(message: string, deleted: boolean) {
    super(message);
    this.deleted = deleted;
  }
}

export interface SecretCredentialSourceOptions {
  readonly kubeConfig: KubeConfig;
  /** See `SecretWatchOptions.httpApi`. */
  readonly httpApi?: HttpLibrary;
  /** See `SecretWatchOptions.onRequest`. */
  readonly onRequest?: KubeRequestObserver;
  readonly namespace: string;
  readonly name: string;
  readonly onEvent?: (event: CredentialSourceEvent) => void;
  /** Passed to the watch (retry delays, timeouts); mostly for tests. */
  readonly watch?: Pick<SecretWatchOptions, 'backoff' | 'listTimeoutMs' | 'watchTimeoutSeconds'>;
}

/**
 * Credentials from one Kubernetes Secret, kept current by a single-object watch
 * (`SecretWatch`). Every change is parsed at once, so a rotated Secret applies at the next login;
 * a deleted Secret keeps serving its last credentials and is reported in `lastError`.
 */
export class SecretCredentialSource implements CredentialSource {
  readonly name: string;
  readonly #tracker: SourceStateTracker;
  readonly #watch: SecretWatch;

  constructor(options: SecretCredentialSourceOptions) {
    this.name = `secret ${options.namespace}/${options.name}`;
    this.#tracker = new SourceStateTracker(this.name, options.onEvent);
    this.#watch = new SecretWatch({
      ...options.watch,
      kubeConfig: options.kubeConfig,
      ...(options.httpApi === undefined ? {} : { httpApi: options.httpApi }),
      ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
      namespace: options.namespace,
      name: options.name,
      onChange: (snapshot) => {
        this.#onSnapshot(snapshot);
      },
      onError: (error) => {
        this.#tracker.fail(error);
      },
      onRecover: () => {
        this.#tracker.recovered();
      },
    });
  }

  state(): CredentialSourceState {
    return this.#tracker.state;
  }

  synced(options?: { readonly signal?: AbortSignal }): Promise<void> {
    return this.#tracker.synced(options?.signal);
  }

  async start(options?: { readonly signal?: AbortSignal }): Promise<void> {
    try {
      await this.#watch.start(options);
    } finally {
      if (this.#watch.synced || this.#watch.lastError !== undefined) this.#tracker.markSynced();
    }
  }

  close(): Promise<void> {
    return this.#watch.close();
  }

  #onSnapshot(snapshot: SecretSnapshot): void {
    if (snapshot.exists) {
      this.#tracker.applyContent(decodeSecretData(snapshot.data));
      return;
    }
    const message = snapshot.deleted
      ? `${this.name} was deleted; its last credentials are still used`
      : `${this.name} does not exist`;
    this.#tracker.fail(new CredentialsSecretMissingError(message, snapshot.deleted), { contentGone: true });
  }
}
