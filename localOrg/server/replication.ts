// sObject Get Updated and Get Deleted (`/sobjects/{Type}/updated?start=…&end=…`, `/deleted?…`): the
// records changed or deleted in a window, which replication clients (jsforce's `updated()` and
// `deleted()`, ISVs syncing Licenses to their own systems) poll. Salesforce's rules (REST API
// "sObject Get Updated" / "Get Deleted"; SOAP API getUpdated()/getDeleted()): the window is read by the
// minute (seconds ignored), its start must precede its end, it reaches back at most 30 days, and more
// than 600,000 ids is EXCEEDED_ID_LIMIT. A record's change date is its SystemModstamp.
import { SalesforceError } from '../data/errors';
import type { Ctx } from './context';
import { json, type ApiResponse } from './http';

const MINUTE = 60_000;
const WINDOW_DAYS = 30;
const MAX_IDS = 600_000;

const replicationDate = (message: string): SalesforceError =>
  new SalesforceError('INVALID_REPLICATION_DATE', message);

/** Salesforce's datetime in these answers: `2013-05-08T21:20:00.000+0000`. */
const wire = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

const floorMinute = (ms: number): number => Math.floor(ms / MINUTE) * MINUTE;

/** A SOQL datetime literal (no milliseconds: the window is whole minutes). */
const soqlDate = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function parameter(ctx: Ctx, name: 'start' | 'end'): number {
  const value = ctx.req.query.get(name);
  if (value === null || value === '') {
    throw new SalesforceError('MISSING_ARGUMENT', `The '${name}' parameter is required`, [name]);
  }
  // ISO 8601 with a zone, as jsforce and the docs send it (`2013-05-06T00:00:00+00:00`).
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)$/.test(value)
    ? Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'))
    : NaN;
  if (Number.isNaN(ms)) throw replicationDate(`The '${name}' parameter is not a valid dateTime: ${value}`);
  return ms;
}

interface Window {
  start: number;
  end: number;
  /** What the answer covers: the window's end, or this minute when the end is still to come. */
  covered: number;
  /** The oldest start a call may ask for (30 days back, by the minute). */
  earliest: number;
}

function window(ctx: Ctx): Window {
  const start = floorMinute(parameter(ctx, 'start'));
  const end = floorMinute(parameter(ctx, 'end'));
  if (start >= end) throw replicationDate('startDate must chronologically precede endDate');
  const now = Date.now();
  const earliest = floorMinute(now - WINDOW_DAYS * 24 * 60 * MINUTE);
  if (start < earliest) {
    throw replicationDate(
      `startDate cannot be more than ${WINDOW_DAYS} days ago: the earliest is ${wire(earliest)}`,
    );
  }
  return { start, end, covered: Math.min(end, floorMinute(now)), earliest };
}

/** The object's change date: SystemModstamp, else LastModifiedDate, else CreatedDate. */
function changeField(ctx: Ctx, type: string): string {
  const fields = (ctx.world.data(ctx.org).describe(type).fields as Array<{ name: string }>).map(
    (f) => f.name,
  );
  return (
    ['SystemModstamp', 'LastModifiedDate', 'CreatedDate'].find((f) => fields.includes(f)) ?? 'CreatedDate'
  );
}

async function changed(
  ctx: Ctx,
  type: string,
  w: Window,
  deleted: boolean,
): Promise<Array<{ id: string; at: number }>> {
  const field = changeField(ctx, type);
  const soql =
    `SELECT Id, ${field} FROM ${type} WHERE ${field} >= ${soqlDate(w.start)}` +
    ` AND ${field} < ${soqlDate(w.end)}${deleted ? ' AND IsDeleted = true' : ''}`;
  const result = await ctx.world.data(ctx.org).queryAsync(soql, { includeDeleted: deleted });
  if (result.totalSize > MAX_IDS) {
    throw new SalesforceError(
      'EXCEEDED_ID_LIMIT',
      `More than ${MAX_IDS} ids in the window: choose start and end dates closer together`,
    );
  }
  return result.records.map((r) => ({ id: String(r.Id), at: Date.parse(String(r[field])) }));
}

/** `GET /sobjects/{Type}/updated?start=…&end=…`: `{ ids, latestDateCovered }`. */
export async function getUpdated(ctx: Ctx, type: string): Promise<ApiResponse> {
  const w = window(ctx);
  const rows = await changed(ctx, type, w, false);
  return json({ ids: rows.map((r) => r.id), latestDateCovered: wire(w.covered) });
}

/** `GET /sobjects/{Type}/deleted?start=…&end=…`: `{ deletedRecords, earliestDateAvailable, latestDateCovered }`. */
export async function getDeleted(ctx: Ctx, type: string): Promise<ApiResponse> {
  const w = window(ctx);
  const rows = await changed(ctx, type, w, true);
  return json({
    deletedRecords: rows.map((r) => ({ id: r.id, deletedDate: wire(r.at) })),
    earliestDateAvailable: wire(w.earliest),
    latestDateCovered: wire(w.covered),
  });
}
