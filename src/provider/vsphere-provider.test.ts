// SPDX-License-Identifier: Apache-2.0
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudConfig, VCenterConfig } from '../config/config.ts';
import { ProviderUnavailableError } from '../cloud/errors.ts';
import { mor } from '../vim25/mor.ts';
import type { TaggingClient } from '../vsphere/rest/tagging.ts';
import { FakeAuthoritativeCheck } from '../../test/fakes/fake-authoritative-check.ts';
import { FakeIndex } from '../../test/fakes/fake-index.ts';
import { IndexSyncTimeoutError } from './inventory/index-errors.ts';
import type { VCenterIndexOptions } from './inventory/vcenter-index.ts';
import type { PooledVCenter, VCenterState } from './vcenter-pool.ts';
import { VCenterUnavailableError } from './vcenter-pool-errors.ts';
import {
  VSphereProvider,
  type ProviderEvent,
  type ProviderPool,
  type VSphereProviderOptions,
} from './vsphere-provider.ts';

const BIOS = '4237a1b2-c3d4-e5f6-0718-293a4b5c6d01';

function vc(tenantRef: string): VCenterConfig {
  return {
    tenantRef,
    server: `${tenantRef}.example.com`,
    port: 443,
    user: undefined,
    password: undefined,
    insecure: false,
    caFile: undefined,
    thumbprint: undefined,
    datacenters: [],
    ipFamilies: ['ipv4'],
    soapRoundtripCount: 3,
    secretRef: undefined,
  };
}

function config(
  labels: CloudConfig['labels'] = { zone: undefined, region: undefined },
): VSphereProviderOptions['config'] {
  return {
    vcenters: new Map([
      ['east', vc('east')],
      ['west', vc('west')],
    ]),
    labels,
    nodes: {
      internalNetworkSubnetCidrs: [],
      externalNetworkSubnetCidrs: [],
      internalVmNetworkName: undefined,
      externalVmNetworkName: undefined,
      excludeInternalNetworkSubnetCidrs: [],
      excludeExternalNetworkSubnetCidrs: [],
    },
  };
}

/** A pool whose connects are scripted per tenant: a list of outcomes, the last one repeating. */
class FakePool implements ProviderPool {
  readonly gets: string[] = [];
  readonly #script: Map<string, ('ok' | Error)[]>;

  constructor(script: Record<string, ('ok' | Error)[]>) {
    this.#script = new Map(Object.entries(script));
  }

  get(tenantRef: string): Promise<PooledVCenter> {
    this.gets.push(tenantRef);
    const steps = this.#script.get(tenantRef) ?? ['ok'];
    const step = steps.length > 1 ? steps.shift() : steps[0];
    if (step instanceof Error) return Promise.reject(step);
    return Promise.resolve({
      tenantRef,
      config: vc(tenantRef),
      host: `${tenantRef}.example.com:443`,
      datacenters: [{ ref: mor('Datacenter', `dc-${tenantRef}`), name: 'dc', path: '/dc' }],
      tagging: Object.create(null) as TaggingClient,
      rt: { roundTrip: () => Promise.reject(new Error('no SOAP in this test')) },
      serviceContent: {} as PooledVCenter['serviceContent'],
    });
  }

  state(tenantRef: string): VCenterState | undefined {
    return {
      tenantRef,
      server: `${tenantRef}.example.com`,
      connected: false,
      lastError: { code: 'SOAP_TRANSPORT', message: `${tenantRef} refused the connection`, at: 0 },
      lastSuccess: undefined,
      lastAttempt: undefined,
      nextAttempt: undefined,
      consecutiveFailures: 1,
      datacenters: undefined,
    };
  }
}

function setup(
  pool: FakePool,
  extra: Partial<VSphereProviderOptions> = {},
): {
  provider: VSphereProvider;
  created: Map<string, { index: FakeIndex; options: VCenterIndexOptions }>;
  events: ProviderEvent[];
} {
  const created = new Map<string, { index: FakeIndex; options: VCenterIndexOptions }>();
  const events: ProviderEvent[] = [];
  const provider = new VSphereProvider({
    config: config(),
    pool,
    check: new FakeAuthoritativeCheck(),
    connectRetryMs: 5,
    createIndex: (options) => {
      const vms =
        options.vcenter === 'east' ? [{ id: 'vm-1', biosUuid: BIOS, powerState: 'poweredOff' }] : [];
      const index = new FakeIndex(options.vcenter, vms);
      created.set(options.vcenter, { index, options });
      return index;
    },
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { provider, created, events };
}

const node = { name: 'node-1', providerID: `vsphere://${BIOS}` };

describe('VSphereProvider', () => {
  test('given construction only, should not connect, and lookups should say it is not started', async () => {
    const pool = new FakePool({});
    const { provider } = setup(pool);
    assert.deepEqual(pool.gets, []);
    await assert.rejects(
      provider.instanceShutdown(node),
      (err) => err instanceof ProviderUnavailableError && /not started/.test(err.message),
    );
  });

  test('given start, should build one index per vCenter over its pooled connection and answer through them', async () => {
    const pool = new FakePool({});
    const { provider, created } = setup(pool, { config: config({ zone: 'k8s-zone', region: 'k8s-region' }) });
    const ac = new AbortController();
    const running = provider.start(ac.signal);
    await provider.waitForSync({ timeoutMs: 1_000 });
    assert.deepEqual([...created.keys()].sort(), ['east', 'west']);
    const east = created.get('east')!.options;
    assert.equal(east.vcenter, 'east');
    assert.deepEqual(east.datacenters, [mor('Datacenter', 'dc-east')]);
    assert.equal(typeof east.tags, 'function', 'both categories configured: tags are read');
    assert.equal(await provider.instanceShutdown(node), true);
    assert.equal(await provider.instanceExists(node), true);
    assert.deepEqual(
      provider.state().map((s) => [s.tenantRef, s.index?.synced]),
      [
        ['east', true],
        ['west', true],
      ],
    );
    ac.abort();
    await running;
  });

  test('given only a zone category, should run the indexes without tags', async () => {
    const { provider, created } = setup(new FakePool({}), {
      config: config({ zone: 'k8s-zone', region: undefined }),
    });
    const running = provider.start(AbortSignal.timeout(5_000));
    await provider.waitForSync({ timeoutMs: 1_000 });
    assert.equal(created.get('east')!.options.tags, undefined);
    await provider.close();
    await running;
  });

  test('given a vCenter that fails to connect at first, should retry it while the other one answers', async () => {
    const down = new VCenterUnavailableError('west refused', {
      tenantRef: 'west',
      retryAt: 0,
      cause: undefined,
    });
    const pool = new FakePool({ west: [down, down, 'ok'] });
    const { provider, created, events } = setup(pool);
    const running = provider.start(AbortSignal.timeout(5_000));
    await provider.waitForSync({ timeoutMs: 2_000 });
    assert.equal(pool.gets.filter((t) => t === 'west').length, 3);
    assert.equal(events.filter((e) => e.type === 'connect-retry').length, 2);
    assert.ok(created.has('west'));
    await provider.close();
    await running;
  });

  test('given a vCenter that stays down, should reject lookups with its error and time out waiting', async () => {
    const down = new VCenterUnavailableError('west refused', {
      tenantRef: 'west',
      retryAt: 0,
      cause: undefined,
    });
    const { provider } = setup(new FakePool({ west: [down] }));
    const running = provider.start(AbortSignal.timeout(5_000));
    await assert.rejects(provider.waitForSync({ timeoutMs: 100 }), IndexSyncTimeoutError);
    await assert.rejects(
      provider.instanceMetadata({
        name: 'node-9',
        providerID: 'vsphere://4237a1b2-0000-0000-0000-000000000000',
      }),
      (err) => err instanceof ProviderUnavailableError && err.message.includes('west refused the connection'),
    );
    assert.equal(
      await provider.instanceShutdown(node),
      true,
      'a VM in the healthy vCenter is still answered',
    );
    await provider.close();
    await running;
  });

  test('given close, should stop the indexes, keep the pool, and refuse further lookups', async () => {
    const pool = new FakePool({});
    const { provider } = setup(pool);
    const running = provider.start(new AbortController().signal);
    await provider.waitForSync({ timeoutMs: 1_000 });
    await provider.close();
    await running;
    await provider.close();
    await assert.rejects(provider.instanceShutdown(node), /closed/);
  });

  test('given start called twice, should reject the second call', async () => {
    const { provider } = setup(new FakePool({}));
    const running = provider.start(new AbortController().signal);
    await assert.rejects(provider.start(new AbortController().signal), TypeError);
    await provider.close();
    await running;
  });
});
