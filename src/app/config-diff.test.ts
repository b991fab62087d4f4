// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfigText } from '../config/load-config.ts';
import { changedConfigKeys } from './config-diff.ts';

const load = (text: string) => loadConfigText(text, { env: {} }).config;

const yaml = (extra: { port?: number; password?: string; west?: boolean; dcs?: string } = {}): string =>
  [
    'global:',
    '  insecureFlag: true',
    'vcenter:',
    '  east:',
    '    server: 10.0.0.1',
    `    port: ${String(extra.port ?? 443)}`,
    '    user: admin',
    `    password: ${extra.password ?? 'secret-1'}`,
    `    datacenters: [${extra.dcs ?? 'dc-a, dc-b'}]`,
    ...(extra.west === true ? ['  west:', '    server: 10.0.0.2', '    user: u', '    password: p'] : []),
    '',
  ].join('\n');

test('given the same config written differently (comments, key order, INI instead of YAML) should report no change', () => {
  const running = load(yaml());
  const reordered = [
    '# a comment',
    'vcenter:',
    '  east:',
    '    datacenters: [dc-a, dc-b]',
    '    password: secret-1',
    '    user: admin',
    '    port: 443',
    '    server: 10.0.0.1',
    'global:',
    '  insecureFlag: true',
    '',
  ].join('\n');
  const ini = [
    '[Global]',
    'insecure-flag = true',
    '[VirtualCenter "east"]',
    'server = 10.0.0.1',
    'user = admin',
    'password = secret-1',
    'datacenters = dc-a,dc-b',
    '',
  ].join('\n');
  assert.deepEqual(changedConfigKeys(running, load(reordered)), []);
  const fromIni = load(ini);
  assert.equal(fromIni.format, 'ini');
  assert.deepEqual(changedConfigKeys(running, fromIni), []);
});

test('given changed values should name each changed key path, sorted, and never a value', () => {
  const running = load(yaml());
  const keys = changedConfigKeys(running, load(yaml({ port: 8443, password: 'secret-2' })));
  assert.deepEqual(keys, ['vcenters.east.password', 'vcenters.east.port']);
  assert.ok(!keys.join().includes('secret'));
});

test('given a vCenter added or removed should name the vCenter, not its fields', () => {
  const running = load(yaml());
  assert.deepEqual(changedConfigKeys(running, load(yaml({ west: true }))), ['vcenters.west']);
  assert.deepEqual(changedConfigKeys(load(yaml({ west: true })), running), ['vcenters.west']);
});

test('given a list in another order should report it changed', () => {
  assert.deepEqual(changedConfigKeys(load(yaml()), load(yaml({ dcs: 'dc-b, dc-a' }))), [
    'vcenters.east.datacenters',
  ]);
});

test('given an optional section added should name the section', () => {
  const running = load(yaml());
  const withLabels = load(`${yaml()}labels:\n  zone: k8s-zone\n  region: k8s-region\n`);
  assert.deepEqual(changedConfigKeys(running, withLabels), ['labels.region', 'labels.zone']);
});
