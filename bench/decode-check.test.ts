// SPDX-License-Identifier: Apache-2.0
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeResponse } from '../src/vim25/codec/decode.ts';
import { RetrievePropertiesExMethod } from '../src/vim25/generated/methods.ts';
import { typeRegistry } from '../src/vim25/generated/type-registry.ts';
import { BenchCheckError } from './bench-check-error.ts';
import { checkDecoded } from './decode-check.ts';
import { chunksOf } from './measure.ts';
import { retrievePropertiesResponse, syntheticVm } from './synthetic-response.ts';

const decode = (xml: string, chunkBytes = 64) =>
  decodeResponse(
    typeRegistry,
    RetrievePropertiesExMethod,
    chunksOf(Buffer.from(xml, 'utf8'), chunkBytes, { signal: AbortSignal.timeout(10_000) }),
  );

describe('synthetic RetrievePropertiesEx reply and its check', () => {
  test('given a reply for 3 VMs fed in small chunks, should decode to what the check expects', async () => {
    const counts = checkDecoded(await decode(retrievePropertiesResponse(3)), 3);
    assert.deepEqual(counts, { objects: 3, nics: 6, addresses: 15 });
  });

  test('given one NIC address missing from the reply, should fail the check', async () => {
    const ip = syntheticVm(2).nics[1]!.ipAddresses[1]!.ip;
    const xml = retrievePropertiesResponse(3).replace(`<ipAddress>${ip}</ipAddress>`, '');
    await assert.rejects(async () => checkDecoded(await decode(xml), 3), BenchCheckError);
  });

  test('given a changed annotation character, should fail the check', async () => {
    const xml = retrievePropertiesResponse(2).replace('“general”', '"general"');
    await assert.rejects(async () => checkDecoded(await decode(xml), 2), /annotation/);
  });

  test('given fewer objects than expected, should fail the check', async () => {
    await assert.rejects(
      async () => checkDecoded(await decode(retrievePropertiesResponse(2)), 3),
      /expected 3 objects, decoded 2/,
    );
  });

  test('given distinct VM numbers, should give distinct identities and addresses', () => {
    const vms = [1, 255, 256, 65_535].map(syntheticVm);
    for (const key of ['moref', 'name', 'uuid', 'instanceUuid'] as const) {
      assert.equal(new Set(vms.map((vm) => vm[key])).size, vms.length, key);
    }
    const ips = vms.flatMap((vm) => vm.nics.flatMap((n) => n.ipAddresses.map((a) => a.ip)));
    assert.equal(new Set(ips).size, ips.length);
    assert.ok(vms.every((vm) => /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(vm.uuid)));
  });

  test('given a VM number outside 1..65535, should refuse it', () => {
    assert.throws(() => syntheticVm(0), RangeError);
    assert.throws(() => syntheticVm(65_536), RangeError);
  });
});
