// SPDX-License-Identifier: Apache-2.0
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

/** A PEM certificate and its PEM (PKCS#8) private key. */
export interface CertificatePair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** What the generated certificate covers and how long it is valid. */
export interface SelfSignedOptions {
  /** Subject common name; also the first subjectAltName when it is not an IP. */
  readonly commonName: string;
  /** DNS names and IP addresses for subjectAltName. */
  readonly altNames: readonly string[];
  /** Validity from now, in days. */
  readonly days: number;
  /** Clock, for tests. */
  readonly now?: Date;
}

// DER, by hand: node:crypto signs and parses X.509 but cannot build it, and this is the only
// certificate we make (self-signed ECDSA P-256 serving cert).
function der(tag: number, body: Buffer): Buffer {
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else if (n < 0x100) len = Buffer.from([0x81, n]);
  else len = Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

const seq = (...parts: Buffer[]): Buffer => der(0x30, Buffer.concat(parts));

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [a * 40 + b];
  for (const v of rest) {
    const groups = [v & 0x7f];
    for (let x = v >> 7; x > 0; x >>= 7) groups.unshift((x & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return der(0x06, Buffer.from(bytes));
}

/**
 * DER INTEGER for a non-negative big-endian number. DER requires the minimal form: leading zero
 * bytes are dropped (a random serial starting with 0x00 is otherwise rejected as "illegal
 * padding"), and one zero byte is added back only when the high bit would make it negative.
 */
export function positiveInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const minimal = bytes.subarray(start);
  return der(0x02, (minimal[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal);
}

function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime after.
  return d.getUTCFullYear() < 2050
    ? der(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : der(0x18, Buffer.from(`${iso}Z`));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

function subjectAltName(names: readonly string[]): Buffer {
  const general = names.map((n) =>
    isIP(n) === 0 ? der(0x82, Buffer.from(n, 'ascii')) : der(0x87, ipBytes(n)),
  );
  return seq(oid('2.5.29.17'), der(0x04, seq(...general)));
}

/**
 * Generates a self-signed X.509 v3 serving certificate with a new ECDSA P-256 key, in pure
 * Node (no openssl CLI). It carries subjectAltName entries for `altNames` (DNS names and IPv4/
 * IPv6 addresses), is valid from one hour before `now` for `days` days, and is marked as a CA so
 * clients can trust it directly. CPU-only, synchronous, a few milliseconds.
 */
export function generateSelfSignedCertificate(options: SelfSignedOptions): CertificatePair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const now = options.now ?? new Date();
  const name = seq(der(0x31, seq(oid('2.5.4.3'), der(0x0c, Buffer.from(options.commonName, 'utf8')))));
  const algorithm = seq(oid('1.2.840.10045.4.3.2'));
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const basicConstraints = seq(
    oid('2.5.29.19'),
    der(0x01, Buffer.from([0xff])),
    der(0x04, seq(der(0x01, Buffer.from([0xff])))),
  );
  // digitalSignature, keyEncipherment and keyCertSign: a self-signed leaf that is its own trust anchor.
  const keyUsage = seq(
    oid('2.5.29.15'),
    der(0x01, Buffer.from([0xff])),
    der(0x04, der(0x03, Buffer.from([0x02, 0xa4]))),
  );
  const extKeyUsage = seq(oid('2.5.29.37'), der(0x04, seq(oid('1.3.6.1.5.5.7.3.1'))));
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))),
    positiveInteger(serial),
    algorithm,
    name,
    seq(time(new Date(now.getTime() - 3_600_000)), time(new Date(now.getTime() + options.days * 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    der(0xa3, seq(basicConstraints, keyUsage, extKeyUsage, subjectAltName(options.altNames))),
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const cert = seq(tbs, algorithm, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = cert.toString('base64').replace(/.{1,64}/g, '$&\n');
  return {
    certPem: `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
