// SPDX-License-Identifier: Apache-2.0
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readTlsFixtures } from '../../test/support/tls-server.ts';
import type { VCenterCredentials } from './credentials.ts';
import {
  SecretDataError,
  decodeDirectoryFiles,
  decodeSecretData,
  parseSecretData,
  type SecretDataProblem,
} from './secret-data-parser.ts';

const IP = '10.20.30.40';
const IPV6 = 'fd01::1';
const SOURCE = 'secret kube-system/vsphere-creds';
const U = 'u-admin-7f3k';
const P = 'p-secret-9q2x';
const TOKEN = 'tok-5h8w';

type Expected =
  | { readonly entries: Readonly<Record<string, VCenterCredentials>> }
  | { readonly problems: readonly Pick<SecretDataProblem, 'key' | 'message'>[] };

interface Case {
  readonly name: string;
  readonly data: Readonly<Record<string, string>>;
  readonly expected: Expected;
}

const pw = (username: string, password: string): VCenterCredentials => ({
  kind: 'password',
  username,
  password,
});

const cases: readonly Case[] = [
  {
    name: 'given <server>.username and .password, should give password credentials',
    data: { [`${IP}.username`]: U, [`${IP}.password`]: P },
    expected: { entries: { [IP]: pw(U, P) } },
  },
  {
    name: 'given dotted values ending in a newline (files), should trim one trailing newline',
    data: { [`${IP}.username`]: `${U}\n`, [`${IP}.password`]: `${P}\n\n` },
    expected: { entries: { [IP]: pw(U, `${P}\n`) } },
  },
  {
    name: 'given a misspelt username key, should report it as an unknown key and the missing username',
    data: { [`${IP}.usernam`]: U, [`${IP}.password`]: P },
    expected: {
      problems: [
        { key: `${IP}.usernam`, message: 'Unknown secret key' },
        { key: `${IP}.username`, message: 'Username/Password is missing' },
      ],
    },
  },
  {
    name: 'given only a password, should report the missing username key',
    data: { [`${IP}.password`]: P },
    expected: { problems: [{ key: `${IP}.username`, message: 'Username/Password is missing' }] },
  },
  {
    name: 'given only a username, should report the missing password key',
    data: { [`${IP}.username`]: U },
    expected: { problems: [{ key: `${IP}.password`, message: 'Username/Password is missing' }] },
  },
  {
    name: 'given a session manager URL without a token, should use the pod token (token undefined)',
    data: { [`${IP}.vc-session-manager-url`]: 'https://something.tld/session' },
    expected: {
      entries: { [IP]: { kind: 'session-manager', url: 'https://something.tld/session', token: undefined } },
    },
  },
  {
    name: 'given a session manager token without a URL, should report missing credentials',
    data: { [`${IP}.vc-session-manager-token`]: TOKEN },
    expected: { problems: [{ key: `${IP}.username`, message: 'Username/Password is missing' }] },
  },
  {
    name: 'given a session manager URL and token, should give session-manager credentials',
    data: {
      [`${IP}.vc-session-manager-url`]: 'https://something.tld/session',
      [`${IP}.vc-session-manager-token`]: `${TOKEN}\n`,
    },
    expected: {
      entries: { [IP]: { kind: 'session-manager', url: 'https://something.tld/session', token: TOKEN } },
    },
  },
  {
    name: 'given both user/password and a session manager URL, should prefer the session manager',
    data: {
      [`${IP}.username`]: U,
      [`${IP}.password`]: P,
      [`${IP}.vc-session-manager-url`]: 'https://something.tld/session',
    },
    expected: {
      entries: { [IP]: { kind: 'session-manager', url: 'https://something.tld/session', token: undefined } },
    },
  },
  {
    name: 'given an http:// session manager URL, should refuse it',
    data: { [`${IP}.vc-session-manager-url`]: 'http://something.tld/session' },
    expected: { problems: [{ key: `${IP}.vc-session-manager-url`, message: 'Invalid credential value' }] },
  },
  {
    name: 'given a bare server key, should report an unknown key',
    data: { [IP]: U },
    expected: { problems: [{ key: IP, message: 'Unknown secret key' }] },
  },
  {
    name: 'given a bare "password" key, should report an unknown key rather than a server named "password"',
    data: { password: 'x' },
    expected: { problems: [{ key: 'password', message: 'Unknown secret key' }] },
  },
  {
    name: 'given two server_<id> triples (the IPv6 form), should give both, values untrimmed',
    data: {
      username_0: U,
      password_0: `${P}\n`,
      server_0: IPV6,
      username_foo: `${U}foo`,
      password_foo: `${P}foo`,
      server_foo: IP,
    },
    expected: { entries: { [IPV6]: pw(U, `${P}\n`), [IP]: pw(`${U}foo`, `${P}foo`) } },
  },
  {
    name: 'given server_<id> without password_<id>, should report the missing password key',
    data: { username_0: U, server_0: IPV6 },
    expected: { problems: [{ key: 'password_0', message: 'Username/Password is missing' }] },
  },
  {
    name: 'given server_<id> without username_<id>, should report the missing username key',
    data: { password_0: P, server_0: IPV6 },
    expected: { problems: [{ key: 'username_0', message: 'Username/Password is missing' }] },
  },
  {
    name: 'given password_<id> without server_<id>, should report an incomplete set',
    data: { username_0: U, password_0: P, server_0: IPV6, password_1: P },
    expected: { problems: [{ key: 'password_1', message: 'Credentials did not have all required values' }] },
  },
  {
    name: 'given username_<id> without server_<id>, should report an incomplete set',
    data: { username_0: U, password_0: P, server_0: IPV6, username_1: U },
    expected: { problems: [{ key: 'username_1', message: 'Credentials did not have all required values' }] },
  },
  {
    name: 'given prefixes without <id>, should report each as an unknown key',
    data: { username_: U, password_: P, server_: IPV6 },
    expected: {
      problems: [
        { key: 'server_', message: 'Unknown secret key' },
        { key: 'password_', message: 'Unknown secret key' },
        { key: 'username_', message: 'Unknown secret key' },
      ],
    },
  },
  {
    name: 'given username_ alone, should report an unknown key',
    data: { username_: U },
    expected: { problems: [{ key: 'username_', message: 'Unknown secret key' }] },
  },
  {
    name: 'given password_ alone, should report an unknown key',
    data: { password_: P },
    expected: { problems: [{ key: 'password_', message: 'Unknown secret key' }] },
  },
  {
    name: 'given server_<id> with an empty server name, should report an incomplete set',
    data: { server_0: '', username_0: U, password_0: P },
    expected: { problems: [{ key: 'server_0', message: 'Credentials did not have all required values' }] },
  },
  {
    name: 'given the dotted and the server_<id> forms mixed, should give both servers',
    data: {
      [`${IP}.username`]: U,
      [`${IP}.password`]: P,
      username_0: `${U}alt`,
      password_0: `${P}alt`,
      server_0: IPV6,
    },
    expected: { entries: { [IP]: pw(U, P), [IPV6]: pw(`${U}alt`, `${P}alt`) } },
  },
  {
    name: 'given empty values, should count them as missing',
    data: { [`${IP}.username`]: '', [`${IP}.password`]: '' },
    expected: { problems: [{ key: `${IP}.username`, message: 'Username/Password is missing' }] },
  },
  {
    name: 'given no keys at all, should report missing credentials',
    data: {},
    expected: { problems: [{ key: '(none)', message: 'Username/Password is missing' }] },
  },
];

const toMap = (data: Readonly<Record<string, string>>): Map<string, string> => new Map(Object.entries(data));

describe('parseSecretData', () => {
  for (const c of cases) {
    test(c.name, () => {
      if ('entries' in c.expected) {
        assert.deepEqual(Object.fromEntries(parseSecretData(toMap(c.data), SOURCE)), c.expected.entries);
        return;
      }
      const expected = c.expected.problems;
      assert.throws(
        () => parseSecretData(toMap(c.data), SOURCE),
        (err: unknown) => {
          assert.ok(err instanceof SecretDataError);
          assert.equal(err.code, 'CREDENTIALS_INVALID');
          assert.deepEqual(
            err.problems.map((p) => ({ key: p.key, message: p.message })),
            expected,
          );
          assert.ok(err.message.startsWith(`${SOURCE}: `));
          for (const p of expected) assert.ok(err.message.includes(`${p.key}: ${p.message}`), err.message);
          return true;
        },
      );
    });
  }

  test('given any invalid data, should never put a value in the error message', () => {
    for (const c of cases) {
      if ('entries' in c.expected) continue;
      try {
        parseSecretData(toMap(c.data), SOURCE);
        assert.fail(`case "${c.name}" should have thrown`);
      } catch (err) {
        assert.ok(err instanceof SecretDataError);
        const valuesThatAreNotKeys = Object.values(c.data).filter(
          (v) => v.length > 3 && !(v === IP || v === IPV6),
        );
        for (const v of valuesThatAreNotKeys)
          assert.ok(!err.message.includes(v), `"${c.name}" leaks a value`);
      }
    }
  });

  test('given a PEM certificate as username and its PEM key as password, should give certificate credentials', async () => {
    const tls = await readTlsFixtures();
    const entries = parseSecretData(
      toMap({ [`${IP}.username`]: tls.serverCert, [`${IP}.password`]: `${tls.serverKey}\n` }),
      SOURCE,
    );
    const got = entries.get(IP);
    assert.equal(got?.kind, 'certificate');
    // Dotted values lose one trailing newline, PEM included (as in the reference).
    assert.equal(got.certificatePem, tls.serverCert.replace(/\n$/, ''));
    assert.equal(got.privateKeyPem, tls.serverKey);
  });

  test('given a PEM username with a password that is not a key, should report an invalid value without the value', async () => {
    const tls = await readTlsFixtures();
    assert.throws(
      () =>
        parseSecretData(
          toMap({ [`${IP}.username`]: tls.serverCert, [`${IP}.password`]: 'not-a-key' }),
          SOURCE,
        ),
      (err: unknown) =>
        err instanceof SecretDataError &&
        err.problems[0]?.key === `${IP}.username` &&
        err.problems[0].message === 'Invalid credential value' &&
        !err.message.includes('BEGIN') &&
        !err.message.includes('not-a-key'),
    );
  });
});

describe('decoding', () => {
  test('given Secret data, should decode base64 values as UTF-8', () => {
    const data = decodeSecretData({
      'vc.example.com.username': Buffer.from('admin@vsphere.local').toString('base64'),
      'vc.example.com.password': Buffer.from('pässwörd').toString('base64'),
    });
    assert.deepEqual(Object.fromEntries(parseSecretData(data, SOURCE)), {
      'vc.example.com': pw('admin@vsphere.local', 'pässwörd'),
    });
  });

  test('given a Secret without data, should decode to no keys', () => {
    assert.equal(decodeSecretData(undefined).size, 0);
  });

  test('given directory files, should decode their bytes as UTF-8', () => {
    const data = decodeDirectoryFiles(new Map([['a.username', new TextEncoder().encode('ü\n')]]));
    assert.equal(data.get('a.username'), 'ü\n');
  });
});
