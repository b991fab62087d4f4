// SPDX-License-Identifier: Apache-2.0
import type { UserSession } from '../../vim25/generated/data-objects.ts';
import { LoginByTokenMethod } from '../../vim25/generated/methods.ts';
import type { CallOptions } from '../../vim25/round-tripper.ts';
import type { EnvelopeRoundTripper } from '../../vim25/soap-transport.ts';
import { UnsupportedLoginModeError, type LoginTarget } from './login-target.ts';
import type { SolutionUser } from './solution-user.ts';
import type { SamlToken } from './sts-response.ts';
import {
  bodyElement,
  c14nText,
  envelopeWith,
  newId,
  securityElement,
  signatureElement,
  timestampElement,
  WS_NS,
} from './ws-security.ts';

/** How long the server may take to receive the LoginByToken request. */
const requestValidityMs = 5 * 60_000;

/**
 * `SessionManager.LoginByToken` with a holder-of-key token: the SOAP header carries a
 * WS-Security header with a timestamp, the assertion, and a signature over timestamp and body
 * made with the solution user's key and pointing at the assertion (SAMLID key identifier).
 * The session cookie lands on the target's transport, which must be an `EnvelopeRoundTripper`
 * (else `UnsupportedLoginModeError`, before any I/O). Rejects like any SOAP call; an
 * `InvalidLogin` fault means the token was refused.
 */
export async function loginByToken(
  target: LoginTarget,
  token: SamlToken,
  user: SolutionUser,
  options: CallOptions & { readonly now?: () => Date } = {},
): Promise<UserSession> {
  const transport = target.transport as Partial<EnvelopeRoundTripper>;
  if (typeof transport.roundTripWithEnvelope !== 'function')
    throw new UnsupportedLoginModeError(
      'certificate login needs a transport that can sign the SOAP envelope',
    );
  const build = (element: string): string =>
    signedLoginEnvelope(element, token, user, options.now?.() ?? new Date());
  const callOptions = {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  return (await transport.roundTripWithEnvelope(
    LoginByTokenMethod,
    { _this: target.sessionManager },
    build,
    callOptions,
  )) as UserSession;
}

/** The signed LoginByToken envelope around the encoded request element (pure; exported for tests). */
export function signedLoginEnvelope(
  element: string,
  token: SamlToken,
  user: SolutionUser,
  now: Date,
): string {
  const [tsId, bodyId] = [newId(), newId()];
  const timestamp = timestampElement(tsId, now, new Date(now.getTime() + requestValidityMs));
  const body = bodyElement(bodyId, element);
  const keyInfo =
    `<wsse:SecurityTokenReference xmlns:wsse11="${WS_NS.wsse11}"` +
    ' wsse11:TokenType="http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0">' +
    '<wsse:KeyIdentifier ValueType="http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLID">' +
    `${c14nText(token.id)}</wsse:KeyIdentifier></wsse:SecurityTokenReference>`;
  const signature = signatureElement({
    parts: [
      { id: tsId, canonical: timestamp },
      { id: bodyId, canonical: body },
    ],
    key: user.privateKey,
    keyInfo,
  });
  return envelopeWith(securityElement(timestamp + token.assertion + signature), body);
}
