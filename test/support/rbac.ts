// SPDX-License-Identifier: Apache-2.0
// Test-only: Kubernetes RBAC evaluation of logged requests against a manifest's Roles and
// ClusterRoles, for checking that a ServiceAccount's rules are sufficient and minimal.
import { parseAllDocuments } from 'yaml';

/** One PolicyRule, with the namespace it applies in (`undefined`: every namespace and cluster scope). */
export interface ScopedRule {
  readonly source: string;
  readonly namespace: string | undefined;
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames: readonly string[];
}

/** What RBAC decides on: the request attributes the API server's authorizer sees. */
export interface RequestAttributes {
  readonly verb: string;
  readonly apiGroup: string;
  /** `nodes` or `nodes/status`. */
  readonly resource: string;
  readonly namespace: string;
  /** The object's name; for list/watch, the `metadata.name` field selector's value, if any. */
  readonly name: string;
}

interface Doc {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  rules?: { apiGroups?: string[]; resources?: string[]; verbs?: string[]; resourceNames?: string[] }[];
  roleRef?: { kind?: string; name?: string };
  subjects?: { kind?: string; name?: string; namespace?: string }[];
}

/**
 * The rules that apply to ServiceAccount `namespace/name` in the manifest `text`: ClusterRoles
 * bound by ClusterRoleBindings (everywhere), Roles and ClusterRoles bound by RoleBindings (in the
 * binding's namespace).
 */
export function rulesFor(
  text: string,
  sa: { readonly namespace: string; readonly name: string },
): ScopedRule[] {
  const docs = parseAllDocuments(text).map((d) => d.toJS() as Doc);
  const role = (kind: string, name: string, ns?: string): Doc | undefined =>
    docs.find(
      (d) =>
        d.kind === kind &&
        d.metadata?.name === name &&
        (kind === 'ClusterRole' || d.metadata.namespace === ns),
    );
  const out: ScopedRule[] = [];
  for (const b of docs) {
    if (b.kind !== 'ClusterRoleBinding' && b.kind !== 'RoleBinding') continue;
    const bound = (b.subjects ?? []).some(
      (s) => s.kind === 'ServiceAccount' && s.name === sa.name && s.namespace === sa.namespace,
    );
    if (!bound) continue;
    const scope = b.kind === 'RoleBinding' ? b.metadata?.namespace : undefined;
    const r = role(b.roleRef?.kind ?? '', b.roleRef?.name ?? '', scope);
    if (r === undefined) throw new Error(`${b.kind} ${String(b.metadata?.name)} refers to a missing role`);
    for (const rule of r.rules ?? [])
      out.push({
        source: `${String(r.kind)} ${String(r.metadata?.name)}`,
        namespace: scope,
        apiGroups: rule.apiGroups ?? [],
        resources: rule.resources ?? [],
        verbs: rule.verbs ?? [],
        resourceNames: rule.resourceNames ?? [],
      });
  }
  return out;
}

/**
 * The attributes the authorizer sees for `method path?query`: the group from the path, the verb
 * from the method (a collection GET is list, or watch with `watch=true`), and for list/watch the
 * name of a `metadata.name` field selector. `undefined` for non-resource paths (discovery).
 */
export function attributesOf(method: string, pathAndQuery: string): RequestAttributes | undefined {
  const url = new URL(pathAndQuery, 'http://api.invalid');
  const core = /^\/api\/v1\/(.+)$/.exec(url.pathname);
  const named = /^\/apis\/([^/]+)\/[^/]+\/(.+)$/.exec(url.pathname);
  const group = core !== null ? '' : named?.[1];
  const rest = core?.[1] ?? named?.[2];
  if (group === undefined || rest === undefined) return undefined;
  let parts = rest.split('/').map(decodeURIComponent);
  let namespace = '';
  if (parts[0] === 'namespaces' && parts.length >= 3) {
    namespace = parts[1] ?? '';
    parts = parts.slice(2);
  }
  const [resource = '', name = '', subresource] = parts;
  const collection = name === '';
  const verb =
    method === 'GET'
      ? collection
        ? url.searchParams.get('watch') === 'true'
          ? 'watch'
          : 'list'
        : 'get'
      : ({
          POST: 'create',
          PUT: 'update',
          PATCH: 'patch',
          DELETE: collection ? 'deletecollection' : 'delete',
        }[method] ?? method.toLowerCase());
  const byField =
    /(?:^|,)metadata\.name=([^,]+)/.exec(url.searchParams.get('fieldSelector') ?? '')?.[1] ?? '';
  return {
    verb,
    apiGroup: group,
    resource: subresource === undefined ? resource : `${resource}/${subresource}`,
    namespace,
    name: verb === 'list' || verb === 'watch' ? byField : name,
  };
}

/** Whether `rule` allows `a`, with RBAC's matching (`*` wildcards; resourceNames need a name). */
export function allows(rule: ScopedRule, a: RequestAttributes): boolean {
  const has = (list: readonly string[], v: string): boolean => list.includes('*') || list.includes(v);
  if (rule.namespace !== undefined && rule.namespace !== a.namespace) return false;
  if (!has(rule.apiGroups, a.apiGroup) || !has(rule.resources, a.resource) || !has(rule.verbs, a.verb))
    return false;
  return rule.resourceNames.length === 0 || (a.name !== '' && rule.resourceNames.includes(a.name));
}
