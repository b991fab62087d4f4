// SPDX-License-Identifier: Apache-2.0
/**
 * Shape of the vim25 type metadata that `tools/gen-vim25` emits into
 * `src/vim25/generated/type-registry.ts`. The codec is driven entirely by this metadata: it never
 * guesses a type from the text of a value.
 */

/** XML Schema primitive types used by vim25, and how each decodes into JavaScript. */
export type XsdPrimitive =
  | 'string' // string
  | 'boolean' // boolean
  | 'byte' // number
  | 'short' // number
  | 'int' // number
  | 'long' // number (vSphere longs fit in 2^53 in practice: sizes in bytes, keys, counters)
  | 'float' // number
  | 'double' // number
  | 'dateTime' // Date
  | 'base64Binary' // string, still base64-encoded
  | 'anyURI' // string
  | 'anyType'; // polymorphic: decoded from the element's xsi:type, else as a string

/** One element of a data object, in xsd:sequence order. */
export interface FieldSchema {
  /** XML element name, which is also the property name in TypeScript (`_this` included). */
  readonly name: string;
  /** An XsdPrimitive, or the name of another registry entry. */
  readonly type: string;
  /** Repeated element (`maxOccurs="unbounded"`): decodes to an array, encodes one element each. */
  readonly array: boolean;
  /** `minOccurs="0"`: may be absent, in which case the property is absent (never null). */
  readonly optional: boolean;
}

/** A data object (complex type): own fields only; inherited ones come from `base`. */
export interface DataTypeSchema {
  readonly kind: 'data';
  /** Parent data type, or undefined for roots such as DynamicData. */
  readonly base?: string;
  readonly fields: readonly FieldSchema[];
}

/** An enumeration: the wire value is the string itself. */
export interface EnumTypeSchema {
  readonly kind: 'enum';
  readonly values: readonly string[];
}

/** An `ArrayOfX` wrapper type: decodes to a plain `X[]` (the wrapper is never visible). */
export interface ArrayTypeSchema {
  readonly kind: 'array';
  /** The element name inside the wrapper (e.g. `GuestNicInfo`, `string`). */
  readonly itemElement: string;
  /** The item type: an XsdPrimitive or a registry entry. */
  readonly itemType: string;
}

/** ManagedObjectReference: `<x type="VirtualMachine">vm-42</x>`, decoded as `{ type, value }`. */
export interface MorTypeSchema {
  readonly kind: 'moref';
}

export type TypeSchema = DataTypeSchema | EnumTypeSchema | ArrayTypeSchema | MorTypeSchema;

/** Every type reachable from the allow-listed methods, by wire name. */
export type TypeRegistry = Readonly<Record<string, TypeSchema>>;

/** Metadata for one SOAP method, used by the generated method wrappers and the transport. */
export interface MethodSchema {
  /** Operation and body element name, e.g. `RetrievePropertiesEx`. */
  readonly name: string;
  /** Registry name of the request body type, e.g. `RetrievePropertiesExRequestType`. */
  readonly requestType: string;
  /** Registry name (or primitive) of `returnval`; undefined for methods returning nothing. */
  readonly returnType?: string;
  /** `returnval` repeats: the result is an array, `[]` when the server sends none. */
  readonly returnsArray: boolean;
}
