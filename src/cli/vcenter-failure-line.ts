// SPDX-License-Identifier: Apache-2.0
import type { CloudConfig, VCenterConfig } from '../config/config.ts';
import { vcenterUrl } from '../provider/connect-vcenter.ts';
import { VCenterUnavailableError } from '../provider/vcenter-pool-errors.ts';
import { describeError } from './describe-error.ts';

/**
 * One line naming the vCenter and why it could not be used, for an operator: the host, the user
 * name and the server's message, never a credential.
 */
export function vcenterFailureLine(vc: VCenterConfig, config: CloudConfig, err: unknown): string {
  const cause = err instanceof VCenterUnavailableError ? err.cause : err;
  const user = vc.user ?? config.global.user;
  const host = new URL(vcenterUrl(vc)).host;
  const why = describeError(cause, { host, ...(user === undefined ? {} : { user }) });
  return `vCenter "${vc.tenantRef}": ${why}`;
}
