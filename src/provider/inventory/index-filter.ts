// SPDX-License-Identifier: Apache-2.0
import type {
  ManagedObjectReference,
  ObjectSpec,
  PropertyFilterSpec,
  TraversalSpec,
} from '../../vim25/generated/data-objects.ts';
import type { VimClient } from '../../vim25/client.ts';
import { createContainerView, viewObjectSpec, type ContainerView } from '../../vsphere/container-view.ts';
import type { FilterSetup } from '../../vsphere/update-watcher.ts';
import { VM_INDEX_PATHS } from './indexed-vm.ts';

/** Inventory types whose name and parent make the topology (ancestors resolved locally). */
export const TOPOLOGY_TYPES = [
  'Folder',
  'Datacenter',
  'ClusterComputeResource',
  'ComputeResource',
  'HostSystem',
  'ResourcePool',
] as const;

const VIEW_TIMEOUT_MS = 30_000;

/**
 * The setup of the index's one property filter, called again after every resync (views die with
 * sessions):
 *
 * - without datacenters, one ContainerView over the root folder holding VMs and topology
 *   objects, plus the root folder itself;
 * - with datacenters, one such view per datacenter, plus each datacenter and its ancestor
 *   folders (a `parent` traversal), so tags on them are found locally too.
 *
 * VMs get {@link VM_INDEX_PATHS}; topology objects get `name` and `parent`. Cost per setup:
 * one CreateContainerView per view (the watcher adds the collector, the filter and the waits).
 * Views already created are destroyed when a later one fails.
 */
export function indexFilterSetup(
  client: VimClient,
  datacenters: readonly ManagedObjectReference[] | undefined,
): FilterSetup {
  return async (signal) => {
    const containers = datacenters === undefined || datacenters.length === 0 ? [undefined] : datacenters;
    const views: ContainerView[] = [];
    const cleanup = async (): Promise<void> => {
      await Promise.allSettled(views.map((v) => v.destroy({ timeoutMs: 10_000 })));
    };
    try {
      for (const container of containers) {
        const request = {
          types: ['VirtualMachine', ...TOPOLOGY_TYPES],
          ...(container === undefined ? {} : { container }),
        };
        views.push(await createContainerView(client, request, { signal, timeoutMs: VIEW_TIMEOUT_MS }));
      }
    } catch (err) {
      await cleanup();
      throw err;
    }
    const extra: ObjectSpec[] =
      datacenters === undefined || datacenters.length === 0
        ? [{ obj: client.serviceContent.rootFolder, skip: false }]
        : datacenters.map((dc) => ({ obj: dc, skip: false, selectSet: [toParent] }));
    return {
      spec: indexFilterSpec(
        views.map((v) => v.ref),
        extra,
      ),
      cleanup,
    };
  };
}

/** The filter spec over `views` and the extra objects; exported for tests. */
export function indexFilterSpec(
  views: readonly ManagedObjectReference[],
  extra: readonly ObjectSpec[],
): PropertyFilterSpec {
  return {
    propSet: [
      { type: 'VirtualMachine', pathSet: [...VM_INDEX_PATHS] },
      ...TOPOLOGY_TYPES.map((type) => ({ type, pathSet: ['name', 'parent'] })),
    ],
    objectSet: [...views.map(viewObjectSpec), ...extra],
  };
}

/** Follows `parent` up to the root folder (recursively, by name). */
const toParent: TraversalSpec = {
  _type: 'TraversalSpec',
  name: 'toParent',
  type: 'ManagedEntity',
  path: 'parent',
  skip: false,
  selectSet: [{ name: 'toParent' }],
};
