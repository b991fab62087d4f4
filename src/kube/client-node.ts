// SPDX-License-Identifier: Apache-2.0
/**
 * The parts of `@kubernetes/client-node` the daemon runs, imported by their own modules rather
 * than the package index: the index loads every generated API class and model (about 45 MB of
 * heap for source text and code the daemon never calls; docs/adr/0006). Requests go through
 * `KubeRest` instead of the generated APIs. Type-only imports from the index are free and stay.
 */
export { KubeConfig } from '@kubernetes/client-node/dist/config.js';
export { Watch } from '@kubernetes/client-node/dist/watch.js';
export { ApiException } from '@kubernetes/client-node/dist/gen/apis/exception.js';
export { RequestContext, ResponseContext } from '@kubernetes/client-node/dist/gen/http/http.js';
export { Observable } from '@kubernetes/client-node/dist/gen/rxjsStub.js';
export { createConfiguration } from '@kubernetes/client-node/dist/gen/configuration.js';
