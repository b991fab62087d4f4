// SPDX-License-Identifier: Apache-2.0
import { request, type Dispatcher } from 'undici';
import type { SolutionUser } from './solution-user.ts';
import { parseStsResponse, StsError, type SamlToken } from './sts-response.ts';
import {
  bodyElement,
  c14nText,
  envelopeWith,
  newId,
  securityElement,
  signatureElement,
  timestampElement,
  WS_NS,
  wsTime,
} from './ws-security.ts';

export { StsError, StsFaultError, type SamlToken } from './sts-response.ts';

/** How to reach the vCenter Security Token Service. */
export interface StsOptions {
  /** The WS-Trust endpoint, normally `https://<vcenter>/sts/STSService`. */
  readonly url: URL;
  /** Carries the vCenter's TLS policy. Owned by the caller. */
  readonly dispatcher: Dispatcher;
  /** Bound on the Issue exchange. Default 30 s. */
  readonly timeoutMs?: number;
  /** Lifetime asked for the token; it is used once, right away. Default 10 min. */
  readonly tokenLifetimeMs?: number;
  readonly now?: () => Date;
}

const defaultTimeoutMs = 30_000;
const defaultLifetimeMs = 10 * 60_000;
/** How long the STS may take to receive the request before its timestamp expires. */
const requestValidityMs = 5 * 60_000;
const maxReplyBytes = 1 << 20;
const issueAction = `${WS_NS.wst}/RST/Issue`;

/**
 * Asks the STS for a holder-of-key SAML token for `user` (a solution user), as the Go CPI does:
 * a WS-Trust `RequestSecurityToken` (Issue, KeyType PublicKey, delegatable) whose Timestamp and
 * Body are signed with the user's key, the certificate travelling as a BinarySecurityToken.
 *
 * Resolves with the assertion (namespace-complete, ready to embed) and its ID. Rejects with
 * `StsFaultError` when the STS answers with a SOAP fault (a refusal: counts for the lockout
 * guard), `StsError` otherwise, or the caller's signal reason. Nothing secret is in any error.
 */
export async function requestHokToken(
  user: SolutionUser,
  sts: StsOptions,
  options: { readonly signal?: AbortSignal } = {},
): Promise<SamlToken> {
  const timeoutMs = sts.timeoutMs ?? defaultTimeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
  const where = `STS ${sts.url.origin}${sts.url.pathname}`;
  const envelope = buildIssueRequest(
    user,
    sts.now?.() ?? new Date(),
    sts.tokenLifetimeMs ?? defaultLifetimeMs,
  );
  let res: Dispatcher.ResponseData;
  try {
    res = await request(sts.url, {
      dispatcher: sts.dispatcher,
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: issueAction },
      body: envelope,
      signal,
    });
  } catch (err) {
    throw failure(err, options.signal, timeout, where, timeoutMs);
  }
  let text: string | undefined;
  try {
    text = await readBounded(res.body);
  } catch (err) {
    throw failure(err, options.signal, timeout, where, timeoutMs);
  }
  if (text === undefined)
    throw new StsError(`${where}: reply over ${String(maxReplyBytes)} bytes`, res.statusCode);
  return parseStsResponse(text, res.statusCode, where);
}

function failure(
  err: unknown,
  caller: AbortSignal | undefined,
  timeout: AbortSignal,
  where: string,
  timeoutMs: number,
): unknown {
  if (caller?.aborted === true) return caller.reason;
  if (timeout.aborted)
    return new StsError(`${where}: no answer within ${String(timeoutMs)} ms`, undefined, { cause: err });
  const why = err instanceof Error ? err.message : String(err);
  return new StsError(`${where}: ${why}`, undefined, { cause: err });
}

/**
 * The signed WS-Trust Issue envelope `requestHokToken` sends (pure; exported for tests): the
 * request timestamp is valid for 5 minutes from `now`, the token is asked for `lifetimeMs`.
 */
export function buildIssueRequest(user: SolutionUser, now: Date, lifetimeMs = defaultLifetimeMs): string {
  const [tsId, bodyId, certId, sigId] = [newId(), newId(), newId(), newId()];
  const timestamp = timestampElement(tsId, now, new Date(now.getTime() + requestValidityMs));
  const body = bodyElement(bodyId, requestSecurityToken(now, lifetimeMs, sigId));
  const certificate =
    `<wsse:BinarySecurityToken EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"` +
    ` ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"` +
    ` wsu:Id="${certId}">${user.certificateBase64}</wsse:BinarySecurityToken>`;
  const keyInfo =
    `<wsse:SecurityTokenReference><wsse:Reference URI="#${certId}"` +
    ' ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3">' +
    '</wsse:Reference></wsse:SecurityTokenReference>';
  const signature = signatureElement({
    id: sigId,
    parts: [
      { id: tsId, canonical: timestamp },
      { id: bodyId, canonical: body },
    ],
    key: user.privateKey,
    keyInfo,
  });
  return envelopeWith(securityElement(timestamp + certificate + signature), body);
}

/** WS-Trust RST for a delegatable holder-of-key SAML 2.0 token bound to the signature key. */
function requestSecurityToken(now: Date, lifetimeMs: number, signatureId: string): string {
  const expires = new Date(now.getTime() + lifetimeMs);
  return (
    `<RequestSecurityToken xmlns="${WS_NS.wst}">` +
    `<TokenType>${c14nText(WS_NS.saml2)}</TokenType>` +
    `<RequestType>${WS_NS.wst}/Issue</RequestType>` +
    `<Lifetime><wsu:Created>${wsTime(now)}</wsu:Created><wsu:Expires>${wsTime(expires)}</wsu:Expires></Lifetime>` +
    '<Renewing Allow="false" OK="false"></Renewing>' +
    '<Delegatable>true</Delegatable>' +
    `<KeyType>${WS_NS.wst}/PublicKey</KeyType>` +
    '<SignatureAlgorithm>http://www.w3.org/2001/04/xmldsig-more#rsa-sha256</SignatureAlgorithm>' +
    `<UseKey Sig="${signatureId}"></UseKey>` +
    '</RequestSecurityToken>'
  );
}

async function readBounded(body: Dispatcher.ResponseData['body']): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxReplyBytes) {
      // Destroying an unfinished undici body reports the aborted socket as an 'error' event.
      body.on('error', () => undefined).destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
