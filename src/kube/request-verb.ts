// SPDX-License-Identifier: Apache-2.0

/** One finished request to the API server, as metrics see it. No names, no bodies. */
export interface KubeRequestRecord {
  /** `GET` `LIST` `WATCH` `POST` `PUT` `PATCH` `DELETE` `DELETECOLLECTION` (or the HTTP method). */
  readonly verb: string;
  /** Plural resource with its subresource (`nodes`, `nodes/status`), or `none` for non-resource paths. */
  readonly resource: string;
  /** HTTP status code, or `error` when no response arrived (connection failure, timeout, abort). */
  readonly code: string;
  /** From sending the request to the response headers (the rate-limit wait is not included). */
  readonly durationMs: number;
}

/** Told about every request; must be cheap and must not throw. */
export type KubeRequestObserver = (record: KubeRequestRecord) => void;

/** A parsed resource path: `resource` is undefined for non-resource paths (`/api`, `/version`). */
interface ResourcePath {
  readonly resource: string | undefined;
  readonly subresource: string | undefined;
  readonly named: boolean;
  readonly legacyWatch: boolean;
}

/**
 * Splits an API path into resource, subresource and whether it names one object:
 * `/api/v1[/watch][/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]` and the same under
 * `/apis/<group>/<version>`. `/api/v1/namespaces[/<name>]` is the namespaces resource itself.
 */
function parsePath(pathname: string): ResourcePath {
  const parts = pathname.split('/').filter((p) => p !== '');
  const none = { resource: undefined, subresource: undefined, named: false, legacyWatch: false };
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) rest = parts.slice(2);
  else if (parts[0] === 'apis' && parts.length >= 4) rest = parts.slice(3);
  else return none;
  const legacyWatch = rest[0] === 'watch';
  if (legacyWatch) rest = rest.slice(1);
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  const [resource, name, subresource] = rest;
  if (resource === undefined) return none;
  return { resource, subresource, named: name !== undefined, legacyWatch };
}

/**
 * The request's verb as the API server counts it: a GET of a collection is `LIST`, a GET with
 * `watch=true` (or `1`, or under the legacy `/watch/` prefix) is `WATCH`, a DELETE of a
 * collection is `DELETECOLLECTION`; other methods are their upper-case HTTP name.
 */
export function kubeRequestVerb(method: string, url: URL): string {
  const m = method.toUpperCase();
  const path = parsePath(url.pathname);
  const watch = url.searchParams.get('watch');
  if (m === 'GET' && (watch === 'true' || watch === '1' || path.legacyWatch)) return 'WATCH';
  if (path.resource === undefined || path.named) return m;
  if (m === 'GET') return 'LIST';
  if (m === 'DELETE') return 'DELETECOLLECTION';
  return m;
}

/** `nodes`, `nodes/status`, `leases`; `none` for discovery and other non-resource paths. */
export function kubeRequestResource(url: URL): string {
  const { resource, subresource } = parsePath(url.pathname);
  if (resource === undefined) return 'none';
  return subresource === undefined ? resource : `${resource}/${subresource}`;
}

/** The `code` of a failed request: the HTTP status it carries, else `error`. */
export function kubeErrorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const status = (err as { statusCode?: unknown; code?: unknown }).statusCode;
    if (typeof status === 'number') return String(status);
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'number' && code >= 100 && code < 600) return String(code);
  }
  return 'error';
}
