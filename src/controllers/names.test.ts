// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CONTROLLER_NAMES,
  UnknownControllerError,
  UnsupportedControllerError,
  selectControllers,
} from './names.ts';

const cases: { name: string; entries: string[]; want: string[] }[] = [
  { name: 'no entries', entries: [], want: [...CONTROLLER_NAMES] },
  { name: 'star', entries: ['*'], want: ['cloud-node', 'cloud-node-lifecycle', 'service', 'route'] },
  { name: 'one name only', entries: ['service'], want: ['service'] },
  {
    name: 'star minus one',
    entries: ['*', '-route'],
    want: ['cloud-node', 'cloud-node-lifecycle', 'service'],
  },
  { name: 'comma-separated', entries: ['*,-service,-route'], want: ['cloud-node', 'cloud-node-lifecycle'] },
  { name: 'disable wins over enable', entries: ['route', '-route', 'cloud-node'], want: ['cloud-node'] },
  { name: 'only disables', entries: ['-route'], want: [] },
  {
    name: 'upstream aliases',
    entries: ['service-lb-controller,cloud-node-controller'],
    want: ['cloud-node', 'service'],
  },
  { name: 'blanks ignored', entries: [' route , ', ''], want: ['route'] },
  { name: 'upstream *,-nodeipam', entries: ['*,-nodeipam'], want: [...CONTROLLER_NAMES] },
  { name: 'canonical order', entries: ['route', 'cloud-node'], want: ['cloud-node', 'route'] },
];

for (const c of cases) {
  test(`given --controllers ${c.name} should enable ${c.want.join(',') || 'none'}`, () => {
    assert.deepEqual(selectControllers(c.entries), c.want);
  });
}

for (const bad of ['node-lifecycle', '-bogus', '**', 'Service']) {
  test(`given unknown entry ${bad} should throw UnknownControllerError`, () => {
    assert.throws(
      () => selectControllers(['*', bad]),
      (e: unknown) => e instanceof UnknownControllerError && e.entry === bad,
    );
    assert.throws(() => selectControllers([bad]), { code: 'UNKNOWN_CONTROLLER' });
  });
}

for (const entry of ['nodeipam', 'node-ipam-controller']) {
  test(`given ${entry} enabled should throw UnsupportedControllerError`, () => {
    assert.throws(
      () => selectControllers([entry]),
      (e: unknown) => e instanceof UnsupportedControllerError && e.entry === entry,
    );
    assert.throws(() => selectControllers([entry]), { code: 'UNSUPPORTED_CONTROLLER' });
  });
}
