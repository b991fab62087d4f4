// SPDX-License-Identifier: Apache-2.0
/**
 * A parser for the top-level type declarations of govmomi's generated Go files (types.go,
 * enum.go, methods.go, mo.go). Those files are machine-written and regular, so a line-based
 * parser is enough; anything it does not recognise inside a declaration is an error rather than
 * a silent skip, so that a layout change in govmomi cannot drop fields unnoticed.
 */
import { GoSourceError } from './errors.ts';

/** One line of a struct body: `Name Type \`tag\``. */
export interface GoStructField {
  readonly goName: string;
  /** The type expression as written, e.g. `[]types.BaseSelectionSpec`, `*time.Time`. */
  readonly goType: string;
  /** The raw struct tag without backquotes, or undefined (e.g. `Self types.ManagedObjectReference`). */
  readonly tag: string | undefined;
}

/** A `type X struct { ... }` declaration. */
export interface GoStruct {
  readonly name: string;
  /** Embedded types (Go's inheritance), package qualifier removed, in source order. */
  readonly embedded: readonly string[];
  readonly fields: readonly GoStructField[];
}

/** Every top-level type declaration of one Go file, by kind. */
export interface GoDecls {
  readonly structs: ReadonlyMap<string, GoStruct>;
  /** `type X string`, with the values of its `X("value")` constants (empty for a plain alias). */
  readonly stringTypes: ReadonlyMap<string, readonly string[]>;
  /** `type X Y` where Y is a named type, e.g. `type Destroy_Task DestroyRequestType`. */
  readonly aliases: ReadonlyMap<string, string>;
  /** Names of `type X interface { ... }` declarations, e.g. `BaseSelectionSpec`. */
  readonly interfaces: ReadonlySet<string>;
}

/** A parsed type expression. `[]byte` is one opaque element type (it travels as one XML text). */
export interface GoTypeExpr {
  readonly slice: boolean;
  readonly pointer: boolean;
  /** Element type without package qualifier: `string`, `time.Time`, `[]byte`, `BaseMethodFault`... */
  readonly elem: string;
}

const structStart = /^type (\w+) struct\s?\{\s*(\})?$/;
const interfaceStart = /^type (\w+) interface\s?\{\s*(\})?$/;
const stringType = /^type (\w+) string$/;
const aliasType = /^type (\w+) \*?([\w.]+)$/;
const fieldLine = /^\s+(\w+)\s+(\S+)(?:\s+`([^`]*)`)?$/;
const embeddedLine = /^\s+\*?([\w.]+)$/;
const constValue = /^\s+\w+\s*=\s*(\w+)\(("(?:[^"\\]|\\.)*")\)$/;

/** Parses all top-level type declarations and string constants of one Go file. */
export function parseGoDecls(source: string, fileName: string): GoDecls {
  const lines = source.split('\n');
  const structs = new Map<string, GoStruct>();
  const stringTypes = new Map<string, string[]>();
  const aliases = new Map<string, string>();
  const interfaces = new Set<string>();
  const constValues: { type: string; value: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trimEnd();
    let m: RegExpExecArray | null;
    if ((m = structStart.exec(line)) !== null) {
      const name = m[1]!;
      const end = m[2] === undefined ? findClose(lines, i, fileName) : i;
      structs.set(name, parseStructBody(name, lines, i + 1, end, fileName));
      i = end;
    } else if ((m = interfaceStart.exec(line)) !== null) {
      interfaces.add(m[1]!);
      i = m[2] === undefined ? findClose(lines, i, fileName) : i;
    } else if ((m = stringType.exec(line)) !== null) {
      stringTypes.set(m[1]!, []);
    } else if ((m = aliasType.exec(line)) !== null) {
      aliases.set(m[1]!, stripPackage(m[2]!));
    } else if ((m = constValue.exec(line)) !== null) {
      constValues.push({ type: m[1]!, value: JSON.parse(m[2]!) as string });
    }
  }
  for (const { type, value } of constValues) stringTypes.get(type)?.push(value);
  return { structs, stringTypes, aliases, interfaces };
}

/** Merges the declarations of several files of one package; a name declared twice is an error. */
export function mergeGoDecls(parts: readonly GoDecls[]): GoDecls {
  const structs = new Map<string, GoStruct>();
  const stringTypes = new Map<string, readonly string[]>();
  const aliases = new Map<string, string>();
  const interfaces = new Set<string>();
  const seen = new Set<string>();
  const claim = (name: string): void => {
    if (seen.has(name)) throw new GoSourceError(`type ${name} is declared twice`);
    seen.add(name);
  };
  for (const part of parts) {
    for (const [k, v] of part.structs) {
      claim(k);
      structs.set(k, v);
    }
    for (const [k, v] of part.stringTypes) {
      claim(k);
      stringTypes.set(k, v);
    }
    for (const [k, v] of part.aliases) {
      claim(k);
      aliases.set(k, v);
    }
    for (const k of part.interfaces) {
      claim(k);
      interfaces.add(k);
    }
  }
  return { structs, stringTypes, aliases, interfaces };
}

function findClose(lines: readonly string[], start: number, fileName: string): number {
  for (let j = start + 1; j < lines.length; j++) {
    if (lines[j]?.trimEnd() === '}') return j;
  }
  throw new GoSourceError(`${fileName}:${start + 1}: declaration is never closed`);
}

function parseStructBody(
  name: string,
  lines: readonly string[],
  from: number,
  to: number,
  fileName: string,
): GoStruct {
  const embedded: string[] = [];
  const fields: GoStructField[] = [];
  for (let j = from; j < to; j++) {
    const line = (lines[j] ?? '').trimEnd();
    if (line.trim() === '' || line.trim().startsWith('//')) continue;
    const f = fieldLine.exec(line);
    if (f !== null) {
      fields.push({ goName: f[1]!, goType: f[2]!, tag: f[3] });
      continue;
    }
    const e = embeddedLine.exec(line);
    if (e === null)
      throw new GoSourceError(`${fileName}:${j + 1}: unrecognised line in struct ${name}: ${line}`);
    embedded.push(stripPackage(e[1]!));
  }
  return { name, embedded, fields };
}

function stripPackage(name: string): string {
  return name.startsWith('types.') ? name.slice('types.'.length) : name;
}

/** Parses a Go type expression such as `[]types.BaseX`, `*time.Time`, `[][]byte`. */
export function parseGoTypeExpr(text: string): GoTypeExpr {
  let rest = text;
  let slice = false;
  let pointer = false;
  if (rest.startsWith('[]') && rest !== '[]byte') {
    slice = true;
    rest = rest.slice(2);
  }
  if (rest.startsWith('*')) {
    pointer = true;
    rest = rest.slice(1);
  }
  return { slice, pointer, elem: stripPackage(rest) };
}

/** The value of `key:"..."` in a struct tag, or undefined when the tag has no such key. */
export function tagValue(tag: string | undefined, key: string): string | undefined {
  if (tag === undefined) return undefined;
  const m = new RegExp(`(?:^|\\s)${key}:"([^"]*)"`).exec(tag);
  return m?.[1];
}

/** An `xml:"name,opt,..."` tag split into the element name and its options. */
export interface XmlTag {
  readonly name: string;
  readonly omitempty: boolean;
  /** `attr` or `chardata`: not an element (only ManagedObjectReference uses these). */
  readonly nonElement: boolean;
}

/** Parses the `xml` key of a struct tag; undefined when there is none. */
export function parseXmlTag(tag: string | undefined): XmlTag | undefined {
  const value = tagValue(tag, 'xml');
  if (value === undefined) return undefined;
  const [name = '', ...options] = value.split(',');
  return {
    name,
    omitempty: options.includes('omitempty'),
    nonElement: options.includes('attr') || options.includes('chardata'),
  };
}

/** One SOAP method of methods.go: its wire name and the Go request and response types. */
export interface GoMethod {
  /** Operation name, e.g. `Destroy_Task`. */
  readonly name: string;
  /** The request alias named in methods.go, e.g. `Destroy_Task` (an alias of `DestroyRequestType`). */
  readonly request: string;
  /** The response struct, e.g. `Destroy_TaskResponse`. */
  readonly response: string;
}

/** Reads the `XBody` structs of methods.go, which pair each operation with its request and response. */
export function parseGoMethods(source: string, fileName: string): GoMethod[] {
  const methods: GoMethod[] = [];
  for (const s of parseGoDecls(source, fileName).structs.values()) {
    const req = s.fields.find((f) => f.goName === 'Req');
    const res = s.fields.find((f) => f.goName === 'Res');
    if (!s.name.endsWith('Body') || req === undefined || res === undefined) continue;
    const wire = /^urn:vim25 (\w+)/.exec(tagValue(req.tag, 'xml') ?? '');
    if (wire === null) throw new GoSourceError(`${fileName}: ${s.name}.Req has no urn:vim25 element name`);
    methods.push({
      name: wire[1]!,
      request: parseGoTypeExpr(req.goType).elem,
      response: parseGoTypeExpr(res.goType).elem,
    });
  }
  return methods;
}

/** A managed object of mo.go: its base managed object and its `mo:"..."` properties. */
export interface GoManagedObject {
  readonly name: string;
  readonly base: string | undefined;
  readonly properties: readonly { readonly name: string; readonly goType: string }[];
}

/** Reads the managed-object structs of mo.go. */
export function parseGoManagedObjects(source: string, fileName: string): GoManagedObject[] {
  const result: GoManagedObject[] = [];
  for (const s of parseGoDecls(source, fileName).structs.values()) {
    const properties = s.fields.flatMap((f) => {
      const name = tagValue(f.tag, 'mo');
      return name === undefined ? [] : [{ name, goType: f.goType }];
    });
    if (s.embedded.length > 1) throw new GoSourceError(`${fileName}: ${s.name} embeds more than one type`);
    result.push({ name: s.name, base: s.embedded[0], properties });
  }
  return result;
}
