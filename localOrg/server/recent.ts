// Recently viewed records: `GET /recent?limit=N` and an sObject's `recentItems` (REST API "Recently
// Viewed Items", "sObject Basic Information"). They list the records marked by a query FOR VIEW or
// FOR REFERENCE (their LastViewedDate / LastReferencedDate), most recent first, at most 200. The local
// org keeps those dates per record, not per user: every user sees the org's latest views.
import { SalesforceError } from '../data/errors';
import type { Row } from '../data/index';
import type { Ctx } from './context';
import { json, type ApiResponse } from './http';

const MAX = 200;

interface Seen {
  row: Row;
  at: number;
}

async function seenOf(ctx: Ctx, type: string): Promise<Seen[]> {
  const data = ctx.world.data(ctx.org);
  const s = data.schema.require(type);
  if (!s.field('LastViewedDate') || !s.field('LastReferencedDate')) return [];
  const name = s.field('Name') ? ', Name' : '';
  const result = await data.queryAsync(
    `SELECT Id${name}, LastViewedDate, LastReferencedDate FROM ${s.name} WHERE LastViewedDate != null OR LastReferencedDate != null`,
    { apiVersion: `v${ctx.version}` },
  );
  return result.records.map((r) => {
    const { LastViewedDate: viewed, LastReferencedDate: referenced, ...row } = r;
    const at = Math.max(Date.parse(String(viewed ?? '')) || 0, Date.parse(String(referenced ?? '')) || 0);
    return { row, at };
  });
}

const newestFirst = (seen: Seen[], limit: number): Row[] =>
  seen
    .sort((a, b) => b.at - a.at)
    .slice(0, limit)
    .map((s) => s.row);

/** An sObject's `recentItems` in its basic information. */
export async function recentItems(ctx: Ctx, type: string): Promise<Row[]> {
  return newestFirst(await seenOf(ctx, type), MAX);
}

/** `GET /recent[?limit=N]`: recently viewed or referenced records of every object. */
export async function recent(ctx: Ctx): Promise<ApiResponse> {
  if (ctx.req.method !== 'GET') {
    throw new SalesforceError(
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${ctx.req.method}' not allowed. Allowed are HEAD,GET`,
      [],
      405,
    );
  }
  const raw = ctx.req.query.get('limit');
  const limit = raw === null ? MAX : Number(raw);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new SalesforceError('INVALID_INPUT', `limit must be a positive whole number: ${raw ?? ''}`, [
      'limit',
    ]);
  }
  const seen: Seen[] = [];
  for (const s of ctx.world.data(ctx.org).schema.all()) seen.push(...(await seenOf(ctx, s.name)));
  return json(newestFirst(seen, Math.min(limit, MAX)));
}
