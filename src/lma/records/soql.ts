/**
 * Builds SOQL safely. User text only ever enters a query through these functions, so a quote or a
 * backslash in a search box can't change the query's meaning.
 */

const escapes: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function escape(value: string, specials: RegExp): string {
  return value.replace(specials, (ch) => escapes[ch] ?? `\\${ch}`);
}

/** A SOQL string literal: backslash, quotes and control characters escaped as SOQL defines. */
export function literal(value: string): string {
  return `'${escape(value, /[\\'"\n\r\t\b\f]/g)}'`;
}

/** A LIKE literal that matches `value` anywhere; the LIKE wildcards % and _ in it are taken literally. */
export function containsPattern(value: string): string {
  return `'%${escape(value, /[\\'"\n\r\t\b\f%_]/g)}%'`;
}

const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

export function isSalesforceId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** The 18-character, case-insensitive form of a 15- or 18-character Salesforce id. */
export function toId18(id: string): string {
  if (!isSalesforceId(id)) throw new Error(`Not a Salesforce id: ${id}`);
  if (id.length === 18) return id.slice(0, 15) + id.slice(15).toUpperCase();
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id.charAt(chunk * 5 + i);
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return id + suffix;
}

export function toId15(id: string): string {
  if (!isSalesforceId(id)) throw new Error(`Not a Salesforce id: ${id}`);
  return id.slice(0, 15);
}
