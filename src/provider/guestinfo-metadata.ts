// SPDX-License-Identifier: Apache-2.0
import { gunzipSync } from 'node:zlib';
import { CcmError } from '../lib/errors.ts';
import { decodeGoBase64 } from './addresses/go-base64.ts';
import { formatGoIp, parseGoIp } from './addresses/go-ip.ts';
import { decodeGoYaml, isGoFields, type GoShape, type GoValue } from './addresses/go-yaml-decode.ts';

/** The two `config.extraConfig` entries cloud-init's VMware datasource reads (absent: undefined). */
export interface GuestinfoMetadata {
  /** `guestinfo.metadata`. */
  readonly metadata: string | undefined;
  /** `guestinfo.metadata.encoding`. */
  readonly encoding: string | undefined;
}

/** Statically configured addresses, declared in cloud-init metadata, in the order they win. */
export interface StaticAddressOrder {
  /** Canonical IP text (Go `net.IP.String()`, `<nil>` for unparsable) → rank; lower ranks first. */
  readonly rank: ReadonlyMap<string, number>;
}

/** `guestinfo.metadata` could not be decoded; the message is the reference's (Go) error text. */
export class GuestinfoMetadataError extends CcmError {
  readonly code = 'GUESTINFO_METADATA_INVALID';
}

/** Largest decompressed `network` document accepted; the reference has no limit (a gzip bomb). */
export const MAX_GZIP_NETWORK_BYTES = 1024 * 1024;

/**
 * Picks `guestinfo.metadata` and `guestinfo.metadata.encoding` out of `config.extraConfig` as the
 * reference does: the last entry with the key wins, a non-string value counts as empty.
 */
export function guestinfoFromExtraConfig(
  extraConfig: readonly { readonly key: string; readonly value?: unknown }[] | undefined,
): GuestinfoMetadata {
  let metadata: string | undefined;
  let encoding: string | undefined;
  for (const { key, value } of extraConfig ?? []) {
    const text = typeof value === 'string' ? value : '';
    if (key === 'guestinfo.metadata') metadata = text;
    else if (key === 'guestinfo.metadata.encoding') encoding = text;
  }
  return { metadata, encoding };
}

const STRING: GoShape = { kind: 'string' };
const ETHERNET_GO_TYPE =
  'struct { Name string "yaml:\\"set-name\\""; Addresses []string "yaml:\\"addresses\\"" }';
const NETWORK_CONFIG: GoShape = {
  kind: 'struct',
  goType: 'vsphere.networkConfig',
  fields: new Map<string, GoShape>([
    [
      'ethernets',
      {
        kind: 'map',
        goType: `map[string]${ETHERNET_GO_TYPE}`,
        value: {
          kind: 'struct',
          goType: ETHERNET_GO_TYPE,
          fields: new Map<string, GoShape>([
            ['set-name', STRING],
            ['addresses', { kind: 'strings' }],
          ]),
        },
      },
    ],
  ]),
};
const NETWORK_ENCODING: GoShape = {
  kind: 'struct',
  goType: 'struct { NetworkEncoding string "yaml:\\"network.encoding\\"" }',
  fields: new Map([['network.encoding', STRING]]),
};
const ENCODED_CLOUD_INIT: GoShape = {
  kind: 'struct',
  goType: 'vsphere.encodedCloudInitConfig',
  fields: new Map([['network', STRING]]),
};
const CLOUD_INIT: GoShape = {
  kind: 'struct',
  goType: 'vsphere.cloudInitConfig',
  fields: new Map([['network', NETWORK_CONFIG]]),
};

/**
 * Reads the statically configured addresses from cloud-init metadata, exactly when the reference
 * does: `guestinfo.metadata` is non-empty and its encoding is exactly `base64`. Inside, the
 * `network` key is a netplan document, inline or (per `network.encoding`) `base64`/`b64` or
 * `gzip+base64`/`gz+b64`; the addresses of every `ethernets.<id>.addresses` entry are ranked in
 * declaration order (the reference walks ethernets in Go map order, i.e. randomly across ethernets;
 * here it is document order, which is one of the orders the reference can produce).
 *
 * Returns `undefined` when the metadata does not apply. Throws `GuestinfoMetadataError` with the
 * reference's error text (`illegal base64 data at input byte N`, `yaml: unmarshal errors: …
 * cannot unmarshal …`) when it applies but cannot be decoded: discovery must then fail.
 */
export function readStaticAddresses(guestinfo: GuestinfoMetadata): StaticAddressOrder | undefined {
  if (guestinfo.metadata === undefined || guestinfo.metadata === '' || guestinfo.encoding !== 'base64') {
    return undefined;
  }
  const doc = base64(guestinfo.metadata);
  const encoding = field(yaml(doc, NETWORK_ENCODING), 'network.encoding');
  let network: GoValue;
  switch (encoding) {
    case 'base64':
    case 'b64':
      network = yaml(base64(stringField(yaml(doc, ENCODED_CLOUD_INIT), 'network')), NETWORK_CONFIG);
      break;
    case 'gzip+base64':
    case 'gz+b64':
      network = yaml(gunzip(base64(stringField(yaml(doc, ENCODED_CLOUD_INIT), 'network'))), NETWORK_CONFIG);
      break;
    default:
      network = field(yaml(doc, CLOUD_INIT), 'network');
  }
  return { rank: rankAddresses(network) };
}

function rankAddresses(network: GoValue): Map<string, number> {
  const rank = new Map<string, number>();
  const ethernets = field(network, 'ethernets');
  if (!isGoFields(ethernets)) return rank;
  for (const ethernet of ethernets.values()) {
    for (const address of strings(field(ethernet, 'addresses'))) {
      const ip = formatGoIp(parseGoIp(address.split('/')[0] ?? ''));
      // Same rule as the reference's `m[ip] = len(m)`: a repeated address moves to the end.
      rank.set(ip, rank.size);
    }
  }
  return rank;
}

function field(value: GoValue, key: string): GoValue {
  return isGoFields(value) ? value.get(key) : undefined;
}

function strings(value: GoValue): readonly string[] {
  return value === undefined || typeof value === 'string' || isGoFields(value) ? [] : value;
}

function stringField(value: GoValue, key: string): string {
  const v = field(value, key);
  return typeof v === 'string' ? v : '';
}

function base64(text: string): Uint8Array {
  const decoded = decodeGoBase64(text);
  if ('error' in decoded) throw new GuestinfoMetadataError(decoded.error);
  return decoded.bytes;
}

function yaml(bytes: Uint8Array, shape: GoShape): GoValue {
  const decoded = decodeGoYaml(bytes, shape);
  if ('error' in decoded) throw new GuestinfoMetadataError(decoded.error);
  return decoded.value;
}

/** Gunzips like Go's `gzip.Reader`, with Go's texts for the usual failures. */
function gunzip(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) throw new GuestinfoMetadataError('EOF');
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_GZIP_NETWORK_BYTES });
  } catch (err) {
    throw new GuestinfoMetadataError(goGzipMessage(err), { cause: err });
  }
}

function goGzipMessage(err: unknown): string {
  const { code, message } = err as { code?: string; message?: string };
  if (code === 'ERR_BUFFER_TOO_LARGE') {
    return `gzip: network config is larger than ${MAX_GZIP_NETWORK_BYTES} bytes`;
  }
  if (code === 'Z_BUF_ERROR') return 'unexpected EOF';
  if (message !== undefined && /header|compression method/.test(message)) return 'gzip: invalid header';
  if (message !== undefined && /data check|length check/.test(message)) return 'gzip: invalid checksum';
  return 'flate: corrupt input';
}
