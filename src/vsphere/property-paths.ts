// SPDX-License-Identifier: Apache-2.0
import type { ManagedObjectReference } from '../vim25/generated/data-objects.ts';

type Depth = [never, 0, 1, 2];

/** Values that are leaves for property paths: the collector returns them whole. */
type Leaf = readonly unknown[] | Date | ManagedObjectReference | string | number | boolean;

/**
 * Every dotted property path of `T` up to three levels deep (`'config.uuid'`,
 * `'summary.config.numCpu'`, `'guest.net'`), as vSphere's PropertySpec.pathSet accepts them.
 * Arrays and MoRefs end a path, as they do on the server.
 */
export type PropertyPath<T, D extends number = 3> = [D] extends [never]
  ? never
  : {
      [K in keyof T & string]-?: K extends '_type'
        ? never
        : NonNullable<T[K]> extends Leaf
          ? K
          : K | `${K}.${PropertyPath<NonNullable<T[K]>, Depth[D]>}`;
    }[keyof T & string];

/** The type of the value found at `P` in `T` (never undefined: absent values are absent keys). */
export type PathValue<T, P extends string> = P extends `${infer H}.${infer R}`
  ? H extends keyof T
    ? PathValue<NonNullable<T[H]>, R>
    : never
  : P extends keyof T
    ? NonNullable<T[P]>
    : never;

/** An object's retrieved properties, keyed by the requested paths. */
export type PropertiesOf<T, P extends string> = { readonly [K in P]?: PathValue<T, K> };
