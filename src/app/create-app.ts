// SPDX-License-Identifier: Apache-2.0
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { openConfigPool, type ConfigPool, type ConfigPoolSettings } from './config-pool.ts';
import type { CloudConfig } from '../config/config.ts';
import { EventRecorder } from '../kube/event-recorder.ts';
import { KubeClient, loadKubeConfig } from '../kube/kube-client.ts';
import { NodeInformer } from '../kube/node-informer.ts';
import { KubeNodeWriter } from '../kube/node-writer.ts';
import { CcmError } from '../lib/errors.ts';
import { createVCenterConnector } from '../provider/connect-vcenter.ts';
import { indexSyncLagSeconds } from '../provider/inventory/index-lag.ts';
import { VSphereProvider } from '../provider/vsphere-provider.ts';
import type { CcmOptions } from './flags.ts';
import { startHttpServer, type HealthCheck, type RunningHttpServer } from './http-server.ts';
import { createKubeLeaderElector, type LeaderElector } from './leader-election.ts';
import { leaderGuardedWriter } from './leader-guarded-writer.ts';
import { CcmMetrics, restOperation, restOutcome } from './metrics.ts';
import { NodeControllers } from './node-controllers.ts';

/** Leadership ended while the process was not stopping; like the Go CCM, the process must exit. */
export class LeaderElectionLostError extends CcmError {
  readonly code = 'LEADER_ELECTION_LOST';
}

/** What `createApp` composes. */
export interface AppInputs {
  readonly options: CcmOptions;
  readonly config: CloudConfig;
  /** The process environment (`SKIP_NODE_DELETION`, in-cluster detection). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  /** Further `/readyz` checks served next to the app's own (e.g. the cloud-config reload's). */
  readonly readyChecks?: readonly HealthCheck[];
}

/** The daemon, built but not started. */
export interface App {
  /**
   * Starts everything and runs until `signal` aborts, then stops the loops, releases the lease,
   * logs out of vCenter and resolves. Rejects with `LeaderElectionLostError` when leadership is
   * lost, or with the start-up error (kubeconfig, HTTPS server, credentials), after cleaning up.
   */
  run(signal: AbortSignal): Promise<void>;
}

/** Pool settings that record every SOAP round trip, REST call and login of the daemon's vCenters. */
function vcenterRecorders(metrics: CcmMetrics): Pick<ConfigPoolSettings, 'connector' | 'onEvent'> {
  return {
    connector: createVCenterConnector({
      onSoapCall: (tenantRef, call) => {
        metrics.vcenterRoundTrip(tenantRef, call.method, call.outcome, call.durationMs / 1000);
      },
      onRestCall: (tenantRef, call) => {
        const operation = restOperation(call.path, call.action);
        metrics.vcenterRestCall(tenantRef, operation, restOutcome(call.status), call.durationMs / 1000);
      },
    }),
    onEvent: (event) => {
      if (event.type !== 'session') return;
      if (event.event.type === 'login') metrics.vcenterLogin(event.tenantRef, 'success');
      else if (event.event.type === 'login-failed') metrics.vcenterLogin(event.tenantRef, 'failure');
    },
  };
}

/** How long the vCenter logout may take at shutdown, so the process exits within 10 s. */
const CLOSE_TIMEOUT_MS = 4_000;

/** How long the controllers wait for the vCenter inventories before starting regardless. */
const INVENTORY_WAIT_MS = 60_000;

/**
 * Builds the daemon from parsed flags and a loaded config. This is the only place that
 * constructs the adapters (pool, provider, Kubernetes client, informer, writer, elector, HTTPS
 * server); construction does no I/O, everything talks only once `run` is called.
 *
 * @throws KubeConfigMissingError / KubeConfigInvalidError when the API server cannot be located.
 */
export function createApp(inputs: AppInputs): App {
  const { options, env, logger } = inputs;
  const kubeConfig = loadKubeConfig({ kubeconfig: options.kubeconfig, master: options.master, env });
  const live: LiveParts = { provider: undefined };
  const metrics = appMetrics(live);
  const client = new KubeClient({
    kubeConfig,
    qps: options.kubeApiQps,
    burst: options.kubeApiBurst,
    onRequest: (r) => {
      metrics.kubeRequest(r.verb, r.resource, r.code, r.durationMs / 1000);
    },
  });
  const informer = new NodeInformer({
    client,
    onError: (err) => {
      logger.warn({ err }, 'node informer: list/watch failed; retrying');
    },
  });
  // Events get a quarter of the client's budget on top of it, so they never slow Node writes.
  const events = new EventRecorder({
    client,
    logger,
    component: 'cloud-node-controller',
    qps: options.kubeApiQps / 4,
    burst: Math.max(1, Math.ceil(options.kubeApiBurst / 4)),
    // An Event queued while leading is not sent once the lease may have passed on.
    mayWrite: () => elector?.holdsLease() ?? true,
  });
  const writer = new KubeNodeWriter({ client, events });
  const elector = options.leaderElect
    ? createKubeLeaderElector(
        kubeConfig,
        { name: options.leaderElectResourceName, namespace: options.leaderElectResourceNamespace },
        {
          leaseDurationMs: options.leaderElectLeaseDurationMs,
          renewDeadlineMs: options.leaderElectRenewDeadlineMs,
          retryPeriodMs: options.leaderElectRetryPeriodMs,
          onAttemptFailed: (err) => {
            logger.warn({ err }, 'leader election: lease call failed');
          },
        },
        client.http,
      )
    : undefined;
  return {
    run: (signal) =>
      runApp({ ...inputs, kubeConfig, client, informer, writer, events, elector, metrics, live }, signal),
  };
}

/** What exists only while `run` runs, for the metrics read at scrape time. */
interface LiveParts {
  provider: VSphereProvider | undefined;
}

/** The daemon's metrics; the index and session gauges read the provider once `run` built it. */
function appMetrics(live: LiveParts): CcmMetrics {
  return new CcmMetrics({
    sources: {
      indexStates: () => {
        const now = Date.now();
        return (live.provider?.state() ?? []).map((s) => ({
          vcenter: s.tenantRef,
          synced: s.index?.synced === true,
          lagSeconds: s.index === undefined ? undefined : indexSyncLagSeconds(s.index, now),
        }));
      },
      sessions: () =>
        (live.provider?.state() ?? []).map((s) => ({
          vcenter: s.tenantRef,
          active: s.connection?.connected === true,
        })),
    },
  });
}

interface Parts extends AppInputs {
  readonly kubeConfig: KubeConfig;
  readonly client: KubeClient;
  readonly informer: NodeInformer;
  readonly writer: KubeNodeWriter;
  readonly events: EventRecorder;
  readonly elector: LeaderElector | undefined;
  readonly metrics: CcmMetrics;
  readonly live: LiveParts;
}

async function runApp(parts: Parts, signal: AbortSignal): Promise<void> {
  const { options, config, env, logger, kubeConfig, client, informer, writer, elector, metrics, live } =
    parts;
  const stop = new AbortController();
  const stopAll = (): void => {
    stop.abort(signal.reason);
  };
  signal.addEventListener('abort', stopAll, { once: true });
  let connections: ConfigPool | undefined;
  let provider: VSphereProvider | undefined;
  let providerRun: Promise<void> | undefined;
  let server: RunningHttpServer | undefined;
  try {
    // Secret credentials are read through the daemon's own API connection, never a default one.
    connections = await openConfigPool(
      config,
      {
        closeTimeoutMs: CLOSE_TIMEOUT_MS,
        kubeConfig,
        kubeHttp: client.http,
        kubeOnRequest: (r) => {
          metrics.kubeRequest(r.verb, r.resource, r.code, r.durationMs / 1000);
        },
        ...vcenterRecorders(metrics),
      },
      { signal },
    );
    provider = new VSphereProvider({
      config,
      pool: connections.pool,
      env,
      additionalLabels: options.nodeLabels,
      onEvent: (event) => {
        logger.debug({ event }, 'vSphere provider');
      },
    });
    const running = provider;
    live.provider = running;
    const controllers = new NodeControllers({
      controllers: options.controllers,
      cloud: running,
      reader: informer,
      // With leader election, no write leaves once the lease may have passed to another process.
      writer: elector === undefined ? writer : leaderGuardedWriter(writer, () => elector.holdsLease()),
      logger,
      workers: options.concurrentNodeSyncs,
      statusUpdateFrequencyMs: options.nodeStatusUpdateFrequencyMs,
      monitorPeriodMs: options.nodeMonitorPeriodMs,
      metrics,
    });
    informer.addHandlers(controllers.handlers);
    server = await startServer(parts, running, metrics, signal);
    providerRun = running.start(stop.signal);
    await informer.start({ signal: stop.signal });
    await waitForInventory(running, logger, stop.signal);
    logger.info({ controllers: options.controllers, leaderElect: options.leaderElect }, 'started');
    if (elector === undefined) {
      await controllers.run(stop.signal);
    } else {
      await elector.run({
        signal: stop.signal,
        onStartedLeading: (leading) => {
          logger.info({ identity: elector.identity }, 'became leader; starting controllers');
          return controllers.run(leading);
        },
        onNewLeader: (identity) => {
          logger.info({ identity }, 'new leader observed');
        },
      });
      if (!signal.aborted) throw new LeaderElectionLostError('leader election lost');
    }
  } finally {
    signal.removeEventListener('abort', stopAll);
    stop.abort();
    // Queued Events are sent (≤ 2 s) while the rest shuts down.
    const eventsStopped = parts.events.stop();
    await informer.stop();
    await provider?.close();
    await providerRun;
    await connections?.close();
    await server?.close();
    await eventsStopped;
    await client.close();
    logger.info({}, 'stopped');
  }
}

/**
 * Waits (bounded) for every vCenter's inventory, so the first syncs find VMs instead of failing
 * and backing off; an unreachable vCenter is logged and the controllers start anyway.
 */
async function waitForInventory(
  provider: VSphereProvider,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  try {
    await provider.waitForSync({ signal, timeoutMs: INVENTORY_WAIT_MS });
    logger.info({}, 'vCenter inventories loaded');
  } catch (err) {
    signal.throwIfAborted();
    logger.warn({ err }, 'starting the controllers before every vCenter inventory loaded');
  }
}

/** The HTTPS server for /healthz, /readyz and /metrics; `--secure-port=0` disables it, as in Go. */
async function startServer(
  parts: Parts,
  provider: VSphereProvider,
  metrics: CcmMetrics,
  signal: AbortSignal,
): Promise<RunningHttpServer | undefined> {
  const { options, elector, informer } = parts;
  if (options.securePort === 0) return undefined;
  const tls =
    options.tlsCertFile !== undefined && options.tlsPrivateKeyFile !== undefined
      ? { certFile: options.tlsCertFile, keyFile: options.tlsPrivateKeyFile }
      : undefined;
  return startHttpServer({
    bindAddress: options.bindAddress,
    port: options.securePort,
    tls,
    signal,
    metrics,
    healthChecks: [
      {
        name: 'leader-election',
        check: () => (elector === undefined || elector.healthy() ? undefined : 'lease not renewed'),
      },
    ],
    readyChecks: [
      { name: 'informer-sync', check: () => (informer.synced ? undefined : 'node informer not synced') },
      {
        name: 'vcenter-index',
        check: () => {
          const waiting = provider.state().filter((s) => s.index?.synced !== true);
          return waiting.length === 0
            ? undefined
            : `not synced: ${waiting.map((s) => s.tenantRef).join(', ')}`;
        },
      },
      ...(parts.readyChecks ?? []),
    ],
  });
}
