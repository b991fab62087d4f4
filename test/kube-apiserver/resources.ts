// SPDX-License-Identifier: Apache-2.0
// Test-only: the resources the fake API server serves, and their discovery documents.

/** One served resource type. */
export interface ResourceType {
  /** API group, `''` for core. */
  readonly group: string;
  readonly version: string;
  /** Plural resource name used in paths, e.g. `nodes`. */
  readonly resource: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** Whether a `/status` subresource exists (status writes only through it). */
  readonly hasStatus: boolean;
  readonly shortNames: readonly string[];
  /**
   * The type whose storage this one shares (as a different view), e.g. events.k8s.io/v1 Events
   * are stored as core/v1 Events; absent when the type has its own storage.
   */
  readonly storage?: { readonly group: string; readonly resource: string };
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/**
 * Every resource type the fake knows, in discovery order. As on the real server, core/v1 and
 * events.k8s.io/v1 Events are one stored resource seen through two APIs (see events-view.ts).
 */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    hasStatus: true,
    shortNames: ['ns'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'nodes',
    singular: 'node',
    kind: 'Node',
    namespaced: false,
    hasStatus: true,
    shortNames: ['no'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'secrets',
    singular: 'secret',
    kind: 'Secret',
    namespaced: true,
    hasStatus: false,
    shortNames: [],
  },
  {
    group: '',
    version: 'v1',
    resource: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    hasStatus: true,
    shortNames: ['svc'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'endpoints',
    singular: 'endpoints',
    kind: 'Endpoints',
    namespaced: true,
    hasStatus: false,
    shortNames: ['ep'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    hasStatus: false,
    shortNames: ['cm'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    hasStatus: false,
    shortNames: ['ev'],
  },
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    resource: 'leases',
    singular: 'lease',
    kind: 'Lease',
    namespaced: true,
    hasStatus: false,
    shortNames: [],
  },
  {
    group: 'events.k8s.io',
    version: 'v1',
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    hasStatus: false,
    shortNames: ['ev'],
    storage: { group: '', resource: 'events' },
  },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    resource: 'endpointslices',
    singular: 'endpointslice',
    kind: 'EndpointSlice',
    namespaced: true,
    hasStatus: false,
    shortNames: [],
  },
];

/** `v1` for core, else `group/version`: the objects' `apiVersion`. */
export function apiVersionOf(t: ResourceType): string {
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}

/** The type served at `group/version/resource`, or `undefined`. */
export function findResourceType(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.resource === resource);
}

/** `GET /api`. */
export function coreVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupNames(): string[] {
  return [...new Set(RESOURCE_TYPES.filter((t) => t.group !== '').map((t) => t.group))];
}

/** `GET /apis`. */
export function apiGroupList(): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupNames().map((name) => {
      const gv = { groupVersion: `${name}/v1`, version: 'v1' };
      return { name, versions: [gv], preferredVersion: gv };
    }),
  };
}

/** `GET /apis/{group}`, or `undefined` for an unknown group. */
export function apiGroup(group: string): object | undefined {
  if (!groupNames().includes(group)) return undefined;
  const gv = { groupVersion: `${group}/v1`, version: 'v1' };
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [gv], preferredVersion: gv };
}

/** `GET /api/v1` or `/apis/{group}/{version}`, or `undefined` when nothing is served there. */
export function apiResourceList(group: string, version: string): object | undefined {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const resources = types.flatMap((t) => {
    const main = {
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: VERBS,
      ...(t.shortNames.length > 0 ? { shortNames: t.shortNames } : {}),
    };
    if (!t.hasStatus) return [main];
    const status = {
      name: `${t.resource}/status`,
      singularName: '',
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: ['get', 'patch', 'update'],
    };
    return [main, status];
  });
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources,
  };
}
