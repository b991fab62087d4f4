// SPDX-License-Identifier: Apache-2.0
import { selectControllers, type ControllerName } from '../controllers/names.ts';
import { CcmError } from '../lib/errors.ts';
import { COMPAT_FLAGS, type FlagKind } from './compat-flags.ts';
import { parseGoDuration } from './go-duration.ts';

/** Output format of the process log. */
export type LogFormat = 'json' | 'text';

/** The daemon's options, as given by Go-compatible command-line flags. Durations are in milliseconds. */
export interface CcmOptions {
  readonly cloudProvider: string;
  readonly cloudConfig: string | undefined;
  readonly kubeconfig: string | undefined;
  readonly master: string | undefined;
  readonly clusterName: string;
  readonly controllers: readonly ControllerName[];
  readonly leaderElect: boolean;
  readonly leaderElectLeaseDurationMs: number;
  readonly leaderElectRenewDeadlineMs: number;
  readonly leaderElectRetryPeriodMs: number;
  readonly leaderElectResourceNamespace: string;
  readonly leaderElectResourceName: string;
  readonly securePort: number;
  readonly bindAddress: string;
  readonly tlsCertFile: string | undefined;
  readonly tlsPrivateKeyFile: string | undefined;
  readonly nodeMonitorPeriodMs: number;
  readonly nodeStatusUpdateFrequencyMs: number;
  readonly concurrentNodeSyncs: number;
  readonly nodeLabels: Readonly<Record<string, string>>;
  readonly kubeApiQps: number;
  readonly kubeApiBurst: number;
  readonly verbosity: number;
  readonly loggingFormat: LogFormat;
  readonly version: boolean;
  readonly help: boolean;
}

/** What `parseFlags` returns: the options, and one warning per accepted flag that has no effect. */
export interface ParsedFlags {
  readonly options: CcmOptions;
  readonly warnings: readonly string[];
}

/** Why a command line was rejected. */
export type FlagErrorCode =
  'UNKNOWN_FLAG' | 'INVALID_FLAG_VALUE' | 'MISSING_FLAG_VALUE' | 'UNEXPECTED_ARGUMENT';

/** The command line is not valid; `flag` names the offending flag (without dashes) or argument. */
export class FlagError extends CcmError {
  readonly code: FlagErrorCode;
  readonly flag: string;

  constructor(code: FlagErrorCode, flag: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.flag = flag;
  }
}

type Kind = FlagKind;

interface FlagSpec {
  readonly kind: Kind;
  /** Key in the raw value map; absent for accepted flags that have no effect. */
  readonly key?: keyof CcmOptions;
  readonly help: string;
}

const FLAGS: ReadonlyMap<string, FlagSpec> = new Map<string, FlagSpec>([
  ['cloud-provider', { kind: 'string', key: 'cloudProvider', help: 'cloud provider; must be "vsphere"' }],
  ['cloud-config', { kind: 'string', key: 'cloudConfig', help: 'path to the vSphere cloud config file' }],
  ['kubeconfig', { kind: 'string', key: 'kubeconfig', help: 'path to a kubeconfig; in-cluster when unset' }],
  ['master', { kind: 'string', key: 'master', help: 'API server address, overriding the kubeconfig' }],
  ['cluster-name', { kind: 'string', key: 'clusterName', help: 'instance prefix of the cluster' }],
  ['controllers', { kind: 'list', key: 'controllers', help: 'controllers to run: *, name, -name' }],
  ['leader-elect', { kind: 'bool', key: 'leaderElect', help: 'elect a leader before running loops' }],
  [
    'leader-elect-lease-duration',
    { kind: 'duration', key: 'leaderElectLeaseDurationMs', help: 'lease duration' },
  ],
  [
    'leader-elect-renew-deadline',
    { kind: 'duration', key: 'leaderElectRenewDeadlineMs', help: 'renew deadline' },
  ],
  ['leader-elect-retry-period', { kind: 'duration', key: 'leaderElectRetryPeriodMs', help: 'retry period' }],
  [
    'leader-elect-resource-namespace',
    { kind: 'string', key: 'leaderElectResourceNamespace', help: 'lease namespace' },
  ],
  ['leader-elect-resource-name', { kind: 'string', key: 'leaderElectResourceName', help: 'lease name' }],
  ['secure-port', { kind: 'int', key: 'securePort', help: 'HTTPS port for /healthz, /readyz, /metrics' }],
  ['bind-address', { kind: 'string', key: 'bindAddress', help: 'address the HTTPS server listens on' }],
  [
    'tls-cert-file',
    { kind: 'string', key: 'tlsCertFile', help: 'serving certificate; self-signed when unset' },
  ],
  ['tls-private-key-file', { kind: 'string', key: 'tlsPrivateKeyFile', help: 'serving certificate key' }],
  ['node-monitor-period', { kind: 'duration', key: 'nodeMonitorPeriodMs', help: 'lifecycle check period' }],
  [
    'node-status-update-frequency',
    { kind: 'duration', key: 'nodeStatusUpdateFrequencyMs', help: 'address refresh' },
  ],
  ['concurrent-node-syncs', { kind: 'int', key: 'concurrentNodeSyncs', help: 'node workers' }],
  ['node-labels', { kind: 'map', key: 'nodeLabels', help: 'extra labels k=v,... set at node init' }],
  [
    'kube-api-qps',
    {
      kind: 'float',
      key: 'kubeApiQps',
      help: 'Kubernetes API requests per second (Events get a quarter more, see docs/metrics.md)',
    },
  ],
  ['kube-api-burst', { kind: 'int', key: 'kubeApiBurst', help: 'Kubernetes API burst' }],
  ['v', { kind: 'int', key: 'verbosity', help: 'log verbosity: 0 info, 2 debug, 4 trace' }],
  ['logging-format', { kind: 'string', key: 'loggingFormat', help: 'log format: json or text (klog-like)' }],
  ['version', { kind: 'bool', key: 'version', help: 'print the version and exit' }],
  ['help', { kind: 'bool', key: 'help', help: 'print this help and exit' }],
  ...COMPAT_FLAGS.map(([name, kind]): [string, FlagSpec] => [
    name,
    { kind, help: 'accepted for compatibility; no effect' },
  ]),
]);

const DEFAULTS: CcmOptions = {
  cloudProvider: '',
  cloudConfig: undefined,
  kubeconfig: undefined,
  master: undefined,
  clusterName: 'kubernetes',
  controllers: selectControllers([]),
  leaderElect: true,
  leaderElectLeaseDurationMs: 15_000,
  leaderElectRenewDeadlineMs: 10_000,
  leaderElectRetryPeriodMs: 2_000,
  leaderElectResourceNamespace: 'kube-system',
  leaderElectResourceName: 'cloud-controller-manager',
  securePort: 10258,
  bindAddress: '0.0.0.0',
  tlsCertFile: undefined,
  tlsPrivateKeyFile: undefined,
  nodeMonitorPeriodMs: 5_000,
  nodeStatusUpdateFrequencyMs: 300_000,
  concurrentNodeSyncs: 1,
  nodeLabels: {},
  kubeApiQps: 20,
  kubeApiBurst: 30,
  verbosity: 0,
  loggingFormat: 'json',
  version: false,
  help: false,
};

const SHORTHANDS: Readonly<Record<string, string>> = { v: 'v', h: 'help' };

function invalid(flag: string, value: string, expected: string): FlagError {
  return new FlagError('INVALID_FLAG_VALUE', flag, `invalid value "${value}" for --${flag}: ${expected}`);
}

function parseBool(flag: string, value: string): boolean {
  // strconv.ParseBool's accepted spellings, as pflag uses it.
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw invalid(flag, value, 'expected a boolean');
}

function parseMap(flag: string, value: string, into: Record<string, string>): void {
  for (const item of value.split(',')) {
    if (item.trim() === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw invalid(flag, value, 'expected key=value pairs separated by commas');
    into[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
}

function convert(flag: string, kind: Kind, value: string): string | number | boolean {
  switch (kind) {
    case 'bool':
      return parseBool(flag, value);
    case 'int': {
      if (!/^[+-]?\d+$/.test(value)) throw invalid(flag, value, 'expected an integer');
      return Number(value);
    }
    case 'float': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw invalid(flag, value, 'expected a number');
      return n;
    }
    case 'duration': {
      const ms = parseGoDuration(value);
      if (ms === undefined) throw invalid(flag, value, 'expected a duration such as 15s, 1m30s or 500ms');
      return ms;
    }
    default:
      return value;
  }
}

interface Token {
  readonly name: string;
  readonly inline: string | undefined;
}

function tokenize(arg: string): Token | undefined {
  if (arg.startsWith('--') && arg.length > 2) {
    const eq = arg.indexOf('=');
    return eq < 0
      ? { name: arg.slice(2), inline: undefined }
      : { name: arg.slice(2, eq), inline: arg.slice(eq + 1) };
  }
  if (arg.startsWith('-') && arg.length > 1 && !arg.startsWith('--')) {
    const short = arg.slice(1, 2);
    const long = SHORTHANDS[short];
    if (long === undefined) throw new FlagError('UNKNOWN_FLAG', arg, `unknown shorthand flag: "${arg}"`);
    const rest = arg.slice(2);
    return { name: long, inline: rest === '' ? undefined : rest.replace(/^=/, '') };
  }
  return undefined;
}

function validate(
  raw: Map<string, string | number | boolean>,
  maps: Map<string, Record<string, string>>,
  lists: string[],
): CcmOptions {
  let controllers: readonly ControllerName[];
  try {
    controllers = selectControllers(lists);
  } catch (err) {
    throw new FlagError(
      'INVALID_FLAG_VALUE',
      'controllers',
      `invalid --controllers: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const format = raw.get('loggingFormat');
  if (format !== undefined && format !== 'json' && format !== 'text') {
    throw invalid('logging-format', String(format), 'expected json or text');
  }
  const options = {
    ...DEFAULTS,
    ...Object.fromEntries(raw),
    controllers,
    nodeLabels: maps.get('node-labels') ?? {},
  };
  if (!options.help && !options.version && options.cloudProvider !== 'vsphere') {
    const why = options.cloudProvider === '' ? 'must be set' : `is "${options.cloudProvider}"`;
    throw new FlagError(
      'INVALID_FLAG_VALUE',
      'cloud-provider',
      `--cloud-provider ${why}; only "vsphere" is supported`,
    );
  }
  if (options.securePort < 0 || options.securePort > 65535) {
    throw invalid('secure-port', String(options.securePort), 'expected a port between 0 and 65535');
  }
  if (options.concurrentNodeSyncs < 1) {
    throw invalid('concurrent-node-syncs', String(options.concurrentNodeSyncs), 'expected at least 1');
  }
  return options;
}

/**
 * Parses a command line (without the node and script arguments) the way the Go CCM's pflag does:
 * `--x=y`, `--x y`, bare `--bool` for true, `--bool=false` (a bool never takes the next
 * argument), `-v=3`/`-v 3`, repeated or comma-separated list flags, `k=v,...` maps, Go durations,
 * and `--` ending the flags. Unset options keep the Go CCM defaults. Flags from upstream manifests
 * that have no effect here are accepted with one warning each. Pure: throws `FlagError` for an
 * unknown flag, a missing or invalid value, a positional argument, a `--cloud-provider` other
 * than `vsphere` (unless `--help` or `--version`) or invalid `--controllers`.
 */
export function parseFlags(argv: readonly string[]): ParsedFlags {
  const raw = new Map<string, string | number | boolean>();
  const maps = new Map<string, Record<string, string>>();
  const lists: string[] = [];
  const warnings: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      if (i + 1 < argv.length) throw unexpected(argv[i + 1] ?? '');
      break;
    }
    const token = tokenize(arg);
    if (token === undefined) throw unexpected(arg);
    const spec = FLAGS.get(token.name);
    if (spec === undefined) throw new FlagError('UNKNOWN_FLAG', token.name, `unknown flag: --${token.name}`);
    const value = takeValue(token, spec.kind, argv[i + 1]);
    if (token.inline === undefined && spec.kind !== 'bool') i++;
    if (spec.key === undefined) {
      convert(token.name, spec.kind, value);
      warnings.push(`flag --${token.name} is accepted for compatibility and has no effect`);
    } else if (spec.kind === 'list') {
      lists.push(value);
    } else if (spec.kind === 'map') {
      const into = maps.get(token.name) ?? {};
      parseMap(token.name, value, into);
      maps.set(token.name, into);
    } else {
      raw.set(spec.key, convert(token.name, spec.kind, value));
    }
  }
  return { options: validate(raw, maps, lists), warnings };
}

function takeValue(token: Token, kind: Kind, next: string | undefined): string {
  if (token.inline !== undefined) return token.inline;
  // pflag: a bool never consumes the next argument; only `--b=false` sets it false.
  if (kind === 'bool') return 'true';
  if (next === undefined) {
    throw new FlagError('MISSING_FLAG_VALUE', token.name, `flag needs an argument: --${token.name}`);
  }
  return next;
}

function unexpected(arg: string): FlagError {
  return new FlagError(
    'UNEXPECTED_ARGUMENT',
    arg,
    `unexpected argument "${arg}": this command takes only flags`,
  );
}

/** The `--help` text: one line per flag with its default, in declaration order. */
export function flagsUsage(): string {
  const lines = ['Usage: vsphere-cloud-controller-manager [flags]', '', 'Flags:'];
  for (const [name, spec] of FLAGS) {
    const def = spec.key === undefined ? undefined : DEFAULTS[spec.key];
    const shown =
      def === undefined || def === '' || typeof def === 'object' ? '' : ` (default ${String(def)})`;
    lines.push(`  --${name} ${spec.kind}  ${spec.help}${shown}`);
  }
  return `${lines.join('\n')}\n`;
}
