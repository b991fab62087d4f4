// SPDX-License-Identifier: Apache-2.0
import type { Logger } from 'pino';
import type { CloudConfig, ConfigIssue } from '../config/config.ts';
import { ConfigError } from '../config/config-error.ts';
import type { Env } from '../config/env-overlay.ts';
import { formatIssue } from '../config/issues.ts';
import { loadConfigText } from '../config/load-config.ts';
import { changedConfigKeys } from './config-diff.ts';
import { ConfigFileWatcher, type ConfigFileRead } from './config-watch.ts';
import type { HealthCheck } from './http-server.ts';
import { CcmError } from '../lib/errors.ts';

/** The stop reason when the cloud-config file changed to a different valid config. */
export class CloudConfigChangedError extends CcmError {
  readonly code = 'CLOUD_CONFIG_CHANGED';
}

/** What a `ConfigReloader` compares against and whom it tells. */
export interface ConfigReloaderOptions {
  /** The `--cloud-config` path the running config was loaded from. */
  readonly path: string;
  /** The config in force: what the process was started with. */
  readonly running: CloudConfig;
  /** The same environment the start-up load used (its overrides apply to every reload). */
  readonly env: Env;
  readonly logger: Logger;
  /**
   * Called once, when the file holds a valid config that means something else than `running`,
   * with the changed key paths. The caller stops the process cleanly so the new config applies.
   */
  readonly onChanged: (keys: readonly string[]) => void;
}

/** How many problems the readiness check names before summarising the rest. */
const SHOWN_PROBLEMS = 3;

/**
 * Decides what a new reading of the cloud-config file means for the running process, with the
 * loader the start-up uses (same parsing, environment overrides and validation):
 * - unreadable, empty or invalid: the running config stays in force, the `cloud-config`
 *   readiness check fails naming the first problems (`path: message`, never a secret value), and
 *   one warning is logged per reading (the watcher reports a content only when it changes);
 * - valid and equal in meaning to the running config: the check passes again;
 * - valid and different: `onChanged` is called once with the changed key paths.
 */
export class ConfigReloader {
  readonly #opts: ConfigReloaderOptions;
  #problem: string | undefined;
  #changed = false;

  constructor(options: ConfigReloaderOptions) {
    this.#opts = options;
  }

  /** The `/readyz` check: fails while the file on disk cannot be used. */
  readonly readyCheck: HealthCheck = {
    name: 'cloud-config',
    check: () => this.#problem,
  };

  /** Evaluates one reading of the file; never throws. */
  handle(read: ConfigFileRead): void {
    if (this.#changed) return;
    const { path, logger } = this.#opts;
    let next: CloudConfig;
    try {
      if (read.kind === 'unreadable') {
        throw new ConfigError([
          { path: '--cloud-config', message: `cannot read ${JSON.stringify(path)}: ${readFailure(read)}` },
        ]);
      }
      next = loadConfigText(read.text, { env: this.#opts.env, source: path }).config;
    } catch (err) {
      const issues: readonly ConfigIssue[] =
        err instanceof ConfigError ? err.issues : [{ path: '--cloud-config', message: String(err) }];
      this.#problem = summary(issues);
      logger.warn(
        { path, problems: issues.map(formatIssue) },
        'cloud config file is invalid; keeping the running config',
      );
      return;
    }
    const keys = changedConfigKeys(this.#opts.running, next);
    if (keys.length === 0) {
      if (this.#problem !== undefined)
        logger.info({ path }, 'cloud config file is valid again and unchanged');
      this.#problem = undefined;
      return;
    }
    this.#changed = true;
    this.#problem = undefined;
    logger.info(
      { path, changed: keys },
      `cloud config changed (${keys.join(', ')}); exiting so the new config takes effect`,
    );
    this.#opts.onChanged(keys);
  }
}

function readFailure(read: Extract<ConfigFileRead, { kind: 'unreadable' }>): string {
  if (read.errno === 'ENOENT') return 'no such file';
  if (read.errno === 'EACCES') return 'permission denied';
  return read.error.message;
}

function summary(issues: readonly ConfigIssue[]): string {
  const shown = issues.slice(0, SHOWN_PROBLEMS).map(formatIssue).join('; ');
  const more = issues.length - SHOWN_PROBLEMS;
  return more > 0 ? `${shown} (and ${String(more)} more)` : shown;
}

/** A running config reload: the readiness check to serve, and how to stop watching. */
export interface ConfigReload {
  readonly readyCheck: HealthCheck;
  /** Stops watching; resolves once a read in progress has finished. */
  close(): Promise<void>;
}

/**
 * Watches `options.path` (see `ConfigFileWatcher`) and evaluates every new reading with a
 * `ConfigReloader`. Resolves after the first reading; watching stops when `signal` aborts or
 * `close` is called.
 */
export async function startConfigReload(
  options: ConfigReloaderOptions & {
    readonly signal: AbortSignal;
    readonly rereadIntervalMs?: number;
    readonly debounceMs?: number;
  },
): Promise<ConfigReload> {
  const reloader = new ConfigReloader(options);
  const watcher = new ConfigFileWatcher({
    path: options.path,
    onChange: (read) => {
      reloader.handle(read);
    },
    ...(options.rereadIntervalMs === undefined ? {} : { rereadIntervalMs: options.rereadIntervalMs }),
    ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }),
  });
  await watcher.start({ signal: options.signal });
  return { readyCheck: reloader.readyCheck, close: () => watcher.close() };
}
