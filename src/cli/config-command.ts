// SPDX-License-Identifier: Apache-2.0
import { ConfigError } from '../config/config-error.ts';
import { effectiveConfig, type Json } from '../config/effective-config.ts';
import { formatIssue } from '../config/issues.ts';
import { loadConfig } from '../config/load-config.ts';
import type { CliIo } from './cli-io.ts';

/** Parsed `vsphere-ccm config validate` flags. */
export interface ConfigValidateArgs {
  readonly cloudConfig: string;
  readonly output: 'text' | 'json';
}

/**
 * Checks a cloud config exactly as the CCM will load it (same environment overrides) without
 * contacting anything. Valid: exit 0, the effective configuration on stdout (secrets as `***`);
 * in text mode warnings go to stderr, in JSON mode they are in the document. Invalid: exit 2 and
 * one `path: message` line per problem on stderr, followed by the warnings.
 */
export async function runConfigValidate(args: ConfigValidateArgs, io: CliIo): Promise<number> {
  let loaded;
  try {
    loaded = await loadConfig(args.cloudConfig, { env: io.env });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    writeLines(io.stderr, err.issues.map(formatIssue));
    writeLines(
      io.stderr,
      err.warnings.map((w) => `warning: ${formatIssue(w)}`),
    );
    return 2;
  }
  const doc = effectiveConfig(loaded.config, loaded.warnings);
  if (args.output === 'json') {
    io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    return 0;
  }
  const sections = Object.fromEntries(Object.entries(doc).filter(([key]) => key !== 'warnings'));
  const count = loaded.config.vcenters.size;
  io.stdout(
    `${args.cloudConfig}: valid ${loaded.config.format.toUpperCase()} cloud config, ${String(count)} vCenter${count === 1 ? '' : 's'}\n` +
      renderText(sections, ''),
  );
  writeLines(
    io.stderr,
    loaded.warnings.map((w) => `warning: ${formatIssue(w)}`),
  );
  return 0;
}

function writeLines(write: (text: string) => void, lines: readonly string[]): void {
  if (lines.length > 0) write(lines.map((l) => `${l}\n`).join(''));
}

/** An indented, YAML-like rendering: `-` for unset, `(none)` for empty lists, `(not configured)` for absent sections. */
function renderText(obj: { readonly [key: string]: Json }, indent: string): string {
  let out = '';
  for (const [key, value] of Object.entries(obj)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const inner = value as { readonly [key: string]: Json };
      out +=
        Object.keys(inner).length === 0
          ? `${indent}${key}: (none)\n`
          : `${indent}${key}:\n${renderText(inner, `${indent}  `)}`;
    } else if (Array.isArray(value)) {
      out += `${indent}${key}: ${value.length === 0 ? '(none)' : (value as readonly Json[]).map((v) => scalarText(v)).join(', ')}\n`;
    } else if (value === null) {
      out += `${indent}${key}: ${indent === '' ? '(not configured)' : '-'}\n`;
    } else {
      out += `${indent}${key}: ${scalarText(value)}\n`;
    }
  }
  return out;
}

function scalarText(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
