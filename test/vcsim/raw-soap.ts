// SPDX-License-Identifier: Apache-2.0
// Hand-written SOAP and REST calls for checking the simulator harness without the project's own
// clients: string envelopes in, status and text out, regex helpers to read replies.
import { request, type Agent } from 'undici';

const CALL_TIMEOUT_MS = 10_000;

/** Escapes text for use inside an XML element. */
export const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Escapes text for use inside a RegExp. */
export const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Wraps a vim25 request element in a SOAP envelope. */
export const envelope = (body: string): string =>
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
  ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

/** ServiceInstance.RetrieveServiceContent. */
export const retrieveServiceContent =
  '<RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>';

/** SessionManager.Login. */
export const login = (user: string, password: string): string =>
  '<Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this>' +
  `<userName>${xmlEscape(user)}</userName><password>${xmlEscape(password)}</password></Login>`;

/** SearchIndex.FindByUuid for a VM's BIOS UUID. */
export const findByUuid = (uuid: string): string =>
  '<FindByUuid xmlns="urn:vim25"><_this type="SearchIndex">SearchIndex</_this>' +
  `<uuid>${xmlEscape(uuid)}</uuid><vmSearch>true</vmSearch></FindByUuid>`;

/** ViewManager.CreateContainerView over all VMs under the root folder. */
export const createVmView =
  '<CreateContainerView xmlns="urn:vim25"><_this type="ViewManager">ViewManager</_this>' +
  '<container type="Folder">group-d1</container><type>VirtualMachine</type><recursive>true</recursive></CreateContainerView>';

/** An ObjectSpec for one object, or (traverseView) for the contents of a container view. */
export const objectSpec = (type: string, value: string, traverseView = false): string =>
  `<objectSet><obj type="${type}">${xmlEscape(value)}</obj>` +
  (traverseView
    ? '<skip>true</skip><selectSet xsi:type="TraversalSpec"><type>ContainerView</type><path>view</path></selectSet>'
    : '') +
  '</objectSet>';

/** PropertyCollector.RetrievePropertiesEx on the default collector. */
export const retrieve = (
  type: string,
  paths: readonly string[],
  objects: string,
  maxObjects?: number,
): string =>
  '<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><specSet>' +
  `<propSet><type>${type}</type>${paths.map((p) => `<pathSet>${p}</pathSet>`).join('')}</propSet>${objects}</specSet>` +
  `<options>${maxObjects === undefined ? '' : `<maxObjects>${maxObjects}</maxObjects>`}</options></RetrievePropertiesEx>`;

/** What a SOAP call returned: HTTP status, body text and the session cookie if one was set. */
export interface SoapReply {
  readonly status: number;
  readonly text: string;
  readonly cookie: string | undefined;
}

/** Options of {@link soap}: a session cookie and a signal (default: 10 s timeout). */
export interface SoapOptions {
  readonly cookie?: string;
  readonly signal?: AbortSignal;
}

/** Posts one SOAP request to `sdkUrl`; rejects only on transport failure. */
export async function soap(
  sdkUrl: string,
  agent: Agent,
  body: string,
  options: SoapOptions = {},
): Promise<SoapReply> {
  const { cookie } = options;
  const res = await request(sdkUrl, {
    method: 'POST',
    dispatcher: agent,
    signal: options.signal ?? AbortSignal.timeout(CALL_TIMEOUT_MS),
    headers: { 'content-type': 'text/xml; charset=utf-8', ...(cookie === undefined ? {} : { cookie }) },
    body: envelope(body),
  });
  const setCookie = res.headers['set-cookie'];
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  return { status: res.statusCode, text: await res.body.text(), cookie: first?.split(';')[0] };
}

/** The text of a simple property value in a RetrievePropertiesEx reply, or undefined when absent. */
export function prop(xml: string, name: string): string | undefined {
  return new RegExp(`<propSet><name>${escapeRe(name)}</name><val[^>]*>([^<]*)</val></propSet>`).exec(
    xml,
  )?.[1];
}

/** The moref value of a reply's returnval, or undefined when there is none. */
export function returnval(xml: string): string | undefined {
  return /<returnval type="[A-Za-z]+">([^<]+)<\/returnval>/.exec(xml)?.[1];
}

/** Options of {@link rest}: a session id, "user:password" basic auth, a JSON body, a signal
 * (default: 10 s timeout). */
export interface RestOptions {
  readonly session?: string;
  readonly auth?: string;
  readonly body?: object;
  readonly signal?: AbortSignal;
}

/** Calls a vAPI REST path under `restUrl`; resolves with the status and the parsed JSON body. */
export async function rest(
  restUrl: string,
  agent: Agent,
  method: 'GET' | 'POST',
  path: string,
  options: RestOptions = {},
): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.session !== undefined) headers['vmware-api-session-id'] = options.session;
  if (options.auth !== undefined)
    headers['authorization'] = `Basic ${Buffer.from(options.auth).toString('base64')}`;
  const res = await request(`${restUrl}${path}`, {
    method,
    dispatcher: agent,
    headers,
    signal: options.signal ?? AbortSignal.timeout(CALL_TIMEOUT_MS),
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}
