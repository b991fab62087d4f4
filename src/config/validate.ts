// SPDX-License-Identifier: Apache-2.0
import type { CloudConfig, ConfigIssue } from './config.ts';
import { IssueCollector } from './issues.ts';
import type { RawConfig } from './raw-config.ts';
import { readLoadBalancer } from './validate-load-balancer.ts';
import { readLabels, readNodes, readNsxt, readRoute } from './validate-sections.ts';
import { readGlobal, readVcenters } from './validate-vcenters.ts';

/** Environment facts validation depends on, passed in to keep it pure. */
export interface ValidateOptions {
  /** `ENABLE_ALPHA_DUAL_STACK` is defined (any value): vCenters may list two IP families. */
  readonly dualStackEnabled: boolean;
}

/** The config and its warnings, or every error and the warnings. */
export type ValidateResult =
  | { readonly ok: true; readonly config: CloudConfig; readonly warnings: readonly ConfigIssue[] }
  | {
      readonly ok: false;
      readonly issues: readonly ConfigIssue[];
      readonly warnings: readonly ConfigIssue[];
    };

/**
 * Turns a raw config (environment overrides already applied) into the canonical config, or into
 * the complete list of problems, each with its key path. Nothing is dropped silently: an unusable
 * value is an error, an ignored one a warning. Pure: no I/O, no environment access.
 */
export function validateConfig(raw: RawConfig, options: ValidateOptions): ValidateResult {
  const issues = new IssueCollector();
  issues.addErrors(raw.errors);
  issues.addWarnings(raw.warnings);
  const ctx = { format: raw.format, issues, dualStackEnabled: options.dualStackEnabled };
  const global = readGlobal(ctx, raw);
  const vcenters = readVcenters(ctx, raw, global);
  const labels = readLabels(ctx, raw);
  const nodes = readNodes(ctx, raw);
  const nsxt = readNsxt(ctx, raw);
  const lb = readLoadBalancer(ctx, raw);
  const route = readRoute(ctx, raw);
  if (issues.hasErrors) return { ok: false, issues: issues.errors, warnings: issues.warnings };
  return {
    ok: true,
    config: {
      format: raw.format,
      global: global.global,
      vcenters,
      labels,
      nodes,
      nsxt,
      loadBalancer: lb.loadBalancer,
      loadBalancerClasses: lb.classes,
      route,
    },
    warnings: issues.warnings,
  };
}
