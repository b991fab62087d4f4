// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GoSourceError } from './errors.ts';
import {
  mergeGoDecls,
  parseGoDecls,
  parseGoManagedObjects,
  parseGoMethods,
  parseGoTypeExpr,
  parseXmlTag,
} from './go-parser.ts';

const typesGo = `package types

type DynamicData struct {
}

func init() {
	t["DynamicData"] = reflect.TypeOf((*DynamicData)(nil)).Elem()
}

type SelectionSpec struct {
	DynamicData

	Name string \`xml:"name,omitempty"\`
}

type TraversalSpec struct {
	SelectionSpec

	Type      string              \`xml:"type"\`
	Skip      *bool               \`xml:"skip"\`
	SelectSet []BaseSelectionSpec \`xml:"selectSet,omitempty,typeattr"\`
}

type ArrayOfSelectionSpec struct {
	SelectionSpec []BaseSelectionSpec \`xml:"SelectionSpec,omitempty,typeattr"\`
}

type Destroy_Task DestroyRequestType

type Empty struct{}
`;

describe('parseGoDecls', () => {
  test('given a struct embedding its base should record the base apart from the fields', () => {
    const decls = parseGoDecls(typesGo, 'types.go');
    const spec = decls.structs.get('TraversalSpec');
    assert.deepEqual(spec?.embedded, ['SelectionSpec']);
    assert.deepEqual(
      spec.fields.map((f) => [f.goName, f.goType, f.tag]),
      [
        ['Type', 'string', 'xml:"type"'],
        ['Skip', '*bool', 'xml:"skip"'],
        ['SelectSet', '[]BaseSelectionSpec', 'xml:"selectSet,omitempty,typeattr"'],
      ],
    );
  });

  test('given empty structs in both layouts should parse them with no fields', () => {
    const decls = parseGoDecls(typesGo, 'types.go');
    assert.deepEqual(decls.structs.get('DynamicData'), { name: 'DynamicData', embedded: [], fields: [] });
    assert.deepEqual(decls.structs.get('Empty'), { name: 'Empty', embedded: [], fields: [] });
  });

  test('given an alias declaration should map it to its target', () => {
    assert.equal(parseGoDecls(typesGo, 'types.go').aliases.get('Destroy_Task'), 'DestroyRequestType');
  });

  test('given Base interfaces should record their names and skip their bodies', () => {
    const src = `type BaseSelectionSpec interface {
	GetSelectionSpec() *SelectionSpec
}

type AnyType interface{}
`;
    const decls = parseGoDecls(src, 'if.go');
    assert.deepEqual([...decls.interfaces].sort(), ['AnyType', 'BaseSelectionSpec']);
    assert.equal(decls.structs.size, 0);
  });

  test('given a string type with constants should collect its values in order', () => {
    const src = `type VirtualMachinePowerState string

const (
	VirtualMachinePowerStatePoweredOff = VirtualMachinePowerState("poweredOff")
	VirtualMachinePowerStatePoweredOn  = VirtualMachinePowerState("poweredOn")
	VirtualMachinePowerStateSuspended  = VirtualMachinePowerState("suspended")
)

type VersionURI string
`;
    const decls = parseGoDecls(src, 'enum.go');
    assert.deepEqual(decls.stringTypes.get('VirtualMachinePowerState'), [
      'poweredOff',
      'poweredOn',
      'suspended',
    ]);
    assert.deepEqual(decls.stringTypes.get('VersionURI'), []);
  });

  test('given an unrecognised line inside a struct should fail with its location', () => {
    const src = 'type Bad struct {\n\tA, B string\n}\n';
    assert.throws(
      () => parseGoDecls(src, 'bad.go'),
      (err: unknown) => {
        assert.ok(err instanceof GoSourceError);
        assert.match(err.message, /bad\.go:2: unrecognised line in struct Bad/);
        return true;
      },
    );
  });

  test('given a struct that is never closed should fail', () => {
    assert.throws(() => parseGoDecls('type Open struct {\n\tA string `xml:"a"`\n', 'open.go'), GoSourceError);
  });
});

describe('mergeGoDecls', () => {
  test('given two files should merge their declarations', () => {
    const merged = mergeGoDecls([
      parseGoDecls(typesGo, 'types.go'),
      parseGoDecls('type ManagedEntityStatus string\n', 'enum.go'),
    ]);
    assert.ok(merged.structs.has('TraversalSpec'));
    assert.ok(merged.stringTypes.has('ManagedEntityStatus'));
  });

  test('given the same name in two files should fail', () => {
    const a = parseGoDecls('type X struct {\n}\n', 'a.go');
    assert.throws(() => mergeGoDecls([a, a]), /type X is declared twice/);
  });
});

describe('parseGoTypeExpr', () => {
  test('given slices, pointers and package qualifiers should split them off', () => {
    assert.deepEqual(parseGoTypeExpr('[]types.BaseMethodFault'), {
      slice: true,
      pointer: false,
      elem: 'BaseMethodFault',
    });
    assert.deepEqual(parseGoTypeExpr('*time.Time'), { slice: false, pointer: true, elem: 'time.Time' });
    assert.deepEqual(parseGoTypeExpr('*types.ManagedObjectReference'), {
      slice: false,
      pointer: true,
      elem: 'ManagedObjectReference',
    });
  });

  test('given byte slices should keep []byte as one element type', () => {
    assert.deepEqual(parseGoTypeExpr('[]byte'), { slice: false, pointer: false, elem: '[]byte' });
    assert.deepEqual(parseGoTypeExpr('[][]byte'), { slice: true, pointer: false, elem: '[]byte' });
  });
});

describe('parseXmlTag', () => {
  test('given omitempty and typeattr options should report omitempty only', () => {
    assert.deepEqual(parseXmlTag('xml:"selectSet,omitempty,typeattr"'), {
      name: 'selectSet',
      omitempty: true,
      nonElement: false,
    });
  });

  test('given attr or chardata should flag a non-element', () => {
    assert.equal(parseXmlTag('xml:"type,attr"')?.nonElement, true);
    assert.equal(parseXmlTag('xml:",chardata"')?.nonElement, true);
  });

  test('given no xml key should return undefined', () => {
    assert.equal(parseXmlTag('mo:"name"'), undefined);
    assert.equal(parseXmlTag(undefined), undefined);
  });
});

describe('parseGoMethods', () => {
  test('given a Body struct should read the operation, request and response', () => {
    const src = `type Destroy_TaskBody struct {
	Req    *types.Destroy_Task         \`xml:"urn:vim25 Destroy_Task,omitempty"\`
	Res    *types.Destroy_TaskResponse \`xml:"Destroy_TaskResponse,omitempty"\`
	Fault_ *soap.Fault                 \`xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault,omitempty"\`
}
`;
    assert.deepEqual(parseGoMethods(src, 'methods.go'), [
      { name: 'Destroy_Task', request: 'Destroy_Task', response: 'Destroy_TaskResponse' },
    ]);
  });
});

describe('parseGoManagedObjects', () => {
  test('given mo.go structs should read the base and the mo-tagged properties only', () => {
    const src = `type ManagedEntity struct {
	ExtensibleManagedObject

	Parent *types.ManagedObjectReference \`mo:"parent"\`
	Name   string                        \`mo:"name"\`
}

type SearchIndex struct {
	Self types.ManagedObjectReference
}
`;
    assert.deepEqual(parseGoManagedObjects(src, 'mo.go'), [
      {
        name: 'ManagedEntity',
        base: 'ExtensibleManagedObject',
        properties: [
          { name: 'parent', goType: '*types.ManagedObjectReference' },
          { name: 'name', goType: 'string' },
        ],
      },
      { name: 'SearchIndex', base: undefined, properties: [] },
    ]);
  });
});
