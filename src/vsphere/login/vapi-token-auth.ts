// SPDX-License-Identifier: Apache-2.0
import { createHash, randomInt, sign } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { SolutionUser } from './solution-user.ts';
import type { SamlToken } from './sts-response.ts';

/** The request to authorise: the vAPI session login, `POST https://<vc>/rest/com/vmware/cis/session`. */
export interface VapiTokenRequest {
  readonly method: string;
  readonly url: URL;
  /** The exact request body (empty for the session login). */
  readonly body?: string;
}

/**
 * The `Authorization` header value that logs in to the vSphere Automation (vAPI) endpoint with a
 * holder-of-key SAML token, in the form vCenter accepts (govmomi `sts.Signer.SignRequest`):
 * `SIGN token="<base64 gzip assertion>", signature_alg="RSA-SHA256", signature="…",
 * nonce="…", bodyhash="…"`. The signature covers the nonce, method, path, lower-cased host,
 * port (80 when the URL has none, as vCenter reconstructs it) and the body's SHA-256, so the
 * header is good for this one request only. Pure apart from the random nonce; the header holds
 * the token, so it must never be logged.
 */
export function vapiTokenAuthorization(
  token: SamlToken,
  user: SolutionUser,
  request: VapiTokenRequest,
  nonce = `${String(Date.now())}:${String(randomInt(2 ** 47))}`,
): string {
  const bodyHash = createHash('sha256')
    .update(request.body ?? '', 'utf8')
    .digest();
  const message = Buffer.concat([
    Buffer.from(
      [
        nonce,
        request.method.toUpperCase(),
        request.url.pathname,
        hostName(request.url),
        request.url.port || '80',
      ]
        .map((part) => `${part}\n`)
        .join(''),
      'utf8',
    ),
    bodyHash,
    Buffer.from('\n', 'utf8'),
  ]);
  const params: [string, string][] = [
    ['token', gzipSync(Buffer.from(token.assertion, 'utf8')).toString('base64')],
    ['signature_alg', 'RSA-SHA256'],
    ['signature', sign('sha256', message, user.privateKey).toString('base64')],
    ['nonce', nonce],
    ['bodyhash', bodyHash.toString('base64')],
  ];
  return `SIGN ${params.map(([k, v]) => `${k}="${v}"`).join(', ')}`;
}

/** The host as vCenter sees it: lower case, IPv6 without brackets. */
function hostName(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}
