// SPDX-License-Identifier: Apache-2.0
import type { SoapFault } from '../vim25/faults.ts';

/**
 * Finds a NotAuthenticated fault reported per property (`missingSet`) in a RetrieveResult.
 *
 * Real vCenter answers an unauthenticated property read with a NotAuthenticated SOAP fault, but the
 * govmomi simulator (and, per govmomi's own handling, some vCenter paths) answer HTTP 200 with
 * every requested property "missing" because of NotAuthenticated. Treating that as "the object has
 * no such property" would make every VM look empty, so the session layer converts it into the
 * fault it really is.
 */
export function authFaultInMissingSet(result: unknown): SoapFault | undefined {
  const objects = (result as { objects?: unknown } | undefined)?.objects;
  if (!Array.isArray(objects)) return undefined;
  for (const oc of objects as {
    missingSet?: { path?: string; fault?: { fault?: { _type?: string } } }[];
  }[]) {
    for (const missing of oc.missingSet ?? []) {
      if (missing.fault?.fault?._type === 'NotAuthenticated') {
        return {
          faultCode: 'ServerFaultCode',
          faultString: `property ${missing.path ?? '?'} is not readable: the session is not authenticated`,
          detail: { _type: 'NotAuthenticated' },
        };
      }
    }
  }
  return undefined;
}
