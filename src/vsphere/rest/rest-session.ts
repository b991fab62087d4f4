// SPDX-License-Identifier: Apache-2.0

/**
 * Holds one vAPI session id and makes logins single-flight: however many calls need a session at
 * once, `login` runs once and all of them get its result (or its error). It does no I/O itself.
 *
 * The login is shared, so no single caller's signal cancels it: `login` must bound its own time.
 * A caller's signal only stops that caller's wait.
 */
export class RestSessionSlot {
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
