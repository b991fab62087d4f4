// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InstanceMetadata } from '../cloud/instances.ts';
import {
  InvalidNodeLabelsError,
  MissingResourceVersionError,
  buildAddressesPatch,
  buildInitialisationPatch,
  buildShutdownTaintPatch,
  labelKeyProblem,
  labelValueProblem,
  type NodeView,
  type TaintView,
} from './node-patches.ts';

const UNINIT = { key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true', effect: 'NoSchedule' };
const OTHER = { key: 'dedicated', value: 'db', effect: 'NoExecute' };
const SHUTDOWN = { key: 'node.cloudprovider.kubernetes.io/shutdown', effect: 'NoSchedule' };

function meta(over: Partial<InstanceMetadata> = {}): InstanceMetadata {
  return {
    providerID: 'vsphere://4237a0c6-0000-0000-0000-000000000001',
    instanceType: 'vsphere-vm.cpu-2.mem-4gb.os-ubuntu',
    nodeAddresses: [],
    zone: 'zone-a',
    region: 'region-1',
    additionalLabels: {},
    ...over,
  };
}

function node(over: { providerID?: string; taints?: readonly TaintView[]; rv?: string } = {}): NodeView {
  return {
    metadata: {
      name: 'n1',
      ...(over.rv === '' ? {} : { resourceVersion: over.rv ?? '42' }),
      labels: { keep: 'me' },
    },
    spec: {
      ...(over.providerID === undefined ? {} : { providerID: over.providerID }),
      taints: over.taints ?? [],
    },
  };
}

const valueCases: [string, boolean][] = [
  ['', true],
  ['zone-a', true],
  ['Zone_A.1', true],
  ['a'.repeat(63), true],
  ['a'.repeat(64), false],
  ['Zone A', false],
  ['eu/west', false],
  ['-lead', false],
  ['trail.', false],
  ['é', false],
];
for (const [value, ok] of valueCases) {
  test(`given label value ${JSON.stringify(value.length > 20 ? `${value.slice(0, 5)}…(${value.length})` : value)} should be ${ok ? 'valid' : 'invalid'}`, () => {
    assert.equal(labelValueProblem(value) === undefined, ok);
  });
}

const keyCases: [string, boolean][] = [
  ['topology.kubernetes.io/zone', true],
  ['simple', true],
  ['example.com/My_Key.1', true],
  ['', false],
  ['/name', false],
  ['Example.com/name', false],
  ['example.com/', false],
  ['a/b/c', false],
  [`${'a'.repeat(254)}/x`, false],
  ['k'.repeat(64), false],
];
for (const [key, ok] of keyCases) {
  test(`given label key ${JSON.stringify(key.length > 30 ? `${key.slice(0, 5)}…(${key.length})` : key)} should be ${ok ? 'valid' : 'invalid'}`, () => {
    assert.equal(labelKeyProblem(key) === undefined, ok);
  });
}

test('given an uninitialised node should set providerID, all labels, and drop only the uninitialized taint', () => {
  const patch = buildInitialisationPatch(
    node({ taints: [OTHER, UNINIT] }),
    meta({ additionalLabels: { 'example.com/rack': 'r1' } }),
  );
  assert.equal(patch.contentType, 'application/merge-patch+json');
  assert.deepEqual(patch.body, {
    metadata: {
      resourceVersion: '42',
      labels: {
        'example.com/rack': 'r1',
        'node.kubernetes.io/instance-type': 'vsphere-vm.cpu-2.mem-4gb.os-ubuntu',
        'beta.kubernetes.io/instance-type': 'vsphere-vm.cpu-2.mem-4gb.os-ubuntu',
        'topology.kubernetes.io/zone': 'zone-a',
        'failure-domain.beta.kubernetes.io/zone': 'zone-a',
        'topology.kubernetes.io/region': 'region-1',
        'failure-domain.beta.kubernetes.io/region': 'region-1',
      },
    },
    spec: { providerID: 'vsphere://4237a0c6-0000-0000-0000-000000000001', taints: [OTHER] },
  });
});

test('given a node that already has a providerID should keep it', () => {
  const patch = buildInitialisationPatch(
    node({ providerID: 'vsphere://kubelet-set', taints: [UNINIT] }),
    meta(),
  );
  assert.deepEqual(patch.body['spec'], { taints: [] });
});

test('given no zone, region or instance type should set none of their labels', () => {
  const patch = buildInitialisationPatch(
    node({ taints: [UNINIT] }),
    meta({ zone: '', region: '', instanceType: '' }),
  );
  assert.deepEqual((patch.body['metadata'] as { labels: unknown }).labels, {});
});

test('given a zone only should set the zone labels and no region label', () => {
  const patch = buildInitialisationPatch(node(), meta({ region: '' }));
  const labels = (patch.body['metadata'] as { labels: Record<string, string> }).labels;
  assert.equal(labels['topology.kubernetes.io/zone'], 'zone-a');
  assert.equal('topology.kubernetes.io/region' in labels, false);
  assert.equal('failure-domain.beta.kubernetes.io/region' in labels, false);
});

test('given a zone "Zone A" and a bad extra label should throw one typed error naming both', () => {
  assert.throws(
    () => buildInitialisationPatch(node(), meta({ zone: 'Zone A', additionalLabels: { 'bad key': 'x' } })),
    (e: unknown) =>
      e instanceof InvalidNodeLabelsError &&
      e.problems.length === 3 &&
      e.problems.some((p) => p.startsWith('topology.kubernetes.io/zone="Zone A"')) &&
      e.problems.some((p) => p.startsWith('bad key=')),
  );
});

test('given an invalid label should carry the stable code', () => {
  assert.throws(() => buildInitialisationPatch(node(), meta({ region: 'eu/west' })), {
    code: 'INVALID_NODE_LABELS',
  });
});

test('given a node without resourceVersion should refuse to build an unguarded patch', () => {
  assert.throws(() => buildInitialisationPatch(node({ rv: '' }), meta()), MissingResourceVersionError);
  assert.throws(() => buildShutdownTaintPatch(node({ rv: '' }), true), MissingResourceVersionError);
});

test('given addresses with two InternalIPs and a duplicate pair should replace the list in order, once each', () => {
  const patch = buildAddressesPatch([
    { type: 'InternalIP', address: '10.0.0.1' },
    { type: 'InternalIP', address: '10.0.0.2' },
    { type: 'ExternalIP', address: '10.0.0.1' },
    { type: 'InternalIP', address: '10.0.0.1' },
    { type: 'Hostname', address: 'n1' },
  ]);
  assert.equal(patch.contentType, 'application/strategic-merge-patch+json');
  assert.deepEqual(patch.body, {
    status: {
      addresses: [
        { type: 'InternalIP', address: '10.0.0.1' },
        { type: 'InternalIP', address: '10.0.0.2' },
        { type: 'ExternalIP', address: '10.0.0.1' },
        { type: 'Hostname', address: 'n1' },
        { $patch: 'replace' },
      ],
    },
  });
});

const shutdownCases: {
  name: string;
  taints: readonly TaintView[] | undefined;
  present: boolean;
  want: unknown;
}[] = [
  { name: 'add to a node with other taints', taints: [OTHER], present: true, want: [OTHER, SHUTDOWN] },
  { name: 'add when already there', taints: [SHUTDOWN, OTHER], present: true, want: undefined },
  { name: 'remove keeping the others', taints: [OTHER, SHUTDOWN], present: false, want: [OTHER] },
  { name: 'remove when absent', taints: [OTHER], present: false, want: undefined },
  { name: 'add to an untainted node', taints: undefined, present: true, want: [SHUTDOWN] },
];
for (const c of shutdownCases) {
  test(`given shutdown taint ${c.name} should ${c.want === undefined ? 'need no patch' : 'send the full list'}`, () => {
    const n: NodeView = {
      metadata: { name: 'n1', resourceVersion: '7' },
      spec: c.taints === undefined ? {} : { taints: c.taints },
    };
    const patch = buildShutdownTaintPatch(n, c.present);
    if (c.want === undefined) {
      assert.equal(patch, undefined);
      return;
    }
    assert.equal(patch?.contentType, 'application/merge-patch+json');
    assert.deepEqual(patch.body, { metadata: { resourceVersion: '7' }, spec: { taints: c.want } });
  });
}
