// SPDX-License-Identifier: Apache-2.0

/**
 * A parser for Go's gcfg dialect of INI (gopkg.in/gcfg.v1, git-config syntax), which the Go CPI
 * reads its legacy `vsphere.conf` with. Syntax only: which sections and variables mean anything
 * is decided by the caller.
 *
 * - Section and variable names are case-insensitive: a letter, then letters, digits and `-`.
 * - `[Section "subsection"]`: the subsection is quoted, case-sensitive, escapes `\\` and `\"`.
 * - `;` and `#` start a comment, also after a value, unless inside double quotes.
 * - Values: surrounding blanks are dropped; double quotes may enclose any part and keep `;`, `#`
 *   and blanks; inside quotes `\"`, `\\`, `\n`, `\t`, `\b` are escapes; outside, `\"` is a quote
 *   and `\` at the end of a line continues the value on the next line.
 * - A variable without `=` is "blank" (gcfg reads it as `true` for a boolean).
 * - A section may appear several times; its variables are merged in order. Every occurrence of a
 *   variable is kept (see `gcfgValues` for the multi-value rule).
 */

/** One occurrence of a variable. */
export interface GcfgVariable {
  /** As written (compare case-insensitively). */
  readonly name: string;
  /** `undefined` for a blank variable (no `=`). */
  readonly value: string | undefined;
  readonly line: number;
  readonly column: number;
}

/** A section with every variable occurrence of all its headers, in file order. */
export interface GcfgSection {
  /** As first written (compare case-insensitively). */
  readonly name: string;
  readonly subsection: string | undefined;
  readonly line: number;
  readonly variables: readonly GcfgVariable[];
}

/** A syntax error at a 1-based line and column. */
export interface GcfgSyntaxError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Every section, or every syntax error (at most one per line). */
export type GcfgParseResult =
  | { readonly ok: true; readonly sections: readonly GcfgSection[] }
  | { readonly ok: false; readonly errors: readonly GcfgSyntaxError[] };

const valueEscapes: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', n: '\n', t: '\t', b: '\b' };
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r';
const isLetter = (c: string | undefined): boolean => c !== undefined && /^\p{L}$/u.test(c);
const isNameChar = (c: string | undefined): boolean => c !== undefined && /^[\p{L}\p{Nd}-]$/u.test(c);
const endsStatement = (c: string | undefined): boolean =>
  c === undefined || c === '\n' || c === ';' || c === '#';

/** Parses gcfg text. Collects every syntax error (one per line at most), each with line and column. */
export function parseGcfg(text: string): GcfgParseResult {
  return new GcfgParser(text.startsWith('\ufeff') ? text.slice(1) : text).parse();
}

/**
 * The values of a multi-valued variable, gcfg style: every occurrence in order, where a blank or
 * empty occurrence clears the values before it.
 */
export function gcfgValues(section: GcfgSection, name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const v of section.variables) {
    if (v.name.toLowerCase() !== wanted) continue;
    if (v.value === undefined || v.value === '') values.length = 0;
    else values.push(v.value);
  }
  return values;
}

class LineError extends Error {
  readonly line: number;
  readonly column: number;

  constructor(at: { line: number; column: number }, message: string) {
    super(message);
    this.line = at.line;
    this.column = at.column;
  }
}

interface MutableSection {
  readonly name: string;
  readonly subsection: string | undefined;
  readonly line: number;
  readonly variables: GcfgVariable[];
}

class GcfgParser {
  readonly #text: string;
  #i = 0;
  #line = 1;
  #column = 1;
  readonly #sections = new Map<string, MutableSection>();
  readonly #errors: GcfgSyntaxError[] = [];
  #current: MutableSection | undefined;
  #sawHeader = false;

  constructor(text: string) {
    this.#text = text;
  }

  parse(): GcfgParseResult {
    while (this.#peek() !== undefined) {
      this.#skipBlanks();
      const c = this.#peek();
      if (c === undefined) break;
      if (c === '\n') {
        this.#next();
        continue;
      }
      if (c === ';' || c === '#') {
        this.#skipLine();
        continue;
      }
      try {
        if (c === '[') this.#header();
        else if (isLetter(c)) this.#variable();
        else {
          throw new LineError(
            this.#at(),
            this.#sawHeader ? 'expected section header or variable declaration' : 'expected section header',
          );
        }
      } catch (err) {
        if (!(err instanceof LineError)) throw err;
        this.#record(err);
        this.#skipLine();
      }
    }
    if (this.#errors.length > 0) return { ok: false, errors: this.#errors };
    return { ok: true, sections: [...this.#sections.values()] };
  }

  /** Records a syntax error; "expected section header" only once, not for every line of a YAML file. */
  #record(err: LineError): void {
    const repeat =
      err.message === 'expected section header' && this.#errors.some((e) => e.message === err.message);
    if (!repeat) this.#errors.push({ line: err.line, column: err.column, message: err.message });
  }

  #header(): void {
    const start = this.#at();
    this.#sawHeader = true;
    this.#current = undefined;
    this.#next();
    this.#skipBlanks();
    if (!isLetter(this.#peek())) throw new LineError(this.#at(), 'expected section name');
    const name = this.#name();
    this.#skipBlanks();
    let subsection: string | undefined;
    if (this.#peek() === '"') {
      const at = this.#at();
      subsection = this.#quotedSubsection();
      if (subsection === '') throw new LineError(at, 'empty subsection name');
      this.#skipBlanks();
    }
    if (this.#peek() !== ']') {
      throw new LineError(
        this.#at(),
        subsection === undefined ? 'expected subsection name or right bracket' : 'expected right bracket',
      );
    }
    this.#next();
    this.#skipBlanks();
    if (!endsStatement(this.#peek())) throw new LineError(this.#at(), 'expected EOL, EOF, or comment');
    const key = `${name.toLowerCase()}\u0000${subsection ?? '\u0001'}`;
    let section = this.#sections.get(key);
    if (section === undefined) {
      section = { name, subsection, line: start.line, variables: [] };
      this.#sections.set(key, section);
    }
    this.#current = section;
  }

  #variable(): void {
    const at = this.#at();
    if (!this.#sawHeader) throw new LineError(at, 'expected section header');
    const name = this.#name();
    this.#skipBlanks();
    let value: string | undefined;
    if (this.#peek() === '=') {
      this.#next();
      value = this.#value();
    } else if (!endsStatement(this.#peek())) {
      throw new LineError(this.#at(), "expected '='");
    }
    this.#current?.variables.push({ name, value, line: at.line, column: at.column });
  }

  #name(): string {
    let name = '';
    while (isNameChar(this.#peek())) name += this.#next();
    const c = this.#peek();
    if (!endsStatement(c) && !isBlank(c) && c !== '=' && c !== ']' && c !== '"') {
      throw new LineError(
        this.#at(),
        `illegal character ${JSON.stringify(c)} in name "${name}" (names are letters, digits and "-")`,
      );
    }
    return name;
  }

  #quotedSubsection(): string {
    const at = this.#at();
    this.#next();
    let out = '';
    for (;;) {
      const c = this.#peek();
      if (c === undefined || c === '\n') throw new LineError(at, 'string not terminated');
      this.#next();
      if (c === '"') return out;
      if (c === '\\') {
        const e = this.#peek();
        if (e !== '\\' && e !== '"') throw new LineError(this.#at(), 'unknown escape sequence');
        out += this.#next();
      } else {
        out += c;
      }
    }
  }

  /** Scans a value up to an unquoted comment or end of line; see the module comment for the rules. */
  #value(): string {
    this.#skipBlanks();
    const start = this.#at();
    let out = '';
    let keep = 0;
    let inQuote = false;
    for (;;) {
      const c = this.#peek();
      if (c === undefined) {
        if (inQuote) throw new LineError(start, 'string not terminated');
        break;
      }
      if (!inQuote && (c === '\n' || c === ';' || c === '#')) break;
      this.#next();
      if (c === '\\') {
        out += inQuote ? this.#quotedEscape() : this.#unquotedEscape(start);
      } else if (c === '"') {
        inQuote = !inQuote;
      } else if (c === '\n') {
        throw new LineError(start, 'string not terminated');
      } else if (c !== '\r') {
        out += c;
        if (!inQuote && isBlank(c)) continue;
      } else {
        continue;
      }
      keep = out.length;
    }
    return out.slice(0, keep);
  }

  #quotedEscape(): string {
    const e = this.#peek();
    const mapped = e === undefined ? undefined : valueEscapes[e];
    if (mapped === undefined) throw new LineError(this.#at(), 'unknown escape sequence');
    this.#next();
    return mapped;
  }

  #unquotedEscape(start: { line: number; column: number }): string {
    if (this.#peek() === '\r') this.#next();
    const e = this.#peek();
    if (e === '\n') {
      this.#next();
      return '';
    }
    if (e === '"') {
      this.#next();
      return '"';
    }
    throw new LineError(start, "unquoted '\\' must be followed by new line or double quote");
  }

  #peek(): string | undefined {
    return this.#text[this.#i];
  }

  #next(): string {
    const c = this.#text[this.#i] ?? '';
    this.#i++;
    if (c === '\n') {
      this.#line++;
      this.#column = 1;
    } else {
      this.#column++;
    }
    return c;
  }

  #at(): { line: number; column: number } {
    return { line: this.#line, column: this.#column };
  }

  #skipBlanks(): void {
    while (isBlank(this.#peek())) this.#next();
  }

  #skipLine(): void {
    while (this.#peek() !== undefined && this.#peek() !== '\n') this.#next();
  }
}
