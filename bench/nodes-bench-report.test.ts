// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nodesTargets, nodesVariants, type NodesRunResult } from './nodes-bench.ts';
import { nodesSection, nodesSummaryLines } from './nodes-bench-report.ts';

function run(overrides: Partial<NodesRunResult>, variant = 1): NodesRunResult {
  const v = nodesVariants[variant];
  assert.ok(v !== undefined);
  return {
    variant: v,
    nodes: 1000,
    fromStartSeconds: 5,
    fromRegisteredSeconds: 4,
    counters: { soap: { Login: 1, WaitForUpdatesEx: 2 }, rest: { 'GET /rest/x/id:abc': 3 } },
    soapTotal: 3,
    restTotal: 3,
    nodeWrites: 2000,
    peakRssBytes: 100e6,
    ...overrides,
  };
}

describe('nodes benchmark report', () => {
  test('given figures within every target, should mark each PASS and the writes as expected', () => {
    const lines = nodesSummaryLines({ ran: true, runs: [run({})] });
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines[0] ?? '', /FAIL/);
    assert.equal((lines[0]?.match(/PASS/g) ?? []).length, 3);
    const section = nodesSection({ ran: true, runs: [run({})] }, 'Nodes');
    assert.match(section, /as expected/);
    assert.match(section, /\| `WaitForUpdatesEx` \| 2 \|/);
  });

  test('given too many round trips, too much RSS, a slow burst and extra writes, should mark them FAIL and DIFFERS', () => {
    const slow = run({
      fromStartSeconds: nodesTargets.unthrottledSeconds + 1,
      soapTotal: nodesTargets.roundTrips,
      restTotal: 1,
      peakRssBytes: nodesTargets.peakRssBytes + 1,
      nodeWrites: 2001,
    });
    const [line] = nodesSummaryLines({ ran: true, runs: [slow] });
    assert.equal((line?.match(/FAIL/g) ?? []).length, 3);
    assert.match(nodesSection({ ran: true, runs: [slow] }, 'Nodes'), /DIFFERS/);
  });

  test('given the default-QPS variant, should not judge its seconds against the unthrottled target', () => {
    const [line] = nodesSummaryLines({ ran: true, runs: [run({ fromStartSeconds: 100 }, 0)] });
    assert.doesNotMatch(line ?? '', /FAIL/);
    assert.equal((line?.match(/PASS/g) ?? []).length, 2);
  });

  test('given a skipped benchmark, should say so and why', () => {
    const outcome = { ran: false, reason: 'skipped with `--skip-nodes`' } as const;
    assert.deepEqual(nodesSummaryLines(outcome), ['nodes: not run (skipped with `--skip-nodes`)']);
    assert.match(nodesSection(outcome, 'Nodes'), /Not run: skipped with `--skip-nodes`\./);
  });
});
