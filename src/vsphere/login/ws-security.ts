// SPDX-License-Identifier: Apache-2.0
import { createHash, randomUUID, sign, type KeyObject } from 'node:crypto';

/**
 * WS-Security building blocks for the vCenter STS and `LoginByToken`: every signed element is
 * written directly in its exclusive-C14N form (namespace declarations on the element, attributes
 * in canonical order, explicit end tags, canonical escaping), so the bytes sent are the bytes
 * digested and the server's canonicalisation reproduces them. Element shapes follow the
 * WS-Security 1.1 / XML-DSig profile vCenter's STS accepts (RSA-SHA256, exc-c14n, SHA-256).
 */
export const WS_NS = {
  soapenv: 'http://schemas.xmlsoap.org/soap/envelope/',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsse11: 'http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  wst: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512',
  saml2: 'urn:oasis:names:tc:SAML:2.0:assertion',
} as const;

const excC14n = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const rsaSha256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const sha256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

/** A fresh `wsu:Id` / `Id` value (NCName: starts with an underscore). */
export function newId(): string {
  return `_${randomUUID()}`;
}

/** Escapes character data as canonical XML does. */
export function c14nText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

/** Escapes an attribute value as canonical XML does. */
export function c14nAttr(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

/** `2026-11-23T04:38:32.123Z`, the WS-Security time format (UTC, milliseconds). */
export function wsTime(date: Date): string {
  return date.toISOString();
}

/** The `wsu:Timestamp` of a request, valid from `created` to `expires`. */
export function timestampElement(id: string, created: Date, expires: Date): string {
  return (
    `<wsu:Timestamp xmlns:wsu="${WS_NS.wsu}" wsu:Id="${c14nAttr(id)}">` +
    `<wsu:Created>${wsTime(created)}</wsu:Created><wsu:Expires>${wsTime(expires)}</wsu:Expires>` +
    '</wsu:Timestamp>'
  );
}

/**
 * The signed `soapenv:Body` around `content`. `content` must already be canonical and must not
 * use a prefix declared outside it (our vim25 request elements and the RST qualify; `xsi:type`
 * would not, and is refused).
 */
export function bodyElement(id: string, content: string): string {
  if (content.includes('xsi:')) throw new TypeError('a signed body must not rely on the envelope xsi prefix');
  return (
    `<soapenv:Body xmlns:soapenv="${WS_NS.soapenv}" xmlns:wsu="${WS_NS.wsu}" wsu:Id="${c14nAttr(id)}">` +
    `${content}</soapenv:Body>`
  );
}

/** One element to sign: its `wsu:Id` and its canonical text (exactly as it appears in the message). */
export interface SignedPart {
  readonly id: string;
  readonly canonical: string;
}

/**
 * A `ds:Signature` over `parts` with an RSA key (RSA-SHA256 over the exc-c14n SignedInfo, one
 * SHA-256 reference per part), with the given `ds:KeyInfo` content and optional `Id`.
 */
export function signatureElement(options: {
  readonly id?: string;
  readonly parts: readonly SignedPart[];
  readonly key: KeyObject;
  readonly keyInfo: string;
}): string {
  const signedInfo =
    `<ds:SignedInfo xmlns:ds="${WS_NS.ds}">` +
    `<ds:CanonicalizationMethod Algorithm="${excC14n}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="${rsaSha256}"></ds:SignatureMethod>` +
    options.parts.map(reference).join('') +
    '</ds:SignedInfo>';
  const value = sign('sha256', Buffer.from(signedInfo, 'utf8'), options.key).toString('base64');
  const id = options.id === undefined ? '' : ` Id="${c14nAttr(options.id)}"`;
  return (
    `<ds:Signature xmlns:ds="${WS_NS.ds}"${id}>${signedInfo}` +
    `<ds:SignatureValue>${value}</ds:SignatureValue>` +
    `<ds:KeyInfo>${options.keyInfo}</ds:KeyInfo></ds:Signature>`
  );
}

function reference(part: SignedPart): string {
  const digest = createHash('sha256').update(part.canonical, 'utf8').digest('base64');
  return (
    `<ds:Reference URI="#${c14nAttr(part.id)}">` +
    `<ds:Transforms><ds:Transform Algorithm="${excC14n}"></ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${sha256}"></ds:DigestMethod>` +
    `<ds:DigestValue>${digest}</ds:DigestValue></ds:Reference>`
  );
}

/** A `wsse:Security` header element holding `children` (which may use the wsse and wsu prefixes). */
export function securityElement(children: string): string {
  return `<wsse:Security xmlns:wsse="${WS_NS.wsse}" xmlns:wsu="${WS_NS.wsu}">${children}</wsse:Security>`;
}

/** A SOAP 1.1 envelope with a header and an already-built `soapenv:Body` element. */
export function envelopeWith(header: string, body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="${WS_NS.soapenv}">` +
    `<soapenv:Header>${header}</soapenv:Header>${body}</soapenv:Envelope>`
  );
}
