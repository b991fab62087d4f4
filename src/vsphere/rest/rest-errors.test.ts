// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  RestAlreadyExistsError,
  RestError,
  RestInvalidArgumentError,
  RestNotFoundError,
  RestServiceUnavailableError,
  RestTimeoutError,
  RestTransportError,
  RestUnauthenticatedError,
  RestUnauthorizedError,
  restErrorFromResponse,
} from './rest-errors.ts';

const req = { method: 'POST', path: '/com/vmware/cis/tagging/tag', action: 'list' } as const;

describe('restErrorFromResponse', () => {
  const cases: {
    name: string;
    status: number;
    body: string;
    cls: typeof RestError;
    code: string;
    errorType: string | undefined;
    messages: string[];
  }[] = [
    {
      name: 'a /rest body with type and LocalizableMessages',
      status: 404,
      body: JSON.stringify({
        type: 'com.vmware.vapi.std.errors.not_found',
        value: {
          messages: [{ default_message: 'Tag missing', id: 'cis.tagging.objectNotFound.error', args: [] }],
        },
      }),
      cls: RestNotFoundError,
      code: 'REST_NOT_FOUND',
      errorType: 'com.vmware.vapi.std.errors.not_found',
      messages: ['Tag missing'],
    },
    {
      name: 'a /rest body whose value carries error_type only',
      status: 400,
      body: JSON.stringify({
        value: { error_type: 'INVALID_ARGUMENT', messages: [{ default_message: 'bad id' }] },
      }),
      cls: RestInvalidArgumentError,
      code: 'REST_INVALID_ARGUMENT',
      errorType: 'INVALID_ARGUMENT',
      messages: ['bad id'],
    },
    {
      name: 'an /api body',
      status: 403,
      body: JSON.stringify({ error_type: 'UNAUTHORIZED', messages: [{ default_message: 'no privilege' }] }),
      cls: RestUnauthorizedError,
      code: 'REST_UNAUTHORIZED',
      errorType: 'UNAUTHORIZED',
      messages: ['no privilege'],
    },
    {
      name: "vcsim's BadRequest body with string messages",
      status: 400,
      body: JSON.stringify({
        type: 'com.vmware.vapi.std.errors.already_exists',
        value: { messages: ['dup'] },
      }),
      cls: RestAlreadyExistsError,
      code: 'REST_ALREADY_EXISTS',
      errorType: 'com.vmware.vapi.std.errors.already_exists',
      messages: ['dup'],
    },
    {
      name: "vcsim's plain-text 404",
      status: 404,
      body: '404 page not found\n',
      cls: RestNotFoundError,
      code: 'REST_NOT_FOUND',
      errorType: undefined,
      messages: ['404 page not found'],
    },
    {
      name: 'an empty 401',
      status: 401,
      body: '',
      cls: RestUnauthenticatedError,
      code: 'REST_UNAUTHENTICATED',
      errorType: undefined,
      messages: [],
    },
    {
      name: 'an HTML 503 from a proxy',
      status: 503,
      body: '<html><body>Service Unavailable</body></html>',
      cls: RestServiceUnavailableError,
      code: 'REST_SERVICE_UNAVAILABLE',
      errorType: undefined,
      messages: ['<html><body>Service Unavailable</body></html>'],
    },
    {
      name: 'an unknown error type on a 500',
      status: 500,
      body: JSON.stringify({ type: 'com.vmware.vapi.std.errors.internal_server_error', value: {} }),
      cls: RestError,
      code: 'REST_ERROR',
      errorType: 'com.vmware.vapi.std.errors.internal_server_error',
      messages: [],
    },
    {
      name: 'a JSON array body',
      status: 500,
      body: '[1,2]',
      cls: RestError,
      code: 'REST_ERROR',
      errorType: undefined,
      messages: ['[1,2]'],
    },
  ];

  for (const c of cases) {
    test(`given ${c.name}, should build ${c.cls.name} with code ${c.code}`, () => {
      const err = restErrorFromResponse(req, c.status, c.body);
      assert.equal(err.constructor, c.cls);
      assert.equal(err.code, c.code);
      assert.equal(err.status, c.status);
      assert.equal(err.errorType, c.errorType);
      assert.deepEqual(err.messages, c.messages);
      assert.deepEqual(err.request, req);
      assert.match(
        err.message,
        new RegExp(`^POST /com/vmware/cis/tagging/tag\\?~action=list: HTTP ${String(c.status)}`),
      );
    });
  }

  test('given an error type that contradicts the status, should let the error type decide', () => {
    const body = JSON.stringify({ type: 'com.vmware.vapi.std.errors.not_found' });
    assert.ok(restErrorFromResponse(req, 400, body) instanceof RestNotFoundError);
  });

  test('given a very long non-JSON body, should keep a short excerpt only', () => {
    const err = restErrorFromResponse(req, 502, 'x'.repeat(10_000));
    assert.equal(err.messages[0]?.length, 200);
  });
});

describe('transport and timeout errors', () => {
  test('given a cause with a code, should name it and keep the cause', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const err = new RestTransportError({ method: 'GET', path: '/x' }, { cause });
    assert.equal(err.cause, cause);
    assert.equal(err.status, undefined);
    assert.match(err.message, /^GET \/x: ECONNREFUSED: connect ECONNREFUSED/);
  });

  test('given a timeout, should report the bound', () => {
    const err = new RestTimeoutError({ method: 'GET', path: '/x', action: 'a' }, 250);
    assert.equal(err.code, 'REST_TIMEOUT');
    assert.equal(err.timeoutMs, 250);
    assert.match(err.message, /GET \/x\?~action=a: no response within 250 ms/);
  });
});
