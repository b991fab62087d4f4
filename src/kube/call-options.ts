// SPDX-License-Identifier: Apache-2.0
import type { HttpLibrary, ResponseContext } from '@kubernetes/client-node';
import { Observable } from './client-node.ts';
import {
  kubeErrorCode,
  kubeRequestResource,
  kubeRequestVerb,
  type KubeRequestObserver,
} from './request-verb.ts';

/**
 * `inner` with every request reported to `onRequest` once it ends: verb and resource from the
 * method and URL, the HTTP status (non-2xx included), or `error` when no response arrived. The
 * time runs from sending to the response headers, so middleware (the rate-limit wait) is not in
 * it. An exception from `onRequest` is swallowed: observing never fails a request.
 */
export function observedHttpApi(inner: HttpLibrary, onRequest: KubeRequestObserver): HttpLibrary {
  return {
    send: (ctx) => {
      const url = new URL(ctx.getUrl());
      const verb = kubeRequestVerb(ctx.getHttpMethod(), url);
      const resource = kubeRequestResource(url);
      const started = performance.now();
      const report = (code: string): void => {
        try {
          onRequest({ verb, resource, code, durationMs: performance.now() - started });
        } catch {
          // Metrics must never change the outcome of a request.
        }
      };
      const sent: Promise<ResponseContext> = inner
        .send(ctx)
        .toPromise()
        .then(
          (res) => {
            report(String(res.httpStatusCode));
            return res;
          },
          (err: unknown) => {
            report(kubeErrorCode(err));
            throw err;
          },
        );
      return new Observable(sent);
    },
  };
}
