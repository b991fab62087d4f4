// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gcfgValues, parseGcfg, type GcfgSection } from './parse-gcfg.ts';

/** `[section "sub"] name` → value, for the sections and variables a case names. */
function valueOf(
  sections: readonly GcfgSection[],
  section: string,
  sub: string | undefined,
  name: string,
): string | undefined {
  const s = sections.find((x) => x.name.toLowerCase() === section.toLowerCase() && x.subsection === sub);
  const vars = s?.variables.filter((v) => v.name.toLowerCase() === name.toLowerCase()) ?? [];
  return vars.at(-1)?.value;
}

const valueCases: readonly {
  readonly name: string;
  readonly text: string;
  readonly section?: string;
  readonly sub?: string;
  readonly variable: string;
  readonly value: string | undefined;
}[] = [
  {
    name: 'given a plain value, should trim blanks around it',
    text: '[Global]\nuser =   admin  \n',
    variable: 'user',
    value: 'admin',
  },
  {
    name: 'given a quoted password with ";" and "#", should keep them (npm ini cuts it)',
    text: '[Global]\npassword = "p@ss;w#rd ok" ; comment\n',
    variable: 'password',
    value: 'p@ss;w#rd ok',
  },
  {
    name: 'given an inline comment after an unquoted value, should drop it',
    text: '[Global]\nport = 443 # https\n',
    variable: 'port',
    value: '443',
  },
  {
    name: 'given a ";" comment, should drop it',
    text: '[Global]\nport = 443;x\n',
    variable: 'port',
    value: '443',
  },
  {
    name: 'given escapes inside quotes, should decode \\" \\\\ \\n \\t \\b',
    text: '[Global]\nv = "a\\"b\\\\c\\nd\\te\\bf"\n',
    variable: 'v',
    value: 'a"b\\c\nd\te\bf',
  },
  {
    name: 'given escaped quotes outside quotes (the reference LB tags), should keep the quotes',
    text: '[LoadBalancer]\ntags = {\\"tag1\\": \\"value 1\\"}\n',
    section: 'LoadBalancer',
    variable: 'tags',
    value: '{"tag1": "value 1"}',
  },
  {
    name: 'given quotes around part of a value, should join the parts',
    text: '[Global]\nv = a" b "c\n',
    variable: 'v',
    value: 'a b c',
  },
  {
    name: 'given a backslash at the end of a line, should continue the value',
    text: '[Global]\nv = one \\\ntwo\n',
    variable: 'v',
    value: 'one two',
  },
  {
    name: 'given a bare variable, should mark it blank',
    text: '[Global]\ninsecure-flag\n',
    variable: 'insecure-flag',
    value: undefined,
  },
  {
    name: 'given an empty value, should read an empty string',
    text: '[Global]\nuser =\n',
    variable: 'user',
    value: '',
  },
  {
    name: 'given a repeated key, should keep the last value last',
    text: '[Global]\nuser = a\nuser = b\n',
    variable: 'user',
    value: 'b',
  },
  {
    name: 'given mixed-case section and variable names, should match them case-insensitively',
    text: '[gLoBaL]\nSecret-Namespace = kube-system\n',
    variable: 'secret-namespace',
    value: 'kube-system',
  },
  {
    name: 'given a subsection name with dots and escapes, should keep it case-sensitive and exact',
    text: '[VirtualCenter "VC.example.com \\"x\\""]\nport = 1\n',
    section: 'virtualcenter',
    sub: 'VC.example.com "x"',
    variable: 'port',
    value: '1',
  },
  {
    name: 'given CRLF line ends and indentation, should read the value',
    text: '[Global]\r\n\tuser = admin\r\n',
    variable: 'user',
    value: 'admin',
  },
  {
    name: 'given a UTF-8 byte order mark, should skip it',
    text: '\ufeff[Global]\nuser = bom\n',
    variable: 'user',
    value: 'bom',
  },
];

const errorCases: readonly {
  readonly name: string;
  readonly text: string;
  readonly errors: readonly string[];
}[] = [
  {
    name: 'given a variable before any section, should expect a section header at 2:1',
    text: '\nglobal:\n  user: x\n[G]\n=\n',
    errors: ['2:1 expected section header', '5:1 expected section header or variable declaration'],
  },
  {
    name: 'given "[Global]]", should expect end of line at 2:9',
    text: '\n[Global]]\nserver = 1\n',
    errors: ['2:9 expected EOL, EOF, or comment'],
  },
  {
    name: 'given an unterminated quote, should say so at the value',
    text: '[Global]\nv = "abc\n',
    errors: ['2:5 string not terminated'],
  },
  {
    name: 'given an unknown escape inside quotes, should reject it',
    text: '[Global]\nv = "a\\qb"\n',
    errors: ['2:8 unknown escape sequence'],
  },
  {
    name: 'given a lone backslash outside quotes, should reject it',
    text: '[Global]\nv = a\\b\n',
    errors: ["2:5 unquoted '\\' must be followed by new line or double quote"],
  },
  {
    name: 'given an empty subsection, should reject it',
    text: '[VirtualCenter ""]\n',
    errors: ['1:16 empty subsection name'],
  },
  {
    name: 'given a missing "=", should say so',
    text: '[Global]\nuser admin\n',
    errors: ["2:6 expected '='"],
  },
  {
    name: 'given an underscore in a name, should name the illegal character',
    text: '[Global]\nsecret_name = x\n',
    errors: ['2:7 illegal character "_" in name "secret" (names are letters, digits and "-")'],
  },
  {
    name: 'given several bad lines, should report each of them',
    text: '[Global]\n= x\n[Nodes\nok = 1\n',
    errors: [
      '2:1 expected section header or variable declaration',
      '3:7 expected subsection name or right bracket',
    ],
  },
];

describe('parseGcfg', () => {
  for (const c of valueCases) {
    test(c.name, () => {
      const r = parseGcfg(c.text);
      assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors));
      assert.equal(valueOf(r.sections, c.section ?? 'Global', c.sub, c.variable), c.value);
    });
  }
  for (const c of errorCases) {
    test(c.name, () => {
      const r = parseGcfg(c.text);
      assert.equal(r.ok, false);
      assert.deepEqual(
        r.errors.map((e) => `${String(e.line)}:${String(e.column)} ${e.message}`),
        c.errors,
      );
    });
  }
  test('given a section repeated, should merge its variables in order', () => {
    const r = parseGcfg('[Nodes]\na = 1\n[Global]\n[nodes]\na = 2\n');
    assert.ok(r.ok);
    const nodes = r.sections.filter((s) => s.name.toLowerCase() === 'nodes');
    assert.equal(nodes.length, 1);
    assert.deepEqual(
      nodes[0]?.variables.map((v) => [v.value, v.line]),
      [
        ['1', 2],
        ['2', 5],
      ],
    );
  });
  test('given repeated and resetting occurrences, should apply the multi-value rule', () => {
    const r = parseGcfg('[S]\nv = a\nv = b\nv\nv = c\nv = d\n');
    assert.ok(r.ok);
    const s = r.sections[0];
    assert.ok(s !== undefined);
    assert.deepEqual(gcfgValues(s, 'V'), ['c', 'd']);
  });
});
