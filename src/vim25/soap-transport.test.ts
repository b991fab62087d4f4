// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import type { Agent } from 'undici';
import {
  readTlsFixtures,
  startTlsServer,
  type TestHandler,
  type TlsFixtures,
  type TlsTestServer,
} from '../../test/support/tls-server.ts';
import type { MethodSchema, TypeRegistry } from './codec/schema.ts';
import {
  NotAuthenticatedError,
  SoapDecodeError,
  SoapTimeoutError,
  SoapTransportError,
  TlsThumbprintMismatchError,
  VimFaultError,
} from './faults.ts';
import { createHttpAgent } from './http-agent.ts';
import { SoapHttpTransport, type SoapCallEvent, type SoapHttpTransportOptions } from './soap-transport.ts';

const registry: TypeRegistry = {
  ManagedObjectReference: { kind: 'moref' },
  CurrentTimeRequestType: {
    kind: 'data',
    fields: [{ name: '_this', type: 'ManagedObjectReference', array: false, optional: false }],
  },
  MethodFault: { kind: 'data', fields: [] },
  RuntimeFault: { kind: 'data', base: 'MethodFault', fields: [] },
  SecurityError: { kind: 'data', base: 'RuntimeFault', fields: [] },
  NoPermission: {
    kind: 'data',
    base: 'SecurityError',
    fields: [
      { name: 'object', type: 'ManagedObjectReference', array: false, optional: true },
      { name: 'privilegeId', type: 'string', array: false, optional: true },
    ],
  },
  NotAuthenticated: { kind: 'data', base: 'NoPermission', fields: [] },
};
const currentTime: MethodSchema = {
  name: 'CurrentTime',
  requestType: 'CurrentTimeRequestType',
  returnType: 'dateTime',
  returnsArray: false,
};
const request = { _this: { type: 'ServiceInstance', value: 'ServiceInstance' } };

const envelope = (body: string): string =>
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"' +
  ' xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' +
  `<soapenv:Body>\n${body}\n</soapenv:Body>\n</soapenv:Envelope>`;
const timeText = '2026-11-23T04:38:32.123Z';
const timeReply = envelope(
  `<CurrentTimeResponse xmlns="urn:vim25"><returnval>${timeText}</returnval></CurrentTimeResponse>`,
);
const notAuthenticatedReply = envelope(
  '<soapenv:Fault><faultcode>ServerFaultCode</faultcode>' +
    '<faultstring>The session is not authenticated.</faultstring>' +
    '<detail><NotAuthenticatedFault xmlns="urn:vim25" xsi:type="NotAuthenticated">' +
    '<object type="Folder">group-d1</object><privilegeId>System.View</privilegeId>' +
    '</NotAuthenticatedFault></detail></soapenv:Fault>',
);

const xml = (
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void => {
  res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8', ...headers }).end(body);
};
const answerTime: TestHandler = (_req, res) => {
  xml(res, 200, timeReply);
};
const neverAnswer: TestHandler = () => undefined;

let fx: TlsFixtures;
const cleanups: (() => Promise<void>)[] = [];

before(async () => {
  fx = await readTlsFixtures();
});

after(async () => {
  await Promise.all(cleanups.map((c) => c()));
});

interface Rig {
  readonly server: TlsTestServer;
  readonly agent: Agent;
  readonly transport: SoapHttpTransport;
  readonly events: SoapCallEvent[];
}

/** A TLS server running `handler`, plus a transport to its /sdk trusting the test CA. */
async function rig(handler: TestHandler, options: Partial<SoapHttpTransportOptions> = {}): Promise<Rig> {
  const server = await startTlsServer({ cert: fx.serverCert, key: fx.serverKey, handler });
  const agent = createHttpAgent({ caPem: fx.caCert, connections: 1 });
  cleanups.push(async () => {
    await agent.destroy();
    await server.close();
  });
  const events: SoapCallEvent[] = [];
  const transport = new SoapHttpTransport({
    url: new URL('/sdk', server.url),
    dispatcher: agent,
    registry,
    onCall: (e) => events.push(e),
    ...options,
  });
  return { server, agent, transport, events };
}

/** Waits (bounded) until the server has no open socket: the client released its connection. */
async function waitForSocketsClosed(server: TlsTestServer): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (server.openSockets > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(server.openSockets, 0, 'the aborted call must release its socket');
}

test('given a CurrentTime reply should resolve with the decoded Date and report ok', async () => {
  const { transport, events } = await rig(answerTime);
  const value = await transport.roundTrip(currentTime, request);
  assert.ok(value instanceof Date);
  assert.equal(value.toISOString(), timeText);
  assert.equal(events.length, 1);
  const [event] = events;
  assert.ok(event !== undefined);
  assert.equal(event.method, 'CurrentTime');
  assert.equal(event.outcome, 'ok');
  assert.ok(event.durationMs >= 0);
});

test('given a call should POST the encoded request to the endpoint with SOAP headers', async () => {
  const bodies: string[] = [];
  const { server, transport } = await rig(
    (req, res, body) => {
      bodies.push(body);
      answerTime(req, res, body);
    },
    { apiVersion: '8.0.1.0' },
  );
  await transport.roundTrip(currentTime, request);
  const seen = server.requests[0];
  assert.equal(seen?.method, 'POST');
  assert.equal(seen.url, '/sdk');
  assert.equal(seen.headers.soapaction, 'urn:vim25/8.0.1.0');
  assert.equal(seen.headers['content-type'], 'text/xml; charset=utf-8');
  assert.equal(seen.headers.cookie, undefined);
  assert.match(
    bodies[0] ?? '',
    /<CurrentTime\b[^>]*>\s*<_this type="ServiceInstance">ServiceInstance<\/_this>/,
  );
});

test('given no apiVersion should send SOAPAction urn:vim25/7.0', async () => {
  const { server, transport } = await rig(answerTime);
  await transport.roundTrip(currentTime, request);
  assert.equal(server.requests[0]?.headers.soapaction, 'urn:vim25/7.0');
});

test('given a set-cookie session should capture it and send it back on later calls', async () => {
  const session = '"52b5a1f0-4c3d-4a8e-9d1c-0b7f2e6a9c11"';
  let calls = 0;
  const { server, transport } = await rig((_req, res) => {
    calls++;
    const headers: Record<string, string | string[]> =
      calls === 1
        ? { 'set-cookie': ['other=1; Path=/', `vmware_soap_session=${session}; Path=/; HttpOnly; Secure`] }
        : {};
    res.writeHead(200, { 'content-type': 'text/xml', ...headers }).end(timeReply);
  });
  assert.equal(transport.sessionCookie, undefined);
  await transport.roundTrip(currentTime, request);
  assert.equal(transport.sessionCookie, session);
  await transport.roundTrip(currentTime, request);
  assert.equal(server.requests[1]?.headers.cookie, `vmware_soap_session=${session}`);
  transport.sessionCookie = undefined;
  await transport.roundTrip(currentTime, request);
  assert.equal(server.requests[2]?.headers.cookie, undefined);
});

test('given an adopted session cookie should send it on the first call', async () => {
  const { server, transport } = await rig(answerTime);
  transport.sessionCookie = 'abc';
  await transport.roundTrip(currentTime, request);
  assert.equal(server.requests[0]?.headers.cookie, 'vmware_soap_session=abc');
});

test('given a NotAuthenticated fault with HTTP 500 should reject with NotAuthenticatedError and report fault', async () => {
  const { transport, events } = await rig((_req, res) => {
    xml(res, 500, notAuthenticatedReply);
  });
  const err = await transport.roundTrip(currentTime, request).catch((e: unknown) => e);
  assert.ok(err instanceof NotAuthenticatedError, String(err));
  assert.equal(err.fault.faultString, 'The session is not authenticated.');
  assert.equal(events[0]?.outcome, 'fault');
});

test('given a fault with HTTP 200 should still reject with the fault', async () => {
  const { transport } = await rig((_req, res) => {
    xml(res, 200, notAuthenticatedReply);
  });
  await assert.rejects(transport.roundTrip(currentTime, request), NotAuthenticatedError);
});

test('given HTTP 503 with an HTML page should reject with SoapTransportError status 503 and an excerpt', async () => {
  const { transport, events } = await rig((_req, res) => {
    res
      .writeHead(503, { 'content-type': 'text/html' })
      .end('<html><body>\n  Service   Unavailable\n</body></html>');
  });
  const err = await transport.roundTrip(currentTime, request).catch((e: unknown) => e);
  assert.ok(err instanceof SoapTransportError, String(err));
  assert.equal(err.status, 503);
  assert.match(err.message, /HTTP 503: <html><body> Service Unavailable <\/body><\/html>/);
  assert.equal(events[0]?.outcome, 'error');
});

test('given HTTP 500 without a SOAP envelope should reject with SoapTransportError status 500', async () => {
  const { transport } = await rig((_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
  });
  const err = await transport.roundTrip(currentTime, request).catch((e: unknown) => e);
  assert.ok(err instanceof SoapTransportError, String(err));
  assert.equal(err.status, 500);
  assert.ok(!(err instanceof VimFaultError));
});

test('given a server that never answers should reject with SoapTimeoutError and release the socket', async () => {
  const { server, transport, events } = await rig(neverAnswer, { timeoutMs: 150 });
  const started = performance.now();
  const err = await transport.roundTrip(currentTime, request).catch((e: unknown) => e);
  const elapsed = performance.now() - started;
  assert.ok(err instanceof SoapTimeoutError, String(err));
  assert.equal(err.timeoutMs, 150);
  assert.ok(elapsed >= 140 && elapsed < 1_500, `elapsed ${String(elapsed)} ms`);
  assert.equal(events[0]?.outcome, 'error');
  await waitForSocketsClosed(server);
});

test('given a body that stalls half-way should time out too', async () => {
  const { server, transport } = await rig((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.write(timeReply.slice(0, 120));
  });
  const err = await transport.roundTrip(currentTime, request, { timeoutMs: 150 }).catch((e: unknown) => e);
  assert.ok(err instanceof SoapTimeoutError, String(err));
  await waitForSocketsClosed(server);
});

test('given a per-call timeout longer than the default should wait for a slow reply', async () => {
  const { transport } = await rig(
    (req, res, body) => {
      setTimeout(() => {
        answerTime(req, res, body);
      }, 200);
    },
    { timeoutMs: 50 },
  );
  assert.ok((await transport.roundTrip(currentTime, request, { timeoutMs: 5_000 })) instanceof Date);
});

test('given the caller aborts should reject promptly with the reason and release the socket', async () => {
  const { server, transport, events } = await rig(neverAnswer);
  const controller = new AbortController();
  const reason = new Error('shutting down');
  setTimeout(() => {
    controller.abort(reason);
  }, 50);
  const started = performance.now();
  const err = await transport
    .roundTrip(currentTime, request, { signal: controller.signal })
    .catch((e: unknown) => e);
  assert.equal(err, reason);
  assert.ok(performance.now() - started < 1_000);
  assert.equal(events[0]?.outcome, 'error');
  await waitForSocketsClosed(server);
});

test('given an already aborted signal should reject with its reason and send nothing', async () => {
  const { server, transport } = await rig(answerTime);
  const reason = new Error('gone');
  await assert.rejects(
    transport.roundTrip(currentTime, request, { signal: AbortSignal.abort(reason) }),
    reason,
  );
  assert.equal(server.requests.length, 0);
});

test('given a truncated reply should reject with SoapDecodeError, never a partial result', async () => {
  const { transport } = await rig((_req, res) => {
    xml(res, 200, timeReply.slice(0, timeReply.indexOf('</returnval>')));
  });
  await assert.rejects(transport.roundTrip(currentTime, request), SoapDecodeError);
});

test('given a malformed reply still streaming should reject with SoapDecodeError and release the socket', async () => {
  const { server, transport } = await rig((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.write('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><soapenv:Envelope>');
  });
  await assert.rejects(transport.roundTrip(currentTime, request), SoapDecodeError);
  await waitForSocketsClosed(server);
});

test('given a connection reset mid-body should reject with SoapTransportError, not a decode error', async () => {
  const { transport } = await rig((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.write(timeReply.slice(0, 120), () => {
      res.socket?.destroy();
    });
  });
  const err = await transport.roundTrip(currentTime, request).catch((e: unknown) => e);
  assert.ok(err instanceof SoapTransportError, String(err));
  assert.equal(err.status, undefined);
  assert.ok(err.cause instanceof Error);
});

test('given a refused connection should reject with SoapTransportError without status, keeping the cause', async () => {
  const port = await closedPort();
  const agent = createHttpAgent({ caPem: fx.caCert });
  cleanups.push(() => agent.destroy());
  const transport = new SoapHttpTransport({
    url: new URL(`https://127.0.0.1:${String(port)}/sdk`),
    dispatcher: agent,
    registry,
  });
  const err = await transport.roundTrip(currentTime, request).catch((e: unknown) => e);
  assert.ok(err instanceof SoapTransportError, String(err));
  assert.equal(err.status, undefined);
  assert.equal((err.cause as { code?: unknown } | undefined)?.code, 'ECONNREFUSED');
});

test('given a wrong pinned thumbprint should reject with TlsThumbprintMismatchError and send nothing', async () => {
  const server = await startTlsServer({ cert: fx.impostorCert, key: fx.impostorKey, handler: answerTime });
  const agent = createHttpAgent({ thumbprint: new X509Certificate(fx.serverCert).fingerprint256 });
  cleanups.push(async () => {
    await agent.destroy();
    await server.close();
  });
  const transport = new SoapHttpTransport({ url: new URL('/sdk', server.url), dispatcher: agent, registry });
  await assert.rejects(transport.roundTrip(currentTime, request), TlsThumbprintMismatchError);
  assert.equal(server.requests.length, 0);
});

test('given several calls should reuse one keep-alive connection', async () => {
  const { server, transport } = await rig(answerTime);
  for (let i = 0; i < 5; i++) await transport.roundTrip(currentTime, request);
  assert.equal(server.requests.length, 5);
  assert.equal(server.tcpConnections, 1);
});

/** A port nothing listens on: bound once by us, then closed. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const address = srv.address();
  await new Promise<void>((resolve) => {
    srv.close(() => {
      resolve();
    });
  });
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

test('given a caller-built envelope should send exactly what the builder made around the element', async () => {
  const bodies: string[] = [];
  const { transport, events } = await rig((_req, res, body) => {
    bodies.push(body);
    xml(res, 200, timeReply);
  });
  const value = await transport.roundTripWithEnvelope(
    currentTime,
    request,
    (element) =>
      `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Header/><e:Body>${element}</e:Body></e:Envelope>`,
  );
  assert.ok(value instanceof Date);
  assert.equal(
    bodies[0],
    '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Header/><e:Body>' +
      '<CurrentTime xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></CurrentTime>' +
      '</e:Body></e:Envelope>',
  );
  assert.deepEqual(
    events.map((e) => e.outcome),
    ['ok'],
  );
});

test('given an envelope builder that throws should reject with its error and send nothing', async () => {
  const { server, transport, events } = await rig(answerTime);
  const boom = new Error('cannot sign');
  await assert.rejects(
    transport.roundTripWithEnvelope(currentTime, request, () => {
      throw boom;
    }),
    (err) => err === boom,
  );
  assert.equal(server.requests.length, 0);
  assert.deepEqual(
    events.map((e) => e.outcome),
    ['error'],
  );
});
