// SPDX-License-Identifier: Apache-2.0
// Test-only: runs bin/vsphere-cloud-controller-manager.js as a child process and collects its output.
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { promisify } from 'node:util';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';

const BIN = resolve(import.meta.dirname, '../../bin/vsphere-cloud-controller-manager.js');

/** A running (or finished) daemon. */
export interface Daemon extends AsyncDisposable {
  readonly pid: number;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process has exited and its output is read. */
  readonly exited: Promise<number | string>;
  /** Resolves once `pattern` appears in the output; rejects after `timeoutMs` or if the process exits first. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Sends SIGTERM (SIGKILL after `killAfterMs`, default 12 s) and resolves with the exit code. */
  stop(killAfterMs?: number): Promise<number | string>;
}

/**
 * Spawns the daemon on the Node.js running the tests with `args`, and `env` added to this
 * process's environment. Always `stop()` (or `await using`) it: the test must not leave it behind.
 */
export function startDaemon(args: readonly string[], env: Readonly<Record<string, string>> = {}): Daemon {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let text = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: string): void => {
    text += chunk;
    for (const l of listeners) l();
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  const exited = new Promise<number | string>((res) => {
    // 'close', not 'exit': it comes once stdout and stderr are drained, so `output()` is complete.
    child.once('close', (code, signal) => {
      res(code ?? signal ?? 'unknown');
      for (const l of listeners) l();
    });
  });
  let finished = false;
  void exited.then(() => {
    finished = true;
  });

  const waitForOutput = (pattern: RegExp, timeoutMs: number): Promise<void> =>
    new Promise((res, rej) => {
      const check = (): void => {
        if (pattern.test(text)) done(undefined);
        else if (finished) done(new Error(`daemon exited before printing ${String(pattern)}:\n${text}`));
      };
      const timer = setTimeout(() => {
        done(new Error(`no ${String(pattern)} within ${String(timeoutMs)} ms:\n${text}`));
      }, timeoutMs);
      const done = (err: Error | undefined): void => {
        clearTimeout(timer);
        listeners.delete(check);
        if (err === undefined) res();
        else rej(err);
      };
      listeners.add(check);
      check();
    });

  const stop = async (killAfterMs = 12_000): Promise<number | string> => {
    if (!finished) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return exited;
  };

  return {
    pid: child.pid ?? -1,
    output: () => text,
    exited,
    waitForOutput,
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop();
    },
  };
}

/**
 * Runs the daemon once with `--version` and waits for it, so every module it loads is in Node's
 * compile cache, as after a container image build that warms it (docs/adr/0006).
 */
export async function warmDaemonCompileCache(signal: AbortSignal): Promise<void> {
  await promisify(execFile)(process.execPath, [BIN, '--version'], { signal, timeout: 60_000 });
}
