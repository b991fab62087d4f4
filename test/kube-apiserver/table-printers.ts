// SPDX-License-Identifier: Apache-2.0
// Test-only: the server-side printed columns of `kubectl get`, after kube-apiserver's printers
// (pkg/printers/internalversion): column names, priorities (1 = only with -o wide) and cell text.
import { age, get, list, name, orNone, since, str } from './printer-cells.ts';

type Obj = Record<string, unknown>;

/** A `meta.k8s.io/v1` TableColumnDefinition. */
export interface ColumnDefinition {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'date';
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

/** The columns of one kind and how to fill a row of them. */
export interface Printer {
  readonly columns: readonly ColumnDefinition[];
  /** The cells of `obj`'s row, in column order; `now` is for AGE-like columns. */
  cells(obj: Obj, now: Date): readonly (string | number)[];
}

function col(name: string, description: string, priority = 0, format = ''): ColumnDefinition {
  return {
    name,
    type: name === 'Count' || name === 'Data' ? 'integer' : 'string',
    format,
    description,
    priority,
  };
}

const NAME = col('Name', 'Name must be unique within a namespace.', 0, 'name');
const AGE = col(
  'Age',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);

function nodeStatus(node: Obj): string {
  const ready = list(get(node, 'status.conditions')).find((c) => c['type'] === 'Ready');
  const state = ready === undefined ? 'Unknown' : ready['status'] === 'True' ? 'Ready' : 'NotReady';
  return get(node, 'spec.unschedulable') === true ? `${state},SchedulingDisabled` : state;
}

function nodeRoles(node: Obj): string {
  const labels = (get(node, 'metadata.labels') ?? {}) as Obj;
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && str(v) !== '') roles.add(str(v));
  }
  return orNone([...roles].sort().join(','));
}

function info(node: Obj, field: string): string {
  return str(get(node, `status.nodeInfo.${field}`)) || '<unknown>';
}

function address(node: Obj, type: string): string {
  return orNone(str(list(get(node, 'status.addresses')).find((a) => a['type'] === type)?.['address']));
}

function servicePorts(svc: Obj): string {
  const ports = list(get(svc, 'spec.ports')).map((p) => {
    const proto = str(p['protocol']) || 'TCP';
    const np = p['nodePort'];
    return typeof np === 'number' ? `${str(p['port'])}:${String(np)}/${proto}` : `${str(p['port'])}/${proto}`;
  });
  return orNone(ports.join(','));
}

function serviceExternalIp(svc: Obj): string {
  const external = (get(svc, 'spec.externalIPs') as unknown[] | undefined)?.map(str) ?? [];
  switch (get(svc, 'spec.type')) {
    case 'ExternalName':
      return str(get(svc, 'spec.externalName'));
    case 'LoadBalancer': {
      const ingress = list(get(svc, 'status.loadBalancer.ingress')).map(
        (i) => str(i['ip']) || str(i['hostname']),
      );
      const all = [...ingress, ...external].filter((x) => x !== '');
      return all.length === 0 ? '<pending>' : all.join(',');
    }
    default:
      return orNone(external.join(','));
  }
}

function selector(svc: Obj): string {
  const sel = (get(svc, 'spec.selector') ?? {}) as Obj;
  return orNone(
    Object.entries(sel)
      .map(([k, v]) => `${k}=${str(v)}`)
      .sort()
      .join(','),
  );
}

/** At most three entries then `+ N more...`, as the real printers shorten endpoint lists. */
function firstThree(items: readonly string[], empty: string): string {
  if (items.length === 0) return empty;
  const head = items.slice(0, 3).join(',');
  return items.length > 3 ? `${head} + ${String(items.length - 3)} more...` : head;
}

function endpointsList(ep: Obj): string {
  const out: string[] = [];
  for (const subset of list(ep['subsets'])) {
    const ports = list(subset['ports']);
    for (const a of list(subset['addresses'])) {
      if (ports.length === 0) out.push(str(a['ip']));
      for (const p of ports) out.push(`${str(a['ip'])}:${str(p['port'])}`);
    }
  }
  return firstThree(out, '<none>');
}

function eventObject(ev: Obj): string {
  const ref = (ev['involvedObject'] ?? ev['regarding'] ?? {}) as Obj;
  return `${str(ref['kind']).toLowerCase()}/${str(ref['name'])}`;
}

function eventSource(ev: Obj): string {
  const src = (ev['source'] ?? ev['deprecatedSource'] ?? {}) as Obj;
  const component = str(src['component']) || str(ev['reportingComponent']) || str(ev['reportingController']);
  const host = str(src['host']);
  return orNone(host === '' ? component : `${component}, ${host}`);
}

function eventLastSeen(ev: Obj, now: Date): string {
  const ts =
    ev['lastTimestamp'] ??
    ev['deprecatedLastTimestamp'] ??
    get(ev, 'series.lastObservedTime') ??
    ev['eventTime'];
  return since(ts, now);
}

const EVENT: Printer = {
  columns: [
    col('Last Seen', 'Time when this Event was last observed.'),
    col('Type', 'Type of this event (Normal, Warning).'),
    col('Reason', 'Short, machine understandable string that gives the reason for the transition.'),
    col('Object', 'The object that this event is about.'),
    col('Subobject', 'The field of the object this event is about.', 1),
    col('Source', 'The component reporting this event.', 1),
    col('Message', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'The time at which the event was first recorded.', 1),
    col('Count', 'The number of times this event has occurred.', 1),
    col('Name', 'Name of the event.', 1),
  ],
  cells: (ev, now) => [
    eventLastSeen(ev, now),
    str(ev['type']),
    str(ev['reason']),
    eventObject(ev),
    str(get(ev, 'involvedObject.fieldPath') ?? get(ev, 'regarding.fieldPath')),
    eventSource(ev),
    str(ev['message'] ?? ev['note']).trim(),
    since(ev['firstTimestamp'] ?? ev['deprecatedFirstTimestamp'] ?? ev['eventTime'], now),
    Number(ev['count'] ?? ev['deprecatedCount'] ?? 1),
    name(ev),
  ],
};

const PRINTERS: Readonly<Record<string, Printer>> = {
  Node: {
    columns: [
      NAME,
      col('Status', 'The status of the node'),
      col('Roles', 'The roles of the node'),
      AGE,
      col('Version', 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'List of internal IPs for the node.', 1),
      col('External-IP', 'List of external IPs for the node.', 1),
      col('OS-Image', 'OS image reported by the node.', 1),
      col('Kernel-Version', 'Kernel version reported by the node.', 1),
      col('Container-Runtime', 'Container runtime and version reported by the node.', 1),
    ],
    cells: (n, now) => [
      name(n),
      nodeStatus(n),
      nodeRoles(n),
      age(n, now),
      str(get(n, 'status.nodeInfo.kubeletVersion')),
      address(n, 'InternalIP'),
      address(n, 'ExternalIP'),
      info(n, 'osImage'),
      info(n, 'kernelVersion'),
      info(n, 'containerRuntimeVersion'),
    ],
  },
  Service: {
    columns: [
      NAME,
      col('Type', 'The type of the service.'),
      col('Cluster-IP', 'The cluster IP address of the service.'),
      col('External-IP', 'The external IP addresses of the service.'),
      col('Port(s)', 'The ports of the service.'),
      AGE,
      col('Selector', 'The label selector of the service.', 1),
    ],
    cells: (s, now) => [
      name(s),
      str(get(s, 'spec.type')),
      orNone(str(get(s, 'spec.clusterIP'))),
      serviceExternalIp(s),
      servicePorts(s),
      age(s, now),
      selector(s),
    ],
  },
  Event: EVENT,
  Lease: {
    columns: [NAME, col('Holder', 'The holder of the lease.'), AGE],
    cells: (l, now) => [name(l), str(get(l, 'spec.holderIdentity')), age(l, now)],
  },
  ConfigMap: {
    columns: [NAME, col('Data', 'Number of keys in the config map.'), AGE],
    cells: (c, now) => [
      name(c),
      Object.keys(c['data'] ?? {}).length + Object.keys(c['binaryData'] ?? {}).length,
      age(c, now),
    ],
  },
  Secret: {
    columns: [
      NAME,
      col('Type', 'The type of the secret.'),
      col('Data', 'Number of keys in the secret.'),
      AGE,
    ],
    cells: (s, now) => [name(s), str(s['type']), Object.keys(s['data'] ?? {}).length, age(s, now)],
  },
  Endpoints: {
    columns: [NAME, col('Endpoints', 'Endpoints of the service.'), AGE],
    cells: (e, now) => [name(e), endpointsList(e), age(e, now)],
  },
  Namespace: {
    columns: [NAME, col('Status', 'The status of the namespace.'), AGE],
    cells: (n, now) => [name(n), str(get(n, 'status.phase')), age(n, now)],
  },
  EndpointSlice: {
    columns: [
      NAME,
      col('AddressType', 'The type of address held in this EndpointSlice.'),
      col('Ports', 'The ports of the EndpointSlice.'),
      col('Endpoints', 'The addresses of the endpoints.'),
      AGE,
    ],
    cells: (e, now) => [
      name(e),
      str(e['addressType']),
      firstThree(
        list(e['ports']).map((p) => str(p['port'])),
        '<unset>',
      ),
      firstThree(
        list(e['endpoints']).flatMap((ep) =>
          Array.isArray(ep['addresses']) ? ep['addresses'].map(str) : [],
        ),
        '<unset>',
      ),
      age(e, now),
    ],
  },
};

const GENERIC: Printer = { columns: [NAME, AGE], cells: (o, now) => [name(o), age(o, now)] };

/** The printer for `kind`: the real server's columns, or NAME/AGE for kinds without one. */
export function printerFor(kind: string): Printer {
  return PRINTERS[kind] ?? GENERIC;
}
