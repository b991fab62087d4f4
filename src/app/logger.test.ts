// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REDACTED_KEYS, createLogger, formatKlogLine, levelForVerbosity } from './logger.ts';

function capture(): { lines: string[]; destination: { write(s: string): void } } {
  const lines: string[] = [];
  return { lines, destination: { write: (s: string) => lines.push(s) } };
}

test('given verbosities should map them to pino levels', () => {
  const table: readonly [number, string][] = [
    [0, 'info'],
    [1, 'info'],
    [2, 'debug'],
    [3, 'debug'],
    [4, 'trace'],
    [9, 'trace'],
  ];
  for (const [v, level] of table) assert.equal(levelForVerbosity(v), level, `v=${v}`);
});

test('given --v=0 should log info and drop debug', () => {
  const { lines, destination } = capture();
  const log = createLogger({ verbosity: 0, format: 'json', destination });
  log.debug('hidden');
  log.info({ node: 'n1' }, 'shown');
  assert.equal(lines.length, 1);
  const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.equal(rec['msg'], 'shown');
  assert.equal(rec['node'], 'n1');
  assert.equal(rec['level'], 30);
});

test('given --v=4 should log trace', () => {
  const { lines, destination } = capture();
  createLogger({ verbosity: 4, format: 'json', destination }).trace('deep');
  assert.equal(lines.length, 1);
});

test('given secrets at several depths should never write them', () => {
  const { lines, destination } = capture();
  const log = createLogger({ verbosity: 0, format: 'json', destination });
  const secrets = REDACTED_KEYS.map((k, i) => [k, `s3cr3t-${i}`] as const);
  log.info(Object.fromEntries(secrets), 'top');
  log.info({ config: Object.fromEntries(secrets) }, 'one deep');
  log.info({ req: { headers: Object.fromEntries(secrets) } }, 'two deep');
  log.child({ password: 'child-s3cr3t' }).info('child');
  const text = lines.join('');
  assert.equal(lines.length, 4);
  assert.doesNotMatch(text, /s3cr3t/);
  assert.match(text, /\[REDACTED\]/);
  assert.equal((JSON.parse(lines[1]!) as { config: { password: string } }).config.password, '[REDACTED]');
});

test('given the text format should write klog-like lines, still redacted', () => {
  const { lines, destination } = capture();
  const log = createLogger({ verbosity: 0, format: 'text', destination });
  log.warn({ node: 'n1', attempt: 2, password: 'hunter2', obj: { a: 1 } }, 'init failed');
  assert.equal(lines.length, 1);
  assert.match(
    lines[0]!,
    /^W\d{4} \d{2}:\d{2}:\d{2}\.\d{6} +\d+ vsphere-ccm\] "init failed" node="n1" attempt=2 password="\[REDACTED\]" obj="\{\\"a\\":1\}"\n$/,
  );
  assert.doesNotMatch(lines[0]!, /hunter2/);
});

test('given records of each level should pick the klog severity letter and UTC time', () => {
  const time = Date.UTC(2026, 10, 23, 6, 5, 4, 321);
  const line = (level: number) => formatKlogLine({ level, time, pid: 42, msg: 'm' });
  assert.equal(line(10), 'I1123 06:05:04.321000      42 vsphere-ccm] "m"\n');
  assert.equal(line(30)[0], 'I');
  assert.equal(line(40)[0], 'W');
  assert.equal(line(50)[0], 'E');
  assert.equal(line(60)[0], 'F');
});

test('given an error under err should serialise its message and type', () => {
  const { lines, destination } = capture();
  createLogger({ verbosity: 0, format: 'json', destination }).error(
    { err: new RangeError('boom') },
    'failed',
  );
  const rec = JSON.parse(lines[0]!) as { err: { type: string; message: string; stack: string } };
  assert.equal(rec.err.type, 'RangeError');
  assert.equal(rec.err.message, 'boom');
  assert.match(rec.err.stack, /boom/);
});
