// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findResourceType } from './resources.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { KubeStatusError } from './status.ts';
import { decodeError, labelValueErrors, normalizeTimes, qualifiedNameErrors } from './validation.ts';

const nodes = findResourceType('', 'v1', 'nodes')!;
const leases = findResourceType('coordination.k8s.io', 'v1', 'leases')!;

test('given label values should accept valid ones and reject spaces, slashes, edges and length over 63', () => {
  for (const ok of ['', 'a', 'zone-a', 'A.b_c-1', 'x'.repeat(63)])
    assert.deepEqual(labelValueErrors(ok), [], ok);
  for (const bad of ['Zone A', 'eu/west', '-a', 'a-', '_a'])
    assert.equal(labelValueErrors(bad).length, 1, bad);
  assert.deepEqual(labelValueErrors('x'.repeat(64)), ['must be no more than 63 characters']);
});

test('given label keys should check the DNS prefix and the name part', () => {
  assert.deepEqual(qualifiedNameErrors('topology.kubernetes.io/zone'), []);
  assert.deepEqual(qualifiedNameErrors('Upper.Case/zone').length, 1);
  assert.deepEqual(qualifiedNameErrors('a/b/c').length, 1);
  assert.deepEqual(qualifiedNameErrors('/zone'), ['prefix part must be non-empty']);
});

test('given lease fields should reject MicroTime without six digits and non-int32 numbers', () => {
  const at = (renewTime: string) => decodeError(leases, { spec: { renewTime } });
  assert.equal(at('2026-11-23T03:04:05.123456Z'), undefined);
  assert.ok(at('2026-11-23T03:04:05.123Z') instanceof KubeStatusError);
  assert.ok(at('2026-11-23T03:04:05Z') instanceof KubeStatusError);
  assert.equal(decodeError(leases, { spec: { leaseTransitions: 2 ** 31 } })?.status.code, 400);
});

test('given metav1.Time fields with milliseconds should truncate them to seconds', () => {
  const node = normalizeTimes(nodes, {
    status: { conditions: [{ type: 'Ready', lastTransitionTime: '2026-11-23T03:04:05.678Z' }] },
  });
  assert.deepEqual(node['status'], {
    conditions: [{ type: 'Ready', lastTransitionTime: '2026-11-23T03:04:05Z' }],
  });
});

test('given selectors should match labels with =, !=, in, exists and fields with metadata.name', () => {
  const obj = { metadata: { name: 'n1', labels: { zone: 'a', role: 'w' } }, spec: {} };
  assert.equal(parseLabelSelector('zone=a,role')(obj), true);
  assert.equal(parseLabelSelector('zone!=a')(obj), false);
  assert.equal(parseLabelSelector('zone in (b, c)')(obj), false);
  assert.equal(parseLabelSelector('!missing')(obj), true);
  assert.equal(parseFieldSelector(nodes, 'metadata.name=n1,spec.unschedulable=false')(obj), true);
  assert.throws(() => parseFieldSelector(nodes, 'status.phase=x'), KubeStatusError);
});
