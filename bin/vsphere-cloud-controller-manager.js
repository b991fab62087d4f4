#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The cloud-controller-manager daemon. Its controllers arrive with a later change; until then it
// explains itself and exits 2 so that nothing mistakes it for a running CCM.
process.stderr.write(
  'vsphere-cloud-controller-manager: the controller manager is not available in this version.\n' +
    'Use "vsphere-ccm inventory" to inspect what the cloud provider sees in vCenter.\n',
);
process.exitCode = 2;
