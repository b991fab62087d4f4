// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../src/lib/errors.ts';

/**
 * A benchmark produced a wrong result (missing objects, wrong values): its timings mean nothing
 * and the run must fail (exit 1) instead of reporting them.
 */
export class BenchCheckError extends CcmError {
  readonly code = 'BENCH_CHECK_FAILED';
}

/** Throws `BenchCheckError` with `message` unless `condition` holds. */
export function check(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new BenchCheckError(message());
}
