// SPDX-License-Identifier: Apache-2.0
import { CcmError, findInCauses } from '../../lib/errors.ts';
import { abortableDelay } from '../../lib/abort.ts';
import { InvalidLoginError } from '../../vim25/faults.ts';

/** A login was refused earlier with the same credentials; the server was not asked again. */
export class LoginSuppressedError extends CcmError {
  readonly code = 'VIM_LOGIN_SUPPRESSED';
}

/**
 * An authentication step refused the credentials (as opposed to failing for a network or server
 * reason). Errors of the non-password login modes implement this so the lockout guard counts
 * them like an InvalidLogin fault.
 */
export interface LoginRejection {
  readonly loginRejected: true;
}

/**
 * True when `err` (or an error in its cause chain) means "these credentials were refused":
 * the vim25 `InvalidLogin` fault of Login, CloneSession and LoginByToken, or an error marked
 * `loginRejected` (session-manager HTTP 401/403, an STS fault). Timeouts, outages and server
 * errors are not rejections: retrying them cannot lock an account.
 */
export function isLoginRejection(err: unknown): boolean {
  return (
    findInCauses(
      err,
      (e): e is Error =>
        e instanceof InvalidLoginError || (e as Partial<LoginRejection> | null)?.loginRejected === true,
    ) !== undefined
  );
}

/** Construction options of {@link LoginGuard}. */
export interface LoginGuardOptions {
  /** Minimum time between two login attempts, so a flapping session cannot cause a storm. Default 1 s. */
  readonly minLoginIntervalMs?: number;
  /**
   * After a rejection, the same credential version is not tried again for this long (default
   * 5 min); a different version is tried at once.
   */
  readonly invalidLoginBackoffMs?: number;
  readonly now?: () => number;
}

const defaultMinLoginIntervalMs = 1000;
const defaultBackoffMs = 5 * 60_000;
/** Rejected versions remembered at once; older ones are forgotten first. */
const maxRemembered = 16;

/**
 * Lockout bookkeeping for one vCenter, in every login mode: at most one rejected login per
 * credential version until the backoff has passed. Keep one guard per vCenter for the life of the
 * process (not per connection), so that reconnecting does not reset it. Holds no secret: only the
 * opaque credential versions. No I/O.
 */
export class LoginGuard {
  readonly #minIntervalMs: number;
  readonly #backoffMs: number;
  readonly #now: () => number;
  readonly #rejected = new Map<string, { readonly at: number; readonly error: unknown }>();
  #lastAttempt = Number.NEGATIVE_INFINITY;

  constructor(options: LoginGuardOptions = {}) {
    this.#minIntervalMs = options.minLoginIntervalMs ?? defaultMinLoginIntervalMs;
    this.#backoffMs = options.invalidLoginBackoffMs ?? defaultBackoffMs;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Admits one login attempt with credentials of `version`: rejects with `LoginSuppressedError`
   * (cause: the original rejection) while that version is in backoff, otherwise waits out the
   * minimum login interval (abortable) and records the attempt.
   */
  async admit(version: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    this.#throwIfSuppressed(version);
    const wait = this.#lastAttempt + this.#minIntervalMs - this.#now();
    if (wait > 0) await abortableDelay(wait, options.signal);
    // Another caller may have recorded a rejection of this version while we waited.
    this.#throwIfSuppressed(version);
    this.#lastAttempt = this.#now();
  }

  /** Records the outcome of an admitted attempt; only rejections (see `isLoginRejection`) count. */
  failed(version: string, error: unknown): void {
    if (!isLoginRejection(error)) return;
    this.#rejected.delete(version);
    this.#rejected.set(version, { at: this.#now(), error });
    if (this.#rejected.size > maxRemembered) {
      const oldest = this.#rejected.keys().next();
      if (oldest.done !== true) this.#rejected.delete(oldest.value);
    }
  }

  /** Records a successful login: the version is good again. */
  succeeded(version: string): void {
    this.#rejected.delete(version);
  }

  /** Whether `version` is currently held back (for readiness reporting). */
  isSuppressed(version: string): boolean {
    const entry = this.#rejected.get(version);
    return entry !== undefined && this.#now() - entry.at < this.#backoffMs;
  }

  #throwIfSuppressed(version: string): void {
    if (!this.isSuppressed(version)) return;
    throw new LoginSuppressedError(
      'login to vCenter was refused for these credentials; not retrying until they change or the backoff ends',
      { cause: this.#rejected.get(version)?.error },
    );
  }
}
