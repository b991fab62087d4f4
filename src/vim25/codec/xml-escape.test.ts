// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeAttribute, escapeText } from './xml-escape.ts';

test('given plain text should return it unchanged', () => {
  assert.equal(escapeText('vm-42 Grüße 😀'), 'vm-42 Grüße 😀');
  assert.equal(escapeAttribute('VirtualMachine'), 'VirtualMachine');
});

test('given the five markup characters should escape each in text and attributes', () => {
  assert.equal(escapeText(`p<a&s"s'>]]>`), 'p&lt;a&amp;s&quot;s&apos;&gt;]]&gt;');
  assert.equal(escapeAttribute(`a"b'c<d>e&f`), 'a&quot;b&apos;c&lt;d&gt;e&amp;f');
});

test('given whitespace should keep TAB and LF in text but reference them in attributes', () => {
  assert.equal(escapeText('a\tb\nc\rd'), 'a\tb\nc&#13;d');
  assert.equal(escapeAttribute('a\tb\nc\rd'), 'a&#9;b&#10;c&#13;d');
});

test('given characters XML 1.0 cannot carry should return undefined', () => {
  for (const bad of ['\u0000', 'a\u0001b', '\u001f', '\u000b', '\ufffe', '\uffff', 'x\ud800', '\udc00y']) {
    assert.equal(escapeText(bad), undefined, JSON.stringify(bad));
    assert.equal(escapeAttribute(bad), undefined, JSON.stringify(bad));
  }
});
