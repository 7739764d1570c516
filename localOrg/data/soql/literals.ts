// SOQL literals turned into values comparable with stored values of a field:
// text compares case-insensitively, ids by their 15-character form.
import { SalesforceError, malformedQuery } from '../errors';
import { isWellFormedId } from '../ids';
import type { FieldDef } from '../schema/types';

export type Comparable = string | number | boolean | null;

const TEXT_TYPES = new Set(['string', 'textarea', 'picklist', 'email', 'phone', 'url']);
export const isText = (f: FieldDef): boolean => TEXT_TYPES.has(f.type);
export const isIdLike = (f: FieldDef): boolean => f.type === 'id' || f.type === 'reference';

/** A stored (or computed) value in comparable form. */
export function comparable(f: FieldDef, value: unknown): Comparable {
  if (value === null || value === undefined) return null;
  if (isIdLike(f)) return String(value).slice(0, 15);
  if (isText(f)) return String(value).toLowerCase();
  return value as Comparable;
}

export function unquote(raw: string): string {
  if (raw.length < 2 || raw[0] !== "'" || raw[raw.length - 1] !== "'")
    throw malformedQuery(`bad string literal ${raw}`);
  return raw
    .slice(1, -1)
    .replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' })[c] ?? c);
}

const wrongType = (f: FieldDef, raw: string): SalesforceError =>
  new SalesforceError(
    'INVALID_QUERY_FILTER_OPERATOR',
    `value of filter criterion for field '${f.name}' must be of type ${f.type === 'int' ? 'double' : f.type} and should${
      isText(f) || isIdLike(f) ? '' : ' not'
    } be enclosed in quotes: ${raw}`,
    [f.name],
  );

/**
 * `YYYY-MM-DD` names a day of the calendar: `Date.parse('2026-02-30')` would read March 2nd, where
 * Salesforce refuses the value.
 */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** `2026-01-01T10:00:00Z` (or with offset) as the stored `...SSS+0000` form. */
export function normalizeDateTime(value: string): string | undefined {
  if (!isCalendarDate(value)) return undefined;
  const t = Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  if (Number.isNaN(t)) return undefined;
  return new Date(t).toISOString().replace('Z', '+0000');
}

/** One literal of a condition, typed and normalized against the field. */
export function literalValue(f: FieldDef, raw: string, literalType: string | undefined): Comparable {
  if (literalType === 'NULL' || raw.toUpperCase() === 'NULL') return null;
  switch (f.type) {
    case 'id':
    case 'reference': {
      if (literalType !== 'STRING') throw wrongType(f, raw);
      const v = unquote(raw);
      if (!isWellFormedId(v))
        throw new SalesforceError('INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${v}`, [f.name]);
      return v.slice(0, 15);
    }
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      if (literalType !== 'INTEGER' && literalType !== 'DECIMAL') throw wrongType(f, raw);
      return Number(raw);
    case 'boolean':
      if (literalType !== 'BOOLEAN') throw wrongType(f, raw);
      return raw.toUpperCase() === 'TRUE';
    case 'date':
      if (literalType !== 'DATE') throw wrongType(f, raw);
      if (!isCalendarDate(raw)) throw malformedQuery(`invalid date: ${raw}`);
      return raw;
    case 'datetime': {
      const v = literalType === 'DATETIME' ? normalizeDateTime(raw) : undefined;
      if (v === undefined) throw wrongType(f, raw);
      return v;
    }
    case 'anyType':
    case 'address':
      throw new SalesforceError('INVALID_FIELD', `field '${f.name}' can not be filtered in a query call`, [
        f.name,
      ]);
    default:
      if (literalType !== 'STRING') throw wrongType(f, raw);
      return unquote(raw).toLowerCase();
  }
}
