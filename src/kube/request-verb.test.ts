// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { kubeErrorCode, kubeRequestResource, kubeRequestVerb } from './request-verb.ts';

const url = (path: string): URL => new URL(path, 'https://api.example:6443');

describe('kubeRequestVerb', () => {
  const cases: readonly [method: string, path: string, verb: string][] = [
    ['GET', '/api/v1/nodes', 'LIST'],
    ['GET', '/api/v1/nodes?limit=500&continue=abc', 'LIST'],
    ['GET', '/api/v1/nodes?watch=true&resourceVersion=7', 'WATCH'],
    ['GET', '/api/v1/nodes?watch=1', 'WATCH'],
    ['GET', '/api/v1/watch/nodes', 'WATCH'],
    ['GET', '/api/v1/nodes/node-1', 'GET'],
    ['get', '/api/v1/namespaces/kube-system/secrets/vsphere', 'GET'],
    ['GET', '/api/v1/namespaces/kube-system/secrets', 'LIST'],
    ['GET', '/api/v1/namespaces', 'LIST'],
    ['GET', '/api/v1/namespaces/kube-system', 'GET'],
    ['PATCH', '/api/v1/nodes/node-1/status', 'PATCH'],
    ['PATCH', '/api/v1/nodes/node-1', 'PATCH'],
    ['PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/ccm', 'PUT'],
    ['GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/ccm', 'GET'],
    ['POST', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', 'POST'],
    ['POST', '/api/v1/namespaces/default/events', 'POST'],
    ['DELETE', '/api/v1/nodes/node-3', 'DELETE'],
    ['DELETE', '/api/v1/namespaces/default/events', 'DELETECOLLECTION'],
    ['GET', '/api', 'GET'],
    ['GET', '/version', 'GET'],
  ];
  for (const [method, path, verb] of cases) {
    test(`given ${method} ${path}, should be ${verb}`, () => {
      assert.equal(kubeRequestVerb(method, url(path)), verb);
    });
  }
});

describe('kubeRequestResource', () => {
  const cases: readonly [path: string, resource: string][] = [
    ['/api/v1/nodes', 'nodes'],
    ['/api/v1/nodes/node-1', 'nodes'],
    ['/api/v1/nodes/node-1/status', 'nodes/status'],
    ['/api/v1/watch/nodes', 'nodes'],
    ['/api/v1/namespaces', 'namespaces'],
    ['/api/v1/namespaces/kube-system', 'namespaces'],
    ['/api/v1/namespaces/kube-system/secrets/vsphere', 'secrets'],
    ['/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/ccm', 'leases'],
    ['/apis/coordination.k8s.io/v1', 'none'],
    ['/api', 'none'],
    ['/version', 'none'],
  ];
  for (const [path, resource] of cases) {
    test(`given ${path}, should be ${resource}`, () => {
      assert.equal(kubeRequestResource(url(path)), resource);
    });
  }
});

describe('kubeErrorCode', () => {
  test('given an error with an HTTP status, should give the status', () => {
    assert.equal(kubeErrorCode(Object.assign(new Error('Gone'), { statusCode: 410 })), '410');
    assert.equal(kubeErrorCode(Object.assign(new Error('Conflict'), { code: 409 })), '409');
  });

  test('given an error without a status, should give error', () => {
    assert.equal(kubeErrorCode(new TypeError('fetch failed')), 'error');
    assert.equal(kubeErrorCode(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })), 'error');
    assert.equal(kubeErrorCode(undefined), 'error');
  });
});
