// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startKubeApi, type KubeApiFixture } from '../../test/support/kube-apiserver.ts';
import {
  KubeLeaseClient,
  LeaseApiError,
  LeaseConflictError,
  leaseFromRecord,
  observedFromLease,
  type LeaseRecord,
} from './lease-client.ts';

const AT = new Date('2026-11-23T03:04:05.123Z');
const RECORD: LeaseRecord = {
  holderIdentity: 'me',
  leaseDurationSeconds: 15,
  acquireTime: AT,
  renewTime: AT,
  leaseTransitions: 2,
};
const signal = (): { signal: AbortSignal } => ({ signal: AbortSignal.timeout(5_000) });

describe('lease body conversion', () => {
  test('given a record should serialise MicroTimes with six digits and integer numbers', () => {
    const body = leaseFromRecord('ccm', 'kube-system', { ...RECORD, leaseDurationSeconds: 0.4 }, '7');
    const json = JSON.parse(JSON.stringify(body)) as {
      metadata: Record<string, unknown>;
      spec: Record<string, unknown>;
    };
    assert.equal(json.spec['renewTime'], '2026-11-23T03:04:05.123000Z');
    assert.equal(json.spec['acquireTime'], '2026-11-23T03:04:05.123000Z');
    assert.equal(json.spec['leaseDurationSeconds'], 1);
    assert.equal(json.metadata['resourceVersion'], '7');
  });

  test('given an API lease with string times should read them as dates', () => {
    const lease = observedFromLease({
      metadata: { resourceVersion: '9' },
      spec: { holderIdentity: 'x', renewTime: '2026-11-23T03:04:05.123456Z' },
    });
    assert.equal(lease.resourceVersion, '9');
    assert.equal(lease.record.renewTime?.toISOString(), '2026-11-23T03:04:05.123Z');
    assert.equal(lease.record.acquireTime, undefined);
    assert.equal(lease.record.leaseTransitions, 0);
    assert.throws(() => observedFromLease({ spec: {} }), LeaseApiError);
  });
});

describe('KubeLeaseClient', () => {
  let kube: KubeApiFixture;
  before(async () => {
    kube = await startKubeApi();
  });
  after(async () => {
    await kube.close();
  });

  test('given no lease should answer undefined, then create, update and detect conflicts', async () => {
    const client = new KubeLeaseClient(kube.kubeConfig, { name: 'ccm', namespace: 'kube-system' });
    assert.equal(client.describe(), 'kube-system/ccm');
    assert.equal(await client.get(signal()), undefined);
    const created = await client.create(RECORD, signal());
    assert.equal(created.record.holderIdentity, 'me');
    await assert.rejects(client.create(RECORD, signal()), LeaseConflictError);
    const updated = await client.update(
      { ...RECORD, holderIdentity: 'you' },
      created.resourceVersion,
      signal(),
    );
    assert.notEqual(updated.resourceVersion, created.resourceVersion);
    assert.equal((await client.get(signal()))?.record.holderIdentity, 'you');
    await assert.rejects(
      client.update(RECORD, created.resourceVersion, signal()),
      (err: unknown) => err instanceof LeaseConflictError && err.message.includes('Conflict'),
    );
  });

  test('given an aborted signal should fail with LEASE_API_FAILED', async () => {
    const client = new KubeLeaseClient(kube.kubeConfig, { name: 'ccm2', namespace: 'kube-system' });
    await assert.rejects(
      client.get({ signal: AbortSignal.abort() }),
      (err: unknown) => err instanceof LeaseApiError && err.message.startsWith('get lease kube-system/ccm2'),
    );
  });
});
