// SPDX-License-Identifier: Apache-2.0
// Test-only: Service defaulting, validation and allocation as kube-apiserver does them: a
// ClusterIP from 10.96.0.0/12 and nodePorts from 30000-32767, kept across updates that omit them.
import type { FieldError } from './status.ts';

type Obj = Record<string, unknown>;

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;
/** 10.96.0.0/12 as a 32-bit number, and its size. */
const CIDR_BASE = (10 << 24) | (96 << 16);
const CIDR_SIZE = 1 << 20;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function ports(spec: Obj): Obj[] {
  const p = spec['ports'];
  return Array.isArray(p) ? p.filter(isObj) : [];
}

function ipString(n: number): string {
  return [24, 16, 8, 0].map((s) => String((n >>> s) & 255)).join('.');
}

function specOf(svc: Obj): Obj {
  return isObj(svc['spec']) ? svc['spec'] : {};
}

/** What the given Services hold allocated. */
interface Allocated {
  readonly ips: ReadonlySet<string>;
  readonly nodePorts: ReadonlySet<number>;
}

function allocatedBy(services: readonly Obj[]): Allocated {
  const ips = new Set<string>();
  const nodePorts = new Set<number>();
  for (const s of services) {
    const spec = specOf(s);
    if (typeof spec['clusterIP'] === 'string') ips.add(spec['clusterIP']);
    for (const p of ports(spec)) if (typeof p['nodePort'] === 'number') nodePorts.add(p['nodePort']);
  }
  return { ips, nodePorts };
}

function needsNodePorts(type: unknown): boolean {
  return type === 'NodePort' || type === 'LoadBalancer';
}

/**
 * Fills what the real server defaults and allocates on a Service being written: type, protocol,
 * targetPort, sessionAffinity, IP family fields, clusterIP (kept from `old`, else the lowest free
 * address), nodePorts (kept from `old` by port/protocol, else the lowest free port) for
 * NodePort/LoadBalancer. `others` are the other stored Services. Returns a new object.
 */
export function defaultService(svc: Obj, old: Obj | undefined, others: readonly Obj[]): Obj {
  const taken = allocatedBy(others);
  const spec: Obj = { ...specOf(svc) };
  const oldSpec = old === undefined ? {} : specOf(old);
  spec['type'] ??= 'ClusterIP';
  spec['sessionAffinity'] ??= 'None';
  const external = spec['type'] === 'ExternalName';
  if (!external) {
    spec['internalTrafficPolicy'] ??= 'Cluster';
    if (spec['clusterIP'] === undefined || spec['clusterIP'] === '') {
      const kept = oldSpec['clusterIP'];
      spec['clusterIP'] = typeof kept === 'string' && kept !== '' ? kept : freeIp(taken.ips);
    }
    if (spec['clusterIP'] !== 'None') spec['clusterIPs'] = [spec['clusterIP']];
    spec['ipFamilies'] ??= ['IPv4'];
    spec['ipFamilyPolicy'] ??= 'SingleStack';
  }
  if (needsNodePorts(spec['type'])) spec['externalTrafficPolicy'] ??= 'Cluster';
  if (spec['type'] === 'LoadBalancer') spec['allocateLoadBalancerNodePorts'] ??= true;
  const used = new Set(taken.nodePorts);
  const oldPorts = ports(oldSpec);
  spec['ports'] = ports(spec).map((p) => {
    const port: Obj = { protocol: 'TCP', ...p };
    port['targetPort'] ??= port['port'];
    if (needsNodePorts(spec['type']) && port['nodePort'] === undefined) {
      const same = oldPorts.find((o) => o['port'] === port['port'] && o['protocol'] === port['protocol']);
      const kept = same?.['nodePort'];
      port['nodePort'] = typeof kept === 'number' ? kept : freePort(used);
    }
    if (typeof port['nodePort'] === 'number') used.add(port['nodePort']);
    return port;
  });
  return { ...svc, spec };
}

function freeIp(taken: ReadonlySet<string>): string {
  // .0 is the network address; the real allocator picks at random, lowest-free is reproducible.
  for (let i = 1; i < CIDR_SIZE - 1; i++) {
    const ip = ipString(CIDR_BASE + i);
    if (!taken.has(ip)) return ip;
  }
  return 'None';
}

function freePort(used: ReadonlySet<number>): number {
  for (let p = NODE_PORT_MIN; p <= NODE_PORT_MAX; p++) if (!used.has(p)) return p;
  return 0;
}

/**
 * Validation errors of a defaulted Service, with the real messages: type, port range, required
 * ports, nodePort range and conflicts with `others` (the other stored Services).
 */
export function serviceErrors(svc: Obj, others: readonly Obj[]): FieldError[] {
  const spec = specOf(svc);
  const out: FieldError[] = [];
  const type = spec['type'];
  if (typeof type !== 'string' || !TYPES.includes(type)) {
    const supported = TYPES.map((x) => JSON.stringify(x)).join(', ');
    out.push({
      reason: 'FieldValueNotSupported',
      field: 'spec.type',
      detail: `Unsupported value: ${JSON.stringify(type)}: supported values: ${supported}`,
    });
  }
  const list = ports(spec);
  if (list.length === 0 && type !== 'ExternalName') {
    out.push({ reason: 'FieldValueRequired', field: 'spec.ports', detail: 'Required value' });
  }
  const taken = allocatedBy(others).nodePorts;
  list.forEach((p, i) => {
    const port = p['port'];
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      const field = `spec.ports[${i}].port`;
      out.push({
        reason: 'FieldValueInvalid',
        field,
        detail: `Invalid value: ${JSON.stringify(port ?? 0)}: must be between 1 and 65535, inclusive`,
      });
    }
    const np = p['nodePort'];
    if (typeof np !== 'number') return;
    const field = `spec.ports[${i}].nodePort`;
    if (np < NODE_PORT_MIN || np > NODE_PORT_MAX) {
      out.push({
        reason: 'FieldValueInvalid',
        field,
        detail: `Invalid value: ${String(np)}: provided port is not in the valid range. The range of valid ports is ${String(NODE_PORT_MIN)}-${String(NODE_PORT_MAX)}`,
      });
    } else if (taken.has(np)) {
      out.push({
        reason: 'FieldValueInvalid',
        field,
        detail: `Invalid value: ${String(np)}: provided port is already allocated`,
      });
    }
  });
  return out;
}
