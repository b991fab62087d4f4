// SPDX-License-Identifier: Apache-2.0
import { Agent } from 'undici';
import { typeRegistry } from '../../src/vim25/generated/type-registry.ts';
import { SoapHttpTransport } from '../../src/vim25/soap-transport.ts';
import type { Vcsim } from './vcsim.ts';

/**
 * A bare SOAP transport to the simulator (its own agent, TLS verified against the simulator's
 * certificate, no session), for tests that exercise logins and sessions themselves. Dispose it
 * with `await using` or call `close()`.
 */
export function simTransport(
  sim: Vcsim,
): { transport: SoapHttpTransport; close: () => Promise<void> } & AsyncDisposable {
  const agent = new Agent({ connect: { ca: sim.certPem } });
  const transport = new SoapHttpTransport({
    url: new URL(sim.sdkUrl),
    dispatcher: agent,
    registry: typeRegistry,
  });
  const close = (): Promise<void> => agent.close();
  return { transport, close, [Symbol.asyncDispose]: close };
}
