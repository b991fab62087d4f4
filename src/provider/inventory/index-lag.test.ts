// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { indexSyncLagSeconds } from './index-lag.ts';

describe('indexSyncLagSeconds', () => {
  test('given an index not synced yet, should be undefined', () => {
    assert.equal(
      indexSyncLagSeconds({ synced: false, lastUpdate: undefined, lastContact: 1_000 }, 5_000),
      undefined,
    );
  });

  test('given a synced index, should count from the latest of update and contact', () => {
    assert.equal(indexSyncLagSeconds({ synced: true, lastUpdate: 1_000, lastContact: 3_500 }, 5_000), 1.5);
    assert.equal(indexSyncLagSeconds({ synced: true, lastUpdate: 4_000, lastContact: 2_000 }, 5_000), 1);
    assert.equal(indexSyncLagSeconds({ synced: true, lastUpdate: 4_000, lastContact: undefined }, 5_000), 1);
  });

  test('given a clock behind the last contact, should be 0 rather than negative', () => {
    assert.equal(indexSyncLagSeconds({ synced: true, lastUpdate: 9_000, lastContact: 9_000 }, 5_000), 0);
  });

  test('given a synced state without any timestamp, should be undefined', () => {
    assert.equal(
      indexSyncLagSeconds({ synced: true, lastUpdate: undefined, lastContact: undefined }, 5_000),
      undefined,
    );
  });
});
