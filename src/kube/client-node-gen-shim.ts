// SPDX-License-Identifier: Apache-2.0
/**
 * Stands in for `@kubernetes/client-node/dist/gen/index.js` when `dist/config.js` imports it in
 * the daemon (see `client-node-trim.ts`): `KubeConfig` uses only these two names, for
 * `makeApiClient`, which the daemon never calls.
 */
export { createConfiguration } from '@kubernetes/client-node/dist/gen/configuration.js';
export { ServerConfiguration } from '@kubernetes/client-node/dist/gen/servers.js';
