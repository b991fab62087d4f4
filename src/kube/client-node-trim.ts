// SPDX-License-Identifier: Apache-2.0
import { registerHooks } from 'node:module';

const CONFIG_MODULE = '/@kubernetes/client-node/dist/config.js';
/** What `dist/config.js` imports that the daemon answers itself, and with which module. */
const REDIRECTS: Readonly<Record<string, string>> = {
  './gen/index.js': new URL('./client-node-gen-shim.ts', import.meta.url).href,
  './oidc_auth.js': new URL('./client-node-oidc-shim.ts', import.meta.url).href,
};

/**
 * Makes client-node's `KubeConfig` load without the generated API layer: `dist/config.js` imports
 * `./gen/index.js`, which loads every API class and model (about 45 MB of heap the daemon never
 * uses; docs/adr/0006), for two names only, and `./oidc_auth.js`, which loads `openid-client` for
 * OIDC kubeconfigs. A module resolve hook answers those two imports of that one module with
 * `client-node-gen-shim.ts` (the two names, from their own modules) and `client-node-oidc-shim.ts`
 * (the same authenticator, loaded on first use). Every other import resolves as usual, so a
 * `KubeConfig` behaves exactly the same.
 *
 * Call it once, before anything imports `@kubernetes/client-node` (the daemon's entry point does);
 * nothing else in the process may import the package index afterwards, or the layer loads anyway
 * (harmless, only larger). The hook is process-wide and stays for the process's lifetime.
 */
export function trimClientNodeImports(): void {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const url = REDIRECTS[specifier];
      if (url !== undefined && context.parentURL?.endsWith(CONFIG_MODULE) === true)
        return { url, shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
}
