// SPDX-License-Identifier: Apache-2.0
import type { MethodSchema } from '../../src/vim25/codec/schema.ts';
import type { CallOptions, RoundTripper } from '../../src/vim25/round-tripper.ts';

/** One recorded call. */
export interface RecordedCall {
  readonly method: string;
  readonly request: Record<string, unknown>;
}

/**
 * A RoundTripper answered by a handler: for unit tests of the vsphere layer's logic (fault
 * paths, paging, resync) that the simulator cannot produce. Records every call in order. Also a
 * SessionCookieStore, like the HTTP transport.
 */
export class FakeRoundTripper implements RoundTripper {
  readonly calls: RecordedCall[] = [];
  sessionCookie: string | undefined;
  readonly #handler: (method: string, request: Record<string, unknown>, options?: CallOptions) => unknown;

  constructor(handler: (method: string, request: Record<string, unknown>, options?: CallOptions) => unknown) {
    this.#handler = handler;
  }

  async roundTrip(method: MethodSchema, request: object, options?: CallOptions): Promise<unknown> {
    const req = request as Record<string, unknown>;
    this.calls.push({ method: method.name, request: req });
    await Promise.resolve();
    return this.#handler(method.name, req, options);
  }

  /** How many calls of `method` were made. */
  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }
}
