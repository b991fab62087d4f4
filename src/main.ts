// SPDX-License-Identifier: Apache-2.0
import { CloudConfigChangedError, startConfigReload } from './app/config-reload.ts';
import { createApp } from './app/create-app.ts';
import { FlagError, flagsUsage, parseFlags, type ParsedFlags } from './app/flags.ts';
import { createLogger } from './app/logger.ts';
import { ConfigError } from './config/config-error.ts';
import { loadConfig } from './config/load-config.ts';

/** The process's collaborators, so tests can run `main` in-process. */
export interface MainIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Aborts on SIGTERM/SIGINT; the caller owns the signal handlers. */
  readonly shutdown: AbortSignal;
  /**
   * Called when the daemon starts stopping by itself (the cloud config changed), so the caller
   * can bound that shutdown as it bounds a signalled one.
   */
  readonly onStopping?: () => void;
}

/** Exit codes: 0 after a clean stop, 1 for a start-up or runtime failure, 2 for a bad command line. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Hard bound of the shutdown, so a wedged close never keeps the process past 10 s. */
const SHUTDOWN_GRACE_MS = 9_000;

/**
 * The `vsphere-cloud-controller-manager` daemon: parses flags (exit 2 naming the problem), loads
 * the cloud config (exit 1 naming every problem), then runs the app until `io.shutdown` aborts
 * or the config file changes to a different valid config (see `startConfigReload`); both stop
 * the same way and exit 0. Resolves with the exit code; never rejects.
 */
export async function runMain(argv: readonly string[], io: MainIo): Promise<number> {
  let parsed: ParsedFlags;
  try {
    parsed = parseFlags(argv);
  } catch (err) {
    const message = err instanceof FlagError ? err.message : String(err);
    io.stderr(`vsphere-cloud-controller-manager: ${message}\n`);
    return EXIT.usage;
  }
  const { options, warnings } = parsed;
  if (options.help) {
    io.stdout(flagsUsage());
    return EXIT.ok;
  }
  if (options.version) {
    io.stdout('vsphere-cloud-controller-manager 0.1.0\n');
    return EXIT.ok;
  }
  const logger = createLogger({ verbosity: options.verbosity, format: options.loggingFormat });
  for (const warning of warnings) logger.warn({}, warning);
  const configChanged = new AbortController();
  const stopping = AbortSignal.any([io.shutdown, configChanged.signal]);
  try {
    const { config, warnings: configWarnings } = await loadConfig(options.cloudConfig, {
      env: io.env,
      signal: io.shutdown,
    });
    for (const w of configWarnings) logger.warn({ path: w.path }, `cloud config: ${w.message}`);
    const reload = await startConfigReload({
      path: options.cloudConfig ?? '',
      running: config,
      env: io.env,
      logger,
      signal: stopping,
      onChanged: (keys) => {
        io.onStopping?.();
        configChanged.abort(new CloudConfigChangedError(`cloud config changed (${keys.join(', ')})`));
      },
    });
    try {
      const app = createApp({ options, config, env: io.env, logger, readyChecks: [reload.readyCheck] });
      await app.run(stopping);
    } finally {
      await reload.close();
    }
    return EXIT.ok;
  } catch (err) {
    if (stopping.aborted) return EXIT.ok;
    if (err instanceof ConfigError) {
      io.stderr(`vsphere-cloud-controller-manager: invalid cloud config: ${err.message}\n`);
    } else {
      logger.error({ err }, 'the cloud-controller-manager failed');
      io.stderr(`vsphere-cloud-controller-manager: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    return EXIT.failed;
  }
}

/**
 * Entry point of the executable: wires SIGTERM/SIGINT to a clean shutdown (forced exit after a
 * grace period) and keeps the process alive while the daemon runs.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const shutdown = new AbortController();
  let deadline: NodeJS.Timeout | undefined;
  const boundShutdown = (): void => {
    deadline ??= setTimeout(() => {
      process.stderr.write('vsphere-cloud-controller-manager: shutdown took too long; exiting\n');
      process.exit(EXIT.failed);
    }, SHUTDOWN_GRACE_MS).unref();
  };
  const onSignal = (): void => {
    if (shutdown.signal.aborted) return;
    shutdown.abort(new Error('received a termination signal'));
    boundShutdown();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // Every timer of the loops is unreferenced; this one keeps the daemon alive until it stops.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    return await runMain(argv, {
      env: process.env,
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
      shutdown: shutdown.signal,
      onStopping: boundShutdown,
    });
  } finally {
    clearInterval(keepAlive);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
