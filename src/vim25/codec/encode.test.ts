// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { miniMethods as M, miniRegistry as R } from '../../../test/fixtures/soap/mini-registry.ts';
import { encodeRequest, encodeRequestElement, SoapEncodeError } from './encode.ts';
import type { TypeRegistry } from './schema.ts';

const HEAD =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const TAIL = '</soapenv:Body></soapenv:Envelope>';
const PC = { type: 'PropertyCollector', value: 'propertyCollector' };

function body(xml: string): string {
  assert.ok(xml.startsWith(HEAD), 'envelope head');
  assert.ok(xml.endsWith(TAIL), 'envelope tail');
  return xml.slice(HEAD.length, -TAIL.length);
}

function encodeError(fn: () => unknown): SoapEncodeError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SoapEncodeError, `expected SoapEncodeError, got ${String(err)}`);
    assert.equal(err.code, 'SOAP_ENCODE');
    return err;
  }
  assert.fail('expected a SoapEncodeError');
}

test('given RetrieveServiceContent should produce the full envelope with the MoRef _this', () => {
  const xml = encodeRequest(R, M.RetrieveServiceContent, {
    _this: { type: 'ServiceInstance', value: 'ServiceInstance' },
  });
  assert.equal(
    xml,
    `${HEAD}<RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>${TAIL}`,
  );
});

test('given a password full of XML metacharacters should escape it in the Login body', () => {
  const xml = encodeRequest(R, M.Login, {
    _this: { type: 'SessionManager', value: 'SessionManager' },
    userName: 'administrator@vsphere.local',
    password: `p<a&s"s'>]]>`,
  });
  assert.equal(
    body(xml),
    '<Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this>' +
      '<userName>administrator@vsphere.local</userName>' +
      '<password>p&lt;a&amp;s&quot;s&apos;&gt;]]&gt;</password></Login>',
  );
});

test('given keys in any order should write fields in xsd:sequence order, base fields first', () => {
  const xml = encodeRequest(R, M.RetrievePropertiesEx, {
    options: { maxObjects: 100 },
    specSet: [
      {
        objectSet: [
          {
            selectSet: [
              {
                skip: false,
                path: 'view',
                type: 'ContainerView',
                name: 'traverseView',
                _type: 'TraversalSpec',
              },
            ],
            skip: true,
            obj: { value: 'session[abc]view-1', type: 'ContainerView' },
          },
        ],
        propSet: [{ pathSet: ['name', 'config.uuid'], type: 'VirtualMachine', all: false }],
      },
    ],
    _this: PC,
  });
  assert.equal(
    body(xml),
    '<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this>' +
      '<specSet><propSet><type>VirtualMachine</type><all>false</all><pathSet>name</pathSet><pathSet>config.uuid</pathSet></propSet>' +
      '<objectSet><obj type="ContainerView">session[abc]view-1</obj><skip>true</skip>' +
      '<selectSet xsi:type="TraversalSpec"><name>traverseView</name><type>ContainerView</type><path>view</path><skip>false</skip></selectSet>' +
      '</objectSet></specSet><options><maxObjects>100</maxObjects></options></RetrievePropertiesEx>',
  );
});

test('given a value whose _type equals the declared type should not add xsi:type', () => {
  const xml = encodeRequest(R, M.RetrievePropertiesEx, {
    _this: PC,
    specSet: [
      {
        _type: 'PropertyFilterSpec',
        propSet: [{ type: 'VirtualMachine' }],
        objectSet: [
          {
            obj: { type: 'VirtualMachine', value: 'vm-1' },
            selectSet: [{ _type: 'SelectionSpec', name: 'x' }],
          },
        ],
      },
    ],
    options: { _type: 'RetrieveOptions' },
  });
  assert.match(xml, /<selectSet><name>x<\/name><\/selectSet>/);
  assert.doesNotMatch(xml, /xsi:type/);
});

test('given absent and undefined optional fields should omit them, and empty arrays write nothing', () => {
  const xml = encodeRequest(R, M.WaitForUpdatesEx, {
    _this: PC,
    version: undefined,
    options: { maxWaitSeconds: 0 },
  });
  assert.equal(
    body(xml),
    '<WaitForUpdatesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this>' +
      '<options><maxWaitSeconds>0</maxWaitSeconds></options></WaitForUpdatesEx>',
  );
  const cv = encodeRequest(R, M.CreateContainerView, {
    _this: { type: 'ViewManager', value: 'ViewManager' },
    container: { type: 'Folder', value: 'group-d1' },
    type: [],
    recursive: false,
  });
  assert.match(cv, /<container type="Folder">group-d1<\/container><recursive>false<\/recursive>/);
});

test('given an empty version string should still write the element', () => {
  const xml = encodeRequest(R, M.WaitForUpdatesEx, { _this: PC, version: '' });
  assert.match(xml, /<version><\/version><\/WaitForUpdatesEx>/);
});

test('given MoRef text and type with metacharacters should escape both', () => {
  const xml = encodeRequest(R, M.DestroyView, {
    _this: { type: 'Container"View', value: 'session[a&b]<1>' },
  });
  assert.match(xml, /<_this type="Container&quot;View">session\[a&amp;b\]&lt;1&gt;<\/_this>/);
});

test('given text with CR, TAB and LF should keep TAB and LF and encode CR as a reference', () => {
  const xml = encodeRequest(R, M.Login, { _this: PC, userName: 'a\tb\nc\r\nd', password: 'x' });
  assert.match(xml, /<userName>a\tb\nc&#13;\nd<\/userName>/);
});

test('given anyType values should tag each with its xsi:type', () => {
  const registry: TypeRegistry = {
    ...R,
    AnyHolder: { kind: 'data', fields: [{ name: 'v', type: 'anyType', array: true, optional: true }] },
    AnyHolderRequestType: {
      kind: 'data',
      fields: [
        { name: '_this', type: 'ManagedObjectReference', array: false, optional: false },
        { name: 'holder', type: 'AnyHolder', array: false, optional: false },
      ],
    },
  };
  const method = { name: 'Hold', requestType: 'AnyHolderRequestType', returnsArray: false };
  const xml = encodeRequest(registry, method, {
    _this: PC,
    holder: {
      v: [
        'text',
        42,
        2 ** 40,
        1.5,
        true,
        new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)),
        { type: 'VirtualMachine', value: 'vm-1' },
        { _type: 'SelectionSpec', name: 's' },
        ['a', 'b'],
        [1, 2],
        [{ type: 'HostSystem', value: 'host-1' }],
      ],
    },
  });
  assert.equal(
    body(xml).replace(/^.*<holder>|<\/holder>.*$/g, ''),
    '<v xsi:type="xsd:string">text</v><v xsi:type="xsd:int">42</v><v xsi:type="xsd:long">1099511627776</v>' +
      '<v xsi:type="xsd:double">1.5</v><v xsi:type="xsd:boolean">true</v>' +
      '<v xsi:type="xsd:dateTime">2026-01-02T03:04:05.006Z</v>' +
      '<v xsi:type="ManagedObjectReference" type="VirtualMachine">vm-1</v>' +
      '<v xsi:type="SelectionSpec"><name>s</name></v>' +
      '<v xsi:type="ArrayOfString"><string>a</string><string>b</string></v>' +
      '<v xsi:type="ArrayOfInt"><int>1</int><int>2</int></v>' +
      '<v xsi:type="ArrayOfManagedObjectReference"><ManagedObjectReference type="HostSystem">host-1</ManagedObjectReference></v>',
  );
});

test('given an unknown property should throw naming its path and send nothing', () => {
  const err = encodeError(() =>
    encodeRequest(R, M.RetrievePropertiesEx, {
      _this: PC,
      specSet: [{ propSet: [{ type: 'VirtualMachine', pathset: ['name'] }], objectSet: [] }],
      options: {},
    }),
  );
  assert.equal(err.path, 'RetrievePropertiesEx.specSet[0].propSet[0].pathset');
  assert.match(err.message, /not a property of PropertySpec/);
});

test('given values of the wrong JavaScript type should throw naming the path', () => {
  const base = { _this: PC, userName: 'u', password: 'p' };
  assert.equal(encodeError(() => encodeRequest(R, M.Login, { ...base, userName: 7 })).path, 'Login.userName');
  const skip = encodeError(() =>
    encodeRequest(R, M.RetrievePropertiesEx, {
      _this: PC,
      specSet: [{ propSet: [], objectSet: [{ obj: PC, skip: 'yes' }] }],
      options: {},
    }),
  );
  assert.equal(skip.path, 'RetrievePropertiesEx.specSet[0].objectSet[0].skip');
  assert.match(skip.message, /expected a boolean, got string/);
  const notArray = encodeError(() =>
    encodeRequest(R, M.RetrievePropertiesEx, {
      _this: PC,
      specSet: { propSet: [], objectSet: [] },
      options: {},
    }),
  );
  assert.equal(notArray.path, 'RetrievePropertiesEx.specSet');
  const badMor = encodeError(() => encodeRequest(R, M.DestroyView, { _this: 'ContainerView:view-1' }));
  assert.equal(badMor.path, 'DestroyView._this');
  const extraMorKey = encodeError(() => encodeRequest(R, M.DestroyView, { _this: { ...PC, id: 1 } }));
  assert.equal(extraMorKey.path, 'DestroyView._this.id');
  assert.equal(encodeError(() => encodeRequest(R, M.Login, { ...base, locale: null })).path, 'Login.locale');
});

test('given NaN, Infinity, a fraction for an int or an out-of-range int should throw', () => {
  for (const maxObjects of [NaN, Infinity, 1.5, 2 ** 31, '10']) {
    const err = encodeError(() =>
      encodeRequest(R, M.RetrievePropertiesEx, { _this: PC, specSet: [], options: { maxObjects } }),
    );
    assert.equal(err.path, 'RetrievePropertiesEx.options.maxObjects');
  }
});

test('given a missing required field should throw instead of sending a half request', () => {
  const err = encodeError(() =>
    encodeRequest(R, M.Login, { _this: { type: 'SessionManager', value: 'SessionManager' }, userName: 'u' }),
  );
  assert.equal(err.path, 'Login.password');
  assert.match(err.message, /required/);
});

test('given a _type that is not a subtype of the declared type should throw', () => {
  const err = encodeError(() =>
    encodeRequest(R, M.RetrievePropertiesEx, {
      _this: PC,
      specSet: [{ propSet: [], objectSet: [{ obj: PC, selectSet: [{ _type: 'ObjectSpec', obj: PC }] }] }],
      options: {},
    }),
  );
  assert.equal(err.path, 'RetrievePropertiesEx.specSet[0].objectSet[0].selectSet[0]._type');
  assert.match(err.message, /not a subtype of SelectionSpec/);
  const unknown = encodeError(() =>
    encodeRequest(R, M.RetrievePropertiesEx, {
      _this: PC,
      specSet: [{ propSet: [], objectSet: [{ obj: PC, selectSet: [{ _type: 'NoSuchSpec' }] }] }],
      options: {},
    }),
  );
  assert.match(unknown.message, /NoSuchSpec is not a data type/);
});

test('given a character XML cannot carry should throw without echoing the secret value', () => {
  const err = encodeError(() =>
    encodeRequest(R, M.Login, { _this: PC, userName: 'u', password: 'secret\u0000value' }),
  );
  assert.equal(err.path, 'Login.password');
  assert.doesNotMatch(err.message, /secret/);
  encodeError(() =>
    encodeRequest(R, M.Login, { _this: PC, userName: 'u', password: 'lone \ud800 surrogate' }),
  );
});

test('given an invalid Date for a dateTime should throw', () => {
  const registry: TypeRegistry = {
    ...R,
    WhenRequestType: {
      kind: 'data',
      fields: [{ name: 'at', type: 'dateTime', array: false, optional: false }],
    },
  };
  const method = { name: 'When', requestType: 'WhenRequestType', returnsArray: false };
  assert.match(encodeRequest(registry, method, { at: new Date(0) }), /<at>1970-01-01T00:00:00.000Z<\/at>/);
  assert.equal(encodeError(() => encodeRequest(registry, method, { at: new Date(NaN) })).path, 'When.at');
  assert.equal(encodeError(() => encodeRequest(registry, method, { at: '2026-01-01' })).path, 'When.at');
});

test('given enum fields should accept known values and reject others', () => {
  const registry: TypeRegistry = {
    ...R,
    PowerRequestType: {
      kind: 'data',
      fields: [{ name: 'state', type: 'VirtualMachinePowerState', array: false, optional: false }],
    },
  };
  const method = { name: 'Power', requestType: 'PowerRequestType', returnsArray: false };
  assert.match(encodeRequest(registry, method, { state: 'poweredOn' }), /<state>poweredOn<\/state>/);
  assert.match(
    encodeError(() => encodeRequest(registry, method, { state: 'on' })).message,
    /not a value of enum/,
  );
});

test('given an anyType value with no known type should throw', () => {
  const registry: TypeRegistry = {
    ...R,
    AnyRequestType: { kind: 'data', fields: [{ name: 'v', type: 'anyType', array: false, optional: false }] },
  };
  const method = { name: 'Any', requestType: 'AnyRequestType', returnsArray: false };
  for (const v of [{ a: 1 }, [], [{ a: 1 }], NaN, { _type: 'Unregistered' }, [new Date(0)]]) {
    assert.equal(encodeError(() => encodeRequest(registry, method, { v })).path.startsWith('Any.v'), true);
  }
});

test('given a request type missing from the registry should throw', () => {
  const err = encodeError(() =>
    encodeRequest(R, { name: 'Nope', requestType: 'NopeRequestType', returnsArray: false }, {}),
  );
  assert.equal(err.path, 'Nope');
});

test('given a request should encode the element alone exactly as the envelope body carries it', () => {
  const request = { _this: PC, specSet: [], options: {} };
  const element = encodeRequestElement(R, M.RetrievePropertiesEx, request);
  assert.ok(element.startsWith('<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">'));
  assert.ok(element.endsWith('</RetrievePropertiesEx>'));
  assert.equal(body(encodeRequest(R, M.RetrievePropertiesEx, request)), element);
});
