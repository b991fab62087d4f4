// SPDX-License-Identifier: Apache-2.0
import type { SaxesAttributeNS, SaxesTagNS } from 'saxes';
import { SoapDecodeError, type SoapFault } from '../faults.ts';
import type { DecodedResponse } from './decode.ts';
import * as F from './frame.ts';
import type { FieldSchema, MethodSchema } from './schema.ts';
import type { TypeIndex } from './type-index.ts';
import { P_NONE, P_STRING, XSD_NS, XSI_NS, parsePrimitive, primitiveCode } from './xsd-primitives.ts';

const SOAPENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

const FAULT_FIELDS: ReadonlyMap<string, FieldSchema> = new Map([
  ['faultcode', { name: 'faultcode', type: 'string', array: false, optional: true }],
  ['faultstring', { name: 'faultstring', type: 'string', array: false, optional: true }],
]);

/** Services the builder needs from the XML parser. */
export interface ParserContext {
  /** Namespace URI bound to `prefix` at the current element ('' = default namespace). */
  resolve(prefix: string): string | undefined;
  /** Human-readable position for error messages, e.g. `line 3, column 17`. */
  where(): string;
}

/**
 * Turns the SAX events of one SOAP response into a {@link DecodedResponse}, building values
 * directly from the schema (no DOM). Feed it `open`/`text`/`close` in document order, then call
 * `finish()`. Throws `SoapDecodeError` for a document that is not a response to `method` or
 * that holds a value not valid for its schema type; unknown elements never throw.
 */
export class ResponseBuilder {
  readonly #types: TypeIndex;
  readonly #method: MethodSchema;
  readonly #parser: ParserContext;
  readonly #responseName: string;
  readonly #responseFields: ReadonlyMap<string, FieldSchema>;
  readonly #pool: F.Frame[] = [];
  #depth = 0;
  #stage = 'no SOAP Envelope';
  #outcome: DecodedResponse | undefined;

  constructor(types: TypeIndex, method: MethodSchema, parser: ParserContext) {
    this.#types = types;
    this.#method = method;
    this.#parser = parser;
    this.#responseName = `${method.name}Response`;
    const rt = method.returnType;
    this.#responseFields =
      rt === undefined
        ? F.NO_FIELDS
        : new Map([
            ['returnval', { name: 'returnval', type: rt, array: method.returnsArray, optional: true }],
          ]);
  }

  /** Handles an element start. */
  open(tag: SaxesTagNS): void {
    const parent = this.#depth === 0 ? undefined : this.#pool[this.#depth - 1];
    if (parent === undefined) {
      this.#openRoot(tag);
      return;
    }
    switch (parent.mode) {
      case F.M_DATA:
      case F.M_RESPONSE:
        this.#openValue(tag, parent.fields.get(tag.local), '');
        return;
      case F.M_ARRAY:
        this.#openTyped(tag, parent.itemType === '' ? undefined : parent.itemType, '');
        return;
      case F.M_UNTYPED:
        parent.obj ??= parent.actualType === '' ? {} : { _type: parent.actualType };
        this.#openValue(tag, undefined, '');
        return;
      default:
        this.#openStructural(parent, tag);
    }
  }

  /** Handles character data (text or CDATA) of the innermost element. */
  text(text: string): void {
    const f = this.#pool[this.#depth - 1];
    if (f !== undefined && (f.mode === F.M_PRIM || f.mode === F.M_MOREF || f.mode === F.M_UNTYPED))
      f.text += text;
  }

  /** Handles an element end. */
  close(): void {
    if (this.#depth === 0) return;
    const f = this.#pool[--this.#depth];
    if (f === undefined) return;
    const parent = this.#pool[this.#depth - 1];
    switch (f.mode) {
      case F.M_PRIM:
        F.assignChild(parent, f, this.#primitiveValue(f));
        return;
      case F.M_MOREF:
        F.assignChild(parent, f, { type: f.morType, value: f.text });
        return;
      case F.M_DATA:
        F.assignChild(parent, f, f.obj);
        return;
      case F.M_ARRAY:
        F.assignChild(parent, f, f.arr);
        return;
      case F.M_UNTYPED:
        F.assignChild(parent, f, F.untypedValue(f));
        return;
      case F.M_DETAIL:
        if (parent !== undefined) parent.value = f.value;
        return;
      case F.M_RESPONSE:
        this.#outcome = { kind: 'result', value: this.#resultValue(f) };
        return;
      case F.M_FAULT:
        this.#outcome = { kind: 'fault', fault: faultOf(f) };
        return;
      default:
    }
  }

  /** The decoded outcome once the document has been fully read; throws when there is none. */
  finish(): DecodedResponse {
    if (this.#outcome === undefined) throw new SoapDecodeError(`${this.#method.name}: ${this.#stage}`);
    return this.#outcome;
  }

  #openRoot(tag: SaxesTagNS): void {
    if (tag.uri !== SOAPENV_NS || tag.local !== 'Envelope') {
      this.#fail(`not a SOAP 1.1 Envelope: <${tag.name}>`);
    }
    this.#stage = 'no SOAP Body';
    this.#push(F.M_ENVELOPE, tag.local);
  }

  /** Children of the SOAP framing elements (Envelope, Body, Fault, detail). */
  #openStructural(parent: F.Frame, tag: SaxesTagNS): void {
    const local = tag.local;
    switch (parent.mode) {
      case F.M_ENVELOPE:
        if (tag.uri === SOAPENV_NS && local === 'Body') {
          this.#stage = 'empty SOAP Body';
          this.#push(F.M_BODY, local);
        } else this.#push(F.M_SKIP, local);
        return;
      case F.M_BODY:
        this.#openBodyChild(parent, tag);
        return;
      case F.M_FAULT:
        if (local === 'detail') this.#push(F.M_DETAIL, local);
        else this.#openValue(tag, FAULT_FIELDS.get(local), '');
        return;
      case F.M_DETAIL:
        if (parent.seenChild) {
          this.#push(F.M_SKIP, local);
          return;
        }
        parent.seenChild = true;
        // vSphere names the detail element after the fault (`NotAuthenticatedFault`): the
        // fallback type when the server omits xsi:type.
        this.#openValue(tag, undefined, local.endsWith('Fault') ? local.slice(0, -5) : local);
        return;
      default:
        this.#push(F.M_SKIP, local);
    }
  }

  #openBodyChild(parent: F.Frame, tag: SaxesTagNS): void {
    if (parent.seenChild) {
      this.#push(F.M_SKIP, tag.local);
      return;
    }
    parent.seenChild = true;
    if (tag.uri === SOAPENV_NS && tag.local === 'Fault') {
      this.#push(F.M_FAULT, tag.local).obj = {};
    } else if (tag.local === this.#responseName) {
      const f = this.#push(F.M_RESPONSE, tag.local);
      f.obj = {};
      f.fields = this.#responseFields;
    } else {
      this.#fail(`expected <${this.#responseName}> or a SOAP Fault in the Body, got <${tag.name}>`);
    }
  }

  #openValue(tag: SaxesTagNS, field: FieldSchema | undefined, fallbackType: string): void {
    if (field === undefined && tag.local === '__proto__') {
      this.#push(F.M_SKIP, tag.local);
      return;
    }
    const f = this.#openTyped(tag, field?.type, fallbackType);
    f.known = field !== undefined;
    f.array = field?.array ?? false;
  }

  /** Pushes the frame for an element declared as `declared` (undefined = not in the schema). */
  #openTyped(tag: SaxesTagNS, declared: string | undefined, fallbackType: string): F.Frame {
    let type = declared;
    // The server's type name when the registry does not know it (a newer server's subtype).
    let unknownType = '';
    const xsi = xsiTypeOf(tag.attributes);
    if (xsi !== undefined) {
      const colon = xsi.indexOf(':');
      const name = colon < 0 ? xsi : xsi.slice(colon + 1);
      if (this.#parser.resolve(colon < 0 ? '' : xsi.slice(0, colon)) === XSD_NS) {
        type = primitiveCode(name) === P_NONE ? 'string' : name;
      } else if (this.#types.schema(name) !== undefined) {
        type = name;
      } else {
        unknownType = name;
        if (type !== undefined && this.#types.dataSchema(type) === undefined) type = undefined;
      }
    } else if (type === undefined && fallbackType !== '') {
      if (this.#types.schema(fallbackType) !== undefined) type = fallbackType;
      else unknownType = fallbackType;
    }
    return this.#pushTyped(tag, type, unknownType);
  }

  #pushTyped(tag: SaxesTagNS, type: string | undefined, unknownType: string): F.Frame {
    const local = tag.local;
    if (type === undefined || type === 'anyType') {
      const generic = unknownType.startsWith('ArrayOf');
      const f = this.#push(generic ? F.M_ARRAY : F.M_UNTYPED, local);
      if (generic) f.arr = [];
      else f.actualType = unknownType;
      return f;
    }
    const prim = primitiveCode(type);
    const schema = prim === P_NONE ? this.#types.schema(type) : undefined;
    const f = this.#push(F.modeOf(prim, schema), local);
    f.typeName = type;
    switch (f.mode) {
      case F.M_PRIM:
        f.prim = prim === P_NONE ? P_STRING : prim;
        break;
      case F.M_DATA:
        f.fields = this.#types.fieldMap(type);
        f.obj = { _type: unknownType === '' ? type : unknownType };
        break;
      case F.M_MOREF:
        f.morType = unqualifiedType(tag.attributes);
        break;
      case F.M_ARRAY:
        f.itemType = schema?.kind === 'array' ? schema.itemType : '';
        f.arr = [];
        break;
      default:
    }
    return f;
  }

  #push(mode: number, name: string): F.Frame {
    let f = this.#pool[this.#depth];
    if (f === undefined) {
      f = new F.Frame();
      this.#pool.push(f);
    }
    this.#depth++;
    F.resetFrame(f, mode, name);
    return f;
  }

  #primitiveValue(f: F.Frame): unknown {
    const value = parsePrimitive(f.prim, f.text);
    if (value === undefined) {
      const shown = f.text.length > 40 ? `${f.text.slice(0, 40)}…` : f.text;
      this.#fail(`<${f.name}>: ${JSON.stringify(shown)} is not a valid ${f.typeName}`);
    }
    return value;
  }

  #resultValue(f: F.Frame): unknown {
    if (this.#method.returnType === undefined) return undefined;
    const value = f.obj?.returnval;
    return value === undefined && this.#method.returnsArray ? [] : value;
  }

  #fail(message: string): never {
    throw new SoapDecodeError(`${this.#method.name}: ${message} (${this.#parser.where()})`);
  }
}

function xsiTypeOf(attributes: Record<string, SaxesAttributeNS>): string | undefined {
  for (const key in attributes) {
    const a = attributes[key];
    if (a !== undefined && a.local === 'type' && a.uri === XSI_NS) return a.value.trim();
  }
  return undefined;
}

function unqualifiedType(attributes: Record<string, SaxesAttributeNS>): string {
  const a = attributes.type;
  return a !== undefined && a.uri === '' ? a.value : '';
}

function faultOf(f: F.Frame): SoapFault {
  const obj = f.obj ?? {};
  const faultCode = typeof obj.faultcode === 'string' ? obj.faultcode : '';
  const faultString = typeof obj.faultstring === 'string' ? obj.faultstring : '';
  const d = f.value;
  if (
    typeof d === 'object' &&
    d !== null &&
    !Array.isArray(d) &&
    typeof (d as { _type?: unknown })._type === 'string'
  ) {
    return { faultCode, faultString, detail: d as { readonly _type: string } & Record<string, unknown> };
  }
  return { faultCode, faultString };
}
