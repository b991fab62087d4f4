// SPDX-License-Identifier: Apache-2.0
import type { MethodSchema, TypeRegistry } from './schema.ts';
import { TypeIndex } from './type-index.ts';
import { ValueEncoder } from './value-encoder.ts';

export { SoapEncodeError } from './encode-error.ts';

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns:xsd="http://www.w3.org/2001/XMLSchema"' +
  ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  '<soapenv:Body>';
const ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>';

/**
 * Builds the complete SOAP 1.1 envelope for calling `method` with `request` (an object of the
 * method's request type: `_this` plus the parameters).
 *
 * Fields are written in xsd:sequence order from the registry, whatever the key order of the
 * object; undefined optional fields are omitted; arrays become repeated elements; MoRefs become
 * `<_this type="PropertyCollector">propertyCollector</_this>`; a data object whose `_type` is a
 * subtype of the declared type, and every anyType value, carries `xsi:type`. Text and attributes
 * are escaped.
 *
 * Throws `SoapEncodeError` (code `SOAP_ENCODE`, with the offending path) for an unknown
 * property, a missing required one, a value of the wrong JavaScript type, NaN/Infinity, an
 * invalid Date, an enum value not in the schema, or a character XML cannot carry. No partial
 * output is ever returned.
 */
export function encodeRequest(registry: TypeRegistry, method: MethodSchema, request: object): string {
  return `${ENVELOPE_OPEN}${encodeRequestElement(registry, method, request)}${ENVELOPE_CLOSE}`;
}

/**
 * The request element alone (`<Method xmlns="urn:vim25">…</Method>`), for callers that build
 * the envelope themselves, e.g. to sign the body with WS-Security. Same rules and errors as
 * `encodeRequest`. The element declares its own (default) namespace and uses the `xsi` prefix
 * only for `xsi:type`, which the enclosing envelope must declare.
 */
export function encodeRequestElement(registry: TypeRegistry, method: MethodSchema, request: object): string {
  const encoder = new ValueEncoder(new TypeIndex(registry));
  encoder.writeRaw(`<${method.name} xmlns="urn:vim25">`);
  encoder.writeFields(method.requestType, request, method.name);
  encoder.writeRaw(`</${method.name}>`);
  return encoder.output;
}
