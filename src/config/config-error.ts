// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../lib/errors.ts';
import type { ConfigIssue } from './config.ts';
import { formatIssue } from './issues.ts';

/**
 * The cloud config cannot be used: unreadable, empty, unparsable or invalid. `issues` lists every
 * problem found (not just the first), each with its key path; `warnings` are the notes gathered
 * on the way, which often explain an error (an ignored key, for instance). Never carries a secret.
 */
export class ConfigError extends CcmError {
  readonly code = 'CONFIG_INVALID';
  readonly issues: readonly ConfigIssue[];
  readonly warnings: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], warnings: readonly ConfigIssue[] = [], options?: ErrorOptions) {
    super(issues.map(formatIssue).join('\n') || 'invalid cloud config', options);
    this.issues = issues;
    this.warnings = warnings;
  }
}
