// SPDX-License-Identifier: Apache-2.0
import type {
  ManagedObjectReference,
  ObjectContent,
  ObjectSpec,
  PropertyFilterSpec,
  RetrieveResult,
} from '../vim25/generated/data-objects.ts';
import type { ManagedObjectMap } from '../vim25/generated/managed-objects.ts';
import {
  CancelRetrievePropertiesEx,
  ContinueRetrievePropertiesEx,
  RetrievePropertiesEx,
} from '../vim25/generated/methods.ts';
import type { VimClient } from '../vim25/client.ts';
import type { CallOptions } from '../vim25/round-tripper.ts';
import type { PropertiesOf, PropertyPath } from './property-paths.ts';
import { viewObjectSpec } from './container-view.ts';

/** Which objects a retrieval covers. */
export type ObjectSelection =
  /** Exactly these objects. A missing one makes the server fault with ManagedObjectNotFound. */
  | { readonly refs: readonly ManagedObjectReference[] }
  /** Every object of the requested type in this ContainerView (see container-view.ts). */
  | { readonly view: ManagedObjectReference };

export interface RetrieveRequest<
  K extends keyof ManagedObjectMap,
  P extends PropertyPath<ManagedObjectMap[K]>,
> {
  readonly type: K;
  readonly paths: readonly P[];
  readonly from: ObjectSelection;
  /** Page size hint for the server; pages are followed with ContinueRetrievePropertiesEx. */
  readonly maxObjects?: number;
}

/** A property the server could not return for one object, and why (the fault's type name). */
export interface MissingPath {
  readonly path: string;
  readonly faultName: string;
}

export interface RetrievedObject<T, P extends string> {
  readonly ref: ManagedObjectReference;
  readonly props: PropertiesOf<T, P>;
  readonly missing: readonly MissingPath[];
}

/**
 * Reads `paths` of every selected object in as few round trips as the server allows: one
 * RetrievePropertiesEx plus one ContinueRetrievePropertiesEx per further page. Properties the
 * object does not have are absent from `props`; properties the server refused are in `missing`.
 */
export async function retrieveProperties<
  K extends keyof ManagedObjectMap,
  P extends PropertyPath<ManagedObjectMap[K]>,
>(
  client: VimClient,
  request: RetrieveRequest<K, P>,
  options?: CallOptions,
): Promise<RetrievedObject<ManagedObjectMap[K], P>[]> {
  const spec: PropertyFilterSpec = {
    propSet: [{ type: request.type, pathSet: [...request.paths] }],
    objectSet: objectSpecs(request.from),
  };
  const contents = await retrieveAll(client, [spec], { ...options, maxObjects: request.maxObjects });
  return contents.map((oc) => toRetrievedObject<ManagedObjectMap[K], P>(oc));
}

/** Converts one ObjectContent into props keyed by path, separating missing properties. */
export function toRetrievedObject<T, P extends string>(oc: ObjectContent): RetrievedObject<T, P> {
  const props: Record<string, unknown> = {};
  for (const dp of oc.propSet ?? []) props[dp.name] = dp.val;
  const missing = (oc.missingSet ?? []).map((m) => ({
    path: m.path,
    faultName: m.fault.fault._type ?? 'MethodFault',
  }));
  return { ref: oc.obj, props: props as PropertiesOf<T, P>, missing };
}

/**
 * Runs RetrievePropertiesEx with raw filter specs and follows every page. If the caller aborts
 * between pages, the server-side result set is released with CancelRetrievePropertiesEx.
 */
export async function retrieveAll(
  client: VimClient,
  specSet: PropertyFilterSpec[],
  options?: CallOptions & { readonly maxObjects?: number | undefined },
): Promise<ObjectContent[]> {
  const pc = client.serviceContent.propertyCollector;
  const callOptions = callOnly(options);
  const retrieveOptions = options?.maxObjects === undefined ? {} : { maxObjects: options.maxObjects };
  let page: RetrieveResult | undefined = await RetrievePropertiesEx(
    client.rt,
    { _this: pc, specSet, options: retrieveOptions },
    callOptions,
  );
  const out: ObjectContent[] = [];
  while (page !== undefined) {
    out.push(...page.objects);
    const token = page.token;
    if (token === undefined) break;
    if (options?.signal?.aborted === true) {
      await CancelRetrievePropertiesEx(client.rt, { _this: pc, token }, { timeoutMs: 5_000 }).catch(
        () => undefined,
      );
      throw options.signal.reason as Error;
    }
    page = await ContinueRetrievePropertiesEx(client.rt, { _this: pc, token }, callOptions);
  }
  return out;
}

/** Object specs that select `from`: the refs themselves, or the view's `view` property. */
export function objectSpecs(from: ObjectSelection): ObjectSpec[] {
  return 'refs' in from ? from.refs.map((obj) => ({ obj })) : [viewObjectSpec(from.view)];
}

function callOnly(options?: CallOptions): CallOptions {
  const out: { signal?: AbortSignal; timeoutMs?: number } = {};
  if (options?.signal !== undefined) out.signal = options.signal;
  if (options?.timeoutMs !== undefined) out.timeoutMs = options.timeoutMs;
  return out;
}
