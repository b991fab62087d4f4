// SPDX-License-Identifier: Apache-2.0
// The exists rule end to end through VSphereInstances.instanceExists, with fake indexes, clock and
// vCenter checks: the happy deletion, and every wrong-deletion path of performance.md §4.5 plus the
// other situations the rule must survive. A wrong deletion is a `false`; none may happen.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeIdentity } from '../cloud/instances.ts';
import { ProviderUnavailableError } from '../cloud/errors.ts';
import {
  NotAuthenticatedError,
  SoapTransportError,
  VimFaultError,
  InvalidLoginError,
} from '../vim25/faults.ts';
import { mor } from '../vim25/mor.ts';
import { FakeAuthoritativeCheck } from '../../test/fakes/fake-authoritative-check.ts';
import { FakeIndex, type FakeVm } from '../../test/fakes/fake-index.ts';
import { AbsenceNotConfirmedError, NodeIdentityConflictError, type AbsenceHold } from './absence-rule.ts';
import { VSphereInstances } from './instances.ts';
import { VmLocator, type LocatorVCenter } from './vm-locator.ts';

const BIOS = '422e4956-ad22-1139-6d72-59cc8f26bc90';
const SWAPPED = '56492e42-22ad-3911-6d72-59cc8f26bc90';
const NEW_UUID = '4237a1b2-c3d4-e5f6-0718-293a4b5c6d77';
const T0 = Date.UTC(2025, 0, 1);
const node: NodeIdentity = { name: 'node-1', providerID: `vsphere://${BIOS}` };

const vm1 = (extra: Partial<FakeVm> = {}): FakeVm => ({
  id: 'vm-1',
  biosUuid: BIOS,
  powerState: 'poweredOn',
  guestHostName: 'node-1',
  ...extra,
});

interface World {
  readonly east: FakeIndex;
  readonly west: FakeIndex;
  readonly check: FakeAuthoritativeCheck;
  readonly instances: VSphereInstances;
  /** Sets the clock to T0 + ms. */
  at(ms: number): void;
}

function world(
  options: {
    env?: Record<string, string>;
    searchWithoutMoRef?: boolean;
    extra?: LocatorVCenter[];
    eastVms?: FakeVm[];
  } = {},
): World {
  let now = T0;
  const east = new FakeIndex('east', options.eastVms ?? [vm1()]);
  const west = new FakeIndex('west');
  const check = new FakeAuthoritativeCheck();
  const vcenters: LocatorVCenter[] = [
    { tenantRef: 'east', index: east },
    { tenantRef: 'west', index: west },
    ...(options.extra ?? []),
  ];
  const instances = new VSphereInstances({
    locator: new VmLocator({ vcenters: () => vcenters }),
    check,
    ipFamilies: () => ['ipv4'],
    nodes: undefined,
    labels: { zone: undefined, region: undefined },
    now: () => now,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.searchWithoutMoRef === undefined ? {} : { searchWithoutMoRef: options.searchWithoutMoRef }),
  });
  return {
    east,
    west,
    check,
    instances,
    at: (ms) => {
      now = T0 + ms;
    },
  };
}

type Outcome = boolean | Error;

async function exists(w: World, at: number, who: NodeIdentity = node): Promise<Outcome> {
  w.at(at);
  return w.instances
    .instanceExists(who)
    .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
}

/** Asks at 0 s, 11 s, 1 min and 1 h after T0; returns every outcome. */
async function watch(w: World, who: NodeIdentity = node): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const at of [0, 11_000, 60_000, 3_600_000]) out.push(await exists(w, at, who));
  return out;
}

function assertNeverFalse(outcomes: readonly Outcome[]): void {
  assert.equal(
    outcomes.filter((o) => o === false).length,
    0,
    `wrong deletion in ${outcomes.map(String).join(' | ')}`,
  );
}

const held = (hold: AbsenceHold) => (o: Outcome) => o instanceof AbsenceNotConfirmedError && o.hold === hold;
const fault = (name: string) =>
  new VimFaultError({ faultCode: 'ServerFaultCode', faultString: name, detail: { _type: name } });

describe('instanceExists: authoritative absence', () => {
  test('given a destroyed VM, should answer false only after 10 s, the MoRef check and a UUID search', async () => {
    const w = world();
    w.east.remove('vm-1', T0);
    assert.ok(held('first-observation')(await exists(w, 0)));
    assert.ok(held('too-soon')(await exists(w, 9_999)));
    assert.deepEqual(w.check.calls, [], 'no vCenter call before the second observation');
    assert.equal(await exists(w, 10_000), false);
    assert.deepEqual(w.check.calls, [
      'checkRef east VirtualMachine:vm-1',
      `findByUuid east ${BIOS},${SWAPPED}`,
      `findByUuid west ${BIOS},${SWAPPED}`,
    ]);
  });

  test('given a VM destroyed while the provider was down, should answer false after 10 s by UUID search', async () => {
    const w = world({ eastVms: [] });
    assert.equal(w.east.absence(BIOS), undefined, 'a restarted index has no absence record');
    assert.ok(held('first-observation')(await exists(w, 0)));
    assert.equal(await exists(w, 10_000), false);
    assert.deepEqual(w.check.calls, [
      `findByUuid east ${BIOS},${SWAPPED}`,
      `findByUuid west ${BIOS},${SWAPPED}`,
    ]);
  });

  test('given the VM back between the observations, should start the 10 s over', async () => {
    const w = world();
    w.east.remove('vm-1', T0);
    assert.ok(held('first-observation')(await exists(w, 0)));
    w.east.put(vm1());
    assert.equal(await exists(w, 5_000), true);
    w.east.remove('vm-1', T0 + 6_000);
    assert.ok(held('too-soon')(await exists(w, 12_000)));
  });
});

describe('instanceExists: wrong-deletion paths of performance.md §4.5 (0 false each)', () => {
  test('path 1, cache lost: after a restart an inaccessible VM (no readable UUID) must keep its Node', async () => {
    const w = world();
    w.east.put(vm1({ biosUuid: undefined, connectionState: 'inaccessible' }));
    const outcomes = await watch(w);
    assertNeverFalse(outcomes);
    assert.ok(held('first-observation')(outcomes[0]!));
    assert.ok(outcomes.slice(1).every(held('unknown-identities')));
    assert.deepEqual(w.check.calls, [], 'not even a search: the inaccessible VM could be this one');
  });

  test('path 1, cache lost: after a restart a powered-off VM without IPs exists and is shut down', async () => {
    const w = world();
    w.east.put(vm1({ powerState: 'poweredOff', guestHostName: undefined, nics: [] }));
    assert.deepEqual(await watch(w), [true, true, true, true]);
    assert.equal(await w.instances.instanceShutdown(node), true);
  });

  test('path 2, permission lost while running: the MoRef check fails, the Node is kept', async () => {
    const w = world();
    w.east.remove('vm-1', T0);
    w.check.refAnswer = () => fault('NoPermission');
    const outcomes = await watch(w);
    assertNeverFalse(outcomes);
    assert.ok(outcomes.slice(1).every((o) => o instanceof VimFaultError));
  });

  test('path 2, VM moved out of the configured datacenters: the MoRef check finds it', async () => {
    const w = world();
    w.east.remove('vm-1', T0);
    w.check.refAnswer = () => 'present';
    const outcomes = await watch(w);
    assertNeverFalse(outcomes);
    assert.deepEqual(outcomes.slice(1), [true, true, true]);
  });

  test('path 2, moved VM after a restart (no MoRef): the whole-inventory search finds it', async () => {
    const w = world();
    w.east.remove('vm-1', T0);
    w.east.setAbsence(BIOS, { since: T0, lastRefs: [] });
    w.check.uuidAnswer = (tenantRef) => (tenantRef === 'east' ? mor('VirtualMachine', 'vm-1') : undefined);
    const outcomes = await watch(w);
    assertNeverFalse(outcomes);
    assert.deepEqual(outcomes.slice(1), [true, true, true]);
  });

  test('path 2, permission lost and no MoRef known, with searchWithoutMoRef off: the Node is kept', async () => {
    const w = world({ searchWithoutMoRef: false });
    w.east.remove('vm-1', T0);
    w.east.setAbsence(BIOS, { since: T0, lastRefs: [] });
    const outcomes = await watch(w);
    assertNeverFalse(outcomes);
    assert.ok(outcomes.slice(1).every(held('no-known-moref')));
  });

  test('path 3, vCenter fails after the index lost the VM: transient errors and session loss keep the Node', async () => {
    for (const failure of [
      new SoapTransportError('connection reset', undefined),
      new NotAuthenticatedError({
        faultCode: 'x',
        faultString: 'session gone',
        detail: { _type: 'NotAuthenticated' },
      }),
    ]) {
      const w = world();
      w.east.remove('vm-1', T0);
      w.check.refAnswer = () => failure;
      const outcomes = await watch(w);
      assertNeverFalse(outcomes);
      assert.ok(outcomes.slice(1).every((o) => o === failure));
    }
  });

  test('path 3, the UUID search fails on one vCenter (partial results): the Node is kept', async () => {
    const w = world();
    w.east.remove('vm-1', T0);
    w.check.uuidAnswer = (tenantRef) =>
      tenantRef === 'west' ? new SoapTransportError('timeout', undefined) : undefined;
    const outcomes = await watch(w);
    assertNeverFalse(outcomes);
    assert.ok(outcomes.slice(1).every((o) => o instanceof SoapTransportError));
  });

  test('path 4, config.uuid briefly empty: the MoRef is still in the index, no vCenter call', async () => {
    const w = world();
    w.east.put(vm1({ biosUuid: undefined }));
    w.east.setAbsence(BIOS, { since: T0, lastRefs: [mor('VirtualMachine', 'vm-1')] });
    const outcomes = await watch(w);
    assertNeverFalse(outcomes);
    assert.deepEqual(outcomes.slice(1), [true, true, true]);
    assert.deepEqual(w.check.calls, []);
  });

  test('path 4, briefly unregistered and registered again under a new MoRef: found again', async () => {
    const w = world();
    w.east.remove('vm-1', T0);
    assert.ok(held('first-observation')(await exists(w, 0)));
    w.east.put(vm1({ id: 'vm-77' }));
    assert.equal(await exists(w, 11_000), true);
  });

  test('path 4, re-registered while the index lags: the UUID search finds the new MoRef', async () => {
    const w = world();
    w.east.remove('vm-1', T0);
    w.check.uuidAnswer = (tenantRef) => (tenantRef === 'east' ? mor('VirtualMachine', 'vm-77') : undefined);
    const outcomes = await watch(w);
    assertNeverFalse(outcomes);
    assert.deepEqual(outcomes.slice(1), [true, true, true]);
  });
});

describe('instanceExists: everything else is an error or true, never false', () => {
  test('given an outage (index not current), should reject at every observation without calling vCenter', async () => {
    const w = world();
    w.east.remove('vm-1', T0);
    w.east.healthy = false;
    const outcomes = await watch(w);
    assertNeverFalse(outcomes);
    assert.ok(outcomes.every((o) => o instanceof ProviderUnavailableError));
    assert.deepEqual(w.check.calls, []);
  });

  test('given a vCenter whose index never synced, should reject', async () => {
    const w = world();
    w.east.remove('vm-1', T0);
    w.west.synced = false;
    const outcomes = await watch(w);
    assert.ok(outcomes.every((o) => o instanceof ProviderUnavailableError));
  });

  test('given a vCenter that cannot be connected, should reject', async () => {
    const w = world({ extra: [{ tenantRef: 'dr', index: undefined, unavailableReason: 'InvalidLogin' }] });
    w.east.remove('vm-1', T0);
    const outcomes = await watch(w);
    assert.ok(
      outcomes.every((o) => o instanceof ProviderUnavailableError && o.message.includes('InvalidLogin')),
    );
  });

  test('given refused credentials at the MoRef check, should reject', async () => {
    const w = world();
    w.east.remove('vm-1', T0);
    w.check.refAnswer = () =>
      new InvalidLoginError({ faultCode: 'x', faultString: 'y', detail: { _type: 'InvalidLogin' } });
    assertNeverFalse(await watch(w));
  });

  test('given the index losing health during the vCenter checks, should reject', async () => {
    const w = world();
    w.east.remove('vm-1', T0);
    w.check.uuidAnswer = () => {
      w.west.healthy = false;
      return undefined;
    };
    await exists(w, 0);
    assert.ok((await exists(w, 11_000)) instanceof ProviderUnavailableError);
  });

  test('given SKIP_NODE_DELETION set (even empty), should keep every Node without calling vCenter', async () => {
    const w = world({ env: { SKIP_NODE_DELETION: '' } });
    w.east.remove('vm-1', T0);
    const outcomes = await watch(w);
    assert.ok(outcomes.every(held('skip-node-deletion')));
    assert.deepEqual(w.check.calls, []);
  });

  test('given a providerID of another cloud provider, should never answer false', async () => {
    const w = world();
    const foreign = { name: 'node-1', providerID: `aws:///eu-west-1a/${BIOS}` };
    const outcomes = await watch(w, foreign);
    assert.ok(outcomes.slice(1).every(held('foreign-provider-id')));
    assert.deepEqual(w.check.calls, []);
  });

  test('given a machine recreated under the Node name (new UUID), should reject with a conflict', async () => {
    const w = world();
    w.east.remove('vm-1', T0);
    w.west.put({ id: 'vm-90', biosUuid: NEW_UUID, powerState: 'poweredOn', guestHostName: 'node-1' });
    const outcomes = await watch(w);
    assertNeverFalse(outcomes);
    assert.ok(outcomes.every((o) => o instanceof NodeIdentityConflictError));
  });

  test('given the kubelet of a recreated machine wrote its systemUUID, should reject with a conflict', async () => {
    const w = world();
    w.east.remove('vm-1', T0);
    w.west.put({ id: 'vm-90', biosUuid: NEW_UUID, powerState: 'poweredOn', guestHostName: 'other-name' });
    const outcomes = await watch(w, { ...node, systemUUID: NEW_UUID });
    assert.ok(outcomes.every((o) => o instanceof NodeIdentityConflictError && o.message.includes(NEW_UUID)));
  });

  test('given a host name that only differs in case, should not count it as a claim', async () => {
    const w = world();
    w.east.remove('vm-1', T0);
    w.west.put({ id: 'vm-90', biosUuid: NEW_UUID, guestHostName: 'NODE-1' });
    assert.equal(await exists(w, 11_000), false);
  });
});
