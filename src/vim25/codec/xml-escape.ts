// SPDX-License-Identifier: Apache-2.0

// Characters that need work: the five markup characters, CR (which a parser would normalise
// away), and everything XML 1.0 cannot carry at all (C0 controls other than TAB/LF/CR, U+FFFE,
// U+FFFF). Lone surrogates are caught separately with isWellFormed().
// eslint-disable-next-line no-control-regex
const NEEDS_WORK = /[&<>"'\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
// eslint-disable-next-line no-control-regex
const NEEDS_WORK_ATTR = /[&<>"'\t\n\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/**
 * Escapes `text` for use as XML element content: `& < > " '` become entities and CR becomes
 * `&#13;` so that it survives the parser's line-end normalisation. Returns `undefined` when the
 * text holds a character that XML 1.0 cannot represent at all (a C0 control other than TAB, LF,
 * CR; U+FFFE/U+FFFF; an unpaired surrogate): such a value cannot be sent, and the caller decides
 * how to report it.
 */
export function escapeText(text: string): string | undefined {
  if (!text.isWellFormed()) return undefined;
  if (!NEEDS_WORK.test(text)) return text;
  return escapeSlow(text, false);
}

/**
 * Like {@link escapeText}, for a double-quoted attribute value: TAB and LF are also written as
 * character references, since attribute normalisation would otherwise turn them into spaces.
 */
export function escapeAttribute(text: string): string | undefined {
  if (!text.isWellFormed()) return undefined;
  if (!NEEDS_WORK_ATTR.test(text)) return text;
  return escapeSlow(text, true);
}

function escapeSlow(text: string, attribute: boolean): string | undefined {
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const rep = replacement(c, attribute);
    if (rep === '') continue;
    if (rep === undefined) return undefined;
    out += text.slice(last, i) + rep;
    last = i + 1;
  }
  return out + text.slice(last);
}

/** '' = keep the character as is; undefined = not representable. */
function replacement(c: number, attribute: boolean): string | undefined {
  switch (c) {
    case 0x26:
      return '&amp;';
    case 0x3c:
      return '&lt;';
    case 0x3e:
      return '&gt;';
    case 0x22:
      return '&quot;';
    case 0x27:
      return '&apos;';
    case 0x0d:
      return '&#13;';
    case 0x09:
      return attribute ? '&#9;' : '';
    case 0x0a:
      return attribute ? '&#10;' : '';
    case 0xfffe:
    case 0xffff:
      return undefined;
    default:
      return c < 0x20 ? undefined : '';
  }
}
