// SPDX-License-Identifier: Apache-2.0
import type { MethodSchema } from '../vim25/codec/schema.ts';
import { SoapTransportError } from '../vim25/faults.ts';
import type { CallOptions, RoundTripper } from '../vim25/round-tripper.ts';
import type { EnvelopeRoundTripper } from '../vim25/soap-transport.ts';
import { abortableDelay } from '../lib/abort.ts';
import type { SessionCookieStore } from './session.ts';

/**
 * Wraps a transport so that a call failing with a temporary network error (connection refused or
 * reset before any HTTP status arrived) is sent again, up to `roundtripCount` attempts in all:
 * the `soapRoundtripCount` setting of the Go CPI (govmomi's TemporaryNetworkError retry). Faults,
 * HTTP errors and timeouts are never retried: the server answered, or may still be working.
 * Attempts are spaced 100 ms, 200 ms, 400 ms… so a restarting vCenter is not hammered.
 * A token login (`roundTripWithEnvelope`) passes through unchanged: a signed request must not be
 * replayed.
 */
export function withNetworkRetry(
  inner: RoundTripper & SessionCookieStore & Partial<EnvelopeRoundTripper>,
  roundtripCount: number,
): RoundTripper & SessionCookieStore & Partial<EnvelopeRoundTripper> {
  const attempts = Math.max(1, Math.floor(roundtripCount));
  const envelope = inner.roundTripWithEnvelope?.bind(inner);
  return {
    ...(envelope === undefined ? {} : { roundTripWithEnvelope: envelope }),
    get sessionCookie(): string | undefined {
      return inner.sessionCookie;
    },
    set sessionCookie(value: string | undefined) {
      inner.sessionCookie = value;
    },
    async roundTrip(method: MethodSchema, request: object, options?: CallOptions): Promise<unknown> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await inner.roundTrip(method, request, options);
        } catch (err) {
          const temporary = err instanceof SoapTransportError && err.status === undefined;
          if (!temporary || attempt >= attempts || options?.signal?.aborted === true) throw err;
          await abortableDelay(100 * 2 ** (attempt - 1), options?.signal);
        }
      }
    },
  };
}
