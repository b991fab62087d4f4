// SPDX-License-Identifier: Apache-2.0
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { VCenterCredentials } from './credentials.ts';

/** The raw values found for one vCenter, from any source (inline config, Secret, directory). */
export interface CredentialFields {
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly sessionManagerUrl?: string | undefined;
  readonly sessionManagerToken?: string | undefined;
}

/** Why the fields do not make credentials; the text never contains a value. */
export type CredentialProblem =
  | { readonly kind: 'missing'; readonly missing: 'username' | 'password' | 'both' }
  | { readonly kind: 'invalid-session-manager-url' }
  | { readonly kind: 'invalid-certificate' };

/**
 * Decides how to log in with `fields`, the way the reference does: a shared-session-manager URL
 * wins over everything; otherwise a username that is a PEM block means a solution user (the
 * username is its certificate, the password its private key); otherwise user and password.
 * Empty strings count as absent. Returns the problem instead when the fields are unusable:
 * neither user+password nor a session-manager URL, a URL that is not `https://`, or a PEM
 * username whose certificate or key does not parse.
 */
export function classifyCredentials(
  fields: CredentialFields,
): { readonly credentials: VCenterCredentials } | { readonly problem: CredentialProblem } {
  const url = nonEmpty(fields.sessionManagerUrl);
  if (url !== undefined) {
    if (!isHttpsUrl(url)) return { problem: { kind: 'invalid-session-manager-url' } };
    return {
      credentials: { kind: 'session-manager', url, token: nonEmpty(fields.sessionManagerToken) },
    };
  }
  const username = nonEmpty(fields.username);
  const password = nonEmpty(fields.password);
  if (username === undefined || password === undefined) {
    const missing =
      username === undefined && password === undefined
        ? 'both'
        : username === undefined
          ? 'username'
          : 'password';
    return { problem: { kind: 'missing', missing } };
  }
  if (isPemBlock(username)) {
    if (!isCertificate(username) || !isPrivateKey(password))
      return { problem: { kind: 'invalid-certificate' } };
    return { credentials: { kind: 'certificate', certificatePem: username, privateKeyPem: password } };
  }
  return { credentials: { kind: 'password', username, password } };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function isHttpsUrl(value: string): boolean {
  return URL.canParse(value) && new URL(value).protocol === 'https:';
}

/** Matches what Go's `pem.Decode` accepts as the start of a block (leading blanks allowed). */
function isPemBlock(value: string): boolean {
  return /^\s*-----BEGIN [A-Z0-9 ]+-----/.test(value);
}

function isCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

function isPrivateKey(pem: string): boolean {
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}
