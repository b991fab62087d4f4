// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../../lib/errors.ts';

/** Where a vAPI client's session id comes from. Implementations do no I/O of their own. */
export interface RestSessionSource {
  /** The id to send, acquiring one first when there is none. The signal only stops this wait. */
  current(signal: AbortSignal): Promise<string>;
  /** Called after `stale` was refused with 401: the id to retry with. */
  renew(stale: string, signal: AbortSignal): Promise<string>;
  /** Removes and returns the id to log out, or undefined when there is none this client may end. */
  take(signal: AbortSignal): Promise<string | undefined>;
}

/** The shared SOAP session has no id, even after it was made valid again: nothing was sent. */
export class SharedSessionMissingError extends CcmError {
  readonly code = 'REST_SHARED_SESSION_MISSING';
}

/**
 * Holds one vAPI session id and makes logins single-flight: however many calls need a session at
 * once, `login` runs once and all of them get its result (or its error). It does no I/O itself.
 *
 * The login is shared, so no single caller's signal cancels it: `login` must bound its own time.
 * A caller's signal only stops that caller's wait.
 */
export class RestSessionSlot implements RestSessionSource {
  readonly #login: () => Promise<string>;
  #id: string | undefined;
  #flight: Promise<string> | undefined;

  constructor(login: () => Promise<string>) {
    this.#login = login;
  }

  /** The current session id, logging in first (or joining a login under way) when there is none. */
  current(signal: AbortSignal): Promise<string> {
    if (this.#id !== undefined) return Promise.resolve(this.#id);
    if (this.#flight === undefined) {
      const flight: Promise<string> = this.#login()
        .then((id) => {
          this.#id = id;
          return id;
        })
        .finally(() => {
          if (this.#flight === flight) this.#flight = undefined;
        });
      // Waiters may all abandon the flight; its outcome must not become an unhandled rejection.
      void flight.catch(ignore);
      this.#flight = flight;
    }
    return raceAbort(this.#flight, signal);
  }

  /**
   * Called after `stale` was refused: drops it unless a concurrent call already replaced it, then
   * joins or starts a login. N calls refused with the same id cause one login.
   */
  renew(stale: string, signal: AbortSignal): Promise<string> {
    if (this.#id === stale) this.#id = undefined;
    return this.current(signal);
  }

  /** Waits for a login under way (ignoring its outcome), then removes and returns the session id. */
  async take(signal: AbortSignal): Promise<string | undefined> {
    if (this.#flight !== undefined) await raceAbort(this.#flight, signal).catch(ignore);
    const id = this.#id;
    this.#id = undefined;
    return id;
  }
}

/**
 * The session source of a client that shares the SOAP session instead of logging in to vAPI:
 * `current` is the SOAP session's id (quotes removed); after a 401, `renew` has the SOAP session
 * revalidated (single-flight: N refused calls cause one revalidation, which the SOAP session
 * turns into at most one re-login) and returns its id then. `take` never yields an id: the SOAP
 * session belongs to its owner, which logs it out.
 */
export class SharedSoapSession implements RestSessionSource {
  readonly #sessionId: () => string | undefined;
  readonly #revalidate: () => Promise<void>;
  #flight: Promise<void> | undefined;

  /**
   * `revalidate` is shared by every waiting call, so it must bound its own time; a caller's
   * signal only stops that caller's wait.
   */
  constructor(sessionId: () => string | undefined, revalidate: () => Promise<void>) {
    this.#sessionId = sessionId;
    this.#revalidate = revalidate;
  }

  current(signal: AbortSignal): Promise<string> {
    const id = this.#id();
    return id === undefined ? this.#refresh(undefined, signal) : Promise.resolve(id);
  }

  renew(stale: string, signal: AbortSignal): Promise<string> {
    return this.#refresh(stale, signal);
  }

  take(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  async #refresh(stale: string | undefined, signal: AbortSignal): Promise<string> {
    const before = this.#id();
    // Another call already got the SOAP session renewed: use it without asking again.
    if (before !== undefined && before !== stale) return before;
    if (this.#flight === undefined) {
      const flight = this.#revalidate().finally(() => {
        if (this.#flight === flight) this.#flight = undefined;
      });
      void flight.catch(ignore);
      this.#flight = flight;
    }
    await raceAbort(this.#flight, signal);
    const id = this.#id();
    if (id === undefined)
      throw new SharedSessionMissingError('the SOAP session to share with vAPI is not logged in');
    return id;
  }

  #id(): string | undefined {
    const raw = this.#sessionId();
    if (raw === undefined || raw === '') return undefined;
    // vCenter quotes the cookie value (vmware_soap_session="…"); the vAPI header carries it bare.
    return raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  }
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => {
      signal.removeEventListener('abort', onAbort);
    });
  });
}

function ignore(): void {
  // Deliberately empty: the outcome is delivered elsewhere or is best effort by contract.
}
