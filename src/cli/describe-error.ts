// SPDX-License-Identifier: Apache-2.0
import { CcmError, findInCauses } from '../lib/errors.ts';
import {
  InvalidLoginError,
  SoapTimeoutError,
  SoapTransportError,
  TlsThumbprintMismatchError,
  VimFaultError,
} from '../vim25/faults.ts';
import { LoginSuppressedError } from '../vsphere/session.ts';
import { RestError } from '../vsphere/rest/rest-errors.ts';

const tlsCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

/**
 * One line for an operator, naming what failed and what to do, for the errors a connection can
 * meet. It never includes credentials: only the host, the user name and server messages.
 */
export function describeError(
  err: unknown,
  context: { readonly host: string; readonly user?: string },
): string {
  const { host } = context;
  const pin = findInCauses(
    err,
    (e): e is TlsThumbprintMismatchError => e instanceof TlsThumbprintMismatchError,
  );
  if (pin !== undefined)
    return `TLS certificate of ${host} does not match the pinned thumbprint: ${pin.message}`;
  const tls = tlsCode(err);
  if (tls !== undefined) {
    return `TLS verification of ${host} failed (${tls}); trust its CA with --ca-file, pin it with --thumbprint, or use --insecure only in a test lab`;
  }
  if (err instanceof InvalidLoginError || err instanceof LoginSuppressedError) {
    return `login to ${host} as "${context.user ?? '?'}" failed: invalid user name or password`;
  }
  if (err instanceof SoapTimeoutError)
    return `no answer from ${host} within ${String(err.timeoutMs / 1000)} s`;
  if (err instanceof SoapTransportError) {
    return err.status === undefined
      ? `cannot reach ${host}: ${rootMessage(err)}`
      : `${host} answered HTTP ${String(err.status)}: ${err.message}`;
  }
  if (err instanceof VimFaultError) return `vCenter ${host} refused the request: ${err.message}`;
  if (err instanceof RestError) return `vCenter ${host} REST API error: ${err.message}`;
  if (err instanceof CcmError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

function tlsCode(err: unknown): string | undefined {
  const hit = findInCauses(err, (e): e is Error & { code: string } => {
    const code = (e as { code?: unknown } | null)?.code;
    return typeof code === 'string' && tlsCodes.has(code);
  });
  return hit?.code;
}

function rootMessage(err: Error): string {
  let cur: unknown = err;
  while (cur instanceof Error && cur.cause instanceof Error) cur = cur.cause;
  return cur instanceof Error ? cur.message : err.message;
}
