// SPDX-License-Identifier: Apache-2.0
import { readFile } from 'node:fs/promises';
import { withTimeout } from '../lib/abort.ts';
import type { CloudConfig, ConfigIssue } from './config.ts';
import { ConfigError } from './config-error.ts';
import { parseConfigText } from './detect-format.ts';
import { applyEnvOverrides, type Env } from './env-overlay.ts';
import { validateConfig } from './validate.ts';

/** A successfully loaded cloud config. */
export interface LoadedConfig {
  readonly config: CloudConfig;
  /** Notes that did not stop the load (ignored keys, deprecated forms); show them to the operator. */
  readonly warnings: readonly ConfigIssue[];
}

/** Inputs of `loadConfig` besides the path. */
export interface LoadConfigOptions {
  /** The environment for the Go CPI's overrides and `ENABLE_ALPHA_DUAL_STACK`; usually `process.env`. */
  readonly env: Env;
  readonly signal?: AbortSignal;
  /** Bound on reading the file; default 10 s. */
  readonly timeoutMs?: number;
}

const noConfig = 'no vSphere cloud provider config file given';

/**
 * Reads `--cloud-config` and returns the validated configuration with its warnings. Throws
 * `ConfigError` (code `CONFIG_INVALID`) listing every problem when the path is missing, the file
 * is unreadable or empty, or the content is invalid; rejects with the signal's reason on abort.
 */
export async function loadConfig(
  path: string | undefined,
  options: LoadConfigOptions,
): Promise<LoadedConfig> {
  if (path === undefined || path === '') {
    throw new ConfigError([{ path: '--cloud-config', message: `${noConfig} (the option is required)` }]);
  }
  let text: string;
  try {
    text = await readFile(path, {
      encoding: 'utf8',
      signal: withTimeout(options.signal, options.timeoutMs ?? 10_000),
    });
  } catch (err) {
    if (options.signal?.aborted === true) throw options.signal.reason;
    const code = (err as { code?: unknown }).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new ConfigError(
      [{ path: '--cloud-config', message: `cannot read ${JSON.stringify(path)}: ${reason}` }],
      [],
      {
        cause: err,
      },
    );
  }
  return loadConfigText(text, { env: options.env, source: path });
}

/**
 * The same for config text already in memory: detect the syntax, parse, apply the environment,
 * validate. Pure apart from reading `options.env`.
 */
export function loadConfigText(
  text: string,
  options: { readonly env: Env; readonly source?: string },
): LoadedConfig {
  if (text.trim() === '') {
    const what =
      options.source === undefined ? 'the config is empty' : `${JSON.stringify(options.source)} is empty`;
    throw new ConfigError([{ path: '--cloud-config', message: `${noConfig}: ${what}` }]);
  }
  const parsed = parseConfigText(text);
  if (!parsed.ok) throw new ConfigError(parsed.errors);
  const raw = applyEnvOverrides(parsed.raw, options.env);
  const result = validateConfig(raw, { dualStackEnabled: options.env.ENABLE_ALPHA_DUAL_STACK !== undefined });
  if (!result.ok) throw new ConfigError(result.issues, result.warnings);
  return { config: result.config, warnings: result.warnings };
}
