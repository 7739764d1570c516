// SOQL over REST: `/query`, `/queryAll`, `/query/{locator}`, the Tooling
// equivalents and `columns=true` (what `sf data query` asks for).
import { SalesforceError, invalidType, malformedQuery } from '../data/errors';
import { SETUP_TOOLING_OBJECTS, canViewSetup } from '../world/lmoProblems';
import { restTables, toolingTables } from '../world/virtualObjects';
import { REQUEST_FIELDS, appAnalyticsOf } from '../world/appAnalytics';
import { fromObject, parseSoql, queryVirtual } from '../world/virtualQuery';
import type { QueryResult } from '../data/index';
import type { Ctx } from './context';
import { header, json, type ApiResponse } from './http';
import { columnMetadata } from './columns';
import { explain } from './explain';
import { composeQuery } from '@jetstreamapp/soql-parser-js';

const DEFAULT_BATCH = 2000;

/** The FOR VIEW / FOR REFERENCE clause, last in a query. */
const FOR_VIEW = /\bFOR\s+(VIEW|REFERENCE)\s*$/i;

/**
 * A query FOR VIEW or FOR REFERENCE tells Salesforce the records were shown (SOQL "FOR VIEW", "FOR
 * REFERENCE"): every record it returns gets its LastViewedDate / LastReferencedDate.
 */
async function markViewed(ctx: Ctx, soql: string, how: 'VIEW' | 'REFERENCE'): Promise<void> {
  const parsed = parseSoql(soql);
  if (parsed.groupBy || parsed.fields?.some((f) => f.type === 'FieldFunctionExpression')) return;
  const data = ctx.world.data(ctx.org);
  const ids = await data.queryAsync(
    composeQuery({ ...parsed, fields: [{ type: 'Field', field: 'Id' }], for: undefined }),
  );
  await data.markViewed(
    ids.sobject,
    ids.records.map((r) => String(r.Id)),
    how,
  );
}

/**
 * More groups than one batch holds: Salesforce refuses the aggregate outright rather than page it
 * (GROUP BY considerations: "you can't use queryMore()… change the filtering conditions"). The
 * message is the one real orgs answer; EXCEEDED_ID_LIMIT is the code they give it for objects that
 * can't be paged (EntityDefinition, UserEntityAccess), taken for aggregates too.
 */
const MAX_AGGREGATE_ROWS = 2000;
const aggregateTooLarge = (): SalesforceError =>
  new SalesforceError(
    'EXCEEDED_ID_LIMIT',
    'Aggregate query does not support queryMore(), use LIMIT to restrict the results to a single batch',
  );

/** `Sforce-Query-Options: batchSize=N`, 200 to 2,000 (Salesforce treats it as a hint). */
function batchSize(ctx: Ctx): number {
  const m = /batchSize\s*=\s*(\d+)/i.exec(header(ctx.req, 'sforce-query-options') ?? '');
  if (!m) return DEFAULT_BATCH;
  return Math.min(DEFAULT_BATCH, Math.max(200, Number(m[1])));
}

async function run(ctx: Ctx, soql: string, includeDeleted: boolean): Promise<QueryResult> {
  const target = fromObject(soql);
  if (!target) throw malformedQuery('unexpected token: missing FROM');
  // Salesforce hides Setup's Tooling objects from users without View Setup and Configuration.
  if (
    ctx.tooling &&
    !canViewSetup(ctx.org) &&
    SETUP_TOOLING_OBJECTS.some((o) => o.toLowerCase() === target.toLowerCase())
  )
    throw invalidType(target);
  const tables = ctx.tooling
    ? toolingTables(ctx.world, ctx.org, ctx.version)
    : restTables(ctx.world, ctx.org, ctx.version);
  const analytics = appAnalyticsOf(ctx.world);
  if (!ctx.tooling && analytics.available(ctx.org) && target.toLowerCase() === 'appanalyticsqueryrequest') {
    await analytics.settleDue();
    tables.set('appanalyticsqueryrequest', {
      name: 'AppAnalyticsQueryRequest',
      fields: REQUEST_FIELDS,
      rows: () => analytics.rows(ctx.instanceUrl(), ctx.version),
    });
  }
  const table = tables.get(target.toLowerCase());
  if (table) {
    if (ctx.tooling) await ctx.world.installs.settleDue(ctx.org);
    const r = queryVirtual(table, parseSoql(soql));
    return {
      totalSize: r.totalSize,
      sobject: table.name,
      records: r.records,
      page: (from, count) => r.records.slice(from, from + count),
    };
  }
  if (ctx.tooling) throw invalidType(target);
  // Salesforce answers the Dev Hub probe with INVALID_TYPE in orgs that are not Dev Hubs.
  if (target.toLowerCase() === 'scratchorginfo') throw invalidType(target);
  const data = ctx.world.data(ctx.org);
  return data.queryAsync(soql, {
    includeDeleted,
    apiVersion: `v${ctx.version}`,
    jsonDoubles: true,
    timeZone: userTimeZone(data, ctx.org.userId),
  });
}

/** The running user's TimeZoneSidKey, which SOQL's date literals follow (none: GMT). */
function userTimeZone(data: ReturnType<Ctx['world']['data']>, userId: string): string | undefined {
  try {
    const value = data.retrieve('User', userId, ['TimeZoneSidKey']).TimeZoneSidKey;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

const queryBase = (ctx: Ctx): string =>
  `/services/data/v${ctx.version}${ctx.tooling ? '/tooling' : ''}/query`;

/** `rest` is `['query' | 'queryAll', locator?]`. */
export async function query(ctx: Ctx): Promise<ApiResponse> {
  if (ctx.req.method !== 'GET') {
    throw new SalesforceError(
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${ctx.req.method}' not allowed. Allowed are HEAD,GET`,
      [],
      405,
    );
  }
  const locator = ctx.rest[1];
  if (locator) {
    const page = ctx.cursors.next(ctx.org.id, locator);
    return json({
      totalSize: page.totalSize,
      done: page.done,
      ...(page.locator ? { nextRecordsUrl: `${queryBase(ctx)}/${page.locator}` } : {}),
      records: page.records,
    });
  }
  const soql = ctx.req.query.get('q');
  const plan = ctx.req.query.get('explain');
  if (!soql && plan && !ctx.tooling) return explain(ctx, plan);
  if (!soql) throw malformedQuery("The 'q' parameter is required.");
  if (ctx.req.query.get('columns') === 'true') {
    const parsed = parseSoql(soql);
    await run(ctx, soql, false); // unknown objects and fields fail as they would for the query itself
    return json(columnMetadata(parsed));
  }
  const result = await run(ctx, soql, ctx.rest[0] === 'queryAll');
  const viewed = ctx.tooling ? undefined : FOR_VIEW.exec(soql)?.[1]?.toUpperCase();
  if (viewed === 'VIEW' || viewed === 'REFERENCE') await markViewed(ctx, soql, viewed);
  const first = result.page(0, 1)[0] as { attributes?: { type?: string } } | undefined;
  // Aggregate results come in one answer and can't be paged; COUNT() has no rows at all.
  const rows =
    first === undefined
      ? 0
      : first.attributes?.type === 'AggregateResult'
        ? result.records.length
        : result.totalSize;
  if (first?.attributes?.type === 'AggregateResult' && rows > MAX_AGGREGATE_ROWS) throw aggregateTooLarge();
  const size = first?.attributes?.type === 'AggregateResult' ? Math.max(rows, 1) : batchSize(ctx);
  const page = ctx.cursors.open(
    ctx.org.id,
    (from, count) => result.page(from, count),
    rows,
    result.totalSize,
    size,
  );
  return json({
    totalSize: page.totalSize,
    done: page.done,
    ...(page.locator ? { nextRecordsUrl: `${queryBase(ctx)}/${page.locator}` } : {}),
    records: page.records,
  });
}
