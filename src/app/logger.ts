// SPDX-License-Identifier: Apache-2.0
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import type { LogFormat } from './flags.ts';

/** Field names whose values never reach the log, wherever they appear in the first three levels. */
export const REDACTED_KEYS = [
  'password',
  'passwd',
  'pwd',
  'token',
  'accessToken',
  'bearerToken',
  'refreshToken',
  'secret',
  'clientSecret',
  'cookie',
  'cookies',
  'set-cookie',
  'authorization',
  'proxy-authorization',
  'vmware_soap_session',
  'sessionCookie',
  'privateKey',
  'tlsPrivateKey',
] as const;

/** What replaces a redacted value. */
export const REDACTION_CENSOR = '[REDACTED]';

/** Logger construction options. */
export interface LoggerOptions {
  /** `--v`: 0–1 info, 2–3 debug, 4 and above trace. */
  readonly verbosity: number;
  /** `json` (one pino JSON object per line) or `text` (klog-like lines). */
  readonly format: LogFormat;
  /** Where lines go; standard error (synchronously) when absent. */
  readonly destination?: DestinationStream;
}

/** The pino level for a `--v` verbosity. */
export function levelForVerbosity(verbosity: number): Level {
  if (verbosity >= 4) return 'trace';
  if (verbosity >= 2) return 'debug';
  return 'info';
}

function redactPaths(): string[] {
  return REDACTED_KEYS.flatMap((k) => {
    const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
    const sep = key.startsWith('[') ? '' : '.';
    return [key, `*${sep}${key}`, `*.*${sep}${key}`];
  });
}

const KLOG_SEVERITY: readonly [number, string][] = [
  [60, 'F'],
  [50, 'E'],
  [40, 'W'],
  [0, 'I'],
];

const OMITTED = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function klogValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return JSON.stringify(JSON.stringify(value));
}

/**
 * Formats one pino record as a klog text line, `Lmmdd hh:mm:ss.uuuuuu pid name] "msg" k="v" ...`,
 * in UTC, with the severity letter from the pino level (I for trace, debug and info). Keys other
 * than pino's own appear after the message in their order; strings are quoted, objects are JSON.
 */
export function formatKlogLine(record: Readonly<Record<string, unknown>>): string {
  const level = typeof record['level'] === 'number' ? record['level'] : 30;
  const severity = KLOG_SEVERITY.find(([min]) => level >= min)?.[1] ?? 'I';
  const d = new Date(typeof record['time'] === 'number' ? record['time'] : Date.now());
  const stamp =
    `${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.` +
    pad(d.getUTCMilliseconds() * 1000, 6);
  const pid = typeof record['pid'] === 'number' ? record['pid'] : process.pid;
  const name = typeof record['name'] === 'string' ? record['name'] : 'vsphere-ccm';
  const fields = Object.entries(record)
    .filter(([k]) => !OMITTED.has(k) && k !== 'name')
    .map(([k, v]) => ` ${k}=${klogValue(v)}`)
    .join('');
  const msg = typeof record['msg'] === 'string' ? record['msg'] : '';
  return `${severity}${stamp} ${String(pid).padStart(7)} ${name}] ${JSON.stringify(msg)}${fields}\n`;
}

function klogDestination(next: DestinationStream): DestinationStream {
  return {
    write(line: string): void {
      // pino has already redacted and serialised the record; reshaping it here keeps redaction.
      next.write(formatKlogLine(JSON.parse(line) as Record<string, unknown>));
    },
  };
}

/**
 * Creates the process logger: pino at the level `--v` selects, JSON lines or klog-like text,
 * with every `REDACTED_KEYS` field (top level, and nested one or two objects deep) replaced by
 * `REDACTION_CENSOR`, and errors under `err` serialised with type, message and stack.
 */
export function createLogger(options: LoggerOptions): Logger {
  const sink = options.destination ?? pino.destination({ dest: 2, sync: true });
  return pino(
    {
      name: 'vsphere-ccm',
      level: levelForVerbosity(options.verbosity),
      redact: { paths: redactPaths(), censor: REDACTION_CENSOR },
      serializers: { err: pino.stdSerializers.err },
    },
    options.format === 'text' ? klogDestination(sink) : sink,
  );
}
