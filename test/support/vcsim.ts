// SPDX-License-Identifier: Apache-2.0
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { access, constants, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { Agent } from 'undici';
import { CcmError } from '../../src/lib/errors.ts';
import { createControlClient, type VcsimControl } from '../vcsim/control-client.ts';
import type { ScenarioCredentials, VcsimScenario } from '../vcsim/scenario.ts';

export type { VcsimScenario } from '../vcsim/scenario.ts';
export {
  VcsimControlError,
  type CallCounters,
  type ControlCallOptions,
  type GuestUpdate,
  type SessionCounts,
  type VcsimControl,
} from '../vcsim/control-client.ts';

/** Where test/vcsim/build.sh (run by scripts/bootstrap.sh) puts the harness binary. */
export const VCSIM_BINARY = resolve(import.meta.dirname, '../../.cache/vcsim/bin/vcsim-harness');

const READY_TIMEOUT_MS = 30_000;
const EXIT_GRACE_MS = 5_000;
const STDERR_TAIL_BYTES = 16_384;

/** The harness binary has not been built. */
export class VcsimNotBuiltError extends CcmError {
  readonly code = 'VCSIM_NOT_BUILT';
}

/** The harness did not start: it exited, printed no valid ready line, or took too long. */
export class VcsimStartError extends CcmError {
  readonly code = 'VCSIM_START_FAILED';
}

/** A running harness. close() (or `await using`) stops it; it also stops when this process dies. */
export interface Vcsim extends AsyncDisposable {
  readonly sdkUrl: string;
  readonly restUrl: string;
  readonly controlUrl: string;
  /** The server's self-signed certificate; use it as the CA. */
  readonly certPem: string;
  /** "AA:BB:…" SHA-1 and SHA-256 of the certificate (DER). */
  readonly thumbprintSha1: string;
  readonly thumbprintSha256: string;
  readonly pid: number;
  readonly credentials: ScenarioCredentials;
  readonly control: VcsimControl;
  /** Stops the harness and waits for it to exit; safe to call twice. */
  close(): Promise<void>;
}

export interface StartVcsimOptions {
  /** A scenario object, or the path of a scenario JSON file (relative to the working directory). */
  readonly scenario: VcsimScenario | string;
  /** Aborts start-up (the harness is killed). */
  readonly signal?: AbortSignal;
  /** Passes --verbose: the simulator's own log goes to this process's stderr. */
  readonly verbose?: boolean;
}

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

interface ReadyLine {
  readonly sdkUrl: string;
  readonly restUrl: string;
  readonly controlUrl: string;
  readonly certPem: string;
  readonly thumbprintSha1: string;
  readonly thumbprintSha256: string;
  readonly pid: number;
}

/**
 * Starts the simulator harness with a scenario and resolves once it serves (within 30 s).
 * Rejects with VcsimNotBuiltError when the binary is missing, VcsimStartError when the harness
 * fails, or the signal's reason when aborted; the child is gone in every failure case.
 */
export async function startVcsim(options: StartVcsimOptions): Promise<Vcsim> {
  await access(VCSIM_BINARY, constants.X_OK).catch((err: unknown) => {
    throw new VcsimNotBuiltError(
      `vcsim harness not built at ${VCSIM_BINARY}: run 'bash scripts/bootstrap.sh'`,
      { cause: err },
    );
  });
  const scenario =
    typeof options.scenario === 'string' ? await readScenario(options.scenario) : options.scenario;
  options.signal?.throwIfAborted();
  const args = ['--scenario', '-', ...(options.verbose === true ? ['--verbose'] : [])];
  const child: Child = spawn(VCSIM_BINARY, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr = collectTail(child.stderr, options.verbose === true);
  child.stdin.on('error', () => undefined); // the harness may exit before reading everything
  child.stdin.write(`${JSON.stringify(scenario)}\n`);
  const exited = new Promise<void>((res) => {
    child.once('exit', () => {
      res();
    });
  });
  try {
    const ready = await readReadyLine(child, stderr, options.signal);
    // Unreferenced, a forgotten harness cannot keep this process alive; when this process exits,
    // the harness sees stdin close and exits too.
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr]) unrefStream(s);
    return makeVcsim(child, exited, ready, scenario.credentials);
  } catch (err) {
    await stop(child, exited);
    throw err;
  }
}

async function readScenario(path: string): Promise<VcsimScenario> {
  try {
    return JSON.parse(await readFile(resolve(path), 'utf8')) as VcsimScenario;
  } catch (err) {
    throw new VcsimStartError(`cannot read scenario ${path}`, { cause: err });
  }
}

function unrefStream(stream: Readable | Writable): void {
  const handle = stream as unknown as { unref?: () => void };
  handle.unref?.();
}

function collectTail(stream: Readable, echo: boolean): () => string {
  let tail = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    if (echo) process.stderr.write(chunk);
    tail = (tail + chunk).slice(-STDERR_TAIL_BYTES);
  });
  return () => tail.trim();
}

function readReadyLine(child: Child, stderr: () => string, signal?: AbortSignal): Promise<ReadyLine> {
  return new Promise<ReadyLine>((res, rej) => {
    const lines = createInterface({ input: child.stdout });
    const fail = (err: Error): void => {
      cleanup();
      rej(err);
    };
    const onExit = (code: number | null, sig: string | null): void => {
      fail(
        new VcsimStartError(
          `vcsim harness exited (code ${code}, signal ${sig}) before it was ready: ${stderr()}`,
        ),
      );
    };
    const onAbort = (): void => {
      fail(signal?.reason instanceof Error ? signal.reason : new VcsimStartError('start-up aborted'));
    };
    const timer = setTimeout(() => {
      fail(new VcsimStartError(`vcsim harness not ready after ${READY_TIMEOUT_MS} ms: ${stderr()}`));
    }, READY_TIMEOUT_MS);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('exit', onExit);
      signal?.removeEventListener('abort', onAbort);
      lines.close();
    };
    child.once('exit', onExit);
    signal?.addEventListener('abort', onAbort, { once: true });
    lines.once('line', (line) => {
      try {
        const ready = parseReadyLine(line);
        cleanup();
        res(ready);
      } catch (err) {
        fail(new VcsimStartError(`unexpected ready line from vcsim harness: ${line}`, { cause: err }));
      }
    });
  });
}

function parseReadyLine(line: string): ReadyLine {
  const v = JSON.parse(line) as Record<string, unknown>;
  const keys = ['sdkUrl', 'restUrl', 'controlUrl', 'certPem', 'thumbprintSha1', 'thumbprintSha256'] as const;
  for (const k of keys) {
    if (typeof v[k] !== 'string') throw new TypeError(`field ${k} is not a string`);
  }
  if (typeof v['pid'] !== 'number') throw new TypeError('field pid is not a number');
  return v as unknown as ReadyLine;
}

/** Ends stdin (the harness then exits cleanly), escalating to SIGKILL after a grace period. */
async function stop(child: Child, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

function makeVcsim(
  child: Child,
  exited: Promise<void>,
  ready: ReadyLine,
  credentials: ScenarioCredentials,
): Vcsim {
  const agent = new Agent({ connections: 4 });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= stop(child, exited).finally(() => agent.close());
    return closing;
  };
  return {
    ...ready,
    credentials,
    control: createControlClient(ready.controlUrl, agent),
    close,
    [Symbol.asyncDispose]: close,
  };
}
