// SPDX-License-Identifier: Apache-2.0
// Test-only: a plain-HTTP stand-in for a vCenter's vAPI endpoint, used by the colocated tests.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';

/** A request as the fake saw it. */
export interface SeenRequest {
  readonly method: string;
  /** Path below `/rest`, e.g. `/com/vmware/cis/session`. */
  readonly path: string;
  /** The `~action` query parameter, or `undefined`. */
  readonly action: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Answers one request. It may leave `res` unanswered (to test timeouts). */
export type FakeHandler = (req: SeenRequest, res: ServerResponse) => void | Promise<void>;

/** A running fake with the dispatcher a client should use. */
export interface FakeVapi {
  /** `http://127.0.0.1:<port>/rest`. */
  readonly baseUrl: URL;
  readonly dispatcher: Agent;
  /** Every request that arrived, in order. */
  readonly requests: SeenRequest[];
  /** Closes the dispatcher and the server, dropping open connections. */
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeVapi(handler: FakeHandler): Promise<FakeVapi> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const seen: SeenRequest = {
        method: req.method ?? '',
        path: url.pathname.replace(/^\/rest/, ''),
        action: url.searchParams.get('~action') ?? undefined,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      Promise.resolve(handler(seen, res)).catch((err: unknown) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dispatcher = new Agent({ connections: 8 });
  return {
    baseUrl: new URL(`http://127.0.0.1:${String(port)}/rest`),
    dispatcher,
    requests,
    async close() {
      await dispatcher.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}

/** Writes a JSON reply. */
export function reply(res: ServerResponse, status: number, body?: unknown): void {
  res.statusCode = status;
  if (body === undefined) {
    res.end();
    return;
  }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

/** Writes a plain-text reply (vcsim's `http.NotFound`, proxies' HTML pages). */
export function replyText(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain');
  res.end(text);
}

/** True for the session login request. */
export function isLogin(req: SeenRequest): boolean {
  return req.method === 'POST' && req.path === '/com/vmware/cis/session' && req.action === undefined;
}

/** The `user:password` a login request carried in its basic auth header. */
export function basicAuth(req: SeenRequest): string | undefined {
  const h = req.headers.authorization;
  if (h?.startsWith('Basic ') !== true) return undefined;
  return Buffer.from(h.slice('Basic '.length), 'base64').toString('utf8');
}

/**
 * A handler for a minimal vAPI: logins with basic auth `user:pass` (or, when `authorization` is
 * set, with exactly that `Authorization` header) get `session-<n>`, other calls need a live
 * session (401 otherwise) and are passed to `next`. `sessions` can be cleared by a test to
 * simulate the server dropping them, or filled with ids it should accept (a shared SOAP session).
 */
export function withSessions(
  next: FakeHandler,
  state: { sessions: Set<string>; logins: number; password?: string; authorization?: string },
): FakeHandler {
  return (req, res) => {
    if (isLogin(req)) {
      state.logins += 1;
      const accepted =
        state.authorization === undefined
          ? basicAuth(req) === `user:${state.password ?? 'pass'}`
          : req.headers.authorization === state.authorization;
      if (!accepted) {
        reply(res, 401, { type: 'com.vmware.vapi.std.errors.unauthenticated', value: { messages: [] } });
        return;
      }
      const id = `session-${String(state.logins)}`;
      state.sessions.add(id);
      reply(res, 200, { value: id });
      return;
    }
    const id = req.headers['vmware-api-session-id'];
    if (typeof id !== 'string' || !state.sessions.has(id)) {
      reply(res, 401, { type: 'com.vmware.vapi.std.errors.unauthenticated', value: { messages: [] } });
      return;
    }
    return next(req, res);
  };
}
