// SPDX-License-Identifier: Apache-2.0
import type { ManagedObjectReference, ObjectSpec, TraversalSpec } from '../vim25/generated/data-objects.ts';
import { CreateContainerView, DestroyView } from '../vim25/generated/methods.ts';
import type { VimClient } from '../vim25/client.ts';
import type { CallOptions } from '../vim25/round-tripper.ts';
import { CcmError } from '../lib/errors.ts';

/**
 * A server-side ContainerView: the set of objects of some types below a container, kept current
 * by vCenter. One view plus one property retrieval replaces a walk of the inventory (govmomi
 * view.ContainerView). Views belong to the session that created them and die with it.
 *
 * See https://developer.broadcom.com/xapis/vsphere-web-services-api/latest/vim.view.ContainerView.html
 */
export interface ContainerView {
  readonly ref: ManagedObjectReference;
  /** Destroys the view on the server. Safe to call twice; failures are reported, not thrown. */
  destroy(options?: CallOptions): Promise<void>;
}

export interface ContainerViewRequest {
  /** Folder, Datacenter, ComputeResource or ResourcePool; default is the root folder. */
  readonly container?: ManagedObjectReference;
  readonly types: readonly string[];
  /** Default true: include objects in nested containers. */
  readonly recursive?: boolean;
}

/** The endpoint has no ViewManager (an ESXi host with the service disabled, or a bad endpoint). */
export class NoViewManagerError extends CcmError {
  readonly code = 'VIM_NO_VIEW_MANAGER';
}

/** Creates a ContainerView. The caller owns it and must destroy it (or close the session). */
export async function createContainerView(
  client: VimClient,
  request: ContainerViewRequest,
  options?: CallOptions,
): Promise<ContainerView> {
  const sc = client.serviceContent;
  if (sc.viewManager === undefined) throw new NoViewManagerError('this endpoint has no ViewManager');
  const ref = await CreateContainerView(
    client.rt,
    {
      _this: sc.viewManager,
      container: request.container ?? sc.rootFolder,
      type: [...request.types],
      recursive: request.recursive ?? true,
    },
    options,
  );
  let destroyed = false;
  return {
    ref,
    async destroy(destroyOptions?: CallOptions): Promise<void> {
      if (destroyed) return;
      destroyed = true;
      await DestroyView(client.rt, { _this: ref }, destroyOptions ?? { timeoutMs: 10_000 });
    },
  };
}

/**
 * The ObjectSpec that selects every object in a ContainerView (the view itself is skipped): what
 * a property filter or retrieval over a view needs.
 */
export function viewObjectSpec(view: ManagedObjectReference): ObjectSpec {
  const intoView: TraversalSpec = {
    _type: 'TraversalSpec',
    name: 'intoView',
    type: 'ContainerView',
    path: 'view',
    skip: false,
  };
  return { obj: view, skip: true, selectSet: [intoView] };
}
