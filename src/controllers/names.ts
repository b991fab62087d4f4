// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../lib/errors.ts';

/** The controllers this cloud-controller-manager can run, by their canonical `--controllers` name. */
export const CONTROLLER_NAMES = ['cloud-node', 'cloud-node-lifecycle', 'service', 'route'] as const;

export type ControllerName = (typeof CONTROLLER_NAMES)[number];

/** The newer upstream names (`k8s.io/cloud-provider/names`), accepted as aliases. */
const ALIASES: Readonly<Record<string, ControllerName>> = {
  'cloud-node-controller': 'cloud-node',
  'cloud-node-lifecycle-controller': 'cloud-node-lifecycle',
  'service-lb-controller': 'service',
  'node-route-controller': 'route',
};

/**
 * Upstream controllers this manager does not implement (`nodeipam`, off by default upstream).
 * Disabling them is accepted so upstream manifests (`*,-nodeipam`) keep working.
 */
const UNSUPPORTED = new Set(['nodeipam', 'node-ipam-controller']);

/** A `--controllers` entry names no known controller. */
export class UnknownControllerError extends CcmError {
  readonly code = 'UNKNOWN_CONTROLLER';
  readonly entry: string;

  constructor(entry: string) {
    super(`"${entry}" is not in the list of known controllers (${CONTROLLER_NAMES.join(', ')}, or "*")`);
    this.entry = entry;
  }
}

/** A `--controllers` entry enables an upstream controller this manager does not implement. */
export class UnsupportedControllerError extends CcmError {
  readonly code = 'UNSUPPORTED_CONTROLLER';
  readonly entry: string;

  constructor(entry: string) {
    super(`controller "${entry}" is not supported by this cloud-controller-manager`);
    this.entry = entry;
  }
}

function canonical(name: string): ControllerName | undefined {
  if ((CONTROLLER_NAMES as readonly string[]).includes(name)) return name as ControllerName;
  return ALIASES[name];
}

/**
 * Which controllers `--controllers` enables, with the upstream rules: `*` enables every
 * controller, `name` enables one, `-name` disables one and wins over both. Entries may be given
 * as repeated flags, comma-separated, or both; blanks are ignored. The default (no entries) is
 * `*`. Upstream aliases such as `service-lb-controller` are accepted. Throws
 * `UnknownControllerError` for an unknown name, so a typo fails the start instead of silently
 * disabling a controller, and `UnsupportedControllerError` for enabling `nodeipam`. The result is in canonical order.
 */
export function selectControllers(entries: readonly string[]): readonly ControllerName[] {
  const items = entries
    .flatMap((e) => e.split(','))
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (items.length === 0) items.push('*');
  const enabled = new Set<ControllerName>();
  const disabled = new Set<ControllerName>();
  let all = false;
  for (const item of items) {
    if (item === '*') {
      all = true;
      continue;
    }
    const negated = item.startsWith('-');
    const bare = negated ? item.slice(1) : item;
    if (UNSUPPORTED.has(bare)) {
      if (negated) continue;
      throw new UnsupportedControllerError(item);
    }
    const name = canonical(bare);
    if (name === undefined) throw new UnknownControllerError(item);
    (negated ? disabled : enabled).add(name);
  }
  return CONTROLLER_NAMES.filter((n) => !disabled.has(n) && (all || enabled.has(n)));
}
