// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { miniMethods as M, miniRegistry as R } from '../../../test/fixtures/soap/mini-registry.ts';
import { SoapDecodeError } from '../faults.ts';
import { decodeResponse, type DecodedResponse } from './decode.ts';
import type { MethodSchema } from './schema.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/soap');
const ENV_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const ENV_CLOSE = '</soapenv:Body></soapenv:Envelope>';

function bytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

async function* chunks(...parts: (Uint8Array | string)[]): AsyncGenerator<Uint8Array | string> {
  for (const p of parts) {
    await Promise.resolve();
    yield p;
  }
}

async function decodeError(
  method: MethodSchema,
  body: AsyncIterable<Uint8Array | string> | string,
): Promise<SoapDecodeError> {
  try {
    await decodeResponse(R, method, body);
  } catch (err) {
    assert.ok(err instanceof SoapDecodeError, `expected SoapDecodeError, got ${String(err)}`);
    assert.equal(err.code, 'SOAP_DECODE');
    return err;
  }
  assert.fail('expected a SoapDecodeError');
}

function rpeResponse(returnval: string): string {
  return `${ENV_OPEN}<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>${returnval}</returnval></RetrievePropertiesExResponse>${ENV_CLOSE}`;
}

test('given a multi-byte document split in two at every byte should decode identically', async () => {
  const doc = bytes('retrieve-properties-utf8-name.xml');
  const expected = await decodeResponse(R, M.RetrievePropertiesEx, new TextDecoder().decode(doc));
  for (let i = 0; i <= doc.length; i++) {
    const got = await decodeResponse(R, M.RetrievePropertiesEx, chunks(doc.subarray(0, i), doc.subarray(i)));
    assert.deepEqual(got, expected, `split at byte ${String(i)}`);
  }
});

test('given one byte per chunk should decode the UTF-8 name intact', async () => {
  const doc = bytes('retrieve-properties-utf8-name.xml');
  const parts = Array.from(doc, (_, i) => doc.subarray(i, i + 1));
  const got = (await decodeResponse(R, M.RetrievePropertiesEx, chunks(...parts))) as DecodedResponse & {
    kind: 'result';
  };
  const objects = (got.value as { objects: { propSet: { name: string; val: unknown }[] }[] }).objects;
  assert.equal(objects[0]?.propSet[0]?.val, 'Grüße-€-😀 & 007');
});

test('given string chunks should decode like bytes', async () => {
  const text = readFileSync(join(FIXTURES, 'vcenter-retrieve-properties-vms.xml'), 'utf8');
  const expected = await decodeResponse(R, M.RetrievePropertiesEx, text);
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += 7) parts.push(text.slice(i, i + 7));
  assert.deepEqual(await decodeResponse(R, M.RetrievePropertiesEx, chunks(...parts)), expected);
});

test('given a document truncated anywhere before its end should reject, never return a partial result', async () => {
  const doc = bytes('vcenter-retrieve-properties-vms.xml');
  const text = new TextDecoder().decode(doc);
  const end = Buffer.byteLength(
    text.slice(0, text.lastIndexOf('</soapenv:Envelope>') + '</soapenv:Envelope>'.length),
  );
  const cutAfterObjects = Buffer.byteLength(text.slice(0, text.indexOf('</objects>') + '</objects>'.length));
  const cuts = [0, 1, 40, cutAfterObjects, end - 1];
  for (let i = 97; i < end; i += 97) cuts.push(i);
  for (const cut of cuts) {
    const err = await decodeError(M.RetrievePropertiesEx, chunks(doc.subarray(0, cut)));
    assert.ok(err.message.length > 0, `cut at ${String(cut)}`);
  }
  const unclosed = await decodeError(M.RetrievePropertiesEx, chunks(doc.subarray(0, cutAfterObjects)));
  assert.match(unclosed.message, /unclosed tag/);
});

test('given non-XML bodies should reject with SoapDecodeError', async () => {
  for (const body of [
    '',
    'Service Unavailable',
    '{"error":"nope"}',
    '<html><body>502 Bad Gateway</body></html>',
    '<<<',
  ]) {
    await decodeError(M.CurrentTime, body);
  }
  const html = await decodeError(M.CurrentTime, '<html><body>502</body></html>');
  assert.match(html.message, /not a SOAP 1.1 Envelope: <html>/);
});

test('given invalid UTF-8 should reject with SoapDecodeError', async () => {
  const head = new TextEncoder().encode(
    `${ENV_OPEN}<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><token>`,
  );
  const err = await decodeError(M.RetrievePropertiesEx, chunks(head, new Uint8Array([0xff, 0xfe, 0x41])));
  assert.match(err.message, /UTF-8/);
});

test('given an envelope without Body, an empty Body or another method response should reject', async () => {
  const noBody = await decodeError(
    M.CurrentTime,
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"/>',
  );
  assert.match(noBody.message, /no SOAP Body/);
  const empty = await decodeError(M.CurrentTime, `${ENV_OPEN}${ENV_CLOSE}`);
  assert.match(empty.message, /empty SOAP Body/);
  const login = readFileSync(join(FIXTURES, 'login.xml'), 'utf8');
  const wrong = await decodeError(M.Logout, login);
  assert.match(wrong.message, /expected <LogoutResponse> or a SOAP Fault in the Body, got <LoginResponse>/);
});

test('given a DOCTYPE should reject it', async () => {
  const err = await decodeError(
    M.CurrentTime,
    `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>${ENV_OPEN}${ENV_CLOSE}`,
  );
  assert.match(err.message, /DOCTYPE/);
});

test('given a value invalid for its schema type should reject naming the element', async () => {
  const obj = '<objects><obj type="VirtualMachine">vm-1</obj><propSet><name>n</name>';
  const bad = rpeResponse(
    `${obj}<val xsi:type="GuestNicInfo"><connected>yes</connected><deviceConfigId>1</deviceConfigId></val></propSet></objects>`,
  );
  assert.match(
    (await decodeError(M.RetrievePropertiesEx, bad)).message,
    /<connected>: "yes" is not a valid boolean/,
  );
  const badInt = rpeResponse(`${obj}<val xsi:type="xsd:int">0x10</val></propSet></objects>`);
  assert.match((await decodeError(M.RetrievePropertiesEx, badInt)).message, /not a valid int/);
  const badDate = rpeResponse(`${obj}<val xsi:type="xsd:dateTime">yesterday</val></propSet></objects>`);
  assert.match((await decodeError(M.RetrievePropertiesEx, badDate)).message, /not a valid dateTime/);
});

test('given an error from the body stream should propagate it unchanged', async () => {
  const reset = new Error('socket hang up');
  async function* failing(): AsyncGenerator<string> {
    yield ENV_OPEN;
    await Promise.resolve();
    throw reset;
  }
  await assert.rejects(decodeResponse(R, M.CurrentTime, failing()), (err) => err === reset);
});

test('given a parse error mid-stream should stop reading the body', async () => {
  let finished = false;
  let pulled = 0;
  async function* body(): AsyncGenerator<string> {
    try {
      for (;;) {
        pulled++;
        await Promise.resolve();
        yield pulled === 1 ? 'not xml at all' : ' more';
      }
    } finally {
      finished = true;
    }
  }
  await decodeError(M.CurrentTime, body());
  assert.equal(pulled, 1);
  assert.equal(finished, true);
});

test('given whitespace, CDATA, a Header and typed booleans should decode per the schema', async () => {
  const xml =
    '<?xml version="1.0"?>\n<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Header><x>ignored</x></e:Header>\n<e:Body>\n' +
    '<LoginResponse xmlns="urn:vim25">\n <returnval>\n  <key> k </key><userName><![CDATA[a<b>&c]]></userName><fullName/>' +
    '<loginTime> 2026-01-01T00:00:00Z </loginTime><lastActiveTime>2026-01-01T00:00:00.5-01:30</lastActiveTime>' +
    '<locale>en</locale><messageLocale>en</messageLocale><extensionSession>1</extensionSession><callCount> 12 </callCount>\n </returnval>\n</LoginResponse>\n</e:Body></e:Envelope>\n';
  const got = await decodeResponse(R, M.Login, xml);
  assert.deepEqual(got, {
    kind: 'result',
    value: {
      _type: 'UserSession',
      key: ' k ',
      userName: 'a<b>&c',
      fullName: '',
      loginTime: new Date('2026-01-01T00:00:00Z'),
      lastActiveTime: new Date('2026-01-01T01:30:00.500Z'),
      locale: 'en',
      messageLocale: 'en',
      extensionSession: true,
      callCount: 12,
    },
  });
});

test('given xsi:type with an unbound or unusual prefix should resolve by local name or XMLSchema URI', async () => {
  const xml = rpeResponse(
    '<objects><obj type="VirtualMachine">vm-1</obj>' +
      '<propSet><name>a</name><val xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:t="http://www.w3.org/2001/XMLSchema-instance" t:type="s:long">9007199254740991</val></propSet>' +
      '<propSet><name>b</name><val xsi:type="xsd:decimal">1.50</val></propSet>' +
      '<propSet><name>c</name><val xsi:type="VirtualMachinePowerState">suspended</val></propSet>' +
      '<propSet><name>d</name><val xsi:type="ArrayOfFutureThing"><FutureThing><x>1</x></FutureThing><FutureThing><x>2</x></FutureThing></val></propSet>' +
      '<propSet><name>e</name><val xsi:type="ArrayOfString"/></propSet>' +
      '<propSet><name>f</name><val>untyped</val></propSet>' +
      '<propSet><name>g</name><val xsi:type="xsd:double">INF</val></propSet>' +
      '</objects>',
  );
  const got = (await decodeResponse(R, M.RetrievePropertiesEx, xml)) as DecodedResponse & { kind: 'result' };
  const propSet = (got.value as { objects: { propSet: { name: string; val: unknown }[] }[] }).objects[0]!
    .propSet;
  assert.deepEqual(
    propSet.map((p) => p.val),
    [9007199254740991, '1.50', 'suspended', [{ x: '1' }, { x: '2' }], [], 'untyped', Infinity],
  );
});

test('given an unknown element named __proto__ should not pollute prototypes', async () => {
  const xml = rpeResponse(
    '<objects><obj type="VirtualMachine">vm-1</obj><__proto__><polluted>yes</polluted></__proto__></objects>',
  );
  const got = (await decodeResponse(R, M.RetrievePropertiesEx, xml)) as DecodedResponse & { kind: 'result' };
  const oc = (got.value as { objects: object[] }).objects[0]!;
  assert.equal(Object.getPrototypeOf(oc), Object.prototype);
  assert.equal((oc as { polluted?: unknown }).polluted, undefined);
  assert.equal(({} as { polluted?: unknown }).polluted, undefined);
});

test('given repeated unknown elements should keep every occurrence', async () => {
  const xml = rpeResponse(
    '<objects><obj type="VirtualMachine">vm-1</obj><extra>1</extra><extra>2</extra><extra>3</extra></objects>',
  );
  const got = (await decodeResponse(R, M.RetrievePropertiesEx, xml)) as DecodedResponse & { kind: 'result' };
  assert.deepEqual((got.value as { objects: { extra: unknown }[] }).objects[0]!.extra, ['1', '2', '3']);
});

test('given a fault detail without xsi:type should type it from the element name', async () => {
  const xml = `${ENV_OPEN}<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>gone</faultstring><detail><ManagedObjectNotFoundFault xmlns="urn:vim25"><obj type="VirtualMachine">vm-9</obj></ManagedObjectNotFoundFault><Ignored/></detail></soapenv:Fault>${ENV_CLOSE}`;
  assert.deepEqual(await decodeResponse(R, M.DestroyView, xml), {
    kind: 'fault',
    fault: {
      faultCode: 'ServerFaultCode',
      faultString: 'gone',
      detail: { _type: 'ManagedObjectNotFound', obj: { type: 'VirtualMachine', value: 'vm-9' } },
    },
  });
  const unknown = `${ENV_OPEN}<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>x</faultstring><detail><BrandNewFault xmlns="urn:vim25"/></detail></soapenv:Fault>${ENV_CLOSE}`;
  assert.deepEqual(await decodeResponse(R, M.DestroyView, unknown), {
    kind: 'fault',
    fault: { faultCode: 'soapenv:Server', faultString: 'x', detail: { _type: 'BrandNew' } },
  });
  const bare = `${ENV_OPEN}<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>bad request</faultstring></soapenv:Fault>${ENV_CLOSE}`;
  assert.deepEqual(await decodeResponse(R, M.DestroyView, bare), {
    kind: 'fault',
    fault: { faultCode: 'soapenv:Client', faultString: 'bad request' },
  });
});

test('given a data subtype the registry does not know should decode known base fields and report the server type', async () => {
  const xml = rpeResponse(
    '<objects><obj type="VirtualMachine">vm-1</obj><missingSet><path>p</path><fault><fault xsi:type="FutureNoPermission"><object type="Folder">f-1</object><privilegeId>X</privilegeId></fault></fault></missingSet></objects>',
  );
  const got = (await decodeResponse(R, M.RetrievePropertiesEx, xml)) as DecodedResponse & { kind: 'result' };
  const missing = (got.value as { objects: { missingSet: { fault: { fault: unknown } }[] }[] }).objects[0]!
    .missingSet[0]!;
  // Declared MethodFault: its schema fields decode typed; unknown children stay text.
  assert.deepEqual(missing.fault.fault, { _type: 'FutureNoPermission', object: 'f-1', privilegeId: 'X' });
});
