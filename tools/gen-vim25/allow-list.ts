// SPDX-License-Identifier: Apache-2.0
/**
 * What tools/gen-vim25 emits, and from which govmomi. Everything else in vim25 is left out:
 * adding a method, property or type means editing this file and running `npm run generate`.
 */
import type { ClosureRoots } from './closure.ts';

/** The pinned source: generation refuses anything else unless `--allow-version-drift` is passed. */
export const pin = {
  /** Upstream govmomi release the Debian package ships. */
  govmomiVersion: '0.24.2',
  debianPackage: 'golang-github-vmware-govmomi-dev',
  /** `dpkg-query -W -f '${Version}' golang-github-vmware-govmomi-dev` must print this. */
  debianVersion: '0.24.2-3',
  /**
   * SHA-256 of each input, relative to the govmomi source root. Checked whenever the files are
   * read, so a `GOVMOMI_SRC` checkout or a patched package cannot slip through unnoticed.
   */
  inputs: {
    'vim25/types/types.go': '6f4785cd522768618ae07bfe0481d91e8d2e17943dee01052d0447701f16b874',
    'vim25/types/enum.go': '29ced03fb5ee9f0ad88fe520134c5c8500feae7fa2076e9124e06b44d70c534a',
    'vim25/types/if.go': '0d19c7f908bbfcedfb78cad81e8545c6480d4be4dddd5fa89eb2b59dc705eccb',
    'vim25/methods/methods.go': '288da229caa9e2aa40afba10f6c0d195e0ff01c295b3699b0cc416e9ec830b24',
    'vim25/mo/mo.go': 'a8a614fba17ea3c227277a9fb7829c00834b44c4dbb758d2c8e11a0daf020a7a',
  },
} as const;

/** SOAP methods, by operation name. */
const methods = [
  'RetrieveServiceContent',
  'Login',
  'Logout',
  'SessionIsActive',
  'CurrentTime',
  'LoginByToken',
  'AcquireCloneTicket',
  'CloneSession',
  'TerminateSession',
  'RetrievePropertiesEx',
  'ContinueRetrievePropertiesEx',
  'CancelRetrievePropertiesEx',
  'CreatePropertyCollector',
  'DestroyPropertyCollector',
  'CreateFilter',
  'DestroyPropertyFilter',
  'WaitForUpdatesEx',
  'CancelWaitForUpdates',
  'CreateContainerView',
  'DestroyView',
  'FindByUuid',
  'FindAllByUuid',
  'FindByDnsName',
  'FindAllByDnsName',
  'FindByIp',
  'FindAllByIp',
  'PowerOffVM_Task',
  'PowerOnVM_Task',
  'Destroy_Task',
];

/**
 * Managed objects and the own properties kept for each (inherited ones come from the base, which
 * must be listed too). Left out: properties whose closure is large and that the CCM never reads,
 * e.g. HostSystem.config (about 250 types), HostSystem.precheckRemediationResult (about 140),
 * VirtualMachine.layoutEx, ClusterComputeResource.configuration, ManagedEntity.configIssue (the
 * Event tree).
 */
const managedObjects: Readonly<Record<string, readonly string[]>> = {
  ExtensibleManagedObject: ['value', 'availableField'],
  ManagedEntity: [
    'parent',
    'customValue',
    'overallStatus',
    'configStatus',
    'effectiveRole',
    'permission',
    'name',
    'disabledMethod',
    'recentTask',
    'declaredAlarmState',
    'triggeredAlarmState',
    'alarmActionsEnabled',
    'tag',
  ],
  VirtualMachine: [
    'capability',
    'config',
    'storage',
    'resourcePool',
    'parentVApp',
    'resourceConfig',
    'runtime',
    'guest',
    'summary',
    'datastore',
    'network',
    'snapshot',
    'rootSnapshot',
    'guestHeartbeatStatus',
  ],
  HostSystem: [
    'runtime',
    'summary',
    'capability',
    'configManager',
    'vm',
    'datastore',
    'network',
    'datastoreBrowser',
    'systemResources',
  ],
  ComputeResource: [
    'resourcePool',
    'host',
    'datastore',
    'network',
    'summary',
    'environmentBrowser',
    'configurationEx',
    'lifecycleManaged',
  ],
  ClusterComputeResource: [],
  ResourcePool: [
    'summary',
    'runtime',
    'owner',
    'resourcePool',
    'vm',
    'config',
    'namespace',
    'childConfiguration',
  ],
  Folder: ['childType', 'childEntity', 'namespace'],
  Datacenter: [
    'vmFolder',
    'hostFolder',
    'datastoreFolder',
    'networkFolder',
    'datastore',
    'network',
    'configuration',
  ],
  Network: ['summary', 'host', 'vm', 'name'],
  Task: ['info'],
  SessionManager: [
    'sessionList',
    'currentSession',
    'message',
    'messageLocaleList',
    'supportedLocaleList',
    'defaultLocale',
  ],
  ServiceInstance: ['serverClock', 'capability', 'content'],
  PropertyCollector: ['filter'],
  ManagedObjectView: ['view'],
  ContainerView: ['container', 'type', 'recursive'],
  SearchIndex: [],
};

/** Types not reachable from the above that callers still need, with their closure. */
const extraTypes = [
  'TraversalSpec',
  'LocalizedMethodFault',
  'OptionValue',
  'NotAuthenticated',
  'InvalidLogin',
  'ManagedObjectNotFound',
  'InvalidCollectorVersion',
  'InvalidArgument',
  'InvalidProperty',
  'InvalidRequest',
  'InvalidState',
  'InvalidPowerState',
  'TaskInProgress',
  'NoPermission',
  'NotFound',
  'NotSupported',
  'RequestCanceled',
  'SecurityError',
  'SystemError',
  'InvalidType',
  'HostCommunication',
];

/**
 * Polymorphic bases whose subtypes are all emitted once the base is reached, because the
 * subtype is what servers send and its own fields matter (CustomFieldStringValue.value,
 * ClusterComputeResourceSummary). Subtypes of other bases decode as their declared base.
 */
const expandSubtypesOf = [
  'SelectionSpec',
  'CustomFieldValue',
  'ComputeResourceSummary',
  'NetworkSummary',
  'ResourcePoolSummary',
  'TaskReason',
];

/** The allow-list the generator runs with. */
export const allowList: ClosureRoots = { methods, managedObjects, extraTypes, expandSubtypesOf };

/**
 * Corrections for facts the Go types lose, keyed `Type.element`. govmomi 0.24 writes both
 * xsd:base64Binary and a repeated xsd:byte as `[]byte` (later releases added `types.ByteSlice`
 * for the latter). The vSphere API reference types HostDigestInfo.digestValue as `xsd:byte[]`.
 * Only fields inside the emitted closure need an entry; an entry for an unknown field fails.
 */
export const fieldOverrides: Readonly<Record<string, { readonly type: string; readonly array: boolean }>> = {
  'HostDigestInfo.digestValue': { type: 'byte', array: true },
};
