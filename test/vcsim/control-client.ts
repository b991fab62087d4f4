// SPDX-License-Identifier: Apache-2.0
// Client of the simulator harness's control endpoint; test/vcsim/README.md documents the API.
import { request, type Agent } from 'undici';
import { CcmError } from '../../src/lib/errors.ts';
import type { ScenarioNic, ScenarioPowerState } from './scenario.ts';

const CONTROL_TIMEOUT_MS = 30_000;

/** A control-endpoint call failed (HTTP error status or unreadable reply). */
export class VcsimControlError extends CcmError {
  readonly code = 'VCSIM_CONTROL_FAILED';
}

/** Options of every control call; each is also bounded by a 30 s timeout. */
export interface ControlCallOptions {
  readonly signal?: AbortSignal;
}

/** Guest data to replace; absent fields keep their value, `nics` replaces all of guest.net. */
export interface GuestUpdate {
  /** Picks the VM when its name is not unique across datacenters. */
  readonly datacenter?: string;
  readonly hostName?: string;
  readonly ipAddress?: string;
  /** The i-th NIC without deviceConfigId takes the key, MAC and network of the VM's i-th NIC
   * device; NICs beyond the devices are guest-only (-1). */
  readonly nics?: readonly ScenarioNic[];
  /** false clears all guest data and reports VMware Tools as not running. */
  readonly guestInfo?: boolean;
}

/**
 * Calls seen by the harness: SOAP by method, REST by "VERB /path[?~action=x]", STS by WS-Trust
 * action ("Issue"; present once the STS was called).
 */
export interface CallCounters {
  readonly soap: Readonly<Record<string, number>>;
  readonly rest: Readonly<Record<string, number>>;
  readonly sts?: Readonly<Record<string, number>>;
}

/** The calls of `CallCounters` that failed: SOAP faults, HTTP error statuses, STS faults. */
export interface FailedCallCounters {
  readonly soap: Readonly<Record<string, number>>;
  readonly rest: Readonly<Record<string, number>>;
  readonly sts: Readonly<Record<string, number>>;
}

/** Live (or just terminated) SOAP and REST sessions. */
export interface SessionCounts {
  readonly soap: number;
  readonly rest: number;
}

/** Changes the simulated vCenter and observes calls; every change goes through the simulator's
 * object model, so WaitForUpdatesEx clients see it. */
export interface VcsimControl {
  power(vm: string, state: ScenarioPowerState, options?: ControlCallOptions): Promise<void>;
  /** Powers the VM off if needed, then destroys it. */
  destroy(vm: string, options?: ControlCallOptions): Promise<void>;
  setGuest(vm: string, guest: GuestUpdate, options?: ControlCallOptions): Promise<void>;
  /** hang: requests get no answer until resume(); refuse: every connection is reset. */
  pause(mode: 'hang' | 'refuse', options?: ControlCallOptions): Promise<void>;
  resume(options?: ControlCallOptions): Promise<void>;
  /** Adds `ms` before a SOAP method or REST key (or, without `method`, before every call);
   * delays add up; 0 removes. */
  setLatency(ms: number, method?: string, options?: ControlCallOptions): Promise<void>;
  counters(options?: ControlCallOptions): Promise<CallCounters>;
  /** The failed ones among the counted calls (reset together with them). */
  failedCounters(options?: ControlCallOptions): Promise<FailedCallCounters>;
  resetCounters(options?: ControlCallOptions): Promise<void>;
  /** Ends every SOAP and REST session; resolves with how many of each ended. */
  terminateSessions(options?: ControlCallOptions): Promise<SessionCounts>;
  /** Number of live SOAP sessions. */
  sessionCount(options?: ControlCallOptions): Promise<number>;
  sessions(options?: ControlCallOptions): Promise<SessionCounts>;
}

/**
 * A client for the harness's control endpoint at `base`, sending through `agent` (which the
 * caller owns and closes). Every call is bounded by a 30 s timeout and the caller's signal.
 */
export function createControlClient(base: string, agent: Agent): VcsimControl {
  const call = async (
    method: 'GET' | 'POST',
    path: string,
    body: object | undefined,
    options?: ControlCallOptions,
  ): Promise<unknown> => {
    const timeout = AbortSignal.timeout(CONTROL_TIMEOUT_MS);
    const signal = options?.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
    const res = await request(`${base}${path}`, {
      method,
      dispatcher: agent,
      signal,
      headers: { 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
    });
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new VcsimControlError(`${method} ${path}: unreadable reply (HTTP ${res.statusCode}): ${text}`, {
        cause: err,
      });
    }
    if (res.statusCode !== 200) {
      const message = (parsed as { error?: unknown }).error;
      throw new VcsimControlError(
        `${method} ${path}: HTTP ${res.statusCode}: ${typeof message === 'string' ? message : text}`,
      );
    }
    return parsed;
  };
  const post = async (
    path: string,
    body: object | undefined,
    options?: ControlCallOptions,
  ): Promise<void> => {
    await call('POST', path, body, options);
  };
  return {
    power: (vm, state, options) => post('/vm/power', { vm, state }, options),
    destroy: (vm, options) => post('/vm/destroy', { vm }, options),
    setGuest: (vm, guest, options) => post('/vm/guest', { vm, ...guest }, options),
    pause: (mode, options) => post('/pause', { mode }, options),
    resume: (options) => post('/resume', {}, options),
    setLatency: (ms, method, options) =>
      post('/latency', method === undefined ? { ms } : { ms, method }, options),
    counters: async (options) => (await call('GET', '/counters', undefined, options)) as CallCounters,
    failedCounters: async (options) =>
      (await call('GET', '/counters/failed', undefined, options)) as FailedCallCounters,
    resetCounters: (options) => post('/counters/reset', {}, options),
    terminateSessions: async (options) =>
      (await call('POST', '/sessions/terminate', {}, options)) as SessionCounts,
    sessionCount: async (options) =>
      ((await call('GET', '/sessions', undefined, options)) as SessionCounts).soap,
    sessions: async (options) => (await call('GET', '/sessions', undefined, options)) as SessionCounts,
  };
}
