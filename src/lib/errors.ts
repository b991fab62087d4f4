// SPDX-License-Identifier: Apache-2.0

/**
 * Base class of every error this project throws on purpose.
 *
 * `code` is a stable SCREAMING_SNAKE identifier: callers, logs and metrics match on it (or on
 * `instanceof`), never on `message`, which may be reworded. The original error, when there is
 * one, is kept as the standard `cause`.
 */
export abstract class CcmError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Walks `err` and its `cause` chain, returning the first link that satisfies `pred`. */
export function findInCauses<T>(err: unknown, pred: (e: unknown) => e is T): T | undefined {
  const seen = new Set<unknown>();
  let cur: unknown = err;
  while (cur !== undefined && cur !== null && !seen.has(cur)) {
    if (pred(cur)) return cur;
    seen.add(cur);
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return undefined;
}
