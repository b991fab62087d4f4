// SPDX-License-Identifier: Apache-2.0
import type { VCenterConfig } from '../config/config.ts';

/**
 * How to log in to one vCenter:
 * - `password`: SessionManager.Login;
 * - `session-manager`: a shared-session service (vSphere 8.0U3+): GET `url` with
 *   `Authorization: Bearer <token, or the pod's service-account token>`, receive a clone ticket,
 *   then SessionManager.CloneSession;
 * - `certificate`: a solution user: a SAML token from the vCenter STS, signed with the key, then
 *   SessionManager.LoginByToken.
 */
export type VCenterCredentials =
  | { readonly kind: 'password'; readonly username: string; readonly password: string }
  | { readonly kind: 'session-manager'; readonly url: string; readonly token: string | undefined }
  | { readonly kind: 'certificate'; readonly certificatePem: string; readonly privateKeyPem: string };

/** Credentials plus where they came from and a version that changes whenever they change. */
export interface ResolvedCredentials {
  readonly credentials: VCenterCredentials;
  /** Opaque; equal versions mean identical credentials (used for lockout bookkeeping). */
  readonly version: string;
  /** For logs: `inline`, `secret kube-system/vsphere-creds`, `directory /etc/cloud/secrets`. */
  readonly source: string;
}

/**
 * Resolves the current credentials for a vCenter. Sources are kept current in the background
 * (Secret watch, directory watch), so `resolve` is cheap and never waits on the network for
 * longer than the initial sync. Rejects with `CredentialsNotFoundError` (stable code
 * `CREDENTIALS_NOT_FOUND`) when no source has an entry for the vCenter, and never includes a
 * secret value in an error message.
 */
export interface CredentialProvider {
  resolve(vc: VCenterConfig, options?: { readonly signal?: AbortSignal }): Promise<ResolvedCredentials>;
}
