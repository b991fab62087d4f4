// SPDX-License-Identifier: Apache-2.0
import { createHash, X509Certificate } from 'node:crypto';
import type { ResolvedCredentials, VCenterCredentials } from '../../credentials/credentials.ts';

/** User name and password for `SessionManager.Login` (the shape callers used before login modes). */
export interface LoginCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * What a session's credentials callback may return: a bare user/password pair, one of the
 * login-mode credentials, or resolved credentials with their version (preferred: the lockout
 * guard then keys on the provider's version).
 */
export type SessionCredentials = LoginCredentials | VCenterCredentials | ResolvedCredentials;

/** Credentials in one shape, with the version the lockout guard keys on. */
export interface VersionedCredentials {
  readonly credentials: VCenterCredentials;
  /** Equal versions mean identical credentials. Never the secret itself. */
  readonly version: string;
}

/** Brings any accepted shape to `VersionedCredentials`; unversioned input gets a digest as version. */
export function versionCredentials(input: SessionCredentials): VersionedCredentials {
  if ('credentials' in input) return { credentials: input.credentials, version: input.version };
  const credentials: VCenterCredentials =
    'kind' in input ? input : { kind: 'password', username: input.username, password: input.password };
  return { credentials, version: `sha256:${digest(credentials)}` };
}

/**
 * A label for logs and events that names who logs in without revealing a secret: the user name,
 * the session-manager URL without query or credentials, or the certificate's subject.
 */
export function credentialIdentity(credentials: VCenterCredentials): string {
  switch (credentials.kind) {
    case 'password':
      return credentials.username;
    case 'session-manager':
      return `session manager ${safeUrl(credentials.url)}`;
    case 'certificate':
      return `certificate ${certificateSubject(credentials.certificatePem)}`;
  }
}

function digest(credentials: VCenterCredentials): string {
  const fields =
    credentials.kind === 'password'
      ? [credentials.kind, credentials.username, credentials.password]
      : credentials.kind === 'session-manager'
        ? [credentials.kind, credentials.url, credentials.token ?? '']
        : [credentials.kind, credentials.certificatePem, credentials.privateKeyPem];
  return createHash('sha256').update(fields.join('\u0000')).digest('hex');
}

function safeUrl(text: string): string {
  try {
    const url = new URL(text);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

function certificateSubject(pem: string): string {
  try {
    return new X509Certificate(pem).subject.replace(/\n/g, ', ');
  } catch {
    return '(unparsable)';
  }
}
