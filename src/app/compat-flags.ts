// SPDX-License-Identifier: Apache-2.0

/** How a flag's value is read: pflag's types that the Go CCM uses. */
export type FlagKind = 'string' | 'bool' | 'int' | 'float' | 'duration' | 'list' | 'map';

/**
 * Go CCM flags seen in upstream manifests that have no effect here (secure serving, delegated
 * authn/authz, node IPAM, klog and profiling options). They are accepted, with a warning, so
 * existing manifests keep working; the kind says whether the flag consumes a value.
 */
export const COMPAT_FLAGS: readonly (readonly [string, FlagKind])[] = [
  ['authentication-kubeconfig', 'string'],
  ['authorization-kubeconfig', 'string'],
  ['authentication-skip-lookup', 'bool'],
  ['authorization-always-allow-paths', 'list'],
  ['client-ca-file', 'string'],
  ['use-service-account-credentials', 'bool'],
  ['allocate-node-cidrs', 'bool'],
  ['configure-cloud-routes', 'bool'],
  ['cluster-cidr', 'string'],
  ['cidr-allocator-type', 'string'],
  ['profiling', 'bool'],
  ['contention-profiling', 'bool'],
  ['feature-gates', 'map'],
  ['leader-elect-resource-lock', 'string'],
  ['requestheader-client-ca-file', 'string'],
  ['requestheader-allowed-names', 'list'],
  ['requestheader-extra-headers-prefix', 'list'],
  ['requestheader-group-headers', 'list'],
  ['requestheader-username-headers', 'list'],
  ['cert-dir', 'string'],
  ['tls-cipher-suites', 'list'],
  ['tls-min-version', 'string'],
  ['kube-api-content-type', 'string'],
  ['min-resync-period', 'duration'],
  ['route-reconciliation-period', 'duration'],
  ['node-sync-period', 'duration'],
  ['external-cloud-volume-plugin', 'string'],
  ['logtostderr', 'bool'],
  ['alsologtostderr', 'bool'],
];
