// SPDX-License-Identifier: Apache-2.0
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { CcmError } from '../../lib/errors.ts';
import type { LoginRejection } from './login-guard.ts';
import { WS_NS } from './ws-security.ts';

/** A SAML 2.0 assertion issued by the STS. */
export interface SamlToken {
  /**
   * The `saml2:Assertion` element exactly as issued (it is signed by the STS), with the namespace
   * declarations it inherited from the reply copied onto it so it can be embedded anywhere.
   */
  readonly assertion: string;
  /** The assertion's `ID`, which a holder-of-key signature references. */
  readonly id: string;
  /** End of the token's lifetime, when the STS said. */
  readonly expires: Date | undefined;
}

/** The STS answered with a SOAP fault: it refused the request. Counts as a refused login. */
export class StsFaultError extends CcmError implements LoginRejection {
  readonly code = 'STS_FAULT';
  readonly loginRejected = true;
  readonly faultCode: string;
  readonly faultString: string;

  constructor(where: string, faultCode: string, faultString: string) {
    super(`${where} refused the token request: ${faultCode}: ${faultString}`);
    this.faultCode = faultCode;
    this.faultString = faultString;
  }
}

/**
 * The Issue exchange failed without the STS refusing the request: unreachable, timed out, an
 * HTTP error that is not a SOAP fault, or a reply without a token. `status` when one arrived.
 */
export class StsError extends CcmError {
  readonly code = 'STS_FAILED';
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

interface Found {
  fault?: { code: string; text: string };
  assertion?: { start: number; end: number; tag: SaxesTagNS; inherited: Record<string, string> };
  expires?: string;
}

/**
 * Reads an STS reply: a SOAP fault becomes `StsFaultError` (whatever the HTTP status); a 2xx
 * reply must hold `RequestedSecurityToken/saml2:Assertion` with an ID; anything else is an
 * `StsError`. The reply text never appears in an error (it may hold a token).
 */
export function parseStsResponse(text: string, status: number, where: string): SamlToken {
  let found: Found;
  try {
    found = scan(text);
  } catch {
    throw new StsError(`${where}: reply is not well-formed XML (HTTP ${String(status)})`, status);
  }
  if (found.fault !== undefined) throw new StsFaultError(where, found.fault.code, found.fault.text);
  if (status < 200 || status > 299) throw new StsError(`${where} answered HTTP ${String(status)}`, status);
  const a = found.assertion;
  const id = a?.tag.attributes['ID']?.value;
  if (a === undefined || id === undefined || id === '')
    throw new StsError(`${where}: reply carries no SAML assertion with an ID`, status);
  const expires = found.expires === undefined ? undefined : new Date(found.expires);
  return {
    assertion: withInheritedNamespaces(text.slice(a.start, a.end), a.tag, a.inherited),
    id,
    expires: expires === undefined || Number.isNaN(expires.getTime()) ? undefined : expires,
  };
}

function scan(text: string): Found {
  const parser = new SaxesParser<{ xmlns: true }>({ xmlns: true });
  const found: Found = {};
  const path: string[] = [];
  // saxes reports only the declarations made on each element; the scope is ours to keep.
  const scopes: Readonly<Record<string, string>>[] = [{}];
  let start = -1;
  let depthAtAssertion = -1;
  let textBuf = '';
  parser.on('opentagstart', () => {
    start = text.lastIndexOf('<', parser.position - 1);
  });
  parser.on('opentag', (tag) => {
    const outer = scopes.at(-1) ?? {};
    path.push(tag.local);
    scopes.push({ ...outer, ...tag.ns });
    textBuf = '';
    if (depthAtAssertion < 0 && isIssuedAssertion(tag, path)) {
      depthAtAssertion = path.length;
      found.assertion = { start, end: -1, tag, inherited: inheritedNamespaces(tag, outer) };
    }
  });
  parser.on('text', (t) => {
    textBuf += t;
  });
  parser.on('closetag', (tag) => {
    if (path.length === depthAtAssertion && found.assertion !== undefined && found.assertion.end < 0) {
      found.assertion.end = parser.position;
    }
    recordLeaf(found, path, tag.local, textBuf);
    path.pop();
    scopes.pop();
    textBuf = '';
  });
  parser.write(text).close();
  return found;
}

function isIssuedAssertion(tag: SaxesTagNS, path: readonly string[]): boolean {
  return tag.local === 'Assertion' && tag.uri === WS_NS.saml2 && path.at(-2) === 'RequestedSecurityToken';
}

function recordLeaf(found: Found, path: readonly string[], local: string, text: string): void {
  const parent = path.at(-2);
  if (parent === 'Fault' && local === 'faultcode')
    found.fault = { code: text.trim(), text: found.fault?.text ?? '' };
  if (parent === 'Fault' && local === 'faultstring')
    found.fault = { code: found.fault?.code ?? '', text: text.trim() };
  if (parent === 'Lifetime' && local === 'Expires' && path.includes('RequestSecurityTokenResponse'))
    found.expires ??= text.trim();
}

/** Namespace bindings of the enclosing scope that the tag does not redeclare. */
function inheritedNamespaces(
  tag: SaxesTagNS,
  outer: Readonly<Record<string, string>>,
): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const [prefix, uri] of Object.entries(outer)) {
    if (!Object.hasOwn(tag.ns, prefix)) inherited[prefix] = uri;
  }
  return inherited;
}

/**
 * Copies inherited namespace declarations onto the element's start tag. The element's namespace
 * context is unchanged by this, so every canonical form of it, and the STS signature over it,
 * stay the same.
 */
function withInheritedNamespaces(
  element: string,
  tag: SaxesTagNS,
  inherited: Readonly<Record<string, string>>,
): string {
  const decls = Object.entries(inherited)
    .map(([prefix, uri]) => `${prefix === '' ? 'xmlns' : `xmlns:${prefix}`}="${escapeAttr(uri)}"`)
    .join(' ');
  if (decls === '') return element;
  const afterName = 1 + tag.name.length;
  return `${element.slice(0, afterName)} ${decls}${element.slice(afterName)}`;
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}
