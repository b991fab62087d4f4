// SPDX-License-Identifier: Apache-2.0
import yargs from 'yargs';
import { runConfigValidate } from './config-command.ts';
import { runExplainNode } from './explain-node-command.ts';
import { runInventory } from './inventory-command.ts';
import { processIo, type CliIo } from './cli-io.ts';

/**
 * `vsphere-ccm`: the operator tool. Returns the process exit code: 0 success, 2 for usage errors
 * and for failures the operator must fix (credentials, reachability, TLS, unknown names).
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let code = 0;
  let usageError: string | undefined;
  await yargs([...argv])
    .scriptName('vsphere-ccm')
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      usageError = msg || (err instanceof Error ? err.message : 'invalid arguments');
    })
    .command(
      'inventory',
      'List every VM as the cloud provider sees it',
      (y) =>
        y
          .option('cloud-config', {
            type: 'string',
            describe:
              "The CCM's vsphere.conf: list every vCenter in it (instead of --server ... --thumbprint)",
          })
          .option('server', { type: 'string', describe: 'vCenter: https://HOST[:PORT]' })
          .option('user', { type: 'string', describe: 'vCenter user name' })
          .option('password', {
            type: 'string',
            describe: 'Password (prefer VSPHERE_PASSWORD or --password-file)',
          })
          .option('password-file', { type: 'string', describe: 'File holding the password' })
          .option('insecure', {
            type: 'boolean',
            default: false,
            describe: 'Do not verify the TLS certificate',
          })
          .option('ca-file', { type: 'string', describe: 'PEM file of the CA(s) to trust for vCenter' })
          .option('thumbprint', {
            type: 'string',
            describe: 'Pin the certificate (SHA-1 or SHA-256, colon hex)',
          })
          .option('datacenter', {
            type: 'string',
            array: true,
            default: [] as string[],
            describe: 'Only this datacenter (repeatable)',
          })
          .option('zone-category', { type: 'string', describe: 'Tag category holding zone tags' })
          .option('region-category', { type: 'string', describe: 'Tag category holding region tags' })
          .option('output', { choices: ['table', 'json'] as const, default: 'table' as const, alias: 'o' })
          .option('timeout', { type: 'number', default: 30, describe: 'Per-call timeout in seconds' }),
      async (a) => {
        code = await runInventory(
          {
            cloudConfig: a['cloud-config'],
            server: a.server,
            user: a.user,
            password: a.password,
            passwordFile: a['password-file'],
            insecure: a.insecure,
            caFile: a['ca-file'],
            thumbprint: a.thumbprint,
            datacenter: a.datacenter,
            zoneCategory: a['zone-category'],
            regionCategory: a['region-category'],
            output: a.output,
            timeout: a.timeout,
          },
          io,
        );
      },
    )
    .command(
      'explain-node',
      'Explain how the cloud provider sees one node: its VM, providerID, addresses, zone and verdicts',
      (y) =>
        y
          .option('cloud-config', {
            type: 'string',
            demandOption: true,
            describe: 'The vsphere.conf file, as given to the CCM',
          })
          .option('node-name', { type: 'string', describe: 'The Node name (matched to the guest host name)' })
          .option('provider-id', { type: 'string', describe: 'The Node spec.providerID (vsphere://UUID)' })
          .option('system-uuid', {
            type: 'string',
            describe: 'The Node status.nodeInfo.systemUUID (SMBIOS byte order is tried too)',
          })
          .option('output', { choices: ['text', 'json'] as const, default: 'text' as const, alias: 'o' })
          .option('timeout', {
            type: 'number',
            default: 60,
            describe: 'Seconds allowed for connecting and loading every vCenter inventory',
          }),
      async (a) => {
        if (usageError !== undefined) return;
        code = await runExplainNode(
          {
            cloudConfig: a['cloud-config'],
            nodeName: a['node-name'],
            providerId: a['provider-id'],
            systemUuid: a['system-uuid'],
            output: a.output,
            timeout: a.timeout,
          },
          io,
        );
      },
    )
    .command('config', 'Check cloud config files', (y) =>
      y
        .command(
          'validate',
          'Validate a cloud config (YAML or legacy INI) and print the effective configuration',
          (v) =>
            v
              .option('cloud-config', {
                type: 'string',
                demandOption: true,
                describe: 'The vsphere.conf file, as given to the CCM',
              })
              .option('output', { choices: ['text', 'json'] as const, default: 'text' as const, alias: 'o' }),
          async (a) => {
            // yargs still calls the handler after reporting a missing required option to .fail().
            if (usageError !== undefined) return;
            code = await runConfigValidate({ cloudConfig: a['cloud-config'], output: a.output }, io);
          },
        )
        .demandCommand(1, 'give a subcommand: validate'),
    )
    .demandCommand(1, 'give a command')
    .help()
    .parseAsync();
  if (usageError !== undefined) {
    io.stderr(`error: ${usageError}\nRun "vsphere-ccm --help" for usage.\n`);
    return 2;
  }
  return code;
}
