// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FlagError, flagsUsage, parseFlags, type CcmOptions } from './flags.ts';

const BASE = ['--cloud-provider=vsphere'];

describe('parseFlags', () => {
  test('given only --cloud-provider should return the Go CCM defaults', () => {
    const { options, warnings } = parseFlags(BASE);
    assert.deepEqual(warnings, []);
    assert.equal(options.cloudProvider, 'vsphere');
    assert.equal(options.clusterName, 'kubernetes');
    assert.deepEqual(options.controllers, ['cloud-node', 'cloud-node-lifecycle', 'service', 'route']);
    assert.equal(options.leaderElect, true);
    assert.equal(options.leaderElectLeaseDurationMs, 15_000);
    assert.equal(options.leaderElectRenewDeadlineMs, 10_000);
    assert.equal(options.leaderElectRetryPeriodMs, 2_000);
    assert.equal(options.leaderElectResourceNamespace, 'kube-system');
    assert.equal(options.leaderElectResourceName, 'cloud-controller-manager');
    assert.equal(options.securePort, 10258);
    assert.equal(options.bindAddress, '0.0.0.0');
    assert.equal(options.nodeMonitorPeriodMs, 5_000);
    assert.equal(options.nodeStatusUpdateFrequencyMs, 300_000);
    assert.equal(options.concurrentNodeSyncs, 1);
    assert.deepEqual(options.nodeLabels, {});
    assert.equal(options.kubeApiQps, 20);
    assert.equal(options.kubeApiBurst, 30);
    assert.equal(options.verbosity, 0);
    assert.equal(options.loggingFormat, 'json');
    assert.equal(options.cloudConfig, undefined);
    assert.equal(options.kubeconfig, undefined);
  });

  const ok: readonly [string, readonly string[], Partial<CcmOptions>][] = [
    ['--x=y', ['--cloud-config=/etc/c.yaml'], { cloudConfig: '/etc/c.yaml' }],
    ['--x y', ['--kubeconfig', '/k'], { kubeconfig: '/k' }],
    ['an empty value', ['--master='], { master: '' }],
    ['a bare bool', ['--leader-elect'], { leaderElect: true }],
    ['--bool=false', ['--leader-elect=false'], { leaderElect: false }],
    ['--bool=0', ['--leader-elect=0'], { leaderElect: false }],
    [
      'Go durations',
      ['--leader-elect-lease-duration=1m30s', '--node-monitor-period', '500ms'],
      {
        leaderElectLeaseDurationMs: 90_000,
        nodeMonitorPeriodMs: 500,
      },
    ],
    ['-v=3', ['-v=3'], { verbosity: 3 }],
    ['-v 4', ['-v', '4'], { verbosity: 4 }],
    ['--v=2', ['--v=2'], { verbosity: 2 }],
    ['a float qps', ['--kube-api-qps=7.5', '--kube-api-burst=9'], { kubeApiQps: 7.5, kubeApiBurst: 9 }],
    [
      'repeated controllers',
      ['--controllers=cloud-node', '--controllers', 'route'],
      {
        controllers: ['cloud-node', 'route'],
      },
    ],
    [
      'comma controllers with a negation',
      ['--controllers=*,-service,-nodeipam'],
      {
        controllers: ['cloud-node', 'cloud-node-lifecycle', 'route'],
      },
    ],
    [
      'node labels over two flags',
      ['--node-labels=a=1,b=x=y', '--node-labels', 'c='],
      {
        nodeLabels: { a: '1', b: 'x=y', c: '' },
      },
    ],
    ['port 0', ['--secure-port=0', '--bind-address=127.0.0.1'], { securePort: 0, bindAddress: '127.0.0.1' }],
    ['the text log format', ['--logging-format=text'], { loggingFormat: 'text' }],
    ['a trailing --', ['--'], {}],
  ];
  for (const [what, args, want] of ok) {
    test(`given ${what} should parse ${JSON.stringify(want)}`, () => {
      const { options } = parseFlags([...BASE, ...args]);
      for (const [key, value] of Object.entries(want)) {
        assert.deepEqual(options[key as keyof CcmOptions], value, key);
      }
    });
  }

  test('given compatibility flags should accept them with one warning each', () => {
    const { options, warnings } = parseFlags([
      ...BASE,
      '--use-service-account-credentials',
      '--authentication-kubeconfig=/a',
      '--authorization-kubeconfig',
      '/b',
      '--allocate-node-cidrs=false',
      '--configure-cloud-routes=false',
      '--cluster-cidr=10.0.0.0/16',
      '--profiling=false',
      '--requestheader-client-ca-file=/ca',
      '--feature-gates=A=true,B=false',
      '--kubeconfig=/k',
    ]);
    assert.equal(warnings.length, 9);
    assert.match(warnings[0] ?? '', /--use-service-account-credentials .*no effect/);
    assert.equal(options.kubeconfig, '/k');
  });

  test('given a bool followed by a word should not consume the word', () => {
    assert.throws(
      () => parseFlags([...BASE, '--leader-elect', 'false']),
      (e: unknown) => e instanceof FlagError && e.code === 'UNEXPECTED_ARGUMENT' && e.flag === 'false',
    );
  });

  const bad: readonly [string, readonly string[], string, string][] = [
    ['an unknown flag', ['--no-such-flag=1'], 'UNKNOWN_FLAG', 'no-such-flag'],
    ['an unknown shorthand', ['-x'], 'UNKNOWN_FLAG', '-x'],
    ['a missing value', ['--kubeconfig'], 'MISSING_FLAG_VALUE', 'kubeconfig'],
    ['a bad bool', ['--leader-elect=maybe'], 'INVALID_FLAG_VALUE', 'leader-elect'],
    ['a duration without unit', ['--node-monitor-period=5'], 'INVALID_FLAG_VALUE', 'node-monitor-period'],
    ['a non-integer port', ['--secure-port=1.5'], 'INVALID_FLAG_VALUE', 'secure-port'],
    ['an out-of-range port', ['--secure-port=70000'], 'INVALID_FLAG_VALUE', 'secure-port'],
    ['a bad qps', ['--kube-api-qps=fast'], 'INVALID_FLAG_VALUE', 'kube-api-qps'],
    ['an unknown controller', ['--controllers=cloud-nod'], 'INVALID_FLAG_VALUE', 'controllers'],
    ['a label without =', ['--node-labels=a'], 'INVALID_FLAG_VALUE', 'node-labels'],
    ['zero node syncs', ['--concurrent-node-syncs=0'], 'INVALID_FLAG_VALUE', 'concurrent-node-syncs'],
    ['a bad log format', ['--logging-format=xml'], 'INVALID_FLAG_VALUE', 'logging-format'],
    ['another cloud provider', ['--cloud-provider=aws'], 'INVALID_FLAG_VALUE', 'cloud-provider'],
    ['a positional argument', ['run'], 'UNEXPECTED_ARGUMENT', 'run'],
    ['an argument after --', ['--', 'x'], 'UNEXPECTED_ARGUMENT', 'x'],
  ];
  for (const [what, args, code, flag] of bad) {
    test(`given ${what} should throw ${code} naming ${flag}`, () => {
      assert.throws(
        () => parseFlags([...BASE, ...args]),
        (e: unknown) =>
          e instanceof FlagError && e.code === code && e.flag === flag && e.message.includes(flag),
      );
    });
  }

  test('given no --cloud-provider should fail unless --help or --version is given', () => {
    assert.throws(
      () => parseFlags([]),
      (e: unknown) => e instanceof FlagError && e.flag === 'cloud-provider',
    );
    assert.equal(parseFlags(['--help']).options.help, true);
    assert.equal(parseFlags(['-h']).options.help, true);
    assert.equal(parseFlags(['--version']).options.version, true);
  });

  test('given the usage text should list every main flag with its default', () => {
    const usage = flagsUsage();
    assert.match(usage, /--secure-port int .*\(default 10258\)/);
    assert.match(usage, /--leader-elect bool .*\(default true\)/);
    assert.match(usage, /--use-service-account-credentials bool .*no effect/);
  });
});
