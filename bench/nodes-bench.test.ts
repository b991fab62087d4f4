// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodesTargets, nodesVariants, runNodesBench } from './nodes-bench.ts';

test('given 20 kubelet-registered Nodes and unlimited QPS, should measure all initialised with two writes each and few vCenter calls', async () => {
  const unthrottled = nodesVariants.filter((v) => v.flags.length > 0);
  const [result] = await runNodesBench({
    nodes: 20,
    variants: unthrottled,
    burstTimeoutMs: 30_000,
    signal: AbortSignal.timeout(45_000),
  });
  assert.ok(result !== undefined);
  assert.equal(result.nodes, 20);
  assert.equal(result.nodeWrites, 20 * nodesTargets.writesPerNode);
  assert.ok(result.soapTotal >= 1 && result.soapTotal + result.restTotal <= nodesTargets.roundTrips);
  assert.equal(result.counters.soap['Login'], 1);
  assert.ok(result.fromRegisteredSeconds > 0 && result.fromRegisteredSeconds <= result.fromStartSeconds);
  assert.ok(result.peakRssBytes > 10e6, String(result.peakRssBytes));
});
