// SPDX-License-Identifier: Apache-2.0
import type { NodeIdentity } from '../cloud/instances.ts';
import type { CloudConfig } from '../config/config.ts';
import { ConfigError } from '../config/config-error.ts';
import { formatIssue } from '../config/issues.ts';
import { loadConfig } from '../config/load-config.ts';
import { abortableDelay } from '../lib/abort.ts';
import { CcmError } from '../lib/errors.ts';
import { explainNode, type NodeExplanation } from '../provider/explain-node.ts';
import type { VCenterPool } from '../provider/vcenter-pool.ts';
import { VSphereProvider } from '../provider/vsphere-provider.ts';
import type { CliIo } from './cli-io.ts';
import { openConfigPool, type ConfigPool } from '../app/config-pool.ts';
import { vcenterFailureLine } from './vcenter-failure-line.ts';
import { describeError } from './describe-error.ts';
import { explanationText } from './explain-node-text.ts';

/** Parsed `vsphere-ccm explain-node` flags. */
export interface ExplainNodeArgs {
  readonly cloudConfig: string;
  readonly nodeName: string | undefined;
  readonly providerId: string | undefined;
  readonly systemUuid: string | undefined;
  readonly output: 'text' | 'json';
  /** Seconds allowed for connecting every vCenter and loading its inventory and tags. */
  readonly timeout: number;
}

/** Something kept the command from explaining the node; the message is the one stderr line. */
class ExplainFailedError extends CcmError {
  readonly code = 'EXPLAIN_FAILED';
}

const TAG_POLL_MS = 20;

/**
 * `vsphere-ccm explain-node`: builds the provider exactly as the CCM does (config with the
 * environment, credential sources, connection pool, one inventory index per vCenter), waits for
 * every index to load (bounded by `timeout`), then explains the node (see `explainNode`) as text
 * or JSON on stdout. Every session is logged out before it returns.
 *
 * Exit 0: the CCM would publish metadata and both verdicts are answers. Exit 2 with one line on
 * stderr: usage error, invalid config (one line per problem), a vCenter that cannot be connected
 * or does not load in time (naming it and its last error), no VM or several VMs for the node.
 * Exit 2 as well when a step failed after the VM was found (e.g. no suitable IP, missing zone
 * tags): the explanation is printed all the same and each failed step's exact error is a line
 * on stderr.
 */
export async function runExplainNode(args: ExplainNodeArgs, io: CliIo): Promise<number> {
  const node = nodeIdentity(args);
  if (node === undefined) {
    io.stderr('error: give --node-name, --provider-id or --system-uuid\n');
    return 2;
  }
  if (!(args.timeout > 0) || !Number.isFinite(args.timeout)) {
    io.stderr('error: --timeout must be a positive number of seconds\n');
    return 2;
  }
  let config: CloudConfig;
  try {
    const loaded = await loadConfig(args.cloudConfig, { env: io.env });
    config = loaded.config;
    writeLines(
      io.stderr,
      loaded.warnings.map((w) => `warning: ${formatIssue(w)}`),
    );
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    writeLines(
      io.stderr,
      err.issues.map((i) => `error: ${formatIssue(i)}`),
    );
    return 2;
  }
  const timeoutMs = args.timeout * 1000;
  const deadlineAt = Date.now() + timeoutMs;
  const deadline = AbortSignal.timeout(timeoutMs);
  let opened: ConfigPool;
  try {
    opened = await openConfigPool(
      config,
      { callTimeoutMs: Math.min(timeoutMs, 30_000) },
      { signal: deadline },
    );
  } catch (err) {
    io.stderr(`error: credentials: ${describeError(err, { host: '?' })}\n`);
    return 2;
  }
  try {
    await connectAll(opened.pool, config, { signal: deadline, timeoutMs });
    const explanation = await explainWithProvider({
      node,
      config,
      pool: opened.pool,
      io,
      timeoutMs,
      deadlineAt,
    });
    io.stdout(
      args.output === 'json' ? `${JSON.stringify(explanation, null, 2)}\n` : explanationText(explanation),
    );
    const failures = Object.entries(explanation.errors).map(([step, e]) => `error: ${step}: ${e.message}`);
    writeLines(io.stderr, failures);
    return failures.length === 0 ? 0 : 2;
  } catch (err) {
    io.stderr(
      `error: ${err instanceof ExplainFailedError ? err.message : describeError(err, { host: '?' })}\n`,
    );
    return 2;
  } finally {
    await opened.close();
  }
}

/** The Node as the flags describe it; undefined when none identifies anything. */
function nodeIdentity(args: ExplainNodeArgs): NodeIdentity | undefined {
  const name = args.nodeName?.trim() ?? '';
  const providerID = args.providerId?.trim() ?? '';
  const systemUUID = args.systemUuid?.trim() ?? '';
  if (name === '' && providerID === '' && systemUUID === '') return undefined;
  return {
    name,
    ...(providerID === '' ? {} : { providerID }),
    ...(systemUUID === '' ? {} : { systemUUID }),
  };
}

/** Connects every vCenter at once; rejects with one line naming each one that failed. */
async function connectAll(
  pool: VCenterPool,
  config: CloudConfig,
  options: { readonly signal: AbortSignal; readonly timeoutMs: number },
): Promise<void> {
  const vcenters = [...config.vcenters.values()];
  const results = await Promise.allSettled(vcenters.map((vc) => pool.get(vc.tenantRef, options)));
  const failures = results.flatMap((result, i) => {
    const vc = vcenters[i];
    if (result.status === 'fulfilled' || vc === undefined) return [];
    if (options.signal.aborted && result.reason === options.signal.reason) {
      return [`vCenter "${vc.tenantRef}": not connected within ${seconds(options.timeoutMs)}`];
    }
    return [vcenterFailureLine(vc, config, result.reason)];
  });
  if (failures.length > 0) throw new ExplainFailedError(failures.join('; '));
}

interface ProviderRun {
  readonly node: NodeIdentity;
  readonly config: CloudConfig;
  readonly pool: VCenterPool;
  readonly io: CliIo;
  /** The whole command's allowance (for messages), and when it ends (epoch ms). */
  readonly timeoutMs: number;
  readonly deadlineAt: number;
}

/** Runs the provider over the connected pool until the node is explained, then stops it. */
async function explainWithProvider(run: ProviderRun): Promise<NodeExplanation> {
  const provider = new VSphereProvider({
    config: run.config,
    pool: run.pool,
    env: run.io.env,
  });
  const running = provider.start(new AbortController().signal);
  const { deadlineAt } = run;
  try {
    await provider.waitForSync({ timeoutMs: Math.max(1, deadlineAt - Date.now()) }).catch((err: unknown) => {
      throw new ExplainFailedError(notLoaded(provider, run), { cause: err });
    });
    await tagsLoaded(provider, deadlineAt);
    return await explainNode(run.node, {
      locator: provider.locator,
      instances: provider,
      config: run.config,
      // The exists rule may call vCenter (only for a VM the index lacks); its checks are bounded too.
      signal: AbortSignal.timeout(run.timeoutMs),
    });
  } finally {
    await provider.close();
    await running;
  }
}

/** One line naming every vCenter whose inventory did not load, with its latest error. */
function notLoaded(provider: VSphereProvider, run: ProviderRun): string {
  const parts = provider.state().flatMap((s) => {
    if (s.index?.synced === true) return [];
    const vc = run.config.vcenters.get(s.tenantRef);
    const server = vc === undefined ? '' : ` (${vc.server}:${String(vc.port)})`;
    const last = s.index?.lastError ?? s.connection?.lastError;
    const why = last === undefined ? 'no error reported' : `last error ${last.code}: ${last.message}`;
    return [
      `vCenter "${s.tenantRef}"${server}: inventory not loaded within ${seconds(run.timeoutMs)} (${why})`,
    ];
  });
  return parts.length > 0
    ? parts.join('; ')
    : `the inventories did not load within ${seconds(run.timeoutMs)}`;
}

/**
 * Waits (bounded) until every vCenter with tag categories has tried its first tag read, so that
 * a zone is not reported missing merely because the read was still under way. A failed read is
 * shown by the zone step itself.
 */
async function tagsLoaded(provider: VSphereProvider, deadlineAt: number): Promise<void> {
  const pending = (): boolean =>
    provider.state().some((s) => s.index?.tags !== undefined && s.index.tags.refreshes === 0);
  while (pending() && Date.now() < deadlineAt) await abortableDelay(TAG_POLL_MS);
}

function writeLines(write: (text: string) => void, lines: readonly string[]): void {
  if (lines.length > 0) write(lines.map((l) => `${l}\n`).join(''));
}

function seconds(ms: number): string {
  return `${String(ms / 1000)} s`;
}
