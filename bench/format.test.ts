// SPDX-License-Identifier: Apache-2.0
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { foldRestCounters, table, verdict } from './format.ts';
import { maximum, median } from './measure.ts';

describe('benchmark figures', () => {
  test('given odd and even counts, should take the middle value or the mean of the middle two', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
    assert.equal(maximum([0.2, 0.9, 0.4]), 0.9);
  });

  test('given a value at, under and over its limit, should pass, pass and fail', () => {
    assert.deepEqual([verdict(10, 10), verdict(9, 10), verdict(10.5, 10)], ['PASS', 'PASS', 'FAIL']);
  });

  test('given REST keys with object ids, should fold the ids and sum per shape', () => {
    const folded = foldRestCounters({
      'GET /rest/com/vmware/cis/tagging/tag/id:urn:vmomi:InventoryServiceTag:a:GLOBAL': 1,
      'GET /rest/com/vmware/cis/tagging/tag/id:urn:vmomi:InventoryServiceTag:b:GLOBAL': 2,
      'POST /rest/com/vmware/cis/tagging/tag/id:urn:x:c:GLOBAL?~action=list-tags-for-category': 1,
      'POST /rest/com/vmware/cis/session': 1,
    });
    assert.deepEqual(
      [...folded],
      [
        ['GET /rest/com/vmware/cis/tagging/tag/{id}', 3],
        ['POST /rest/com/vmware/cis/session', 1],
        ['POST /rest/com/vmware/cis/tagging/tag/{id}?~action=list-tags-for-category', 1],
      ],
    );
  });

  test('given a header and rows, should write a Markdown table', () => {
    assert.equal(table(['a', 'b'], [['1', '2']]), '| a | b |\n| --- | --- |\n| 1 | 2 |');
  });
});
