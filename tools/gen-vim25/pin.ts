// SPDX-License-Identifier: Apache-2.0
/** Checks that the govmomi sources are the pinned ones (see `pin` in allow-list.ts). */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { pin } from './allow-list.ts';
import type { SourceVersion } from './emit-common.ts';
import { VersionDriftError } from './errors.ts';

const dpkgTimeoutMs = 10_000;

/**
 * The installed version of the pinned Debian package, or undefined when dpkg is absent or the
 * package is not installed (e.g. sources taken from a `GOVMOMI_SRC` checkout).
 */
export function installedDebianVersion(signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    execFile(
      'dpkg-query',
      ['-W', '-f', '${Version}', pin.debianPackage],
      { signal, timeout: dpkgTimeoutMs, encoding: 'utf8' },
      (err, stdout) => {
        if (err === null) resolve(stdout.trim() === '' ? undefined : stdout.trim());
        // No dpkg at all, or dpkg exiting non-zero because the package is not installed.
        else if (err.code === 'ENOENT' || typeof err.code === 'number') resolve(undefined);
        else reject(signal.aborted ? (signal.reason as Error) : err);
      },
    );
  });
}

/** Inputs to compare with the pin: file contents by path relative to the govmomi root. */
export interface PinInputs {
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** From dpkg-query, or undefined when not applicable. */
  readonly debianVersion: string | undefined;
}

/** Every difference from the pin, as readable sentences; empty when the sources are the pinned ones. */
export function pinDrift(inputs: PinInputs): string[] {
  const drift: string[] = [];
  if (inputs.debianVersion !== undefined && inputs.debianVersion !== pin.debianVersion) {
    drift.push(`${pin.debianPackage} is ${inputs.debianVersion}, pinned ${pin.debianVersion}`);
  }
  for (const [path, expected] of Object.entries(pin.inputs)) {
    const content = inputs.files.get(path);
    const actual = content === undefined ? 'missing' : createHash('sha256').update(content).digest('hex');
    if (actual !== expected) drift.push(`${path} has sha256 ${actual}, pinned ${expected}`);
  }
  return drift;
}

/**
 * The version to print in file headers. Throws VersionDriftError on drift unless allowed; with
 * drift allowed, the header names what was actually found so the output is not mistaken for
 * pinned output.
 */
export function resolveSourceVersion(inputs: PinInputs, allowVersionDrift: boolean): SourceVersion {
  const drift = pinDrift(inputs);
  if (drift.length === 0) return { govmomiVersion: pin.govmomiVersion, debianVersion: pin.debianVersion };
  if (!allowVersionDrift) {
    throw new VersionDriftError(
      `govmomi sources differ from the pin in tools/gen-vim25/allow-list.ts: ${drift.join('; ')}. ` +
        'Update the pin, or pass --allow-version-drift to generate anyway.',
    );
  }
  const deb = inputs.debianVersion;
  return {
    govmomiVersion: deb === undefined ? 'unpinned' : `${deb.replace(/-[^-]*$/, '')} (unpinned)`,
    debianVersion: deb ?? 'none',
  };
}
