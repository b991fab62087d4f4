// SPDX-License-Identifier: Apache-2.0
// Test-only: reaching the daemon's HTTPS server (/healthz, /readyz, /metrics) from e2e tests.
import assert from 'node:assert/strict';
import { get } from 'node:https';
import { createServer } from 'node:net';

/** A port that was free a moment ago (the daemon treats `--secure-port=0` as "no server"). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const address = server.address();
  await new Promise((res) => server.close(res));
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

/** One HTTPS answer. */
export interface HttpsReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * GET `path` from 127.0.0.1:`port` over HTTPS, trusting exactly `ca` when given; without it the
 * daemon's generated certificate is not checked (only its answers are). Bounded to 5 s.
 */
export function httpsGet(port: number, path: string, ca?: string): Promise<HttpsReply> {
  return new Promise((res, rej) => {
    const tls = ca === undefined ? { rejectUnauthorized: false } : { ca };
    const req = get({ host: '127.0.0.1', port, path, timeout: 5_000, ...tls }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (c: string) => (body += c));
      response.once('end', () => {
        res({ status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? '', body });
      });
    });
    req.once('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.once('error', rej);
  });
}
