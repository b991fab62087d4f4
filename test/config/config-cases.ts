// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/config/config-error.ts';
import { effectiveConfig, type Json } from '../../src/config/effective-config.ts';
import type { Env } from '../../src/config/env-overlay.ts';
import { formatIssue } from '../../src/config/issues.ts';
import { loadConfigText, type LoadedConfig } from '../../src/config/load-config.ts';

/**
 * One table row of a config test, as data: the file text, the environment, and what must come
 * out. `errors` is the exact set of error lines; `warnings` lines that must be among the warnings
 * (`noWarnings` demands none); `effective` a subset of `config validate`'s JSON that must match.
 */
export interface ConfigCase {
  readonly name: string;
  readonly text: string;
  readonly env?: Env;
  readonly errors?: readonly string[];
  readonly warnings?: readonly string[];
  readonly noWarnings?: boolean;
  readonly effective?: { readonly [key: string]: Json };
}

export type Outcome =
  | { readonly ok: true; readonly loaded: LoadedConfig; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly errors: readonly string[]; readonly warnings: readonly string[] };

/** Loads config text like the CCM does and renders issues as the CLI prints them. */
export function loadOutcome(text: string, env: Env = {}): Outcome {
  try {
    const loaded = loadConfigText(text, { env });
    return { ok: true, loaded, warnings: loaded.warnings.map(formatIssue) };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { ok: false, errors: err.issues.map(formatIssue), warnings: err.warnings.map(formatIssue) };
  }
}

/** Runs one case and asserts every expectation it states. */
export function checkConfigCase(c: ConfigCase): void {
  const out = loadOutcome(c.text, c.env);
  if (c.errors !== undefined) {
    assert.equal(out.ok, false, 'expected the config to be rejected');
    assert.deepEqual([...out.errors].sort(), [...c.errors].sort());
  } else {
    assert.ok(out.ok, `expected a valid config, got:\n${out.ok ? '' : out.errors.join('\n')}`);
    if (c.effective !== undefined)
      assertSubset(effectiveConfig(out.loaded.config, out.loaded.warnings), c.effective, '');
  }
  for (const w of c.warnings ?? [])
    assert.ok(out.warnings.includes(w), `missing warning ${w}\nin:\n${out.warnings.join('\n')}`);
  if (c.noWarnings === true) assert.deepEqual(out.warnings, []);
}

/** Objects match key by key (extra actual keys allowed); everything else must be deeply equal. */
export function assertSubset(actual: Json | undefined, expected: Json, path: string): void {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    assert.ok(
      actual !== null && typeof actual === 'object' && !Array.isArray(actual),
      `${path} is not an object`,
    );
    const obj = actual as { readonly [key: string]: Json };
    for (const [k, v] of Object.entries(expected)) assertSubset(obj[k], v, `${path}.${k}`);
    return;
  }
  assert.deepEqual(actual, expected, `at ${path}`);
}
