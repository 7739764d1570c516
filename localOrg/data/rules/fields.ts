// Field-level checks every write goes through: known field, writable, right
// type, length, picklist value, well-formed existing reference. Returns the
// values in stored form; throws the Salesforce error otherwise.
import { SalesforceError, malformedId } from '../errors';
import { isWellFormedId, toId18 } from '../ids';
import type { SObjectSchema } from '../schema/registry';
import type { FieldDef, Row } from '../schema/types';
import { isCalendarDate, normalizeDateTime } from '../soql/literals';

export interface WriteContext {
  mode: 'create' | 'update';
  /** The platform itself (installs, LMA jobs): may write read-only fields. */
  system: boolean;
  exists(sobject: string, id: string): boolean;
  /**
   * References already checked in this write, by target: id as given → stored id. For a bulk insert,
   * whose rows name the same few parents over and over (nothing is deleted while it runs).
   */
  checked?: Map<string, Map<string, string>>;
}

/** Date and date-time values seen valid, and their stored form: seeds repeat a few hundred days. */
const validDates = new Set<string>();
const storedDateTimes = new Map<string, string>();
const REMEMBERED = 10_000;

const IGNORED = new Set(['attributes', 'id']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The JSON token a value came as, the way Salesforce's parser names it. */
const token = (value: unknown): string =>
  typeof value === 'string'
    ? `VALUE_STRING value ${value.slice(0, 100)}`
    : typeof value === 'number'
      ? `VALUE_NUMBER_${Number.isInteger(value) ? 'INT' : 'FLOAT'} value ${value}`
      : typeof value === 'boolean'
        ? `VALUE_${String(value).toUpperCase()}`
        : Array.isArray(value)
          ? 'START_ARRAY'
          : 'START_OBJECT';

const parseError = (f: FieldDef, value: unknown): SalesforceError =>
  new SalesforceError(
    'JSON_PARSER_ERROR',
    `Cannot deserialize instance of ${f.type} from ${token(value)} or request may be missing a required field (${f.name})`,
    [f.name],
  );

/** What Salesforce reads as a number in a string: decimal notation only (no hex, binary or Infinity). */
const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A scalar JSON value (objects and arrays are refused, whatever their toString does). */
const scalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/**
 * Salesforce stores dates from 1700-01-01 to 4000-12-31 (SOQL and SOSL Reference, "Minimum and Maximum
 * Dates"); a write outside them fails with FIELD_INTEGRITY_EXCEPTION.
 */
function checkDateRange(f: FieldDef, value: string): void {
  const year = Number(value.slice(0, 4));
  if (/^\d{4}-/.test(value) && year >= 1700 && year <= 4000) return;
  throw new SalesforceError(
    'FIELD_INTEGRITY_EXCEPTION',
    `${f.label}: invalid date: ${value.slice(0, 40)} (dates run from 1700-01-01 to 4000-12-31)`,
    [f.name],
  );
}

const tooLong = (f: FieldDef, s: string, max: number): SalesforceError =>
  new SalesforceError(
    'STRING_TOO_LONG',
    `${f.label}: data value too large: ${s.slice(0, 100)} (max length=${max})`,
    [f.name],
  );

/** A picklist's values are at most 255 characters, as a text field's (Salesforce's picklist length). */
const PICKLIST_LENGTH = 255;

export function storedValue(f: FieldDef, value: unknown, ctx: WriteContext): unknown {
  if (value === null || value === undefined || value === '') return f.type === 'boolean' ? false : null;
  switch (f.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw parseError(f, value);
      return value;
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      const n = typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw parseError(f, value);
      const digits = (f.precision ?? 18) - (f.scale ?? 0);
      if (Math.abs(Math.trunc(n)) >= 10 ** digits) {
        throw new SalesforceError(
          'NUMBER_OUTSIDE_VALID_RANGE',
          `${f.label}: value outside of valid range on numeric field: ${n}`,
          [f.name],
        );
      }
      return f.scale === 0 ? Math.round(n) : n;
    }
    case 'date':
      if (typeof value === 'string' && validDates.has(value)) return value;
      if (typeof value !== 'string' || !DATE.test(value) || !isCalendarDate(value))
        throw parseError(f, value);
      checkDateRange(f, value);
      if (validDates.size >= REMEMBERED) validDates.clear();
      validDates.add(value);
      return value;
    case 'datetime': {
      const known = typeof value === 'string' ? storedDateTimes.get(value) : undefined;
      if (known !== undefined) return known;
      const v = typeof value === 'string' ? normalizeDateTime(value) : undefined;
      if (v === undefined) throw parseError(f, value);
      checkDateRange(f, v);
      if (storedDateTimes.size >= REMEMBERED) storedDateTimes.clear();
      storedDateTimes.set(value as string, v);
      return v;
    }
    case 'reference': {
      if (typeof value !== 'string') throw parseError(f, value);
      const s = value;
      const target = f.referenceTo?.[0] ?? '';
      let checked = ctx.checked?.get(target);
      const known = checked?.get(s);
      if (known !== undefined) return known;
      if (!isWellFormedId(s))
        throw new SalesforceError('MALFORMED_ID', `${f.label}: id value of incorrect type: ${s}`, [f.name]);
      if (!ctx.exists(target, s)) {
        throw new SalesforceError('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [f.name]);
      }
      const id18 = toId18(s) as string;
      if (ctx.checked) {
        if (!checked) ctx.checked.set(target, (checked = new Map()));
        // Only ids named again pay off: keep a bounded few (the first rows' parents are the common ones).
        if (checked.size < REMEMBERED) checked.set(s, id18);
      }
      return id18;
    }
    case 'picklist': {
      if (!scalar(value)) throw parseError(f, value);
      const s = String(value);
      if (s.length > (f.length ?? PICKLIST_LENGTH)) throw tooLong(f, s, f.length ?? PICKLIST_LENGTH);
      const values = f.picklist?.values ?? [];
      if (f.picklist?.restricted && !values.includes(s)) {
        throw new SalesforceError(
          'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          `${f.label}: bad value for restricted picklist field: ${s}`,
          [f.name],
        );
      }
      return s;
    }
    case 'anyType':
      return value;
    default: {
      if (!scalar(value)) throw parseError(f, value);
      const s = String(value);
      if (f.length !== undefined && s.length > f.length) throw tooLong(f, s, f.length);
      return s;
    }
  }
}

/** Validate and convert the caller's fields; unknown and read-only fields are rejected. */
export function checkFields(schema: SObjectSchema, input: Row, ctx: WriteContext): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(input)) {
    if (key.length <= 10 && IGNORED.has(key.toLowerCase())) continue;
    const f = schema.field(key);
    if (!f) {
      throw new SalesforceError(
        'INVALID_FIELD',
        `No such column '${key}' on sobject of type ${schema.name}`,
        [key],
      );
    }
    const writable = ctx.mode === 'create' ? f.createable : f.updateable;
    if (!writable && !(ctx.system && !f.formula && f.type !== 'id')) {
      throw new SalesforceError(
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to create/update fields: ${f.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        [f.name],
      );
    }
    out[f.name] = storedValue(f, value, ctx);
  }
  return out;
}

/** Required fields of the row about to be stored. */
export function checkRequired(schema: SObjectSchema, row: Row): void {
  let complete = true;
  for (const f of schema.required) if (row[f.name] == null) complete = false;
  if (complete) return;
  const missing = schema.required.filter((f) => row[f.name] == null).map((f) => f.name);
  throw new SalesforceError(
    'REQUIRED_FIELD_MISSING',
    `Required fields are missing: [${missing.join(', ')}]`,
    missing,
  );
}

export function checkId(schema: SObjectSchema, id: string): string {
  const id18 = toId18(id);
  if (!id18) throw malformedId(id);
  if (!id18.startsWith(schema.def.keyPrefix)) {
    throw new SalesforceError(
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${id}`,
      [],
      404,
    );
  }
  return id18;
}
