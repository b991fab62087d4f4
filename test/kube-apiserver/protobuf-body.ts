// SPDX-License-Identifier: Apache-2.0
// Test-only: decoding of the Kubernetes protobuf request bodies that kubectl's typed clients send
// (`kubectl create configmap|secret|namespace` in 1.32; 1.20 sent JSON): the `k8s\0` envelope holding a
// runtime.Unknown, then the object in the field numbers of k8s.io/api's generated.proto. Only
// what those commands send is decoded; other kinds are `undefined` (the caller answers 415).

type Obj = Record<string, unknown>;

/** The magic prefix of a Kubernetes protobuf body. */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface Field {
  readonly no: number;
  /** Varint value (wire type 0) or undefined. */
  readonly int?: number;
  /** Length-delimited bytes (wire type 2) or undefined. */
  readonly bytes?: Buffer;
}

function varint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const b = buf[i++];
    if (b === undefined) throw new RangeError('truncated varint');
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [value, i];
  }
}

/** Splits one protobuf message into its fields (wire types 0, 1, 2 and 5). */
function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  while (i < buf.length) {
    const [key, next] = varint(buf, i);
    i = next;
    const no = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      const [v, after] = varint(buf, i);
      out.push({ no, int: v });
      i = after;
    } else if (wire === 2) {
      const [len, after] = varint(buf, i);
      out.push({ no, bytes: buf.subarray(after, after + len) });
      i = after + len;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new RangeError(`unsupported wire type ${String(wire)}`);
  }
  return out;
}

function text(f: Field | undefined): string | undefined {
  return f?.bytes?.toString('utf8');
}

function stringMap(fs: readonly Field[], no: number, base64: boolean): Obj | undefined {
  const entries = fs.filter((f) => f.no === no && f.bytes !== undefined);
  if (entries.length === 0) return undefined;
  const out: Obj = {};
  for (const e of entries) {
    const kv = fields(e.bytes ?? Buffer.alloc(0));
    const value = kv.find((f) => f.no === 2)?.bytes ?? Buffer.alloc(0);
    out[text(kv.find((f) => f.no === 1)) ?? ''] = base64 ? value.toString('base64') : value.toString('utf8');
  }
  return out;
}

function objectMeta(buf: Buffer | undefined): Obj {
  const fs = fields(buf ?? Buffer.alloc(0));
  const meta: Obj = {};
  const strings: readonly (readonly [number, string])[] = [
    [1, 'name'],
    [2, 'generateName'],
    [3, 'namespace'],
  ];
  for (const [no, key] of strings) {
    const v = text(fs.find((f) => f.no === no));
    if (v !== undefined && v !== '') meta[key] = v;
  }
  const labels = stringMap(fs, 11, false);
  if (labels) meta['labels'] = labels;
  const annotations = stringMap(fs, 12, false);
  if (annotations) meta['annotations'] = annotations;
  const finalizers = fs.filter((f) => f.no === 14).map((f) => text(f) ?? '');
  if (finalizers.length > 0) meta['finalizers'] = finalizers;
  return meta;
}

function decodeKind(kind: string, buf: Buffer): Obj | undefined {
  const fs = fields(buf);
  const base: Obj = { metadata: objectMeta(fs.find((f) => f.no === 1)?.bytes) };
  const immutable = (no: number): void => {
    const f = fs.find((x) => x.no === no);
    if (f?.int !== undefined) base['immutable'] = f.int !== 0;
  };
  switch (kind) {
    case 'ConfigMap': {
      const data = stringMap(fs, 2, false);
      const binary = stringMap(fs, 3, true);
      if (data) base['data'] = data;
      if (binary) base['binaryData'] = binary;
      immutable(4);
      return base;
    }
    case 'Secret': {
      const data = stringMap(fs, 2, true);
      if (data) base['data'] = data;
      const type = text(fs.find((f) => f.no === 3));
      if (type !== undefined) base['type'] = type;
      const stringData = stringMap(fs, 4, false);
      if (stringData) base['stringData'] = stringData;
      immutable(5);
      return base;
    }
    case 'Namespace':
      return base;
    default:
      return undefined;
  }
}

/**
 * Decodes a protobuf request body into the JSON object it stands for, with `kind`/`apiVersion`
 * from the envelope; `undefined` when it is not a protobuf envelope or holds a kind not decoded here.
 */
export function decodeProtobufBody(body: Buffer): Obj | undefined {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const unknown = fields(body.subarray(MAGIC.length));
  const typeMeta = fields(unknown.find((f) => f.no === 1)?.bytes ?? Buffer.alloc(0));
  const apiVersion = text(typeMeta.find((f) => f.no === 1)) ?? '';
  const kind = text(typeMeta.find((f) => f.no === 2)) ?? '';
  const raw = unknown.find((f) => f.no === 2)?.bytes;
  if (raw === undefined) return undefined;
  const obj = decodeKind(kind, raw);
  return obj === undefined ? undefined : { kind, apiVersion, ...obj };
}
