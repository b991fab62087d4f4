// SPDX-License-Identifier: Apache-2.0
import type { ManagedObjectReference, ServiceContent } from './generated/data-objects.ts';
import { RetrieveServiceContent } from './generated/methods.ts';
import type { CallOptions, RoundTripper } from './round-tripper.ts';

/**
 * What every vim25 call needs: a round tripper (usually a session-renewing decorator over the HTTP
 * transport) and the ServiceContent, which names the singletons (property collector, session
 * manager, search index, view manager, root folder).
 */
export interface VimClient {
  readonly rt: RoundTripper;
  readonly serviceContent: ServiceContent;
}

/** The well-known reference every vCenter and ESXi answers on. */
export const serviceInstance: ManagedObjectReference = { type: 'ServiceInstance', value: 'ServiceInstance' };

/**
 * Fetches the ServiceContent. Needs no session: it is the first call on any connection, and the
 * cheapest proof that the endpoint speaks vim25.
 */
export async function retrieveServiceContent(
  rt: RoundTripper,
  options?: CallOptions,
): Promise<ServiceContent> {
  return RetrieveServiceContent(rt, { _this: serviceInstance }, options);
}
