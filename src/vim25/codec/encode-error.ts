// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../../lib/errors.ts';

/**
 * A request could not be encoded: an unknown property, a value of the wrong JavaScript type, a
 * missing required field, or text XML cannot carry. This is a programming error in the caller,
 * so nothing is sent. `path` names the offending value (e.g. `Login.password`,
 * `RetrievePropertiesEx.specSet[0].objectSet[0].skip`); the message never contains the value
 * itself, which may be a secret.
 */
export class SoapEncodeError extends CcmError {
  readonly code = 'SOAP_ENCODE';
  readonly path: string;

  constructor(path: string, message: string, options?: ErrorOptions) {
    super(`${path}: ${message}`, options);
    this.path = path;
  }
}
