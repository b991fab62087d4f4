// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadOutcome } from '../../test/config/config-cases.ts';
import { parseConfigText } from './detect-format.ts';

const basicYaml = `
global:
  server: 0.0.0.0
  port: 443
  user: user
  password: password
  insecureFlag: true
  datacenters:
    - us-west
  caFile: /some/path/to/a/ca.pem
`;

const basicIni = `
[Global]
server = 0.0.0.0
port = 443
user = user
password = password
insecure-flag = true
datacenters = us-west
ca-file = /some/path/to/a/ca.pem
`;

/** TestReadConfig and TestIsConfigYAML of the reference, plus the fallback trap. */
const cases: readonly {
  readonly name: string;
  readonly text: string;
  readonly format?: 'yaml' | 'ini';
  readonly errors?: readonly string[];
}[] = [
  { name: 'given valid YAML, should read it as YAML', text: basicYaml, format: 'yaml' },
  { name: 'given valid INI, should read it as INI', text: basicIni, format: 'ini' },
  {
    name: 'given YAML with a syntax error, should report the YAML error, not an INI one',
    text: basicYaml.replace('user: user', 'user: password: '),
    errors: ['line 5, column 9: not valid YAML: Nested mappings are not allowed in compact mappings'],
  },
  {
    name: 'given INI with a bad header, should report the INI error',
    text: basicIni.replace('[Global]', '[Global]]'),
    errors: ['line 2, column 9: not valid INI: expected EOL, EOF, or comment'],
  },
  {
    name: 'given text that is neither, should say so with both readings',
    text: '\nThis is just a string that is neither a yaml or ini file\n',
    errors: [
      'file: neither YAML nor INI: as YAML it is a single value, not a mapping of sections (global, vcenter, …); as INI, line 2, column 1: expected section header',
    ],
  },
  {
    name: 'given a YAML mapping with a validation error, should report it as YAML and never fall back to INI',
    text: basicYaml.replace('port: 443', 'port: 44x'),
    errors: ['global.port: not a number "44x"'],
  },
  {
    name: 'given a YAML mapping whose keys are INI-style, should stay YAML and explain',
    text: 'Global:\n  user: u\n',
    errors: ['vcenter: No Virtual Center hosts defined (add vcenter.<name>.server)'],
  },
  {
    name: 'given a file of comments only, should read it as empty YAML',
    text: '# nothing yet\n',
    format: 'yaml',
  },
  {
    name: 'given an INI file starting with comments, should read it as INI',
    text: `; managed\n# by hand\n${basicIni}`,
    format: 'ini',
  },
];

describe('parseConfigText', () => {
  for (const c of cases) {
    test(c.name, () => {
      const parsed = parseConfigText(c.text);
      if (c.format !== undefined) {
        assert.ok(parsed.ok);
        assert.equal(parsed.raw.format, c.format);
      }
      if (c.errors !== undefined) {
        const out = loadOutcome(c.text);
        assert.equal(out.ok, false);
        assert.deepEqual(out.errors, c.errors);
      }
    });
  }
  test('given a YAML key written INI-style at the top, should suggest the YAML key', () => {
    const out = loadOutcome('Global:\n  user: u\n');
    assert.ok(
      out.warnings.includes('Global is not a YAML key; did you mean global?'),
      out.warnings.join('\n'),
    );
  });
});
