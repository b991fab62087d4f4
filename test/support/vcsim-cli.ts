// SPDX-License-Identifier: Apache-2.0
// `npm run vcsim -- --scenario test/vcsim/scenarios/basic.json [--verbose]`: starts the simulator
// harness and prints how to reach it, until Ctrl-C.
import { parseArgs } from 'node:util';
import { startVcsim } from './vcsim.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'test/vcsim/scenarios/basic.json' },
    verbose: { type: 'boolean', default: false },
  },
});

const vcsim = await startVcsim({ scenario: values.scenario, verbose: values.verbose });
const { username, password } = vcsim.credentials;
process.stdout.write(
  [
    `vCenter simulator (pid ${vcsim.pid}) from ${values.scenario}`,
    `  SOAP:        ${vcsim.sdkUrl}`,
    `  REST:        ${vcsim.restUrl}`,
    `  control:     ${vcsim.controlUrl}   (e.g. curl ${vcsim.controlUrl}/counters)`,
    `  user:        ${username}`,
    `  password:    ${password}`,
    `  SHA-1:       ${vcsim.thumbprintSha1}`,
    `  SHA-256:     ${vcsim.thumbprintSha256}`,
    `  govc:        GOVC_URL='${vcsim.sdkUrl}' GOVC_USERNAME='${username}' GOVC_PASSWORD='${password}' GOVC_INSECURE=1`,
    '',
    vcsim.certPem.trim(),
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);

const keepAlive = setInterval(() => undefined, 1 << 30);
const shutdown = (): void => {
  clearInterval(keepAlive);
  void vcsim.close().then(() => process.stdout.write('vCenter simulator stopped\n'));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
