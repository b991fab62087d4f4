// SPDX-License-Identifier: Apache-2.0
import { CcmError } from '../lib/errors.ts';
import {
  classifyCredentials,
  type CredentialFields,
  type CredentialProblem,
} from './classify-credentials.ts';
import type { VCenterCredentials } from './credentials.ts';

/** One mistake in a Secret or secrets directory, named by key; never carries a value. */
export interface SecretDataProblem {
  /** The key (file name) concerned: the offending key, or the one that is missing. */
  readonly key: string;
  /** The reference's text, kept because users search for it. */
  readonly message:
    | 'Username/Password is missing'
    | 'Unknown secret key'
    | 'Credentials did not have all required values'
    | 'Invalid credential value';
  /** What to do about it. */
  readonly hint: string;
}

/**
 * A Secret or secrets directory does not parse into credentials. The message lists every
 * problem as `key: message (hint)`, prefixed by the source, and never includes a value.
 */
export class SecretDataError extends CcmError {
  readonly code = 'CREDENTIALS_INVALID';
  readonly source: string;
  readonly problems: readonly SecretDataProblem[];

  constructor(source: string, problems: readonly SecretDataProblem[]) {
    super(`${source}: ${problems.map((p) => `${p.key}: ${p.message} (${p.hint})`).join('; ')}`);
    this.source = source;
    this.problems = problems;
  }
}

const dottedSuffixes = {
  username: 'username',
  password: 'password',
  'vc-session-manager-url': 'sessionManagerUrl',
  'vc-session-manager-token': 'sessionManagerToken',
} as const satisfies Record<string, keyof CredentialFields>;

const SERVER_PREFIX = 'server_';
const USERNAME_PREFIX = 'username_';
const PASSWORD_PREFIX = 'password_';

const KEY_FORMS =
  'keys are <server>.username, <server>.password, <server>.vc-session-manager-url, ' +
  '<server>.vc-session-manager-token, or server_<id> with username_<id> and password_<id>';

interface ServerFields {
  fields: { -readonly [K in keyof CredentialFields]: string | undefined };
  /** Key names to quote in errors, per field, for the form this server was written in. */
  usernameKey: string;
  passwordKey: string;
}

/** Decodes a Secret's `data` (base64 values, as the API returns them) into text values. */
export function decodeSecretData(data: Readonly<Record<string, string>> | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(data ?? {}))
    out.set(key, Buffer.from(value, 'base64').toString('utf8'));
  return out;
}

/** Decodes a secrets directory's files (file name → content) into text values. */
export function decodeDirectoryFiles(files: ReadonlyMap<string, Uint8Array>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of files) out.set(key, Buffer.from(value).toString('utf8'));
  return out;
}

/**
 * Parses Secret data or secrets-directory files into credentials per vCenter server, with the
 * reference CPI's rules (`parseConfig`):
 * - a key `<server>.username|password|vc-session-manager-url|vc-session-manager-token` sets that
 *   field for `<server>`; one trailing `\n` is removed from its value;
 * - `server_<id>` names a server whose user and password are `username_<id>` and `password_<id>`
 *   (the form for IPv6 servers, whose `:` is not allowed in keys); these values are not trimmed;
 * - `username_<id>`/`password_<id>` without `server_<id>` → `Credentials did not have all required
 *   values`; any other key (or an empty `<id>`) → `Unknown secret key`;
 * - a server without user and password and without a session-manager URL, or empty data →
 *   `Username/Password is missing`.
 * Unlike the reference, every problem is collected (not just the first one met) and a key must
 * end in `.<suffix>` exactly. Throws `SecretDataError` naming the keys; `source` is used in its
 * message (`secret kube-system/vsphere-creds`).
 */
export function parseSecretData(
  data: ReadonlyMap<string, string>,
  source: string,
): ReadonlyMap<string, VCenterCredentials> {
  if (data.size === 0) {
    throw new SecretDataError(source, [
      { key: '(none)', message: 'Username/Password is missing', hint: `no keys at all; ${KEY_FORMS}` },
    ]);
  }
  const problems: SecretDataProblem[] = [];
  const servers = new Map<string, ServerFields>();
  const keys = [...data.keys()].sort();
  const leftover = keys.filter((key) => !applyDottedKey(key, data.get(key) ?? '', servers));
  const consumed = applyAltFormat(leftover, data, servers, problems);
  for (const key of leftover) if (!consumed.has(key)) problems.push(leftoverProblem(key));
  const result = new Map<string, VCenterCredentials>();
  for (const [server, entry] of [...servers].sort(([a], [b]) => a.localeCompare(b))) {
    const classified = classifyCredentials(entry.fields);
    if ('credentials' in classified) result.set(server, classified.credentials);
    else problems.push(serverProblem(server, entry, classified.problem));
  }
  if (problems.length > 0) throw new SecretDataError(source, problems);
  return result;
}

function serverEntry(servers: Map<string, ServerFields>, server: string): ServerFields {
  let entry = servers.get(server);
  if (entry === undefined) {
    entry = { fields: {}, usernameKey: `${server}.username`, passwordKey: `${server}.password` };
    servers.set(server, entry);
  }
  return entry;
}

function applyDottedKey(key: string, value: string, servers: Map<string, ServerFields>): boolean {
  for (const [suffix, field] of Object.entries(dottedSuffixes)) {
    const tail = `.${suffix}`;
    if (key.length <= tail.length || !key.endsWith(tail)) continue;
    serverEntry(servers, key.slice(0, -tail.length)).fields[field] = value.endsWith('\n')
      ? value.slice(0, -1)
      : value;
    return true;
  }
  return false;
}

/** Applies `server_<id>` triples; returns the keys they used. */
function applyAltFormat(
  leftover: readonly string[],
  data: ReadonlyMap<string, string>,
  servers: Map<string, ServerFields>,
  problems: SecretDataProblem[],
): Set<string> {
  const consumed = new Set<string>();
  for (const key of leftover) {
    if (!key.startsWith(SERVER_PREFIX)) continue;
    consumed.add(key);
    const id = key.slice(SERVER_PREFIX.length);
    if (id === '') {
      problems.push({
        key,
        message: 'Unknown secret key',
        hint: `server_ needs an <id> suffix; ${KEY_FORMS}`,
      });
      continue;
    }
    const usernameKey = USERNAME_PREFIX + id;
    const passwordKey = PASSWORD_PREFIX + id;
    consumed.add(usernameKey).add(passwordKey);
    const server = data.get(key) ?? '';
    const username = data.get(usernameKey);
    const password = data.get(passwordKey);
    if (server === '') {
      problems.push({
        key,
        message: 'Credentials did not have all required values',
        hint: 'the server name is empty',
      });
      continue;
    }
    if (username === undefined || password === undefined) {
      for (const [k, v] of [[usernameKey, username] as const, [passwordKey, password] as const]) {
        if (v === undefined)
          problems.push({
            key: k,
            message: 'Username/Password is missing',
            hint: `${key} has no matching ${k}`,
          });
      }
      continue;
    }
    const entry = serverEntry(servers, server);
    entry.fields.username = username;
    entry.fields.password = password;
    entry.usernameKey = usernameKey;
    entry.passwordKey = passwordKey;
  }
  return consumed;
}

function leftoverProblem(key: string): SecretDataProblem {
  for (const prefix of [USERNAME_PREFIX, PASSWORD_PREFIX]) {
    if (!key.startsWith(prefix)) continue;
    const id = key.slice(prefix.length);
    if (id === '')
      return { key, message: 'Unknown secret key', hint: `${prefix} needs an <id> suffix; ${KEY_FORMS}` };
    return {
      key,
      message: 'Credentials did not have all required values',
      hint: `no matching ${SERVER_PREFIX}${id} key names the server`,
    };
  }
  return { key, message: 'Unknown secret key', hint: KEY_FORMS };
}

function serverProblem(server: string, entry: ServerFields, problem: CredentialProblem): SecretDataProblem {
  switch (problem.kind) {
    case 'missing':
      return {
        key: problem.missing === 'password' ? entry.passwordKey : entry.usernameKey,
        message: 'Username/Password is missing',
        hint:
          problem.missing === 'both'
            ? `server ${server} needs ${entry.usernameKey} and ${entry.passwordKey}, or ${server}.vc-session-manager-url`
            : `server ${server} has ${problem.missing === 'password' ? entry.usernameKey : entry.passwordKey} only`,
      };
    case 'invalid-session-manager-url':
      return {
        key: `${server}.vc-session-manager-url`,
        message: 'Invalid credential value',
        hint: 'the shared session manager URL must be an https:// URL',
      };
    case 'invalid-certificate':
      return {
        key: entry.usernameKey,
        message: 'Invalid credential value',
        hint: `a PEM username must be a certificate and ${entry.passwordKey} its PEM private key`,
      };
  }
}
