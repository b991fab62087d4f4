// SPDX-License-Identifier: Apache-2.0
// Reading Kubernetes API answers (Status objects, watch errors) without trusting their shape.

/** A client-node `ApiException.body` (a JSON string) as a value. */
export function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
}

/** `Status.code`, if `status` is a Status. */
export function statusCode(status: unknown): number | undefined {
  const code = asRecord(status)?.['code'];
  return typeof code === 'number' ? code : undefined;
}

/** `Status.reason: message`, the parts of a Kubernetes Status that say what went wrong. */
export function statusText(status: unknown): string {
  const s = asRecord(status);
  if (s === undefined) return typeof status === 'string' ? status.slice(0, 200) : 'no details';
  const reason = typeof s['reason'] === 'string' ? s['reason'] : 'Unknown';
  return typeof s['message'] === 'string' ? `${reason}: ${s['message']}` : reason;
}

/** `metadata.resourceVersion` of an API object, if it has a non-empty one. */
export function resourceVersionOf(obj: unknown): string | undefined {
  const rv = asRecord(asRecord(obj)?.['metadata'])?.['resourceVersion'];
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}

/** The HTTP status a client-node `Watch` error carries (`statusCode`). */
export function httpStatusOf(err: unknown): number | undefined {
  const code = asRecord(err)?.['statusCode'];
  return typeof code === 'number' ? code : undefined;
}

/** Whether a `Watch` error is an HTTP `code` answer. */
export function isHttpStatus(err: unknown, code: number): boolean {
  return httpStatusOf(err) === code;
}

/** client-node aborts a watch silent for 30 s; that is a normal reason to resume, not a failure. */
export function isInactivityTimeout(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'TimeoutError';
}
