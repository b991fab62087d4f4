// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../lib/errors.ts';
import { goTrimSpace } from './addresses/go-strings.ts';

/** The cloud provider name Kubernetes knows this provider by. */
export const PROVIDER_NAME = 'vsphere';

/** Prefix of every providerID this provider writes (`vsphere://<bios-uuid>`). */
export const PROVIDER_ID_PREFIX = `${PROVIDER_NAME}://`;

/** A node id (providerID, UUID or name) was empty; the message is the reference's. */
export class EmptyNodeIdError extends CcmError {
  readonly code = 'NODE_ID_EMPTY';

  constructor() {
    super('nodeID is empty');
  }
}

/** A VM was found but has no BIOS UUID, so it cannot have a providerID. */
export class EmptyVmUuidError extends CcmError {
  readonly code = 'VM_UUID_EMPTY';

  constructor() {
    super('discovered VM UUID is empty');
  }
}

/**
 * The instance id of a VM: its BIOS UUID (`config.uuid`, not the instance UUID, not the MoRef),
 * trimmed and lower-cased as the reference does. Throws `EmptyVmUuidError` when there is none:
 * publishing `vsphere://` alone would break every later lookup.
 */
export function instanceIdFromBiosUuid(biosUuid: string | undefined): string {
  const id = goTrimSpace(biosUuid ?? '').toLowerCase();
  if (id === '') throw new EmptyVmUuidError();
  return id;
}

/** The providerID of a VM: `vsphere://` + its instance id (see `instanceIdFromBiosUuid`). */
export function providerIdFromBiosUuid(biosUuid: string | undefined): string {
  return PROVIDER_ID_PREFIX + instanceIdFromBiosUuid(biosUuid);
}

/**
 * The instance id in a providerID, as the reference parses it: one leading `vsphere://` removed
 * (case-sensitive), then white space trimmed, then lower-cased; a bare UUID is accepted as is.
 * No UUID syntax check is made. Throws `EmptyNodeIdError` (`nodeID is empty`) when nothing is
 * left, e.g. for `""` or `"vsphere://"`.
 */
export function instanceIdFromProviderId(providerId: string): string {
  const rest = providerId.startsWith(PROVIDER_ID_PREFIX)
    ? providerId.slice(PROVIDER_ID_PREFIX.length)
    : providerId;
  const id = goTrimSpace(rest).toLowerCase();
  if (id === '') throw new EmptyNodeIdError();
  return id;
}
