// SPDX-License-Identifier: Apache-2.0
import { readFile } from 'node:fs/promises';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

/** The committed test-only certificates (see test/fixtures/tls/README.md), as PEM text. */
export interface TlsFixtures {
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly impostorCert: string;
  readonly impostorKey: string;
}

/** A request as the server saw it, recorded as soon as its headers arrived. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** Answers one request; `body` is the complete request body. May leave `res` unanswered. */
export type TestHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A TLS server on 127.0.0.1 with an ephemeral port, recording what reached it. */
export interface TlsTestServer {
  /** `https://127.0.0.1:<port>/`. */
  readonly url: URL;
  /** Every request whose headers arrived, in order. */
  readonly requests: readonly RecordedRequest[];
  /** TCP connections accepted so far. */
  readonly tcpConnections: number;
  /** TLS handshakes completed so far, and how many of them resumed an earlier session. */
  readonly handshakes: number;
  readonly resumedHandshakes: number;
  /** TCP connections currently open. */
  readonly openSockets: number;
  /** Serves a different certificate to connections made from now on. */
  setCertificate(pem: { readonly cert: string; readonly key: string }): void;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

const fixturesDir = join(import.meta.dirname, '..', 'fixtures', 'tls');

/** Reads the TLS fixtures from test/fixtures/tls. */
export async function readTlsFixtures(): Promise<TlsFixtures> {
  const read = (name: string): Promise<string> => readFile(join(fixturesDir, name), 'utf8');
  const [caCert, serverCert, serverKey, impostorCert, impostorKey] = await Promise.all([
    read('ca-cert.pem'),
    read('server-cert.pem'),
    read('server-key.pem'),
    read('impostor-cert.pem'),
    read('impostor-key.pem'),
  ]);
  return { caCert, serverCert, serverKey, impostorCert, impostorKey };
}

const okHandler: TestHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
};

/** Starts a TLS server on 127.0.0.1:0 presenting `cert`/`key`; `handler` defaults to a 200 "ok". */
export async function startTlsServer(options: {
  readonly cert: string;
  readonly key: string;
  readonly handler?: TestHandler;
}): Promise<TlsTestServer> {
  const handler = options.handler ?? okHandler;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const counts = { tcp: 0, handshakes: 0, resumed: 0 };
  const server = createServer({ cert: options.cert, key: options.key }, (req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handler(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  server.on('connection', (socket: Socket) => {
    counts.tcp++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    counts.handshakes++;
    if (socket.isSessionReused()) counts.resumed++;
  });
  // Clients that reject the certificate abort the handshake; that is expected here.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`https://127.0.0.1:${String(port)}/`),
    requests,
    get tcpConnections() {
      return counts.tcp;
    },
    get handshakes() {
      return counts.handshakes;
    },
    get resumedHandshakes() {
      return counts.resumed;
    },
    get openSockets() {
      return sockets.size;
    },
    setCertificate(pem) {
      server.setSecureContext({ cert: pem.cert, key: pem.key });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
