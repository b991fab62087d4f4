// SPDX-License-Identifier: Apache-2.0
import { labelKeyProblem, labelValueProblem } from '../../kube/node-patches.ts';

/**
 * Whether the API server accepts `value` as a label value: empty, or at most 63 characters of
 * `[-A-Za-z0-9_.]` that begin and end with an alphanumeric (rules in `kube/node-patches.ts`).
 */
export function isValidLabelValue(value: string): boolean {
  return labelValueProblem(value) === undefined;
}

/** Whether `key` is a qualified name: an optional DNS-subdomain prefix (≤ 253) and `/`, then a name (≤ 63). */
export function isValidLabelKey(key: string): boolean {
  return labelKeyProblem(key) === undefined;
}
