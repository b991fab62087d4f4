// SPDX-License-Identifier: Apache-2.0
import { SoapEncodeError } from './encode-error.ts';
import type { ArrayTypeSchema, EnumTypeSchema, FieldSchema, XsdPrimitive } from './schema.ts';
import type { TypeIndex } from './type-index.ts';
import { escapeAttribute, escapeText } from './xml-escape.ts';
import { INTEGER_RANGES, isXsdPrimitive } from './xsd-primitives.ts';

type Obj = Readonly<Record<string, unknown>>;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Writes JavaScript values as vim25 XML, driven by the registry. Elements are unqualified (the
 * caller puts them under a `xmlns="urn:vim25"` element) and the `xsi`/`xsd` prefixes must be
 * bound by an enclosing element. Every check throws a {@link SoapEncodeError} naming the path,
 * so a bad request fails as a whole instead of producing half a document.
 */
export class ValueEncoder {
  readonly #types: TypeIndex;
  #out = '';

  constructor(types: TypeIndex) {
    this.#types = types;
  }

  /** The XML written so far. */
  get output(): string {
    return this.#out;
  }

  /** Appends raw markup produced by the caller (envelope framing). */
  writeRaw(markup: string): void {
    this.#out += markup;
  }

  /**
   * Appends the fields of data object `value` of type `typeName` in xsd:sequence order, without
   * a wrapper element. Absent (undefined) optional fields are omitted.
   */
  writeFields(typeName: string, value: unknown, path: string): void {
    if (this.#types.dataSchema(typeName) === undefined) {
      throw new SoapEncodeError(path, `${typeName} is not a data type in the registry`);
    }
    const obj = asObject(value, path, typeName);
    if (obj._type !== undefined && obj._type !== typeName) {
      throw new SoapEncodeError(path, `_type must be ${typeName} here`);
    }
    this.#writeObjectFields(typeName, obj, path);
  }

  /** Appends `<name>…</name>` for `value`, declared in the schema as `type`. */
  writeElement(name: string, type: string, value: unknown, path: string): void {
    if (type === 'anyType') {
      this.#writeAny(name, value, path);
      return;
    }
    if (isXsdPrimitive(type)) {
      this.#out += `<${name}>${formatPrimitive(type, value, path)}</${name}>`;
      return;
    }
    const schema = this.#types.schema(type);
    switch (schema?.kind) {
      case 'data':
        this.#writeData(name, type, value, path, false);
        return;
      case 'moref':
        this.#writeMor(name, value, path, '');
        return;
      case 'enum':
        this.#out += `<${name}>${formatEnum(type, schema, value, path)}</${name}>`;
        return;
      case 'array':
        this.#writeArrayOf(name, schema, value, path, '');
        return;
      case undefined:
        throw new SoapEncodeError(path, `type ${type} is not in the registry`);
    }
  }

  #writeObjectFields(typeName: string, obj: Obj, path: string): void {
    const fieldMap = this.#types.fieldMap(typeName);
    for (const key of Object.keys(obj)) {
      if (key !== '_type' && !fieldMap.has(key)) {
        throw new SoapEncodeError(`${path}.${key}`, `not a property of ${typeName}`);
      }
    }
    for (const field of this.#types.fields(typeName)) {
      this.#writeField(field, obj[field.name], `${path}.${field.name}`);
    }
  }

  #writeField(field: FieldSchema, value: unknown, path: string): void {
    if (value === undefined) {
      if (!field.optional) throw new SoapEncodeError(path, 'required property is missing');
      return;
    }
    if (!field.array) {
      this.writeElement(field.name, field.type, value, path);
      return;
    }
    if (!Array.isArray(value)) throw wrongType(path, 'an array', value);
    const items: readonly unknown[] = value;
    for (let i = 0; i < items.length; i++) {
      this.writeElement(field.name, field.type, items[i], `${path}[${String(i)}]`);
    }
  }

  #writeData(name: string, declared: string, value: unknown, path: string, forceXsi: boolean): void {
    const obj = asObject(value, path, declared);
    const actual = obj._type ?? declared;
    if (typeof actual !== 'string') throw wrongType(`${path}._type`, 'a type name', actual);
    if (actual !== declared) {
      if (this.#types.dataSchema(actual) === undefined) {
        throw new SoapEncodeError(`${path}._type`, `${actual} is not a data type in the registry`);
      }
      if (!this.#types.isSubtype(actual, declared)) {
        throw new SoapEncodeError(`${path}._type`, `${actual} is not a subtype of ${declared}`);
      }
    }
    const xsi = actual !== declared || forceXsi ? ` xsi:type="${actual}"` : '';
    this.#out += `<${name}${xsi}>`;
    this.#writeObjectFields(actual, obj, path);
    this.#out += `</${name}>`;
  }

  #writeMor(name: string, value: unknown, path: string, xsi: string): void {
    const obj = asObject(value, path, 'ManagedObjectReference');
    for (const key of Object.keys(obj)) {
      const ok =
        key === 'type' || key === 'value' || (key === '_type' && obj._type === 'ManagedObjectReference');
      if (!ok) throw new SoapEncodeError(`${path}.${key}`, 'not a property of ManagedObjectReference');
    }
    const type = checkText(escapeAttribute, obj.type, `${path}.type`);
    const text = checkText(escapeText, obj.value, `${path}.value`);
    this.#out += `<${name}${xsi} type="${type}">${text}</${name}>`;
  }

  #writeArrayOf(name: string, schema: ArrayTypeSchema, value: unknown, path: string, xsi: string): void {
    if (!Array.isArray(value)) throw wrongType(path, 'an array', value);
    const items: readonly unknown[] = value;
    this.#out += `<${name}${xsi}>`;
    for (let i = 0; i < items.length; i++) {
      this.writeElement(schema.itemElement, schema.itemType, items[i], `${path}[${String(i)}]`);
    }
    this.#out += `</${name}>`;
  }

  /** anyType: the value's own JavaScript type picks the xsi:type. */
  #writeAny(name: string, value: unknown, path: string): void {
    if (Array.isArray(value)) {
      const arrayType = this.#arrayTypeOf(value, path);
      const schema = this.#types.schema(arrayType);
      if (schema?.kind !== 'array') throw new SoapEncodeError(path, `${arrayType} is not in the registry`);
      this.#writeArrayOf(name, schema, value, path, ` xsi:type="${arrayType}"`);
      return;
    }
    const primitive = anyPrimitiveType(value);
    if (primitive !== undefined) {
      this.#out += `<${name} xsi:type="xsd:${primitive}">${formatPrimitive(primitive, value, path)}</${name}>`;
      return;
    }
    const obj = asObject(value, path, 'value of a known type');
    const kind = typeof obj._type === 'string' ? this.#types.schema(obj._type)?.kind : undefined;
    if (kind === 'data') this.#writeData(name, obj._type as string, obj, path, true);
    else if (kind === 'moref' || (obj._type === undefined && isMorShape(obj))) {
      this.#writeMor(name, obj, path, ' xsi:type="ManagedObjectReference"');
    } else throw new SoapEncodeError(path, 'anyType value needs a registered _type, or must be a MoRef');
  }

  #arrayTypeOf(items: readonly unknown[], path: string): string {
    const first: unknown = items[0];
    if (first === undefined)
      throw new SoapEncodeError(path, 'cannot infer the type of an empty anyType array');
    const primitive = anyPrimitiveType(first);
    if (primitive === 'int' || primitive === 'long') {
      const allInt32 = items.every(
        (n) => typeof n === 'number' && Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX,
      );
      return allInt32 ? 'ArrayOfInt' : 'ArrayOfLong';
    }
    if (primitive !== undefined) return `ArrayOf${primitive.charAt(0).toUpperCase()}${primitive.slice(1)}`;
    if (typeof first === 'object' && first !== null) {
      const obj = first as Obj;
      if (typeof obj._type === 'string') return `ArrayOf${obj._type}`;
      if (isMorShape(obj)) return 'ArrayOfManagedObjectReference';
    }
    throw new SoapEncodeError(`${path}[0]`, 'cannot infer the anyType array item type');
  }
}

function anyPrimitiveType(value: unknown): XsdPrimitive | undefined {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      if (!Number.isInteger(value)) return 'double';
      if (value >= INT32_MIN && value <= INT32_MAX) return 'int';
      return Number.isSafeInteger(value) ? 'long' : 'double';
    default:
      return value instanceof Date ? 'dateTime' : undefined;
  }
}

function isMorShape(obj: Obj): boolean {
  const keys = Object.keys(obj);
  return keys.length === 2 && typeof obj.type === 'string' && typeof obj.value === 'string';
}

function formatPrimitive(type: XsdPrimitive, value: unknown, path: string): string {
  switch (type) {
    case 'string':
    case 'anyURI':
    case 'base64Binary':
      return checkText(escapeText, value, path);
    case 'boolean':
      if (typeof value !== 'boolean') throw wrongType(path, 'a boolean', value);
      return value ? 'true' : 'false';
    case 'float':
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw wrongType(path, 'a finite number', value);
      return String(value);
    case 'dateTime':
      if (!(value instanceof Date) || Number.isNaN(value.getTime()))
        throw wrongType(path, 'a valid Date', value);
      return value.toISOString();
    case 'anyType':
      throw new SoapEncodeError(path, 'anyType is not a primitive');
    default:
      return formatInteger(type, value, path);
  }
}

function formatInteger(type: XsdPrimitive, value: unknown, path: string): string {
  const range = INTEGER_RANGES[type];
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw wrongType(path, `an integer (xsd:${type})`, value);
  if (range !== undefined && (value < range[0] || value > range[1])) {
    throw new SoapEncodeError(path, `integer out of range for xsd:${type}`);
  }
  return String(value);
}

function formatEnum(type: string, schema: EnumTypeSchema, value: unknown, path: string): string {
  if (typeof value !== 'string') throw wrongType(path, `a ${type} string`, value);
  if (!schema.values.includes(value)) throw new SoapEncodeError(path, `not a value of enum ${type}`);
  return checkText(escapeText, value, path);
}

function checkText(escape: (s: string) => string | undefined, value: unknown, path: string): string {
  if (typeof value !== 'string') throw wrongType(path, 'a string', value);
  const escaped = escape(value);
  if (escaped === undefined) throw new SoapEncodeError(path, 'contains a character XML 1.0 cannot represent');
  return escaped;
}

function asObject(value: unknown, path: string, what: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
    throw wrongType(path, `a ${what} object`, value);
  }
  return value as Obj;
}

function wrongType(path: string, expected: string, value: unknown): SoapEncodeError {
  return new SoapEncodeError(path, `expected ${expected}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}
