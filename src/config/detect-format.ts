// SPDX-License-Identifier: Apache-2.0
import type { ConfigFormat, ConfigIssue } from './config.ts';
import { parseGcfg } from './parse-gcfg.ts';
import { iniToRaw } from './parse-ini.ts';
import { parseYaml } from './parse-yaml.ts';
import type { RawConfig } from './raw-config.ts';

/** The text read as one syntax, or that syntax's errors when it is not valid in either. */
export type ParsedText =
  | { readonly ok: true; readonly raw: RawConfig }
  | { readonly ok: false; readonly format: ConfigFormat; readonly errors: readonly ConfigIssue[] };

/**
 * Reads config text in whichever syntax it is written in. A document that parses as a YAML
 * mapping is YAML, and everything wrong with it from then on is reported as YAML: it never falls
 * back to INI (the Go CPI does, turning a YAML typo into a baffling INI error). Otherwise the text
 * is tried as gcfg INI. When neither works, the syntax errors of the more plausible format are
 * returned (INI if the first statement is a `[section]` header, else YAML).
 */
export function parseConfigText(text: string): ParsedText {
  const yaml = parseYaml(text);
  if (yaml.kind === 'mapping') return { ok: true, raw: yaml.raw };
  const ini = parseGcfg(text);
  if (ini.ok) return { ok: true, raw: iniToRaw(ini.sections) };
  const iniErrors: ConfigIssue[] = ini.errors.map((e) => ({
    path: `line ${String(e.line)}, column ${String(e.column)}`,
    message: `not valid INI: ${e.message}`,
  }));
  if (looksLikeIni(text)) return { ok: false, format: 'ini', errors: iniErrors };
  if (yaml.kind === 'syntax-error') return { ok: false, format: 'yaml', errors: yaml.errors };
  const first = iniErrors[0];
  return {
    ok: false,
    format: 'yaml',
    errors: [
      {
        path: 'file',
        message:
          `neither YAML nor INI: as YAML it is ${yaml.found}, not a mapping of sections (global, vcenter, …)` +
          (first === undefined
            ? ''
            : `; as INI, ${first.path}: ${first.message.replace(/^not valid INI: /, '')}`),
      },
    ],
  };
}

function looksLikeIni(text: string): boolean {
  const first = text
    .replace(/^\ufeff/, '')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';'));
  return first?.startsWith('[') === true;
}
