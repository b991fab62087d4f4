// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../../lib/errors.ts';

/** Where a failed vAPI call went: enough to find it in logs, never a session id or credential. */
export interface RestRequestInfo {
  readonly method: string;
  /** Path below the client's base URL, e.g. `/com/vmware/cis/tagging/tag/id:urn:…`. */
  readonly path: string;
  /** The `~action` query parameter, when the call was an action. */
  readonly action?: string;
}

/** The fields of a vAPI error reply, as decoded from the HTTP status and body. */
export interface RestErrorDetails extends RestRequestInfo {
  readonly status: number;
  /**
   * The vAPI error type as the server spelled it: `com.vmware.vapi.std.errors.not_found` (the
   * `/rest` body's `type`) or `NOT_FOUND` (`error_type` in `/rest` `value` or the `/api` body).
   * Undefined when the body carried none (e.g. vcsim's plain-text 404).
   */
  readonly errorType: string | undefined;
  /** The `default_message`s of the reply, or a short excerpt of a non-JSON body. */
  readonly messages: readonly string[];
}

/**
 * The vCenter answered a vAPI call with an error status. The subclasses below exist for the
 * errors callers branch on; match on `instanceof` or `code`, never on `message`.
 */
export class RestError extends CcmError {
  readonly code: string = 'REST_ERROR';
  readonly status: number;
  readonly errorType: string | undefined;
  readonly messages: readonly string[];
  readonly request: RestRequestInfo;

  constructor(details: RestErrorDetails, options?: ErrorOptions) {
    super(describe(details), options);
    this.status = details.status;
    this.errorType = details.errorType;
    this.messages = details.messages;
    this.request = requestInfo(details);
  }
}

/** The session is missing, expired or was terminated, or a login was refused (bad credentials). */
export class RestUnauthenticatedError extends RestError {
  override readonly code = 'REST_UNAUTHENTICATED';
}
/** The session's user lacks the privilege for this call. Logging in again does not help. */
export class RestUnauthorizedError extends RestError {
  override readonly code = 'REST_UNAUTHORIZED';
}
/** The addressed object (category, tag, inventory object) does not exist. */
export class RestNotFoundError extends RestError {
  override readonly code = 'REST_NOT_FOUND';
}
/** The server rejected an argument of the call. */
export class RestInvalidArgumentError extends RestError {
  override readonly code = 'REST_INVALID_ARGUMENT';
}
/** A create call named an object that already exists (e.g. a category name in use). */
export class RestAlreadyExistsError extends RestError {
  override readonly code = 'REST_ALREADY_EXISTS';
}
/** The vAPI endpoint is unavailable (503 or `service_unavailable`): worth retrying later. */
export class RestServiceUnavailableError extends RestError {
  override readonly code = 'REST_SERVICE_UNAVAILABLE';
}

/** No HTTP response: connection refused or reset, DNS or TLS failure. `cause` keeps the original. */
export class RestTransportError extends CcmError {
  readonly code = 'REST_TRANSPORT';
  /** Always undefined: there was no response. Present so callers can read `status` uniformly. */
  readonly status: undefined = undefined;
  readonly request: RestRequestInfo;

  constructor(request: RestRequestInfo, options?: ErrorOptions) {
    super(`${where(request)}: ${causeText(options?.cause)}`, options);
    this.request = requestInfo(request);
  }
}

/** The call (including any re-login it needed) did not complete within its time bound. */
export class RestTimeoutError extends CcmError {
  readonly code = 'REST_TIMEOUT';
  readonly timeoutMs: number;
  readonly request: RestRequestInfo;

  constructor(request: RestRequestInfo, timeoutMs: number, options?: ErrorOptions) {
    super(`${where(request)}: no response within ${String(timeoutMs)} ms`, options);
    this.timeoutMs = timeoutMs;
    this.request = requestInfo(request);
  }
}

/**
 * A success reply whose body was not the JSON shape the call expects. Never read as "empty":
 * a garbled tag list must not look like "no tags".
 */
export class RestDecodeError extends CcmError {
  readonly code = 'REST_DECODE';
}

type RestErrorClass = new (d: RestErrorDetails, o?: ErrorOptions) => RestError;

const byErrorType: Readonly<Record<string, RestErrorClass>> = {
  unauthenticated: RestUnauthenticatedError,
  unauthorized: RestUnauthorizedError,
  not_found: RestNotFoundError,
  invalid_argument: RestInvalidArgumentError,
  already_exists: RestAlreadyExistsError,
  service_unavailable: RestServiceUnavailableError,
};

const byStatus: Readonly<Record<number, RestErrorClass>> = {
  401: RestUnauthenticatedError,
  403: RestUnauthorizedError,
  404: RestNotFoundError,
  503: RestServiceUnavailableError,
};

/**
 * Builds the most specific `RestError` for an error reply. The vAPI error type decides when it
 * is known (a 400 can carry `not_found`); otherwise the HTTP status does. `bodyText` may be
 * anything: JSON in the `/rest` or `/api` shape, plain text, HTML or empty.
 */
export function restErrorFromResponse(request: RestRequestInfo, status: number, bodyText: string): RestError {
  const { errorType, messages } = parseErrorBody(bodyText);
  const details: RestErrorDetails = { ...requestInfo(request), status, errorType, messages };
  const cls =
    (errorType === undefined ? undefined : byErrorType[normalizeErrorType(errorType)]) ??
    byStatus[status] ??
    RestError;
  return new cls(details);
}

/** `com.vmware.vapi.std.errors.not_found` and `NOT_FOUND` both become `not_found`. */
function normalizeErrorType(errorType: string): string {
  return (errorType.split('.').at(-1) ?? errorType).toLowerCase();
}

const maxExcerpt = 200;

function parseErrorBody(text: string): { errorType: string | undefined; messages: string[] } {
  const json = tryParseJson(text);
  if (!isRecord(json)) {
    const excerpt = text.trim().split('\n', 1)[0]?.slice(0, maxExcerpt) ?? '';
    return { errorType: undefined, messages: excerpt === '' ? [] : [excerpt] };
  }
  // /rest: { type, value: { error_type?, messages } }; /api: { error_type, messages }.
  const value = isRecord(json.value) ? json.value : undefined;
  const errorType = stringOr(json.type) ?? stringOr(value?.error_type) ?? stringOr(json.error_type);
  const messages = extractMessages(value?.messages ?? json.messages);
  return { errorType, messages };
}

function extractMessages(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  const out: string[] = [];
  for (const m of raw) {
    // vcsim sends plain strings; vCenter sends LocalizableMessage objects.
    const text = typeof m === 'string' ? m : isRecord(m) ? stringOr(m.default_message) : undefined;
    if (text !== undefined && text !== '') out.push(text.slice(0, maxExcerpt));
  }
  return out;
}

function tryParseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringOr(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function requestInfo(r: RestRequestInfo): RestRequestInfo {
  return r.action === undefined
    ? { method: r.method, path: r.path }
    : { method: r.method, path: r.path, action: r.action };
}

function where(r: RestRequestInfo): string {
  return `${r.method} ${r.path}${r.action === undefined ? '' : `?~action=${r.action}`}`;
}

function describe(d: RestErrorDetails): string {
  const type = d.errorType === undefined ? '' : ` ${d.errorType}`;
  const msgs = d.messages.length === 0 ? '' : `: ${d.messages.join('; ')}`;
  return `${where(d)}: HTTP ${String(d.status)}${type}${msgs}`;
}

function causeText(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${cause.message}` : cause.message;
  }
  return 'request failed';
}
