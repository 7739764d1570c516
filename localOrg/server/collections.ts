// sObject Collections (`/composite/sobjects`): up to 200 records per call,
// per-record results in input order (errors use `statusCode`, not `errorCode`).
// allOrNone runs as one store transaction: all records are journalled together
// or not at all; deletes are checked before any is made.
import { SalesforceError, notFound } from '../data/errors';
import type { OrgData, Row as SObjectRecord } from '../data/index';
import type { Ctx } from './context';
import {
  json,
  jsonArray,
  jsonBody,
  jsonBoolean,
  jsonKind,
  toSalesforceError,
  type ApiResponse,
} from './http';
import { withVersion } from './records';
import { refuseIdOnInsert, writableFields } from './rest';

const MAX = 200;

interface Outcome {
  id?: string | null;
  success: boolean;
  errors: Array<{ statusCode: string; message: string; fields: string[] }>;
  created?: boolean;
}

/** A record's failure in an upsert, which says whether the record was to be created. */
class UpsertFailure {
  constructor(
    readonly error: unknown,
    readonly created: boolean,
  ) {}
}

const failure = (e: unknown): Outcome => {
  const err = toSalesforceError(e instanceof UpsertFailure ? e.error : e);
  return {
    success: false,
    errors: [{ statusCode: err.errorCode, message: err.message, fields: err.fields }],
    ...(e instanceof UpsertFailure ? { created: e.created } : {}),
  };
};

const ROLLED_BACK = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

function tooMany(n: number): void {
  if (n > MAX)
    throw new SalesforceError(
      'EXCEEDED_ID_LIMIT',
      `record limit reached. cannot submit more than ${MAX} records into this call`,
    );
}

const typeOf = (r: SObjectRecord): string => {
  const t = (r.attributes as { type?: unknown } | undefined)?.type;
  if (typeof t !== 'string')
    throw new SalesforceError('INVALID_TYPE', 'Must send a concrete entity type.', []);
  return t;
};

const sobjectRecord = (value: unknown): SObjectRecord => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new SalesforceError(
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of sObject from ${jsonKind(value)}`,
    );
  }
  // An Id is a string: anything else is a body Salesforce can't deserialize (the whole request fails).
  for (const key of ['Id', 'id']) {
    const id = (value as SObjectRecord)[key];
    if (id !== undefined && id !== null && typeof id !== 'string') {
      throw new SalesforceError(
        'JSON_PARSER_ERROR',
        `Cannot deserialize instance of id from ${jsonKind(id)} for '${key}'`,
      );
    }
  }
  return value as SObjectRecord;
};

const strings = (values: unknown[], name: string): string[] =>
  values.map((v) => {
    if (typeof v !== 'string') {
      throw new SalesforceError(
        'JSON_PARSER_ERROR',
        `Cannot deserialize instance of string from ${jsonKind(v)} in '${name}'`,
      );
    }
    return v;
  });

export async function collections(ctx: Ctx): Promise<ApiResponse> {
  const data = ctx.world.data(ctx.org);
  const m = ctx.req.method;
  const type = ctx.rest[2];
  if (m === 'POST' && type) return retrieveMany(ctx, data, type);
  if (m === 'DELETE') return deleteMany(ctx, data);
  if (m !== 'POST' && m !== 'PATCH') {
    throw new SalesforceError(
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${m}' not allowed. Allowed are POST,PATCH,DELETE`,
      [],
      405,
    );
  }
  const upsertBy = m === 'PATCH' && type ? upsertKey(data, type, ctx.rest[3]) : undefined;
  const body = jsonBody(ctx.req);
  const records = jsonArray(body, 'records').map(sobjectRecord);
  const allOrNone = jsonBoolean(body, 'allOrNone');
  tooMany(records.length);
  const save = async (rec: SObjectRecord): Promise<Outcome> => {
    if (upsertBy) return upsert(data, upsertBy, rec);
    const sobject = typeOf(rec);
    if (m === 'POST') {
      refuseIdOnInsert(rec);
      return { id: (await data.create(sobject, writableFields(rec))).id, success: true, errors: [] };
    }
    const id = (rec.Id ?? rec.id ?? '') as string;
    if (!id) throw new SalesforceError('MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']);
    await data.update(sobject, id, writableFields(rec));
    return { id, success: true, errors: [] };
  };
  if (!allOrNone) {
    const outcomes: Outcome[] = [];
    for (const rec of records)
      outcomes.push(await save(rec).catch((e: unknown) => ({ id: null, ...failure(e) })));
    return json(outcomes);
  }
  // allOrNone: one transaction, so a failure (or a crash before the answer) leaves none of the records.
  return ctx.world.db.atomically(async () => {
    const outcomes: Outcome[] = [];
    for (const rec of records) {
      try {
        outcomes.push(await save(rec));
      } catch (e) {
        outcomes.push({ id: null, ...failure(e) });
        const answer = records.map((_, i) => {
          const o = outcomes[i];
          if (o && !o.success) return o;
          // An upsert's rolled-back record still says whether it was to be created.
          const created = upsertBy ? { created: o ? o.created === true : true } : {};
          return { id: null, success: false, errors: [ROLLED_BACK], ...created };
        });
        return { keep: false, value: json(answer) };
      }
    }
    return { keep: true, value: json(outcomes) };
  });
}

interface UpsertKey {
  /** The object's API name, as the schema spells it. */
  type: string;
  /** The external id field, as the schema spells it. */
  field: string;
}

/**
 * `PATCH /composite/sobjects/{Type}/{ExternalIdField}` (API 46.0+): upsert by an external id field
 * ("Only external ids are supported. Don't use record ids": REST API, "Upsert Records Using sObject
 * Collections"). A type the org lacks is a resource that doesn't exist (404, as its other URLs); a
 * field that is no external id refuses the whole request.
 */
function upsertKey(data: OrgData, type: string, field: string | undefined): UpsertKey {
  let describe: Record<string, unknown>;
  try {
    describe = data.describe(type);
  } catch (e) {
    if (e instanceof SalesforceError && e.errorCode === 'INVALID_TYPE') throw notFound();
    throw e;
  }
  const name = String(describe.name);
  const def = (describe.fields as Array<{ name: string; externalId: boolean }>).find(
    (f) => f.name.toLowerCase() === (field ?? '').toLowerCase(),
  );
  if (!def?.externalId) {
    throw new SalesforceError(
      'INVALID_FIELD',
      `Field name provided, ${field ?? ''} is not an External ID or indexed field for ${name}`,
      field ? [field] : [],
    );
  }
  return { type: name, field: def.name };
}

const soqlString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** One record of an upsert: matched by its external id, updated or created. */
async function upsert(data: OrgData, key: UpsertKey, rec: SObjectRecord): Promise<Outcome> {
  const given = Object.keys(rec).find((k) => k.toLowerCase() === key.field.toLowerCase());
  const value = given === undefined ? undefined : rec[given];
  let created = true;
  try {
    const recordType = typeOf(rec);
    if (recordType.toLowerCase() !== key.type.toLowerCase()) {
      throw new SalesforceError(
        'INVALID_TYPE',
        `The record's type ${recordType} is not the type of the request, ${key.type}`,
      );
    }
    if (Object.keys(rec).some((k) => k.toLowerCase() === 'id' && rec[k] != null)) {
      throw new SalesforceError(
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        'Record ids are not supported in an upsert by external id: use the external id field',
        ['Id'],
      );
    }
    if (value === undefined || value === null || value === '') {
      throw new SalesforceError('MISSING_ARGUMENT', `${key.field} not specified`, [key.field]);
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new SalesforceError(
        'JSON_PARSER_ERROR',
        `Cannot deserialize instance of ${key.field} from ${jsonKind(value)}`,
        [key.field],
      );
    }
    const matches = (
      await data.queryAsync(
        `SELECT Id FROM ${key.type} WHERE ${key.field} = ${soqlString(String(value))} LIMIT 2`,
      )
    ).records.map((r) => String(r.Id));
    if (matches.length > 1) {
      throw new SalesforceError(
        'DUPLICATE_EXTERNAL_ID',
        `${key.field}: more than one record found for external id field: [${matches.join(', ')}]`,
        [key.field],
      );
    }
    const fields = writableFields(rec);
    if (matches[0]) {
      created = false;
      await data.update(key.type, matches[0], fields);
      return { id: matches[0], success: true, errors: [], created: false };
    }
    return { id: (await data.create(key.type, fields)).id, success: true, errors: [], created: true };
  } catch (e) {
    throw new UpsertFailure(e, created);
  }
}

async function retrieveMany(ctx: Ctx, data: OrgData, type: string): Promise<ApiResponse> {
  const body = jsonBody(ctx.req);
  const ids = strings(jsonArray(body, 'ids'), 'ids');
  const fields = strings(jsonArray(body, 'fields'), 'fields');
  tooMany(ids.length);
  if (fields.length === 0) {
    throw new SalesforceError('REQUIRED_FIELD_MISSING', 'The fields parameter is required.', ['fields']);
  }
  const out = [];
  for (const id of ids) out.push(retrieved(data, type, id, fields) ?? null);
  return json(withVersion(out, ctx.version));
}

/** The record, or undefined when it doesn't exist (or the id is malformed): a per-record answer. */
function retrieved(data: OrgData, sobject: string, id: string, fields: string[]): SObjectRecord | undefined {
  try {
    return data.retrieve(sobject, id, fields);
  } catch {
    return undefined;
  }
}

async function deleteMany(ctx: Ctx, data: OrgData): Promise<ApiResponse> {
  const ids = (ctx.req.query.get('ids') ?? '').split(',').filter(Boolean);
  tooMany(ids.length);
  const allOrNone = ctx.req.query.get('allOrNone') === 'true';
  const describe = data.describeGlobal().sobjects as Array<Record<string, unknown>>;
  const typeFor = (id: string): string | undefined =>
    describe.find((s) => s.keyPrefix === id.slice(0, 3))?.name as string | undefined;
  if (allOrNone) {
    const problems = await Promise.all(
      ids.map(async (id) => {
        const t = typeFor(id);
        return t && retrieved(data, t, id, ['Id']) ? null : id;
      }),
    );
    if (problems.some(Boolean)) {
      return json(
        ids.map((id, i) =>
          problems[i]
            ? {
                id,
                success: false,
                errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }],
              }
            : { id, success: false, errors: [ROLLED_BACK] },
        ),
      );
    }
  }
  const run = async (): Promise<{ keep: boolean; value: ApiResponse }> => {
    const outcomes: Outcome[] = [];
    for (const id of ids) {
      try {
        const t = typeFor(id);
        if (!t) throw new SalesforceError('MALFORMED_ID', `malformed id ${id}`, ['Id']);
        await data.delete(t, id);
        outcomes.push({ id, success: true, errors: [] });
      } catch (e) {
        outcomes.push({ id, ...failure(e) });
      }
    }
    const failed = outcomes.some((o) => !o.success);
    if (!allOrNone || !failed) return { keep: true, value: json(outcomes) };
    // A record deleted twice in one call: the checks above passed, the second delete failed.
    return {
      keep: false,
      value: json(outcomes.map((o) => (o.success ? { id: o.id, success: false, errors: [ROLLED_BACK] } : o))),
    };
  };
  return allOrNone ? ctx.world.db.atomically(run) : (await run()).value;
}
