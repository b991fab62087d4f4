// SPDX-License-Identifier: Apache-2.0
import type { ConfigIssue } from './config.ts';

/**
 * Collects the errors and warnings of one load. Errors make the load fail; warnings never do.
 * Duplicates (same path and message, e.g. a Global value read once for Global and once for the
 * deprecated single-vCenter entry) are kept once.
 */
export class IssueCollector {
  readonly #errors = new Map<string, ConfigIssue>();
  readonly #warnings = new Map<string, ConfigIssue>();

  error(path: string, message: string): void {
    this.#errors.set(`${path}\u0000${message}`, { path, message });
  }

  warn(path: string, message: string): void {
    this.#warnings.set(`${path}\u0000${message}`, { path, message });
  }

  addErrors(issues: readonly ConfigIssue[]): void {
    for (const i of issues) this.error(i.path, i.message);
  }

  addWarnings(issues: readonly ConfigIssue[]): void {
    for (const i of issues) this.warn(i.path, i.message);
  }

  get errors(): readonly ConfigIssue[] {
    return [...this.#errors.values()];
  }

  get warnings(): readonly ConfigIssue[] {
    return [...this.#warnings.values()];
  }

  get hasErrors(): boolean {
    return this.#errors.size > 0;
  }
}

/**
 * One line for an operator: `path: message`, or `path message` when the message continues the
 * path as a sentence (`global.insecure-flag is not a YAML key; did you mean insecureFlag?`).
 */
export function formatIssue(issue: ConfigIssue): string {
  return issue.message.startsWith('is ')
    ? `${issue.path} ${issue.message}`
    : `${issue.path}: ${issue.message}`;
}
