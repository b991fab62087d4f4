// SPDX-License-Identifier: Apache-2.0
// Test-only: what the fake API server was asked, for tests to read and count.

/** The Kubernetes verb of a request (`discovery` for `/api`, `/apis`, `/version`). */
export type KubeVerb =
  'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'discovery' | 'unknown';

/** One request as the fake answered it. */
export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly verb: KubeVerb;
  /** Plural resource (`nodes`), `''` for discovery. */
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
  /** `Content-Type` of a PATCH, `''` otherwise. */
  readonly patchType: string;
  /** HTTP status sent. */
  readonly code: number;
}

/** Fields to match; unset fields match anything. */
export type RequestFilter = Partial<Omit<LoggedRequest, 'query'>>;

/** Append-only log of requests. */
export class RequestLog {
  readonly #entries: LoggedRequest[] = [];

  /** Every request so far, oldest first. */
  get entries(): readonly LoggedRequest[] {
    return this.#entries;
  }

  /** Records one answered request. */
  add(entry: LoggedRequest): void {
    this.#entries.push(entry);
  }

  /** The requests matching every given field of `filter`. */
  filter(filter: RequestFilter): LoggedRequest[] {
    const want = Object.entries(filter) as [keyof LoggedRequest, unknown][];
    return this.#entries.filter((e) => want.every(([k, v]) => e[k] === v));
  }

  /** How many requests match `filter`. */
  count(filter: RequestFilter = {}): number {
    return this.filter(filter).length;
  }

  /** Forgets everything recorded so far (e.g. after a test's setup). */
  clear(): void {
    this.#entries.length = 0;
  }
}
