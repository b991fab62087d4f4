// SPDX-License-Identifier: Apache-2.0
import type { MethodSchema } from './codec/schema.ts';

/** Per-call options. Every call is bounded in time: there is no way to wait forever. */
export interface CallOptions {
  /** Aborts the call; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Overrides the transport's default timeout (30 s unless configured) for this call only, e.g.
   * for a WaitForUpdatesEx long poll whose server-side wait is longer than the default.
   */
  readonly timeoutMs?: number;
}

/**
 * The one seam between SOAP methods and the wire (govmomi's `soap.RoundTripper`). The HTTP
 * implementation encodes the request, posts it and decodes the reply; decorators (session
 * renewal, keep-alive, call counting) wrap it without the generated methods noticing.
 *
 * Contract:
 * - resolves with the decoded `returnval`: `undefined` for void or absent optional results, an
 *   array (possibly empty) when `method.returnsArray`;
 * - rejects with a `VimFaultError` subclass for a SOAP fault, a `SoapTransportError` for an HTTP
 *   or network failure, `SoapTimeoutError` on timeout, `SoapDecodeError` for a malformed reply,
 *   and the signal's reason when aborted.
 */
export interface RoundTripper {
  roundTrip(method: MethodSchema, request: object, options?: CallOptions): Promise<unknown>;
}
