// SPDX-License-Identifier: Apache-2.0
import { registerHooks } from 'node:module';

const CONFIG_MODULE = '/@kubernetes/client-node/dist/config.js';
const SHIM_URL = new URL('./client-node-gen-shim.ts', import.meta.url).href;

/**
 * Makes client-node's `KubeConfig` load without the generated API layer: `dist/config.js` imports
 * `./gen/index.js`, which loads every API class and model (about 45 MB of heap the daemon never
 * uses; docs/adr/0006), for two names only. A module resolve hook answers that one import with
 * `client-node-gen-shim.ts`, which exports those two names from their own modules. Every other
 * import resolves as usual, so a `KubeConfig` behaves exactly the same.
 *
 * Call it once, before anything imports `@kubernetes/client-node` (the daemon's entry point does);
 * nothing else in the process may import the package index afterwards, or the layer loads anyway
 * (harmless, only larger). The hook is process-wide and stays for the process's lifetime.
 */
export function trimClientNodeImports(): void {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === './gen/index.js' && context.parentURL?.endsWith(CONFIG_MODULE) === true)
        return { url: SHIM_URL, shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
}
