// SPDX-License-Identifier: Apache-2.0
// `npm run demo`: starts the vCenter simulator with the basic scenario and shows, through the
// real operator command, every VM as the cloud provider sees it (TLS verified against the
// simulator's certificate, zones and regions from vSphere tags).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../src/cli/vsphere-ccm.ts';
import { startVcsim } from '../test/support/vcsim.ts';

const scenario = resolve(import.meta.dirname, '../test/vcsim/scenarios/basic.json');
const sim = await startVcsim({ scenario });
const dir = await mkdtemp(join(tmpdir(), 'vsphere-ccm-demo-'));
try {
  const caFile = join(dir, 'vcenter-ca.pem');
  await writeFile(caFile, sim.certPem);
  const server = new URL(sim.sdkUrl).origin;
  process.stdout.write(`vCenter simulator at ${server} (scenario ${scenario})\n\n`);
  const args = ['inventory', '--server', server, '--user', sim.credentials.username, '--ca-file', caFile];
  process.stdout.write(
    `$ vsphere-ccm ${args.join(' ')} --zone-category k8s-zone --region-category k8s-region\n`,
  );
  const env = { ...process.env, VSPHERE_PASSWORD: sim.credentials.password };
  const io = {
    stdout: (t: string) => process.stdout.write(t),
    stderr: (t: string) => process.stderr.write(t),
    env,
  };
  process.exitCode = await main(
    [...args, '--zone-category', 'k8s-zone', '--region-category', 'k8s-region'],
    io,
  );
  const counters = await sim.control.counters();
  process.stdout.write(`\nvCenter calls for that listing: SOAP ${JSON.stringify(counters.soap)}\n`);
} finally {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
}
