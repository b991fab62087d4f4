// SPDX-License-Identifier: Apache-2.0
import { RestDecodeError, restErrorFromResponse, type RestRequestInfo } from './rest-errors.ts';

/** An HTTP reply of the vAPI endpoint, body read as text. */
export interface RestReply {
  readonly status: number;
  readonly text: string;
}

/** The request fields an error may carry: method, path and action only (never headers). */
export function requestInfo(r: RestRequestInfo): RestRequestInfo {
  return r.action === undefined
    ? { method: r.method, path: r.path }
    : { method: r.method, path: r.path, action: r.action };
}

/**
 * Decodes a reply to `r`: for 2xx, the JSON body (unwrapped from `{ value }` when `unwrap`;
 * `null`, a missing value and an empty body are `undefined`); otherwise throws the `RestError`
 * for the status and body. A 2xx body that is not the expected JSON throws `RestDecodeError`,
 * whose message never quotes the body (it may be a session id).
 */
export function decodeReply(r: RestRequestInfo, reply: RestReply, unwrap: boolean): unknown {
  if (reply.status < 200 || reply.status > 299)
    throw restErrorFromResponse(requestInfo(r), reply.status, reply.text);
  if (reply.text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.text) as unknown;
  } catch {
    // No cause: the parser's message quotes the body.
    throw new RestDecodeError(
      `${r.method} ${r.path}: reply is not JSON (${String(reply.text.length)} chars)`,
    );
  }
  if (!unwrap) return parsed ?? undefined;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RestDecodeError(`${r.method} ${r.path}: reply is not a { value } object`);
  }
  return (parsed as { value?: unknown }).value ?? undefined;
}
