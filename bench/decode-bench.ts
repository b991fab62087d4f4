// SPDX-License-Identifier: Apache-2.0
import { decodeResponse, type DecodedResponse } from '../src/vim25/codec/decode.ts';
import { RetrievePropertiesExMethod } from '../src/vim25/generated/methods.ts';
import { typeRegistry } from '../src/vim25/generated/type-registry.ts';
import { checkDecoded, type DecodeCheckCounts } from './decode-check.ts';
import { chunksOf, maximum, median, secondsSince, startMemorySampler } from './measure.ts';
import { retrievePropertiesResponse } from './synthetic-response.ts';

/** The reply the decode benchmark feeds to the decoder. */
export interface DecodeInput {
  readonly vms: number;
  readonly chunkBytes: number;
  readonly signal: AbortSignal;
}

/** Wall and CPU time of the timed decodes; every decode passed {@link checkDecoded}. */
export interface DecodeTimings {
  readonly vms: number;
  readonly responseBytes: number;
  readonly chunkBytes: number;
  readonly chunks: number;
  readonly warmups: number;
  readonly seconds: readonly number[];
  readonly medianSeconds: number;
  readonly maxSeconds: number;
  /** CPU time (user + system, all threads of the process) per timed run. */
  readonly cpuSeconds: readonly number[];
  readonly medianCpuSeconds: number;
  /** `heapUsed` and `heapTotal` right after the timed decodes: garbage V8 has not collected yet included. */
  readonly heapUsedAfterBytes: number;
  readonly heapTotalAfterBytes: number;
  /** What each checked decode contained. */
  readonly checked: DecodeCheckCounts;
}

/** Memory figures of the sampled decodes; every decode passed {@link checkDecoded}. */
export interface DecodeMemory {
  readonly memoryRuns: number;
  /** Highest heapUsed above the post-GC baseline during a decode (garbage included). */
  readonly peakExtraHeapBytes: number;
  /** Highest RSS above the baseline during a decode. */
  readonly peakExtraRssBytes: number;
  /** Heap still in use after a full GC while the decoded result is held: the result's size. */
  readonly retainedHeapBytes: number;
}

/** The two phases of the decode benchmark over one synthetic reply. */
export interface DecodeBench {
  /**
   * `warmups` untimed decodes, then `runs` timed ones. No GC is forced: after a forced full GC,
   * V8 drops the parser's type feedback and the next decodes would time deoptimised code.
   */
  time(runs: { readonly warmups: number; readonly runs: number }): Promise<DecodeTimings>;
  /**
   * `runs` decodes, each from a baseline taken after `gc()`, sampling heap and RSS between chunks
   * (kept apart from the timed runs, which sampling and forced GCs would disturb).
   */
  memory(runs: number, gc: () => void): Promise<DecodeMemory>;
}

/**
 * Prepares the decode benchmark: a synthetic vCenter RetrievePropertiesEx reply for `vms` VMs,
 * fed to `decodeResponse` in `chunkBytes` slices. Every decode is checked; a wrong result throws
 * `BenchCheckError`.
 */
export function createDecodeBench(input: DecodeInput): DecodeBench {
  const body = Buffer.from(retrievePropertiesResponse(input.vms), 'utf8');
  const decode = (onChunk?: () => void): Promise<DecodedResponse> =>
    decodeResponse(
      typeRegistry,
      RetrievePropertiesExMethod,
      chunksOf(body, input.chunkBytes, {
        signal: input.signal,
        ...(onChunk === undefined ? {} : { onChunk }),
      }),
    );
  const verify = (decoded: DecodedResponse): DecodeCheckCounts => checkDecoded(decoded, input.vms);
  return {
    async time({ warmups, runs }) {
      let checked: DecodeCheckCounts | undefined;
      for (let i = 0; i < warmups; i++) checked = verify(await decode());
      const seconds: number[] = [];
      const cpuSeconds: number[] = [];
      for (let i = 0; i < runs; i++) {
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        const decoded = await decode();
        seconds.push(secondsSince(start));
        const cpu = process.cpuUsage(cpuStart);
        cpuSeconds.push((cpu.user + cpu.system) / 1e6);
        checked = verify(decoded);
      }
      if (checked === undefined) throw new RangeError('decode benchmark: no decode was run');
      const heap = process.memoryUsage();
      return {
        vms: input.vms,
        responseBytes: body.length,
        chunkBytes: input.chunkBytes,
        chunks: Math.ceil(body.length / input.chunkBytes),
        warmups,
        seconds,
        medianSeconds: median(seconds),
        maxSeconds: maximum(seconds),
        cpuSeconds,
        medianCpuSeconds: median(cpuSeconds),
        heapUsedAfterBytes: heap.heapUsed,
        heapTotalAfterBytes: heap.heapTotal,
        checked,
      };
    },
    async memory(runs, gc) {
      const samples = [];
      for (let i = 0; i < runs; i++) samples.push(await measureMemory(gc, decode, verify));
      return {
        memoryRuns: runs,
        peakExtraHeapBytes: maximum(samples.map((m) => m.extraHeapBytes)),
        peakExtraRssBytes: maximum(samples.map((m) => m.extraRssBytes)),
        retainedHeapBytes: median(samples.map((m) => m.retainedHeapBytes)),
      };
    },
  };
}

async function measureMemory(
  gc: () => void,
  decode: (onChunk: () => void) => Promise<DecodedResponse>,
  verify: (decoded: DecodedResponse) => unknown,
): Promise<{ extraHeapBytes: number; extraRssBytes: number; retainedHeapBytes: number }> {
  gc();
  const sampler = startMemorySampler();
  const decoded = await decode(() => {
    sampler.sample();
  });
  sampler.sample();
  gc();
  const retainedHeapBytes = sampler.heapDelta();
  // Checked after the retained-heap reading, which keeps `decoded` alive until then.
  verify(decoded);
  return { ...sampler.peaks(), retainedHeapBytes };
}
