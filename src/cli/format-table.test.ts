// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable } from './format-table.ts';

test('given rows of different widths, should pad columns to the widest cell', () => {
  const out = formatTable(
    ['NAME', 'IP'],
    [
      ['node-1', '10.0.0.1'],
      ['n', '10.0.0.100'],
    ],
  );
  assert.equal(out, 'NAME    IP\nnode-1  10.0.0.1\nn       10.0.0.100');
});

test('given a cell with a newline, should keep the row on one line', () => {
  assert.equal(formatTable(['A'], [['x\ny']]), 'A\nx y');
});
