// SPDX-License-Identifier: Apache-2.0
import { TextDecoder } from 'node:util';
import { SaxesParser } from 'saxes';
import { SoapDecodeError, type SoapFault } from '../faults.ts';
import { ResponseBuilder } from './response-builder.ts';
import type { MethodSchema, TypeRegistry } from './schema.ts';
import { TypeIndex } from './type-index.ts';

/** A decoded SOAP reply: the method's `returnval`, or the SOAP Fault the server sent instead. */
export type DecodedResponse =
  | { readonly kind: 'result'; readonly value: unknown }
  | { readonly kind: 'fault'; readonly fault: SoapFault };

/**
 * Decodes the reply to `method`, streaming: each chunk of `body` is parsed as it arrives and
 * values are built directly from the registry (no DOM, the document is never buffered whole).
 * Split UTF-8 sequences across chunks are handled.
 *
 * The result value follows the schema: numbers, booleans, `Date` for dateTime, strings verbatim,
 * enums as strings, MoRefs as `{ type, value }`, `ArrayOfX` as `X[]`, declared-array fields always
 * arrays, absent fields absent, and every data object tagged with its actual `_type` (resolved from
 * `xsi:type` by namespace URI, whatever prefix the server used). `returnval` becomes `[]` for an
 * array method that returned nothing and `undefined` for a void method or an absent optional
 * result. Elements the schema does not know are decoded by their xsi:type, else as strings or
 * objects of strings, and never cause an error.
 *
 * Rejects with `SoapDecodeError` for non-XML, invalid UTF-8, a DOCTYPE, a truncated document or
 * one that is not a SOAP response to `method`, or a value invalid for its type: never a partial
 * result. An error thrown by `body` itself (e.g. a connection reset) propagates unchanged.
 */
export async function decodeResponse(
  registry: TypeRegistry,
  method: MethodSchema,
  body: AsyncIterable<Uint8Array | string> | string,
): Promise<DecodedResponse> {
  const parser = new SaxesParser<{ xmlns: true }>({ xmlns: true });
  const builder = new ResponseBuilder(new TypeIndex(registry), method, {
    resolve: (prefix) => parser.resolve(prefix),
    where: () => `line ${String(parser.line)}, column ${String(parser.column)}`,
  });
  parser.on('opentag', (tag) => {
    builder.open(tag);
  });
  parser.on('closetag', () => {
    builder.close();
  });
  parser.on('text', (text) => {
    builder.text(text);
  });
  parser.on('cdata', (text) => {
    builder.text(text);
  });
  parser.on('doctype', () => {
    // SOAP forbids DTDs; refusing them also rules out entity tricks.
    throw new SoapDecodeError(`${method.name}: a SOAP message must not contain a DOCTYPE`);
  });

  if (typeof body === 'string') {
    feed(parser, method, body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
  } else {
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    for await (const chunk of body) {
      feed(parser, method, typeof chunk === 'string' ? chunk : utf8Decode(utf8, method, chunk));
    }
    feed(parser, method, utf8Decode(utf8, method, undefined));
  }
  feed(parser, method, null);
  return builder.finish();
}

/** Writes `text` to the parser (null = end of document), converting parse errors. */
function feed(parser: SaxesParser<{ xmlns: true }>, method: MethodSchema, text: string | null): void {
  try {
    if (text === null) parser.close();
    else if (text !== '') parser.write(text);
  } catch (err) {
    if (err instanceof SoapDecodeError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new SoapDecodeError(`${method.name}: malformed XML: ${message}`, { cause: err });
  }
}

function utf8Decode(decoder: TextDecoder, method: MethodSchema, chunk: Uint8Array | undefined): string {
  try {
    return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
  } catch (err) {
    throw new SoapDecodeError(`${method.name}: response is not valid UTF-8`, { cause: err });
  }
}
