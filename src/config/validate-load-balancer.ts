// SPDX-License-Identifier: Apache-2.0
import type { LoadBalancerClassConfig, LoadBalancerConfig, LoadBalancerSize } from './config.ts';
import { sectionPath } from './config-keys.ts';
import type { RawConfig } from './raw-config.ts';
import { SectionReader } from './section-reader.ts';
import { presentSection, type SectionContext } from './validate-sections.ts';

/** Valid sizes, sorted as the reference lists them in its error message. */
const sizes: readonly LoadBalancerSize[] = ['DLB', 'LARGE', 'MEDIUM', 'SMALL', 'XLARGE'];
const defaultClass = 'default';

type Pools = Omit<LoadBalancerClassConfig, 'name'>;

/** The load balancer and its classes after inheritance; `undefined` and empty when not configured. */
export interface ResolvedLoadBalancer {
  readonly loadBalancer: LoadBalancerConfig | undefined;
  readonly classes: ReadonlyMap<string, LoadBalancerClassConfig>;
}

/**
 * `loadBalancer` and `loadBalancerClass`: the NSX-T load balancer. Present as soon as either
 * section has a key; then every rule of the reference applies, with its messages, and all
 * problems are reported (the reference stops at the first, and then silently disables load
 * balancing). Class inheritance is per pair: a class that sets neither pool name nor ID takes
 * the default class's pool as a whole, likewise for the TCP and UDP profiles.
 */
export function readLoadBalancer(ctx: SectionContext, raw: RawConfig): ResolvedLoadBalancer {
  const lbSection =
    raw.loadBalancerClasses.size > 0
      ? raw.loadBalancer
      : presentSection(ctx, raw.loadBalancer, 'load balancing');
  if (lbSection === undefined && raw.loadBalancerClasses.size === 0)
    return { loadBalancer: undefined, classes: new Map() };
  const r = new SectionReader(ctx, 'loadBalancer', lbSection, sectionPath(ctx.format, 'loadBalancer'));
  const at = r.sectionPath;
  if (raw.nsxt === undefined || raw.nsxt.entries.size === 0) {
    ctx.issues.error(at, `needs the NSX-T connection: add the ${sectionPath(ctx.format, 'nsxt')} section`);
  }
  const lbServiceId = r.string('lbServiceId');
  const tier1GatewayPath = r.string('tier1GatewayPath');
  const own = readPools(r);
  const size = r.string('size');
  checkRequired(ctx, r, { lbServiceId, tier1GatewayPath, size, own });
  const classes = readClasses(ctx, raw);
  checkDefaultPool(ctx, at, own, classes);
  const effectiveDefault = inherit(classes.get(defaultClass) ?? {}, own);
  const resolved = new Map<string, LoadBalancerClassConfig>([
    [defaultClass, { name: defaultClass, ...effectiveDefault }],
  ]);
  for (const [name, pools] of classes) {
    if (name !== defaultClass) resolved.set(name, { name, ...inherit(pools, effectiveDefault) });
  }
  const loadBalancer: LoadBalancerConfig = {
    size: (size ?? '') as LoadBalancerSize,
    lbServiceId,
    tier1GatewayPath,
    snatDisabled: r.bool('snatDisabled') ?? false,
    tags: r.tags('tags'),
  };
  return { loadBalancer, classes: resolved };
}

/** The reference's required-value checks of the `loadBalancer` section, with its messages. */
function checkRequired(
  ctx: SectionContext,
  r: SectionReader,
  v: {
    lbServiceId: string | undefined;
    tier1GatewayPath: string | undefined;
    size: string | undefined;
    own: Pools;
  },
): void {
  const at = r.sectionPath;
  if (v.lbServiceId === undefined && v.tier1GatewayPath === undefined) {
    ctx.issues.error(at, 'either load balancer service id or T1 gateway path required');
  }
  if (v.own.tcpAppProfileName === undefined && v.own.tcpAppProfilePath === undefined) {
    ctx.issues.error(at, 'either load balancer TCP application profile name or path required');
  }
  if (v.own.udpAppProfileName === undefined && v.own.udpAppProfilePath === undefined) {
    ctx.issues.error(at, 'either load balancer UDP application profile name or path required');
  }
  if (!sizes.includes(v.size as LoadBalancerSize)) {
    ctx.issues.error(r.path('size'), `load balancer size is invalid. Valid values are: ${sizes.join(',')}`);
  }
}

function readPools(r: SectionReader): Pools {
  return {
    ipPoolName: r.string('ipPoolName'),
    ipPoolId: r.string('ipPoolId'),
    tcpAppProfileName: r.string('tcpAppProfileName'),
    tcpAppProfilePath: r.string('tcpAppProfilePath'),
    udpAppProfileName: r.string('udpAppProfileName'),
    udpAppProfilePath: r.string('udpAppProfilePath'),
  };
}

function readClasses(ctx: SectionContext, raw: RawConfig): Map<string, Partial<Pools>> {
  const out = new Map<string, Partial<Pools>>();
  for (const [name, section] of raw.loadBalancerClasses) {
    const r = new SectionReader(ctx, 'loadBalancerClass', section, section.path);
    if (name === '')
      ctx.issues.error(section.path, 'a load balancer class needs a name: [LoadBalancerClass "<name>"]');
    const pools = readPools(r);
    if (pools.ipPoolName !== undefined && pools.ipPoolId !== undefined) {
      ctx.issues.error(section.path, 'either load balancer ipPoolName or ipPoolID can be set');
    }
    out.set(name, pools);
  }
  return out;
}

function checkDefaultPool(
  ctx: SectionContext,
  at: string,
  own: Pools,
  classes: ReadonlyMap<string, Partial<Pools>>,
): void {
  if (own.ipPoolName !== undefined && own.ipPoolId !== undefined) {
    ctx.issues.error(at, 'either load balancer ipPoolName or ipPoolID can be set');
    return;
  }
  if (own.ipPoolName !== undefined || own.ipPoolId !== undefined) return;
  const dflt = classes.get(defaultClass);
  if (dflt === undefined) ctx.issues.error(at, 'no default load balancer class defined');
  else if (dflt.ipPoolName === undefined && dflt.ipPoolId === undefined) {
    ctx.issues.error(
      sectionPath(ctx.format, 'loadBalancerClass', defaultClass),
      'default load balancer class: ipPoolName and ipPoolID is empty',
    );
  }
}

function inherit(own: Partial<Pools>, base: Partial<Pools>): Pools {
  const pick = <A extends keyof Pools, B extends keyof Pools>(a: A, b: B): Pick<Pools, A | B> =>
    (own[a] !== undefined || own[b] !== undefined
      ? { [a]: own[a], [b]: own[b] }
      : { [a]: base[a], [b]: base[b] }) as Pick<Pools, A | B>;
  return {
    ...pick('ipPoolName', 'ipPoolId'),
    ...pick('tcpAppProfileName', 'tcpAppProfilePath'),
    ...pick('udpAppProfileName', 'udpAppProfilePath'),
  };
}
