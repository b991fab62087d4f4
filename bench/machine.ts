// SPDX-License-Identifier: Apache-2.0
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';

/** Where and when the figures were measured. */
export interface MachineFacts {
  /** ISO 8601, UTC. */
  readonly date: string;
  readonly node: string;
  readonly v8: string;
  readonly os: string;
  readonly cpuCount: number;
  readonly cpuModel: string;
  /** What this process may use (cgroup/affinity limits included). */
  readonly availableParallelism: number;
  readonly totalMemoryBytes: number;
  /** 1-minute load average when the benchmark started: a busy machine slows every figure. */
  readonly loadAverage: number;
}

/** Reads the facts of this machine and process now. */
export function machineFacts(now: Date = new Date()): MachineFacts {
  const cores = cpus();
  const models = [...new Set(cores.map((c) => c.model.trim()))];
  return {
    date: now.toISOString(),
    node: process.version,
    v8: process.versions.v8,
    os: `${process.platform} ${release()} ${process.arch}`,
    cpuCount: cores.length,
    cpuModel: models.join(', ') || 'unknown',
    availableParallelism: availableParallelism(),
    totalMemoryBytes: totalmem(),
    loadAverage: loadavg()[0] ?? Number.NaN,
  };
}
