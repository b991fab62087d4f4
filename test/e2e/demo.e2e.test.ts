// SPDX-License-Identifier: Apache-2.0
// `npm run demo` end to end, in its fast mode: the real daemon initialises the demo's Nodes, taints
// the powered-off one, deletes the destroyed one, and the demo cleans up after itself.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const DEMO = resolve(import.meta.dirname, '../../scripts/demo.ts');

test('given DEMO_FAST=1, should show all Nodes initialised from vSphere, the shutdown taint and the deleted Node, then exit 0 leaving no temp files', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [DEMO], {
    env: { ...process.env, DEMO_FAST: '1' },
    timeout: 50_000,
    killSignal: 'SIGKILL',
  });
  assert.match(stdout, /\b12\/12 Nodes initialised/);
  const rows = (section: string): string[] => section.split('\n').filter((l) => l.startsWith('k8s-'));
  const initialised = rows(stdout.slice(stdout.indexOf('12/12 Nodes initialised')).split('\n\n')[0] ?? '');
  assert.equal(initialised.length, 12);
  assert.match(
    initialised.find((l) => l.startsWith('k8s-east-b-worker-1 ')) ?? '',
    /^k8s-east-b-worker-1\s+vsphere:\/\/4237d000-de30-4c1a-9b00-000000000006\s+10\.10\.2\.16\s+\S+\s+zone-east-b\s+region-east\s+vsphere-vm\.cpu-8\.mem-16gb\.os-ubuntu\s+-$/,
  );
  assert.match(
    initialised.find((l) => l.startsWith('k8s-west-a-cp-1 ')) ?? '',
    /\s10\.20\.1\.19\s.*\szone-west-a\s+region-west\s/,
  );
  const afterPowerOff = rows(
    stdout.slice(stdout.indexOf('got the node.cloudprovider.kubernetes.io/shutdown taint')),
  );
  assert.match(afterPowerOff.find((l) => l.startsWith('k8s-east-b-worker-2 ')) ?? '', /shutdown:NoSchedule$/);
  const finalSection = stdout.slice(stdout.indexOf('Node k8s-west-a-worker-3 was deleted'));
  const finalRows = rows(finalSection.split('\n\n')[0] ?? '');
  assert.equal(finalRows.length, 11);
  assert.ok(!finalRows.some((l) => l.startsWith('k8s-west-a-worker-3 ')));
  assert.match(stdout, /The daemon stopped on SIGTERM \(exit 0\)/);
  const kubeconfig = /--kubeconfig (\S+) get nodes -o wide/.exec(stdout)?.[1];
  assert.ok(kubeconfig !== undefined, 'the demo prints a kubectl command');
  await assert.rejects(access(kubeconfig), { code: 'ENOENT' }, 'the temp dir was removed');
});
