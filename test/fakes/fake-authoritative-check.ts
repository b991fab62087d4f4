// SPDX-License-Identifier: Apache-2.0
import type { AuthoritativeCheck, RefCheck } from '../../src/provider/authoritative-check.ts';
import type { ManagedObjectReference } from '../../src/vim25/generated/data-objects.ts';
import { formatMor } from '../../src/vim25/mor.ts';

/**
 * A scripted `AuthoritativeCheck`: answers come from the two functions (return an Error to make
 * the call reject) and every call is recorded as `checkRef tenant Type:value` or
 * `findByUuid tenant uuid,uuid`.
 */
export class FakeAuthoritativeCheck implements AuthoritativeCheck {
  readonly calls: string[] = [];
  refAnswer: (tenantRef: string, ref: ManagedObjectReference) => RefCheck | Error = () => 'gone';
  uuidAnswer: (tenantRef: string, uuids: readonly string[]) => ManagedObjectReference | undefined | Error =
    () => undefined;

  checkRef(tenantRef: string, ref: ManagedObjectReference): Promise<RefCheck> {
    this.calls.push(`checkRef ${tenantRef} ${formatMor(ref)}`);
    const answer = this.refAnswer(tenantRef, ref);
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }

  findByUuid(tenantRef: string, uuids: readonly string[]): Promise<ManagedObjectReference | undefined> {
    this.calls.push(`findByUuid ${tenantRef} ${uuids.join(',')}`);
    const answer = this.uuidAnswer(tenantRef, uuids);
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }
}
