// SPDX-License-Identifier: Apache-2.0
/**
 * Turns the parsed Go declarations into the vim25 model the emitters work from: wire names,
 * XML Schema primitives, base types, repeated and optional elements. The Go code is itself
 * generated from the WSDL, so the WSDL facts are recovered from Go conventions:
 * `omitempty` or a pointer means `minOccurs="0"`, a slice means `maxOccurs="unbounded"`, an
 * embedded struct is the XSD base type and a `BaseX` interface is a polymorphic `X`.
 */
import type { XsdPrimitive } from '../../src/vim25/codec/schema.ts';
import { AllowListError, GoSourceError } from './errors.ts';
import type { GoDecls, GoManagedObject, GoMethod, GoStruct } from './go-parser.ts';
import { parseGoTypeExpr, parseXmlTag } from './go-parser.ts';

/** One element of a data object, or one property of a managed object. */
export interface VimField {
  readonly name: string;
  /** An XsdPrimitive or the name of a vim25 type. */
  readonly type: string;
  readonly array: boolean;
  readonly optional: boolean;
}

/** A data object (XSD complex type), request types included. */
export interface VimDataType {
  readonly kind: 'data';
  readonly name: string;
  readonly base: string | undefined;
  readonly fields: readonly VimField[];
}

/** An enumeration with its wire values in declaration order. */
export interface VimEnumType {
  readonly kind: 'enum';
  readonly name: string;
  readonly values: readonly string[];
}

/** An `ArrayOfX` wrapper type. */
export interface VimArrayType {
  readonly kind: 'array';
  readonly name: string;
  readonly itemElement: string;
  readonly itemType: string;
}

/** ManagedObjectReference, which has an attribute and text rather than elements. */
export interface VimMorType {
  readonly kind: 'moref';
  readonly name: string;
}

/** Any named vim25 type. */
export type VimType = VimDataType | VimEnumType | VimArrayType | VimMorType;

/** A SOAP method with its request type and `returnval` shape. */
export interface VimMethod {
  readonly name: string;
  readonly requestType: string;
  /** Undefined for methods that return nothing. */
  readonly returnType: string | undefined;
  readonly returnsArray: boolean;
  /** `returnval` may be absent (only meaningful when not an array). */
  readonly returnOptional: boolean;
}

/** A managed object type with its own (not inherited) properties. */
export interface VimManagedObject {
  readonly name: string;
  readonly base: string | undefined;
  readonly properties: readonly VimField[];
}

/** The whole vim25 model, before any allow-list is applied. */
export interface VimModel {
  readonly types: ReadonlyMap<string, VimType>;
  /** Direct subtypes of each data type that has any, sorted. */
  readonly subtypes: ReadonlyMap<string, readonly string[]>;
  /** Item type (primitive or type name) → the `ArrayOf` wrapper named after it. */
  readonly arrayOf: ReadonlyMap<string, string>;
  readonly methods: ReadonlyMap<string, VimMethod>;
  readonly managedObjects: ReadonlyMap<string, VimManagedObject>;
}

/** What the model is built from: types.go + enum.go + base.go merged, methods.go, mo.go. */
export interface GoInputs {
  readonly types: GoDecls;
  readonly methods: readonly GoMethod[];
  readonly managedObjects: readonly GoManagedObject[];
}

/** The XML Schema primitives, as named in schema.ts. */
export const xsdPrimitives: ReadonlySet<string> = new Set<XsdPrimitive>([
  'string',
  'boolean',
  'byte',
  'short',
  'int',
  'long',
  'float',
  'double',
  'dateTime',
  'base64Binary',
  'anyURI',
  'anyType',
]);

// govmomi writes `[]byte` as the text of one element, which is how xsd:base64Binary travels.
const goPrimitives: Readonly<Record<string, XsdPrimitive>> = {
  string: 'string',
  bool: 'boolean',
  byte: 'byte',
  int8: 'byte',
  int16: 'short',
  int32: 'int',
  int64: 'long',
  float32: 'float',
  float64: 'double',
  'time.Time': 'dateTime',
  AnyType: 'anyType',
  '[]byte': 'base64Binary',
};

const morName = 'ManagedObjectReference';

/** Builds the vim25 model; throws GoSourceError when a Go type cannot be mapped. */
export function buildVimModel(inputs: GoInputs): VimModel {
  const decls = inputs.types;
  const responses = new Set(inputs.methods.map((m) => m.response));
  const types = new Map<string, VimType>();
  const arrayOf = new Map<string, string>();
  const subtypes = new Map<string, string[]>();
  for (const [name, values] of decls.stringTypes) {
    if (values.length > 0) types.set(name, { kind: 'enum', name, values });
  }
  for (const s of decls.structs.values()) {
    if (responses.has(s.name)) continue;
    if (s.name === morName) {
      types.set(s.name, { kind: 'moref', name: s.name });
    } else if (s.name.startsWith('ArrayOf') && s.fields.length === 1 && s.embedded.length === 0) {
      const array = toArrayType(s, decls);
      // ArrayOfUri also holds strings: the wrapper of T is the one named after T.
      if (s.name === `ArrayOf${array.itemType.charAt(0).toUpperCase()}${array.itemType.slice(1)}`) {
        arrayOf.set(array.itemType, s.name);
      }
      types.set(s.name, array);
    } else {
      const data = toDataType(s, decls);
      types.set(s.name, data);
      if (data.base !== undefined) subtypes.set(data.base, [...(subtypes.get(data.base) ?? []), s.name]);
    }
  }
  for (const list of subtypes.values()) list.sort(compareNames);
  return {
    types,
    subtypes,
    arrayOf,
    methods: new Map(inputs.methods.map((m) => [m.name, toMethod(m, decls)])),
    managedObjects: new Map(inputs.managedObjects.map((mo) => [mo.name, toManagedObject(mo, decls)])),
  };
}

/** Code-unit order: deterministic and independent of the locale. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Maps a Go element type (package qualifier already removed) to a primitive or vim25 type name. */
export function mapGoElem(elem: string, decls: GoDecls): string {
  const primitive = goPrimitives[elem];
  if (primitive !== undefined) return primitive;
  if (elem.startsWith('Base') && decls.interfaces.has(elem)) {
    const base = elem.slice('Base'.length);
    if (decls.structs.has(base)) return base;
  }
  if (decls.structs.has(elem)) return elem;
  const values = decls.stringTypes.get(elem);
  if (values !== undefined) return values.length > 0 ? elem : 'string';
  throw new GoSourceError(`unknown Go type ${elem}`);
}

function toField(name: string, goType: string, omitempty: boolean, decls: GoDecls): VimField {
  const expr = parseGoTypeExpr(goType);
  return { name, type: mapGoElem(expr.elem, decls), array: expr.slice, optional: omitempty || expr.pointer };
}

function toDataType(s: GoStruct, decls: GoDecls): VimDataType {
  if (s.embedded.length > 1) throw new GoSourceError(`struct ${s.name} embeds more than one type`);
  const fields = s.fields.map((f) => {
    const tag = parseXmlTag(f.tag);
    if (tag === undefined || tag.nonElement || tag.name === '') {
      throw new GoSourceError(`field ${s.name}.${f.goName} has no xml element name`);
    }
    return toField(tag.name, f.goType, tag.omitempty, decls);
  });
  return { kind: 'data', name: s.name, base: s.embedded[0], fields };
}

function toArrayType(s: GoStruct, decls: GoDecls): VimArrayType {
  const field = s.fields[0]!;
  const tag = parseXmlTag(field.tag);
  if (tag === undefined || (!parseGoTypeExpr(field.goType).slice && field.goType !== '[]byte')) {
    throw new GoSourceError(`${s.name} is not a slice wrapper`);
  }
  // Go cannot tell xsd:anyURI or xsd:byte from string or []byte; the item element name can.
  const itemType = xsdPrimitives.has(tag.name)
    ? tag.name
    : mapGoElem(parseGoTypeExpr(field.goType).elem, decls);
  return { kind: 'array', name: s.name, itemElement: tag.name, itemType };
}

function toMethod(m: GoMethod, decls: GoDecls): VimMethod {
  const requestType = decls.aliases.get(m.request) ?? m.request;
  if (!decls.structs.has(requestType))
    throw new GoSourceError(`method ${m.name}: no request struct ${requestType}`);
  const response = decls.structs.get(m.response);
  if (response === undefined) throw new GoSourceError(`method ${m.name}: no response struct ${m.response}`);
  const returnval = response.fields[0];
  if (returnval === undefined) {
    return { name: m.name, requestType, returnType: undefined, returnsArray: false, returnOptional: true };
  }
  const tag = parseXmlTag(returnval.tag);
  if (response.fields.length !== 1 || tag?.name !== 'returnval') {
    throw new GoSourceError(`method ${m.name}: ${m.response} is not a single returnval`);
  }
  const field = toField('returnval', returnval.goType, tag.omitempty, decls);
  return {
    name: m.name,
    requestType,
    returnType: field.type,
    returnsArray: field.array,
    returnOptional: field.optional,
  };
}

function toManagedObject(mo: GoManagedObject, decls: GoDecls): VimManagedObject {
  return {
    name: mo.name,
    base: mo.base,
    properties: mo.properties.map((p) => toField(p.name, p.goType, true, decls)),
  };
}

/**
 * Replaces the type of the fields named `Type.element` in `overrides`, for facts that Go types
 * lose. Throws AllowListError for an entry that names no data object field.
 */
export function applyFieldOverrides(
  model: VimModel,
  overrides: Readonly<Record<string, { readonly type: string; readonly array: boolean }>>,
): VimModel {
  const types = new Map(model.types);
  for (const [key, override] of Object.entries(overrides)) {
    const [typeName = '', fieldName = ''] = key.split('.');
    const t = types.get(typeName);
    if (t?.kind !== 'data' || !t.fields.some((f) => f.name === fieldName)) {
      throw new AllowListError(`field override ${key} names no data object field`);
    }
    const fields = t.fields.map((f) => (f.name === fieldName ? { ...f, ...override } : f));
    types.set(typeName, { ...t, fields });
  }
  return { ...model, types };
}
