// SPDX-License-Identifier: Apache-2.0
// Test-only: running a kubectl binary against a kubeconfig with bounded time, and reading its
// table output.
import { execFile } from 'node:child_process';

/** The outcome of one kubectl run. */
export interface KubectlRun {
  /** Exit code; -1 when it was killed for exceeding the time limit. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where and how kubectl runs. */
export interface KubectlOptions {
  /** The binary (a name on PATH or a path). */
  readonly binary: string;
  /** Flags put before the command, e.g. `--kubeconfig=…`. */
  readonly globalArgs: readonly string[];
  /** Time limit of one run in ms. */
  readonly timeoutMs: number;
}

/**
 * Runs `kubectl <globalArgs> <args>` and resolves with its exit code and output; rejects only
 * when the binary cannot be started (missing kubectl is an error, never a skip).
 */
export function runKubectl(opts: KubectlOptions, args: readonly string[]): Promise<KubectlRun> {
  return new Promise((resolve, reject) => {
    const argv = [...opts.globalArgs, ...args];
    execFile(opts.binary, argv, { timeout: opts.timeoutMs }, (err, stdout, stderr) => {
      if (err === null) resolve({ code: 0, stdout, stderr });
      else if (typeof err.code === 'number') resolve({ code: err.code, stdout, stderr });
      else if (err.killed)
        resolve({ code: -1, stdout, stderr: `${stderr}\n(killed after ${String(opts.timeoutMs)} ms)` });
      else
        reject(
          new Error(`cannot run ${opts.binary} (install it: scripts/install-kubectl.sh)`, { cause: err }),
        );
    });
  });
}

/** Rows of kubectl's table output, keyed by header, cut at the header's column offsets. */
export function parseTable(out: string): Record<string, string>[] {
  const lines = out.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0] ?? '';
  const starts = [...header.matchAll(/\S+/g)].map((m) => ({ name: m[0], at: m.index }));
  return lines
    .slice(1)
    .map((line) =>
      Object.fromEntries(
        starts.map((c, i) => [c.name, line.slice(c.at, starts[i + 1]?.at ?? line.length).trim()]),
      ),
    );
}
