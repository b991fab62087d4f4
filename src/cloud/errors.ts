// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../lib/errors.ts';

/** No machine matches the Node (authoritative answer from every place it could be). */
export class InstanceNotFoundError extends CcmError {
  readonly code = 'INSTANCE_NOT_FOUND';
}

/** The provider cannot answer now (outage, unsynced inventory); retry later, never act on it. */
export class ProviderUnavailableError extends CcmError {
  readonly code = 'PROVIDER_UNAVAILABLE';
}

/**
 * The operation cannot complete yet and should be retried after `retryAfterMs` (for example a
 * load balancer still being provisioned). Controllers requeue the key after that delay instead of
 * applying their failure backoff; it is not a failure to report loudly.
 */
export class RetryAfterError extends CcmError {
  readonly code = 'RETRY_AFTER';
  readonly retryAfterMs: number;

  constructor(message: string, retryAfterMs: number, options?: ErrorOptions) {
    super(message, options);
    this.retryAfterMs = retryAfterMs;
  }
}
