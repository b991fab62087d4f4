// SPDX-License-Identifier: Apache-2.0
// Test-only: the `meta.k8s.io/v1` Table output kubectl asks for with
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`, for get, list and watch.
import { printerFor } from './table-printers.ts';

type Obj = Record<string, unknown>;

/** How a response body is rendered. */
export type Rendering = 'json' | 'table';

/** What `includeObject` asks each row to carry (default `Metadata`). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

function params(mediaType: string): { type: string; params: Map<string, string> } {
  const [type = '', ...rest] = mediaType.split(';').map((p) => p.trim());
  const map = new Map<string, string>();
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i > 0) map.set(p.slice(0, i).trim().toLowerCase(), p.slice(i + 1).trim());
  }
  return { type: type.toLowerCase(), params: map };
}

/**
 * Picks the rendering from an `Accept` header: the first alternative the fake supports wins
 * (a v1 Table, or plain JSON); alternatives it does not support (v1beta1 Tables, protobuf,
 * PartialObjectMetadata, aggregated discovery) are skipped; with none supported, plain JSON.
 */
export function negotiate(accept: string | undefined): Rendering {
  for (const alt of (accept ?? '').split(',')) {
    const { type, params: p } = params(alt);
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') continue;
    const as = p.get('as');
    if (as === undefined) return 'json';
    if (as === 'Table' && p.get('v') === 'v1' && p.get('g') === 'meta.k8s.io') return 'table';
  }
  return 'json';
}

/** Reads `includeObject` from a query (anything unknown is `Metadata`, the server default). */
export function includeObjectOf(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** Options of {@link toTable}. */
export interface TableOptions {
  readonly kind: string;
  /** `apiVersion` of the objects (for rows carrying the full object). */
  readonly apiVersion: string;
  readonly includeObject: IncludeObject;
  readonly now: Date;
  /** The list metadata (resourceVersion, continue) or `{}` for a single object. */
  readonly listMeta?: Obj;
  /** Omits `columnDefinitions` (watch events after the first). */
  readonly noHeaders?: boolean;
}

function rowObject(o: Obj, opts: TableOptions): Obj | undefined {
  if (opts.includeObject === 'None') return undefined;
  if (opts.includeObject === 'Object') return { kind: opts.kind, apiVersion: opts.apiVersion, ...o };
  const meta: unknown = o['metadata'];
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: meta ?? {} };
}

/** A `meta.k8s.io/v1` Table of `objects` with the kind's server-printed columns. */
export function toTable(objects: readonly Obj[], opts: TableOptions): Obj {
  const printer = printerFor(opts.kind);
  const rows = objects.map((o) => {
    const object = rowObject(o, opts);
    return { cells: printer.cells(o, opts.now), ...(object === undefined ? {} : { object }) };
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: opts.listMeta ?? {},
    ...(opts.noHeaders === true ? {} : { columnDefinitions: printer.columns }),
    rows,
  };
}
