// SPDX-License-Identifier: Apache-2.0
// Test-only: a plain-HTTP forwarding proxy in front of the in-memory API server that records what
// one client (e.g. one daemon) sent, since the server's own log cannot tell clients apart.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as one daemon's proxy forwarded it. */
export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  /** `performance.now()` when the request reached the proxy. */
  readonly at: number;
  /** Status the API server answered, 0 while unanswered or if the upstream failed. */
  status: number;
}

/** A plain-HTTP forwarding proxy in front of the API server that records what passes through. */
export interface RecordingProxy {
  readonly url: string;
  readonly requests: readonly ProxiedRequest[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const entry: ProxiedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      at: performance.now(),
      status: 0,
    };
    requests.push(entry);
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        entry.status = answer.statusCode ?? 0;
        res.writeHead(entry.status, answer.headers);
        answer.pipe(res);
      },
    );
    forward.once('error', () => res.destroy());
    res.once('close', () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((res) => server.close(res));
    },
  };
}
