// SPDX-License-Identifier: Apache-2.0
// Test-only: `Status` failure bodies shaped exactly like kube-apiserver's (apimachinery errors).
import { CcmError } from '../../src/lib/errors.ts';

/** One entry of `details.causes`; the real JSON names the cause type `reason`. */
export interface StatusCause {
  readonly reason: string;
  readonly message: string;
  readonly field?: string;
}

/** A `metav1.Status` failure body. */
export interface StatusBody {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly message: string;
  readonly reason: string;
  readonly details?: {
    readonly name?: string;
    readonly group?: string;
    readonly kind?: string;
    readonly causes?: readonly StatusCause[];
  };
  readonly code: number;
}

/** Names a resource the way apimachinery's `GroupResource.String()` does in messages. */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

/** A failure the fake answers with; `status` is the exact body sent. */
export class KubeStatusError extends CcmError {
  readonly code = 'KUBE_STATUS';
  readonly status: StatusBody;

  constructor(status: StatusBody) {
    super(status.message);
    this.status = status;
  }
}

function qualified(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

function details(gr: GroupResource, name: string): NonNullable<StatusBody['details']> {
  return gr.group === '' ? { name, kind: gr.resource } : { name, group: gr.group, kind: gr.resource };
}

function failure(
  code: number,
  reason: string,
  message: string,
  det?: StatusBody['details'],
): KubeStatusError {
  const base = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
  } as const;
  return new KubeStatusError(det === undefined ? { ...base, code } : { ...base, details: det, code });
}

/** 404 `nodes "n1" not found`. */
export function notFound(gr: GroupResource, name: string): KubeStatusError {
  return failure(404, 'NotFound', `${qualified(gr)} "${name}" not found`, details(gr, name));
}

/** 409 `nodes "n1" already exists`. */
export function alreadyExists(gr: GroupResource, name: string): KubeStatusError {
  return failure(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, details(gr, name));
}

/** 409 Conflict; `why` defaults to the stale-resourceVersion text. */
export function conflict(gr: GroupResource, name: string, why?: string): KubeStatusError {
  const reason =
    why ?? 'the object has been modified; please apply your changes to the latest version and try again';
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${reason}`,
    details(gr, name),
  );
}

/** One field error, as apimachinery's `field.Error`. */
export interface FieldError {
  /** `FieldValueInvalid`, `FieldValueDuplicate`, `FieldValueRequired`, … */
  readonly reason: string;
  readonly field: string;
  /** The body after `field: `, e.g. `Invalid value: "x": must be …`. */
  readonly detail: string;
}

/** 422 `Node "n1" is invalid: <field>: <detail>` (several errors in `[a, b]`). */
export function invalid(
  kind: string,
  group: string,
  name: string,
  errs: readonly FieldError[],
): KubeStatusError {
  const parts = errs.map((e) => `${e.field}: ${e.detail}`);
  const joined = parts.length === 1 ? (parts[0] ?? '') : `[${parts.join(', ')}]`;
  const causes = errs.map((e) => ({ reason: e.reason, message: e.detail, field: e.field }));
  const det = group === '' ? { name, kind, causes } : { name, group, kind, causes };
  return failure(422, 'Invalid', `${kind} "${name}" is invalid: ${joined}`, det);
}

/** 400 BadRequest with `message`. */
export function badRequest(message: string): KubeStatusError {
  return failure(400, 'BadRequest', message);
}

/** 422 as `NewGenericServerResponse` builds it for a JSON patch that fails to apply. */
export function patchNotApplied(serverMessage: string): KubeStatusError {
  return failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message: serverMessage }],
  });
}

/** 415 for a patch content type the fake does not accept. */
export function unsupportedMediaType(contentType: string): KubeStatusError {
  const accepted =
    'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json';
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted}`,
    { causes: [{ reason: 'UnexpectedServerResponse', message: contentType }] },
  );
}

/** 405 for a verb the resource does not serve. */
export function methodNotSupported(gr: GroupResource, verb: string): KubeStatusError {
  return failure(
    405,
    'MethodNotAllowed',
    `${verb} is not supported on resources of kind "${qualified(gr)}"`,
    {
      group: gr.group,
      kind: gr.resource,
    },
  );
}

/** The 410 `Expired` Status sent in a watch ERROR event. */
export function expired(requested: string, oldest: string): KubeStatusError {
  return failure(410, 'Expired', `too old resource version: ${requested} (${oldest})`);
}

/** 415 for a create/update/delete body that is not JSON (e.g. protobuf, which the fake cannot decode). */
export function unsupportedBodyType(contentType: string): KubeStatusError {
  return failure(
    415,
    'UnsupportedMediaType',
    'the body of the request was in an unknown format - accepted media types include: application/json',
    { causes: [{ reason: 'UnexpectedServerResponse', message: contentType }] },
  );
}
