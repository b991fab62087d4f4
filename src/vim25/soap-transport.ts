// SPDX-License-Identifier: Apache-2.0
import type { Dispatcher } from 'undici';
import { CcmError, findInCauses } from '../lib/errors.ts';
import { decodeResponse, type DecodedResponse } from './codec/decode.ts';
import { encodeRequest, encodeRequestElement } from './codec/encode.ts';
import type { MethodSchema, TypeRegistry } from './codec/schema.ts';
import { SoapTimeoutError, SoapTransportError, TlsThumbprintMismatchError, vimFaultError } from './faults.ts';
import type { CallOptions, RoundTripper } from './round-tripper.ts';

/** One finished call, for metrics and call counting. Carries no request data and no cookie. */
export interface SoapCallEvent {
  readonly method: string;
  readonly durationMs: number;
  /** `fault`: the server answered with a SOAP fault; `error`: anything else went wrong. */
  readonly outcome: 'ok' | 'fault' | 'error';
}

/** Construction options of `SoapHttpTransport`. */
export interface SoapHttpTransportOptions {
  /** The SOAP endpoint, e.g. `https://vcenter.example.com/sdk`. */
  readonly url: URL;
  /** Usually `createHttpAgent(...)`: owns TLS trust and keep-alive. Not closed by the transport. */
  readonly dispatcher: Dispatcher;
  readonly registry: TypeRegistry;
  /** Sent as `SOAPAction: urn:vim25/<apiVersion>`. Default `7.0`. */
  readonly apiVersion?: string;
  /** Bound on a whole call, headers and body, unless the call overrides it. Default 30 s. */
  readonly timeoutMs?: number;
  /**
   * Called exactly once per call, synchronously, when it settles. Must not throw: an exception
   * from it replaces the call's own result.
   */
  readonly onCall?: (event: SoapCallEvent) => void;
}

/**
 * Builds the complete envelope (XML declaration, `soapenv:Envelope`, header, body) around the
 * encoded request element. The envelope must declare the `xsi` prefix when the element uses it.
 */
export type EnvelopeBuilder = (requestElement: string) => string;

/** A transport that can send a caller-built envelope, e.g. one signed with WS-Security. */
export interface EnvelopeRoundTripper {
  /** Like `roundTrip`, but the envelope around the request element comes from `build`. */
  roundTripWithEnvelope(
    method: MethodSchema,
    request: object,
    build: EnvelopeBuilder,
    options?: CallOptions,
  ): Promise<unknown>;
}

/** Name of vCenter's SOAP session cookie. */
const sessionCookieName = 'vmware_soap_session';
const defaultTimeoutMs = 30_000;
/** Fault replies are small; a larger non-2xx body is an HTML error page or worse. */
const maxErrorBodyBytes = 1 << 20;
const excerptChars = 200;
/** Longest delay setTimeout honours (about 24.8 days); longer ones would fire at once. */
const maxTimerMs = 2 ** 31 - 1;
const soapEnvelope = /<(?:[\w.-]+:)?Envelope[\s>/]/;

/**
 * The HTTP implementation of `RoundTripper`: encodes the request, POSTs it to the SOAP endpoint
 * with the session cookie, and streams the reply into the decoder.
 *
 * - Resolves with the decoded `returnval`.
 * - A SOAP fault (whatever the HTTP status) rejects with `vimFaultError(fault)`.
 * - A non-2xx reply without a SOAP envelope rejects with `SoapTransportError` carrying `status`
 *   and a short excerpt of the body; network and TLS failures with `SoapTransportError` (no
 *   status, original error as `cause`), except a pin mismatch, which stays
 *   `TlsThumbprintMismatchError`.
 * - Timeout → `SoapTimeoutError`; caller abort → the signal's reason. In both cases, and on any
 *   other failure, an unread response body is destroyed so the socket is not left half-read.
 * - A malformed reply → the decoder's `SoapDecodeError`.
 *
 * Keeps the session cookie in memory only; it is never logged or put into an error.
 */
export class SoapHttpTransport implements RoundTripper, EnvelopeRoundTripper {
  readonly #url: URL;
  readonly #dispatcher: Dispatcher;
  readonly #registry: TypeRegistry;
  readonly #soapAction: string;
  readonly #timeoutMs: number;
  readonly #onCall: ((event: SoapCallEvent) => void) | undefined;
  #cookie: string | undefined;

  constructor(options: SoapHttpTransportOptions) {
    this.#url = options.url;
    this.#dispatcher = options.dispatcher;
    this.#registry = options.registry;
    this.#soapAction = `urn:vim25/${options.apiVersion ?? '7.0'}`;
    this.#timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    this.#onCall = options.onCall;
  }

  /**
   * The value of the `vmware_soap_session` cookie, verbatim as the server set it (quotes
   * included), or `undefined` before Login. Updated from `set-cookie` on any response; setting it
   * adopts an existing session, setting `undefined` drops it.
   */
  get sessionCookie(): string | undefined {
    return this.#cookie;
  }

  set sessionCookie(value: string | undefined) {
    this.#cookie = value;
  }

  /** See the class comment for the outcomes. */
  roundTrip(method: MethodSchema, request: object, options: CallOptions = {}): Promise<unknown> {
    return this.#send(method, () => encodeRequest(this.#registry, method, request), options);
  }

  /**
   * Sends the envelope `build` makes around the encoded request element, with the same cookie
   * handling, time bound, events and outcomes as `roundTrip`. An exception from `build` rejects
   * the call before anything is sent.
   */
  roundTripWithEnvelope(
    method: MethodSchema,
    request: object,
    build: EnvelopeBuilder,
    options: CallOptions = {},
  ): Promise<unknown> {
    return this.#send(method, () => build(encodeRequestElement(this.#registry, method, request)), options);
  }

  async #send(method: MethodSchema, encode: () => string, options: CallOptions): Promise<unknown> {
    const started = performance.now();
    let outcome: SoapCallEvent['outcome'] = 'error';
    try {
      const decoded = await this.#exchange(method, encode(), options);
      if (decoded.kind === 'fault') {
        outcome = 'fault';
        throw vimFaultError(decoded.fault);
      }
      outcome = 'ok';
      return decoded.value;
    } finally {
      this.#onCall?.({ method: method.name, durationMs: performance.now() - started, outcome });
    }
  }

  async #exchange(method: MethodSchema, body: string, options: CallOptions): Promise<DecodedResponse> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const timeout = new AbortController();
    const timer = setTimeout(
      () => {
        timeout.abort();
      },
      Math.min(timeoutMs, maxTimerMs),
    );
    const signal =
      options.signal === undefined ? timeout.signal : AbortSignal.any([options.signal, timeout.signal]);
    let res: Dispatcher.ResponseData | undefined;
    try {
      res = await this.#dispatcher.request({
        origin: this.#url.origin,
        path: `${this.#url.pathname}${this.#url.search}`,
        method: 'POST',
        headers: this.#headers(),
        body,
        signal,
        // The call-wide timer above bounds headers and body; undici's own timers would only
        // cut long polls short with a less precise error.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.#captureCookie(res.headers['set-cookie']);
      if (res.statusCode >= 200 && res.statusCode < 300) {
        return await decodeResponse(this.#registry, method, res.body);
      }
      return await this.#decodeErrorReply(method, res);
    } catch (err) {
      if (options.signal?.aborted === true) throw options.signal.reason;
      if (timeout.signal.aborted) throw new SoapTimeoutError(method.name, timeoutMs, { cause: err });
      throw asTransportError(method, err);
    } finally {
      clearTimeout(timer);
      // Destroying an unfinished undici body aborts its socket and reports that as an 'error'
      // event, which nobody else is listening for any more.
      if (res !== undefined && !res.body.readableEnded) res.body.on('error', ignore).destroy();
    }
  }

  #headers(): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: this.#soapAction,
    };
    if (this.#cookie !== undefined) headers.cookie = `${sessionCookieName}=${this.#cookie}`;
    return headers;
  }

  #captureCookie(header: string | string[] | undefined): void {
    for (const line of typeof header === 'string' ? [header] : (header ?? [])) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq < 0 || pair.slice(0, eq).trim() !== sessionCookieName) continue;
      const value = pair.slice(eq + 1).trim();
      this.#cookie = value === '' ? undefined : value;
    }
  }

  /** vCenter sends faults with HTTP 500; anything else non-2xx is an HTTP-level failure. */
  async #decodeErrorReply(method: MethodSchema, res: Dispatcher.ResponseData): Promise<DecodedResponse> {
    const text = await readBounded(res.body, maxErrorBodyBytes);
    if (text !== undefined && soapEnvelope.test(text)) {
      const decoded = await decodeResponse(this.#registry, method, text);
      if (decoded.kind === 'fault') return decoded;
    }
    const excerpt = text === undefined ? `body over ${String(maxErrorBodyBytes)} bytes` : bodyExcerpt(text);
    throw new SoapTransportError(
      `${method.name}: HTTP ${String(res.statusCode)}: ${excerpt}`,
      res.statusCode,
    );
  }
}

/** Our own errors pass through; a pin mismatch is unwrapped; anything else is a transport failure. */
function asTransportError(method: MethodSchema, err: unknown): unknown {
  const pin = findInCauses(
    err,
    (e): e is TlsThumbprintMismatchError => e instanceof TlsThumbprintMismatchError,
  );
  if (pin !== undefined) return pin;
  if (err instanceof CcmError) return err;
  const why = err instanceof Error ? `${errorCode(err)}${err.message}` : String(err);
  return new SoapTransportError(`${method.name}: ${why}`, undefined, { cause: err });
}

function errorCode(err: Error): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ` : '';
}

/** Reads the whole body as UTF-8, or returns undefined (and stops reading) past `limit` bytes. */
async function readBounded(
  body: Dispatcher.ResponseData['body'],
  limit: number,
): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function ignore(): void {
  // Intentionally empty: see the caller.
}

function bodyExcerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length <= excerptChars ? flat : `${flat.slice(0, excerptChars)}…`;
}
