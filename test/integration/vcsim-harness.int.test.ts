// SPDX-License-Identifier: Apache-2.0
// Checks the simulator harness itself with raw HTTP and hand-written SOAP, against the scenario
// file it was started from.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent } from 'undici';
import { startVcsim, VcsimStartError, type Vcsim } from '../support/vcsim.ts';
import {
  generatedVm,
  type ScenarioGenerate,
  type ScenarioVm,
  type VcsimScenario,
} from '../vcsim/scenario.ts';
import {
  createVmView,
  escapeRe,
  findByUuid,
  login,
  objectSpec,
  prop,
  rest,
  retrieve,
  retrieveServiceContent,
  returnval,
  soap as rawSoap,
  type SoapReply,
} from '../vcsim/raw-soap.ts';

const BASIC = resolve(import.meta.dirname, '../vcsim/scenarios/basic.json');

function soap(
  vcsim: Vcsim,
  agent: Agent,
  body: string,
  cookie?: string,
  signal?: AbortSignal,
): Promise<SoapReply> {
  return rawSoap(vcsim.sdkUrl, agent, body, {
    ...(cookie === undefined ? {} : { cookie }),
    ...(signal === undefined ? {} : { signal }),
  });
}

async function loginCookie(vcsim: Vcsim, agent: Agent): Promise<string> {
  const reply = await soap(vcsim, agent, login(vcsim.credentials.username, vcsim.credentials.password));
  assert.equal(reply.status, 200, reply.text);
  assert.ok(reply.cookie !== undefined, 'Login should set a session cookie');
  return reply.cookie;
}

function expectedIp(vm: ScenarioVm): string | undefined {
  if (vm.guestInfo === false) return undefined;
  if (vm.ipAddress !== undefined) return vm.ipAddress;
  const strip = (s: string | undefined): string | undefined => s?.split('/')[0];
  const v4 = vm.nics?.flatMap((n) => n.ipv4 ?? [])[0];
  return strip(v4 ?? vm.nics?.flatMap((n) => n.ipv6 ?? [])[0]);
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

describe('vcsim harness', { timeout: 60_000 }, () => {
  let scenario: VcsimScenario;
  let vcsim: Vcsim;
  let agent: Agent;

  before(async () => {
    scenario = JSON.parse(await readFile(BASIC, 'utf8')) as VcsimScenario;
    vcsim = await startVcsim({ scenario: BASIC });
    agent = new Agent({ connect: { ca: vcsim.certPem }, connections: 4 });
  });

  after(async () => {
    await agent.close();
    await vcsim.close();
  });

  test('given the printed certificate as CA, should answer RetrieveServiceContent over TLS', async () => {
    const reply = await soap(vcsim, agent, retrieveServiceContent);
    assert.equal(reply.status, 200);
    assert.match(reply.text, /<rootFolder type="Folder">[^<]+<\/rootFolder>/);
    const cert = new X509Certificate(vcsim.certPem);
    assert.equal(vcsim.thumbprintSha1, cert.fingerprint);
    assert.equal(vcsim.thumbprintSha256, cert.fingerprint256);
  });

  test('given no trusted CA, should reject the self-signed certificate', async () => {
    const plain = new Agent();
    try {
      await assert.rejects(soap(vcsim, plain, retrieveServiceContent), (err: NodeJS.ErrnoException) =>
        /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(String(err.code)),
      );
    } finally {
      await plain.close();
    }
  });

  test('given the scenario credentials, should log in; given a wrong password, should fault InvalidLogin', async () => {
    const ok = await soap(vcsim, agent, login(vcsim.credentials.username, vcsim.credentials.password));
    assert.equal(ok.status, 200);
    assert.match(ok.text, /<LoginResponse/);
    assert.match(ok.cookie ?? '', /^vmware_soap_session=/);
    const bad = await soap(vcsim, agent, login(vcsim.credentials.username, 'not-the-password'));
    assert.equal(bad.status, 500);
    assert.match(bad.text, /<faultstring>Login failure<\/faultstring>/);
    assert.match(bad.text, /xsi:type="InvalidLogin"/);
  });

  test('given calls after a reset, should count each SOAP method and reset to empty', async () => {
    await vcsim.control.resetCounters();
    await soap(vcsim, agent, retrieveServiceContent);
    await soap(vcsim, agent, retrieveServiceContent);
    await soap(vcsim, agent, login('nobody', 'nothing'));
    assert.deepEqual(await vcsim.control.counters(), {
      soap: { RetrieveServiceContent: 2, Login: 1 },
      rest: {},
    });
    await vcsim.control.resetCounters();
    assert.deepEqual(await vcsim.control.counters(), { soap: {}, rest: {} });
  });

  test('given REST basic auth, should open a session only with the right password and serve the tags', async () => {
    const { username, password } = vcsim.credentials;
    const wrong = await rest(vcsim.restUrl, agent, 'POST', '/com/vmware/cis/session', {
      auth: `${username}:nope`,
    });
    assert.equal(wrong.status, 401);
    const ok = await rest(vcsim.restUrl, agent, 'POST', '/com/vmware/cis/session', {
      auth: `${username}:${password}`,
    });
    assert.equal(ok.status, 200);
    const session = (ok.json as { value: string }).value;
    assert.equal(typeof session, 'string');

    const categories = await rest(vcsim.restUrl, agent, 'GET', '/com/vmware/cis/tagging/category', {
      session,
    });
    assert.equal((categories.json as { value: string[] }).value.length, scenario.tags?.categories?.length);
    const tags = (await rest(vcsim.restUrl, agent, 'GET', '/com/vmware/cis/tagging/tag', { session }))
      .json as {
      value: string[];
    };
    await vcsim.control.resetCounters();
    const path = '/com/vmware/cis/tagging/tag-association?~action=list-attached-objects-on-tags';
    const attached = await rest(vcsim.restUrl, agent, 'POST', path, {
      session,
      body: { tag_ids: tags.value },
    });
    const lists = (attached.json as { value: { object_ids: unknown[] }[] }).value;
    assert.equal(lists.flatMap((l) => l.object_ids).length, scenario.tags?.attachments?.length);
    assert.deepEqual((await vcsim.control.counters()).rest, { [`POST /rest${path}`]: 1 });
  });

  test('given the scenario VMs, should serve their identity, sizing, guest data and extraConfig', async () => {
    const cookie = await loginCookie(vcsim, agent);
    const paths = [
      'name',
      'config.instanceUuid',
      'summary.config.numCpu',
      'summary.config.memorySizeMB',
      'summary.config.guestId',
      'runtime.powerState',
      'guest.hostName',
      'guest.ipAddress',
      'guest.net',
      'config.extraConfig',
    ];
    for (const vm of scenario.vms ?? []) {
      const found = await soap(vcsim, agent, findByUuid(vm.biosUuid ?? ''), cookie);
      const ref = returnval(found.text);
      assert.ok(ref !== undefined, `FindByUuid ${vm.name}`);
      const { text } = await soap(
        vcsim,
        agent,
        retrieve('VirtualMachine', paths, objectSpec('VirtualMachine', ref)),
        cookie,
      );
      assert.equal(prop(text, 'name'), vm.name);
      assert.equal(prop(text, 'config.instanceUuid'), vm.instanceUuid);
      assert.equal(prop(text, 'summary.config.numCpu'), String(vm.numCpu ?? 1));
      assert.equal(prop(text, 'summary.config.memorySizeMB'), String(vm.memoryMB ?? 1024));
      assert.equal(prop(text, 'summary.config.guestId'), vm.guestId);
      assert.equal(prop(text, 'runtime.powerState'), vm.powerState ?? 'poweredOn');
      assert.equal(prop(text, 'guest.hostName'), vm.guestInfo === false ? undefined : vm.hostName);
      assert.equal(prop(text, 'guest.ipAddress'), expectedIp(vm));
      const guestNics = vm.guestInfo === false ? [] : (vm.nics ?? []);
      assert.equal(text.match(/<GuestNicInfo>/g)?.length ?? 0, guestNics.length, `${vm.name} guest.net`);
      for (const nic of guestNics) {
        for (const ip of [...(nic.ipv4 ?? []), ...(nic.ipv6 ?? [])])
          assert.ok(text.includes(`<ipAddress>${ip.split('/')[0]}</ipAddress>`));
        if (nic.deviceConfigId !== undefined)
          assert.ok(text.includes(`<deviceConfigId>${nic.deviceConfigId}</deviceConfigId>`));
      }
      for (const [key, value] of Object.entries(vm.extraConfig ?? {})) {
        const pattern = new RegExp(`<key>${escapeRe(key)}</key><value[^>]*>${escapeRe(value)}</value>`);
        assert.match(text, pattern, `${vm.name} ${key}`);
      }
    }
  });

  test('given a power change through the control endpoint, should report it to WaitForUpdatesEx', async () => {
    const cookie = await loginCookie(vcsim, agent);
    const vm =
      returnval((await soap(vcsim, agent, findByUuid(scenario.vms?.[0]?.biosUuid ?? ''), cookie)).text) ?? '';
    const filter = await soap(
      vcsim,
      agent,
      '<CreateFilter xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><spec>' +
        `<propSet><type>VirtualMachine</type><pathSet>runtime.powerState</pathSet></propSet>${objectSpec('VirtualMachine', vm)}` +
        '</spec><partialUpdates>false</partialUpdates></CreateFilter>',
      cookie,
    );
    assert.equal(filter.status, 200, filter.text);
    const wait = (version: string): Promise<SoapReply> =>
      soap(
        vcsim,
        agent,
        '<WaitForUpdatesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this>' +
          `<version>${version}</version><options><maxWaitSeconds>5</maxWaitSeconds></options></WaitForUpdatesEx>`,
        cookie,
      );
    const initial = await wait('');
    assert.match(initial.text, /poweredOn/);
    const version = /<version>([^<]*)<\/version>/.exec(initial.text)?.[1] ?? '';
    await vcsim.control.power(scenario.vms?.[0]?.name ?? '', 'poweredOff');
    const update = await wait(version);
    assert.match(update.text, /<name>runtime.powerState<\/name><op>assign<\/op><val[^>]*>poweredOff<\/val>/);
    await vcsim.control.power(scenario.vms?.[0]?.name ?? '', 'poweredOn');
  });

  test('given maxObjects, should page RetrievePropertiesEx with ContinueRetrievePropertiesEx', async () => {
    const cookie = await loginCookie(vcsim, agent);
    const view = returnval((await soap(vcsim, agent, createVmView, cookie)).text) ?? '';
    let reply = await soap(
      vcsim,
      agent,
      retrieve('VirtualMachine', ['name'], objectSpec('ContainerView', view, true), 2),
      cookie,
    );
    const names: string[] = [];
    for (let pages = 1; ; pages++) {
      const page = [...reply.text.matchAll(/<name>name<\/name><val[^>]*>([^<]*)<\/val>/g)].map(
        (m) => m[1] ?? '',
      );
      assert.ok(page.length <= 2, `page ${pages} has ${page.length} objects`);
      names.push(...page);
      const token = /<token>([^<]+)<\/token>/.exec(reply.text)?.[1];
      if (token === undefined) break;
      reply = await soap(
        vcsim,
        agent,
        '<ContinueRetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this>' +
          `<token>${token}</token></ContinueRetrievePropertiesEx>`,
        cookie,
      );
    }
    assert.deepEqual(names.sort(), (scenario.vms ?? []).map((v) => v.name).sort());
  });

  test('given terminated sessions, should count none and answer an old cookie with NotAuthenticated', async () => {
    const cookie = await loginCookie(vcsim, agent);
    assert.ok((await vcsim.control.sessionCount()) >= 1);
    const ended = await vcsim.control.terminateSessions();
    assert.ok(ended.soap >= 1);
    assert.deepEqual(await vcsim.control.sessions(), { soap: 0, rest: 0 });
    const reply = await soap(vcsim, agent, createVmView, cookie);
    assert.equal(reply.status, 500);
    assert.match(reply.text, /xsi:type="NotAuthenticated"/);
  });

  test('given pause refuse, should fail calls until resumed', async () => {
    await vcsim.control.pause('refuse');
    await assert.rejects(soap(vcsim, agent, retrieveServiceContent));
    await vcsim.control.resume();
    assert.equal((await soap(vcsim, agent, retrieveServiceContent)).status, 200);
  });

  test('given pause hang, should hold calls unanswered and answer them once resumed', async () => {
    await vcsim.control.pause('hang');
    await assert.rejects(soap(vcsim, agent, retrieveServiceContent, undefined, AbortSignal.timeout(300)), {
      name: 'TimeoutError',
    });
    const held = soap(vcsim, agent, retrieveServiceContent);
    await new Promise((r) => setTimeout(r, 200));
    await vcsim.control.resume();
    assert.equal((await held).status, 200);
  });

  test('given latency on one method, should delay that method only', async () => {
    await vcsim.control.setLatency(400, 'RetrieveServiceContent');
    try {
      let t = performance.now();
      await soap(vcsim, agent, retrieveServiceContent);
      assert.ok(performance.now() - t >= 390, 'delayed method');
      t = performance.now();
      await soap(vcsim, agent, login('x', 'y'));
      assert.ok(performance.now() - t < 300, 'other method');
    } finally {
      await vcsim.control.setLatency(0, 'RetrieveServiceContent');
    }
  });

  test('given a second harness with generated VMs, should run alongside on other ports with predictable VMs', async () => {
    const generate: ScenarioGenerate = {
      count: 25,
      datacenter: 'dc',
      cluster: 'c',
      namePrefix: 'gen-',
      ipv6: true,
    };
    const second = await startVcsim({
      scenario: {
        credentials: { username: 'u', password: 'p' },
        datacenters: [{ name: 'dc', clusters: [{ name: 'c', hosts: ['h1', 'h2'] }] }],
        generate,
      },
    });
    const agent2 = new Agent({ connect: { ca: second.certPem } });
    try {
      assert.notEqual(new URL(second.sdkUrl).port, new URL(vcsim.sdkUrl).port);
      assert.notEqual(second.thumbprintSha256, vcsim.thumbprintSha256);
      const expected = generatedVm(generate, 7);
      const cookie = await loginCookie(second, agent2);
      const ref = returnval((await soap(second, agent2, findByUuid(expected.biosUuid), cookie)).text) ?? '';
      const { text } = await soap(
        second,
        agent2,
        retrieve(
          'VirtualMachine',
          ['name', 'guest.ipAddress', 'config.instanceUuid', 'guest.net'],
          objectSpec('VirtualMachine', ref),
        ),
        cookie,
      );
      assert.equal(prop(text, 'name'), expected.name);
      assert.equal(prop(text, 'guest.ipAddress'), expected.ipv4);
      assert.equal(prop(text, 'config.instanceUuid'), expected.instanceUuid);
      assert.ok(
        text.includes(`<macAddress>${expected.mac}</macAddress>`) &&
          text.includes(`<ipAddress>${expected.ipv6}</ipAddress>`),
      );
      const mine = await soap(vcsim, agent, findByUuid(expected.biosUuid), await loginCookie(vcsim, agent));
      assert.equal(returnval(mine.text), undefined);
    } finally {
      await agent2.close();
      await second.close();
    }
    assert.ok(isGone(second.pid));
  });

  test('given setGuest and destroy, should change guest data and remove the VM', async () => {
    const target = scenario.vms?.[2];
    assert.ok(target?.biosUuid !== undefined);
    await vcsim.control.setGuest(target.name, {
      hostName: 'renamed-node',
      nics: [
        { ipv6: ['fd00::99'], ipv4: ['10.9.9.9/8'] },
        { network: 'cni0', ipv4: ['10.244.0.1'] },
      ],
    });
    const cookie = await loginCookie(vcsim, agent);
    const ref = returnval((await soap(vcsim, agent, findByUuid(target.biosUuid), cookie)).text) ?? '';
    const paths = ['guest.hostName', 'guest.ipAddress', 'guest.net'];
    const { text } = await soap(
      vcsim,
      agent,
      retrieve('VirtualMachine', paths, objectSpec('VirtualMachine', ref)),
      cookie,
    );
    assert.equal(prop(text, 'guest.hostName'), 'renamed-node');
    assert.equal(prop(text, 'guest.ipAddress'), '10.9.9.9');
    assert.equal(text.match(/<GuestNicInfo>/g)?.length, 2);
    assert.ok(text.includes('<ipAddress>fd00::99</ipAddress>'));
    const device = target.nics?.[0];
    assert.match(text, new RegExp(`<network>VM Network</network><ipAddress>10.9.9.9</ipAddress>`));
    assert.ok(text.includes(`<macAddress>${device?.mac ?? ''}</macAddress>`), 'MAC taken from the device');
    assert.ok(
      text.includes('<deviceConfigId>4000</deviceConfigId>') &&
        text.includes('<deviceConfigId>-1</deviceConfigId>'),
    );

    await vcsim.control.destroy(target.name);
    assert.equal(returnval((await soap(vcsim, agent, findByUuid(target.biosUuid), cookie)).text), undefined);
    await assert.rejects(vcsim.control.power(target.name, 'poweredOn'), { code: 'VCSIM_CONTROL_FAILED' });
  });

  test('given an invalid scenario, should reject with VcsimStartError naming the problem', async () => {
    const bad = {
      credentials: { username: 'u', password: 'p' },
      vms: [{ name: 'x', datacenter: 'nowhere' }],
    };
    await assert.rejects(startVcsim({ scenario: bad }), (err: Error) => {
      assert.ok(err instanceof VcsimStartError);
      assert.match(err.message, /unknown datacenter "nowhere"/);
      return true;
    });
  });

  test('given an aborted signal, should not start', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await assert.rejects(startVcsim({ scenario: BASIC, signal: controller.signal }), { message: 'stop' });
  });

  test('given close(), should leave no process behind', async () => {
    await vcsim.close();
    assert.ok(isGone(vcsim.pid));
    await vcsim.close();
  });
});
