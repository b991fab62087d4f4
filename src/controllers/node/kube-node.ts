// SPDX-License-Identifier: Apache-2.0
/**
 * The parts of a core/v1 Node the node controllers read, as plain read-only data. Structural, so
 * the client's `V1Node` (class instances) and plain JSON objects from a cache both fit, and
 * controllers never construct client classes.
 */

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
  readonly timeAdded?: Date | string;
}

export interface StatusAddress {
  readonly type: string;
  readonly address: string;
}

export interface KubeNode {
  readonly metadata?: {
    readonly name?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec?: {
    readonly providerID?: string;
    readonly taints?: readonly Taint[];
  };
  readonly status?: {
    readonly addresses?: readonly StatusAddress[];
    readonly nodeInfo?: { readonly systemUUID?: string };
    readonly conditions?: readonly { readonly type: string; readonly status: string }[];
  };
}
