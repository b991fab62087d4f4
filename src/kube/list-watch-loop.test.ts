// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ListWatchLoop, type WatchOutcome } from './list-watch-loop.ts';

/** Steps that follow a script of watch outcomes, then hold the last watch open until stopped. */
function scripted(outcomes: (WatchOutcome | Error)[]) {
  const calls: string[] = [];
  const errors: unknown[] = [];
  let lists = 0;
  const steps = {
    list: (): Promise<string> => {
      lists += 1;
      calls.push(`list`);
      return Promise.resolve(`rv${String(lists)}`);
    },
    watch: (rv: string, signal: AbortSignal): Promise<WatchOutcome> => {
      calls.push(`watch ${rv}`);
      const next = outcomes.shift();
      if (next === undefined)
        return new Promise((_, reject) => {
          signal.addEventListener('abort', () => {
            reject(new Error('aborted'));
          });
        });
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
    onError: (err: unknown) => {
      errors.push(err);
    },
  };
  return { steps, calls, errors };
}

const until = async (probe: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !probe(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(probe(), 'condition not reached');
};

describe('ListWatchLoop', () => {
  it('given watches that end, should resume from the last resourceVersion and re-list after 410', async () => {
    const { steps, calls, errors } = scripted([
      { resourceVersion: 'rv7', events: 3 },
      { resourceVersion: undefined, events: 1 },
    ]);
    const loop = new ListWatchLoop(steps, { backoff: { initialMs: 1, maxMs: 2 } });
    await loop.start();
    await until(() => calls.length >= 5);
    await loop.stop();
    assert.deepEqual(calls.slice(0, 5), ['list', 'watch rv1', 'watch rv7', 'list', 'watch rv2']);
    assert.deepEqual(errors, [], 'stopping is not an error');
  });

  it('given failures, should report each and back off doubling up to the maximum', async () => {
    const boom = new Error('boom');
    const { steps, errors } = scripted([boom, boom, boom]);
    const loop = new ListWatchLoop(steps, { backoff: { initialMs: 20, maxMs: 40 } });
    const started = performance.now();
    await loop.start();
    await until(() => errors.length >= 3);
    const elapsed = performance.now() - started;
    await loop.stop();
    assert.deepEqual(errors, [boom, boom, boom]);
    // 20 ms after the first failure and 40 ms after the second, before the third is seen.
    assert.ok(elapsed >= 55, `${String(elapsed)} ms`);
  });

  it('given a server stuck on 410, should re-list at once only once in a row, then back off', async () => {
    const gone = { resourceVersion: undefined, events: 0 };
    const { steps, calls } = scripted([gone, gone, gone]);
    const loop = new ListWatchLoop(steps, { backoff: { initialMs: 60_000, maxMs: 60_000 } });
    await loop.start();
    await until(() => calls.length >= 4);
    await new Promise((r) => setTimeout(r, 50));
    await loop.stop();
    // list, watch (410), list at once, watch (410), then waiting out the backoff: no third list.
    assert.deepEqual(calls, ['list', 'watch rv1', 'list', 'watch rv2']);
  });
});
