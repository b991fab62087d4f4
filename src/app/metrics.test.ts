// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CcmMetrics, restOperation, restOutcome, type IndexSyncState } from './metrics.ts';

test('given recorded events should expose them under vsphere_ccm_ names in the text format', async () => {
  const m = new CcmMetrics({ defaultMetrics: false });
  m.vcenterRoundTrip('vc1', 'RetrievePropertiesEx', 'ok', 0.02);
  m.vcenterRoundTrip('vc1', 'RetrievePropertiesEx', 'ok', 0.2);
  m.vcenterRoundTrip('vc1', 'Login', 'InvalidLogin', 0.01);
  m.vcenterLogin('vc1', 'failure');
  m.kubeRequest('PATCH', 'nodes', 200, 0.004);
  m.kubeRequest('PATCH', 'nodes', 409, 0.02);
  m.kubeRequest('WATCH', 'nodes', 'error', 0.3);
  m.vcenterRestCall('vc1', '/com/vmware/cis/tagging/tag/id:{id}', 'ok', 0.03);
  m.vcenterRestCall('vc1', '/com/vmware/cis/tagging/tag/id:{id}', '404', 0.01);
  m.workQueueDepth('cloud-node', 7);
  m.workQueueRetry('cloud-node');
  m.nodeInitialization('success', 0.3);
  m.nodeDeleted();
  m.nodeTainted('shutdown');
  const { contentType, body } = await m.render(undefined);
  assert.match(contentType, /^text\/plain; version=0\.0\.4/);
  assert.match(
    body,
    /^vsphere_ccm_vcenter_round_trips_total\{vcenter="vc1",method="RetrievePropertiesEx",outcome="ok"\} 2$/m,
  );
  assert.match(
    body,
    /^vsphere_ccm_vcenter_round_trips_total\{vcenter="vc1",method="Login",outcome="InvalidLogin"\} 1$/m,
  );
  assert.match(
    body,
    /^vsphere_ccm_vcenter_round_trip_duration_seconds_bucket\{le="0.025",vcenter="vc1",method="RetrievePropertiesEx"\} 1$/m,
  );
  assert.match(
    body,
    /^vsphere_ccm_vcenter_round_trip_duration_seconds_count\{vcenter="vc1",method="RetrievePropertiesEx"\} 2$/m,
  );
  assert.match(body, /^vsphere_ccm_vcenter_logins_total\{vcenter="vc1",result="failure"\} 1$/m);
  assert.match(body, /^vsphere_ccm_kube_requests_total\{verb="PATCH",resource="nodes",code="409"\} 1$/m);
  assert.match(body, /^vsphere_ccm_kube_requests_total\{verb="WATCH",resource="nodes",code="error"\} 1$/m);
  assert.match(body, /^vsphere_ccm_kube_request_duration_seconds_count\{verb="PATCH",resource="nodes"\} 2$/m);
  assert.match(
    body,
    /^vsphere_ccm_kube_request_duration_seconds_bucket\{le="0.005",verb="PATCH",resource="nodes"\} 1$/m,
  );
  assert.match(
    body,
    /^vsphere_ccm_vcenter_rest_calls_total\{vcenter="vc1",operation="\/com\/vmware\/cis\/tagging\/tag\/id:\{id\}",outcome="404"\} 1$/m,
  );
  assert.match(
    body,
    /^vsphere_ccm_vcenter_rest_call_duration_seconds_count\{vcenter="vc1",operation="\/com\/vmware\/cis\/tagging\/tag\/id:\{id\}"\} 2$/m,
  );
  assert.match(body, /^vsphere_ccm_workqueue_depth\{queue="cloud-node"\} 7$/m);
  assert.match(body, /^vsphere_ccm_workqueue_retries_total\{queue="cloud-node"\} 1$/m);
  assert.match(body, /^vsphere_ccm_node_initialization_duration_seconds_count\{result="success"\} 1$/m);
  assert.match(body, /^vsphere_ccm_nodes_deleted_total 1$/m);
  assert.match(body, /^vsphere_ccm_nodes_tainted_total\{taint="shutdown"\} 1$/m);
  assert.doesNotMatch(body, /^process_/m);
  for (const line of body.split('\n')) {
    if (line.startsWith('# TYPE ')) assert.match(line, /^# TYPE vsphere_ccm_/);
  }
});

test('given injected sources should read them at each scrape', async () => {
  let states: IndexSyncState[] = [
    { vcenter: 'vc1', synced: true, lagSeconds: 1.5 },
    { vcenter: 'vc2', synced: false, lagSeconds: undefined },
  ];
  const m = new CcmMetrics({
    defaultMetrics: false,
    sources: { indexStates: () => states, sessions: () => [{ vcenter: 'vc1', active: true }] },
  });
  let { body } = await m.render(undefined);
  assert.match(body, /^vsphere_ccm_index_synced\{vcenter="vc1"\} 1$/m);
  assert.match(body, /^vsphere_ccm_index_synced\{vcenter="vc2"\} 0$/m);
  assert.match(body, /^vsphere_ccm_index_sync_lag_seconds\{vcenter="vc1"\} 1.5$/m);
  assert.doesNotMatch(body, /^vsphere_ccm_index_sync_lag_seconds\{vcenter="vc2"\}/m);
  assert.match(body, /^vsphere_ccm_vcenter_session_active\{vcenter="vc1"\} 1$/m);
  states = [{ vcenter: 'vc2', synced: true, lagSeconds: 0 }];
  ({ body } = await m.render(undefined));
  assert.doesNotMatch(body, /^vsphere_ccm_index_synced\{vcenter="vc1"\}/m);
  assert.match(body, /^vsphere_ccm_index_synced\{vcenter="vc2"\} 1$/m);
});

test('given an OpenMetrics Accept header should render OpenMetrics ending in # EOF', async () => {
  const m = new CcmMetrics({ defaultMetrics: false });
  m.nodeDeleted();
  const { contentType, body } = await m.render('application/openmetrics-text;version=1.0.0,text/plain;q=0.5');
  assert.match(contentType, /^application\/openmetrics-text; version=1\.0\.0/);
  assert.match(body, /^vsphere_ccm_nodes_deleted_total 1$/m);
  assert.match(body, /# EOF\n?$/);
});

test('given two instances should keep separate registries', async () => {
  const a = new CcmMetrics({ defaultMetrics: false });
  const b = new CcmMetrics({ defaultMetrics: false });
  a.nodeDeleted();
  assert.match((await b.render(undefined)).body, /^vsphere_ccm_nodes_deleted_total 0$/m);
});

test('given default metrics on should include process metrics', async () => {
  const { body } = await new CcmMetrics().render(undefined);
  assert.match(body, /^process_cpu_user_seconds_total /m);
  assert.match(body, /^vsphere_ccm_nodes_deleted_total 0$/m);
});

test('given REST paths with object ids, should template them so the label stays bounded', () => {
  assert.equal(
    restOperation('/com/vmware/cis/tagging/tag/id:urn:vmomi:InventoryServiceTag:1f2e:GLOBAL'),
    '/com/vmware/cis/tagging/tag/id:{id}',
  );
  assert.equal(
    restOperation('/com/vmware/cis/tagging/tag-association/id:urn%2Fx', 'list-attached-objects'),
    '/com/vmware/cis/tagging/tag-association/id:{id}?~action=list-attached-objects',
  );
  assert.equal(restOperation('/com/vmware/cis/session'), '/com/vmware/cis/session');
  assert.equal(
    restOperation('/com/vmware/cis/tagging/tag', 'list-tags-for-category'),
    '/com/vmware/cis/tagging/tag?~action=list-tags-for-category',
  );
});

test('given REST statuses, should name 2xx ok, others by status and no response error', () => {
  assert.deepEqual([200, 204, 401, 404, 500, undefined].map(restOutcome), [
    'ok',
    'ok',
    '401',
    '404',
    '500',
    'error',
  ]);
});
