// `/services/data` discovery, `/limits` and sObject rows (CRUD + describe).
import { SalesforceError, notFound } from '../data/errors';
import type { Ctx, Shared } from './context';
import { LATEST_VERSION, OLDEST_VERSION } from './context';
import { header, json, jsonKind, noContent, type ApiResponse } from './http';
import { recordBody } from './multipart';
import { identityUrl } from './oauth';
import { describedAt, withVersion } from './records';
import { recentItems } from './recent';
import { userPermissionAccessDescribe } from '../world/subscriberLoginPermission';
import { restTables } from '../world/virtualObjects';
import { getDeleted, getUpdated } from './replication';

const RELEASES = ['Spring', 'Summer', 'Winter'];

/** `GET /services/data`: every version up to the latest, as `NN.0` (core requires that shape). */
export function versions(): ApiResponse {
  const latest = Number(LATEST_VERSION);
  const list = [];
  for (let v = OLDEST_VERSION; v <= latest; v++) {
    const season = RELEASES[(v - OLDEST_VERSION) % 3] as string;
    const year = 14 + Math.floor((v - OLDEST_VERSION + 1) / 3);
    list.push({ label: `${season} '${year}`, url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return json(list);
}

/** REST API versions 7.0 to 30.0 are retired: Salesforce answers them with 410 GONE. */
const FIRST_RETIRED = 7;

/**
 * The `NN.0` of a `vNN.0` path segment this org serves (31.0 to the latest). Retired versions get
 * 410, versions that never existed (v0.0, v1.0, v99.0, v62.5) 404 as on Salesforce.
 */
export function apiVersion(segment: string): string {
  const m = /^v(\d{1,4})\.(\d{1,2})$/.exec(segment);
  const major = Number(m?.[1]);
  if (!m || m[2] !== '0' || major > Number(LATEST_VERSION) || major < FIRST_RETIRED) throw notFound();
  if (major < OLDEST_VERSION) {
    throw new SalesforceError(
      'GONE',
      `API version ${major}.0 is retired; the oldest version this org serves is ${OLDEST_VERSION}.0`,
      [],
      410,
    );
  }
  return `${major}.0`;
}

/**
 * `GET /services/data/vNN.0`: the resources this org serves. Salesforce lists more (search,
 * analytics…); a client that follows the index must not meet a 404, so only served ones are listed.
 */
export function resources(ctx: Ctx): ApiResponse {
  if (ctx.tooling) {
    // The Tooling API's own index, likewise only what the local org serves of it.
    const base = `/services/data/v${ctx.version}/tooling`;
    return json({ sobjects: `${base}/sobjects`, query: `${base}/query` });
  }
  const base = `/services/data/v${ctx.version}`;
  const names = ['sobjects', 'query', 'queryAll', 'limits', 'composite', 'tooling', 'recent'];
  return json({
    ...Object.fromEntries(names.map((n) => [n, `${base}/${n}`])),
    identity: identityUrl(ctx as Shared, ctx.org),
  });
}

export function limits(ctx: Ctx): ApiResponse {
  const u = ctx.usage.usage(ctx.org);
  const pair = (max: number, remaining = max) => ({ Max: max, Remaining: remaining });
  return json({
    DailyApiRequests: pair(u.max, u.max - u.used),
    ConcurrentAsyncGetReportInstances: pair(200),
    DailyAsyncApexExecutions: pair(250_000),
    DailyBulkApiBatches: pair(15_000),
    DailyBulkV2QueryJobs: pair(10_000),
    DataStorageMB: pair(1024),
    FileStorageMB: pair(10_240),
    HourlyODataCallout: pair(10_000),
    SingleEmail: pair(5_000),
  });
}

const idFrom = (ctx: Ctx, i: number): string => {
  const id = ctx.rest[i] ?? '';
  if (!/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(id))
    throw new SalesforceError('MALFORMED_ID', `malformed id ${id}`, ['Id']);
  return id;
};

const methodNotAllowed = (method: string, allowed: string): SalesforceError =>
  new SalesforceError(
    'METHOD_NOT_ALLOWED',
    `HTTP Method '${method}' not allowed. Allowed are ${allowed}`,
    [],
    405,
  );

/** The fields of a create/update body: no Id, no attributes. */
export function writableFields(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new SalesforceError(
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of sObject from ${jsonKind(body)}`,
    );
  }
  const { attributes: _a, Id: _id, id: _i, ...fields } = body as Record<string, unknown>;
  return fields;
}

/** An insert names no Id: Salesforce refuses it rather than ignore it. */
export function refuseIdOnInsert(record: Record<string, unknown>): void {
  const key = Object.keys(record).find((k) => k.toLowerCase() === 'id');
  if (key !== undefined && record[key] !== null && record[key] !== undefined) {
    throw new SalesforceError('INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', [
      'Id',
    ]);
  }
}

function ifUnmodifiedSince(ctx: Ctx): Date | undefined {
  const raw = header(ctx.req, 'if-unmodified-since');
  if (raw === undefined) return undefined;
  const date = new Date(raw);
  if (Number.isNaN(date.getTime())) {
    throw new SalesforceError('INVALID_HEADER_TYPE', `Invalid If-Unmodified-Since header: ${raw}`);
  }
  return date;
}

/**
 * The resources under `/sobjects/{Type}/` that are not record ids. The local org has no list views and
 * no quick actions: it answers as Salesforce does for an object that has none.
 */
const SOBJECT_RESOURCES: Record<string, (ctx: Ctx, type: string) => ApiResponse | Promise<ApiResponse>> = {
  updated: getUpdated,
  deleted: getDeleted,
  listviews: (_ctx, type) =>
    json({ done: true, listviews: [], nextRecordsUrl: null, size: 0, sobjectType: type }),
  quickActions: () => json([]),
};

/**
 * `/sobjects[/{Type}[/describe | /{Id}]]` on the org's data. A type the org lacks (or the user may not
 * see, as the LMA's objects for a user without access) is a resource that does not exist: 404
 * NOT_FOUND, as Salesforce answers these URLs; SOQL names such a type INVALID_TYPE.
 */
export async function sobjects(ctx: Ctx): Promise<ApiResponse> {
  try {
    return await sobjectsOf(ctx);
  } catch (error) {
    const type = ctx.rest[1];
    if (
      type &&
      error instanceof SalesforceError &&
      error.errorCode === 'INVALID_TYPE' &&
      error.message.startsWith(`sObject type '${type}' is not supported.`)
    )
      throw notFound();
    throw error;
  }
}

async function sobjectsOf(ctx: Ctx): Promise<ApiResponse> {
  const data = ctx.world.data(ctx.org);
  const [, type, third] = ctx.rest;
  const m = ctx.req.method;
  if (!type) {
    if (m !== 'GET') throw methodNotAllowed(m, 'GET,HEAD');
    return json(describedAt(data.describeGlobal(), ctx.version));
  }
  if (third === undefined) {
    if (m === 'POST') {
      const body = recordBody(ctx.req, data.describe(type));
      refuseIdOnInsert(body);
      const { id } = await data.create(type, writableFields(body));
      return json({ id, success: true, errors: [] }, 201, {
        Location: `/services/data/v${ctx.version}/sobjects/${type}/${id}`,
      });
    }
    if (m !== 'GET') throw methodNotAllowed(m, 'GET,HEAD,POST');
    const describe = data.describe(type) as Record<string, unknown>;
    const { fields: _f, childRelationships: _c, recordTypeInfos: _r, ...objectDescribe } = describe;
    const recent = await recentItems(ctx, String(describe.name));
    return json({ objectDescribe: describedAt(objectDescribe, ctx.version), recentItems: recent });
  }
  if (third === 'describe' && ctx.rest.length === 3) {
    if (m !== 'GET') throw methodNotAllowed(m, 'GET,HEAD');
    const permissions =
      type.toLowerCase() === 'userpermissionaccess' &&
      restTables(ctx.world, ctx.org, ctx.version).get('userpermissionaccess');
    if (permissions) return json(userPermissionAccessDescribe(permissions, ctx.version));
    return json(describedAt(data.describe(type), ctx.version));
  }
  if (ctx.rest.length !== 3) throw notFound();
  const resource = SOBJECT_RESOURCES[third];
  if (resource) {
    const name = String(data.describe(type).name); // an unknown type: 404 as for its other URLs
    if (m !== 'GET') throw methodNotAllowed(m, 'GET,HEAD');
    return resource(ctx, name);
  }
  const id = idFrom(ctx, 2);
  if (m === 'GET') {
    const fields = ctx.req.query
      .get('fields')
      ?.split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    const record = data.retrieve(type, id, fields, { jsonDoubles: true });
    if (!record) throw notFound();
    return json(withVersion(record, ctx.version));
  }
  if (m === 'PATCH') {
    const since = ifUnmodifiedSince(ctx);
    await data.update(
      type,
      id,
      writableFields(recordBody(ctx.req, data.describe(type))),
      since ? { ifUnmodifiedSince: since } : undefined,
    );
    return noContent();
  }
  if (m === 'DELETE') {
    await data.delete(type, id);
    return noContent();
  }
  throw methodNotAllowed(m, 'GET,HEAD,PATCH,DELETE');
}
