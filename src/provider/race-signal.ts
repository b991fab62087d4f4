// SPDX-License-Identifier: Apache-2.0

/**
 * Settles with `promise`, or rejects with the signal's reason as soon as it aborts (also when it
 * already has). `promise` itself goes on and is always observed, so a shared promise that
 * rejects after its waiter left never becomes an unhandled rejection.
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason as Error);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => {
      signal.removeEventListener('abort', onAbort);
    });
  });
}

/**
 * Resolves true once `promise` settles (either way), or false after `ms`, whichever comes
 * first. The timer does not keep the process alive.
 */
export function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      resolve(false);
    }, ms);
    timer.unref();
    void promise
      .then(
        () => true,
        () => true,
      )
      .then((settled) => {
        clearTimeout(timer);
        resolve(settled);
      });
  });
}
