// SPDX-License-Identifier: Apache-2.0
import { Observable, type ConfigurationOptions } from '@kubernetes/client-node';

/** Per-call options that make the generated client honour an AbortSignal. */
export function withSignal(signal: AbortSignal): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (ctx) => {
          ctx.setSignal(signal);
          return new Observable(Promise.resolve(ctx));
        },
        post: (res) => new Observable(Promise.resolve(res)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}
