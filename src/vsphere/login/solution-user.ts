// SPDX-License-Identifier: Apache-2.0
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { CcmError } from '../../lib/errors.ts';

/** A vCenter solution user's key material, checked and ready to sign with. */
export interface SolutionUser {
  readonly certificate: X509Certificate;
  readonly privateKey: KeyObject;
  /** The certificate (DER) in base64, as `wsse:BinarySecurityToken` carries it. */
  readonly certificateBase64: string;
  /** The certificate subject, for messages (`CN=k8s-ccm, ...`). */
  readonly subject: string;
}

/**
 * The certificate or key of `certificate` credentials is unusable: not PEM, not RSA, or not a
 * pair. A configuration problem found before any request is sent; never contains key material.
 */
export class SolutionUserKeyError extends CcmError {
  readonly code = 'SOLUTION_USER_KEY_INVALID';
}

/**
 * Parses and checks the PEM certificate and private key of a solution user: the key must be RSA
 * (the STS signs and verifies RSA-SHA256) and must belong to the certificate. Throws
 * `SolutionUserKeyError`; error messages name the problem and the certificate subject only.
 */
export function parseSolutionUser(credentials: {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}): SolutionUser {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(credentials.certificatePem);
  } catch (err) {
    throw new SolutionUserKeyError(`the solution-user certificate is not a PEM certificate: ${message(err)}`);
  }
  const subject = certificate.subject.replace(/\n/g, ', ');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(credentials.privateKeyPem);
  } catch (err) {
    throw new SolutionUserKeyError(`the private key of ${subject} is not a PEM private key: ${message(err)}`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new SolutionUserKeyError(
      `the private key of ${subject} is ${String(privateKey.asymmetricKeyType)}; the vCenter STS needs RSA`,
    );
  }
  if (!certificate.checkPrivateKey(privateKey))
    throw new SolutionUserKeyError(`the private key does not belong to the certificate ${subject}`);
  return { certificate, privateKey, certificateBase64: certificate.raw.toString('base64'), subject };
}

// OpenSSL decoder messages describe the format problem, never the key bytes.
function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
