// SPDX-License-Identifier: Apache-2.0

const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Why `value` cannot name a Kubernetes object of `kind`, or `undefined` when it can: a namespace
 * is a DNS-1123 label (≤ 63), a Secret name a DNS-1123 subdomain (≤ 253). Catching this at load
 * turns "Secret not found" at the first login into a config error.
 */
export function kubeNameProblem(kind: 'namespace' | 'secret', value: string): string | undefined {
  const ok =
    kind === 'namespace'
      ? value.length <= 63 && label.test(value)
      : value.length <= 253 && subdomain.test(value);
  if (ok) return undefined;
  return `not a valid Kubernetes ${kind === 'namespace' ? 'namespace' : 'Secret'} name ${JSON.stringify(value)} (lower-case letters, digits and "-"${kind === 'secret' ? ' or "."' : ''})`;
}
