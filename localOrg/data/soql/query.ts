// SOQL evaluation against one org's rows. Returns every matching row (the
// HTTP layer pages), projecting records lazily so a 2,000-row page is cheap.
import { parseQuery } from '@jetstreamapp/soql-parser-js';
import type {
  FieldFunctionExpression,
  FieldType,
  OrderByClause,
  Query,
  QueryBase,
  Subquery,
  ValueQueryCondition,
} from '@jetstreamapp/soql-parser-js';
import { LATEST_VERSION } from '../apiVersion';
import { SalesforceError, malformedQuery } from '../errors';
import { isOpaque } from '../schema/fields';
import type { SObjectSchema } from '../schema/registry';
import type { Row } from '../schema/types';
import { aggregateSpec, runAggregate } from './aggregate';
import type { AggregateSpec, GroupField } from './aggregate';
import { comparable } from './literals';
import type { Comparable } from './literals';
import { checkLimitOffset, sortKeys, sortRows, type SortKey } from './order';
import { resolvePath } from './paths';
import type { ResolvedPath } from './paths';
import type { QuerySource } from './source';
import { boolTree, compile, indexableTerms } from './where';
import type { Predicate } from './where';

export interface QueryOptions {
  /** queryAll: include soft-deleted rows. */
  includeDeleted?: boolean;
  /** For `attributes.url`, e.g. `v66.0`. */
  apiVersion?: string;
  /** The clock for date literals (tests pin it). */
  now?: Date;
  /** The running user's TimeZoneSidKey: date literals are its days (none: GMT). */
  timeZone?: string;
  /** Doubles written as Salesforce writes them in JSON (`10.0`): for the HTTP answer, see jsonDouble. */
  jsonDoubles?: boolean;
}

const rawJSON = (JSON as { rawJSON?: (text: string) => unknown }).rawJSON;

/**
 * A double field's value as it must appear in JSON: Salesforce writes doubles with a decimal point
 * (`10.0`), where JSON.stringify writes `10`. Needs JSON.rawJSON (Node 21+): without it, the value
 * stays a number, the same to every JSON parser.
 */
export function jsonDouble(value: unknown): unknown {
  if (!rawJSON || typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) >= 1e15)
    return value;
  // rawJSON parses its text each time: a page of 2,000 Seats has few distinct values, made once.
  let raw = doubles.get(value);
  if (raw === undefined) {
    if (doubles.size >= 10_000) doubles.clear();
    doubles.set(value, (raw = rawJSON(`${value}.0`)));
  }
  return raw;
}
const doubles = new Map<number, unknown>();

export interface QueryResult {
  /** Rows matched (for COUNT(): the count; records are then empty). */
  totalSize: number;
  /** The queried sObject's API name (canonical case). */
  sobject: string;
  /** Records `from`..`from+count` in Salesforce's wire shape. */
  page(from: number, count: number): Row[];
  /** All records (builds them all: prefer `page` for big results). */
  readonly records: Row[];
}

interface Ctx {
  source: QuerySource;
  opts: QueryOptions;
  now: Date;
  api: string;
}

const ALLOWED_WITH = new Set(['USER_MODE', 'SYSTEM_MODE']);

/** Salesforce's bound on a SOQL statement (SOQL and SOSL limits: 100,000 characters by default). */
export const MAX_SOQL_LENGTH = 100_000;

function prepare(source: QuerySource, soql: string, opts: QueryOptions): { ctx: Ctx; q: Query } {
  if (soql.length > MAX_SOQL_LENGTH) {
    throw malformedQuery(
      `The SOQL statement is ${soql.length} characters long; SOQL statements cannot exceed ${MAX_SOQL_LENGTH} characters`,
    );
  }
  let q: Query;
  try {
    q = parseQuery(soql);
  } catch (e) {
    throw malformedQuery(e instanceof Error ? e.message : String(e));
  }
  const ctx: Ctx = {
    source,
    opts,
    now: opts.now ?? new Date(),
    api: opts.apiVersion ?? `v${LATEST_VERSION}`,
  };
  return { ctx, q };
}

export function runQuery(source: QuerySource, soql: string, opts: QueryOptions = {}): QueryResult {
  const { ctx, q } = prepare(source, soql, opts);
  return execute(ctx, q);
}

/** How long the WHERE of one query is evaluated before it lets other work run (see runQueryAsync). */
const SLICE_MS = 8;

/**
 * `runQuery` for a server that must keep answering: the WHERE is evaluated over the rows in slices
 * of about SLICE_MS, awaiting `pause()` (a turn of the event loop) between them, and the rest of
 * the query runs on the rows it matched. The rows are those of the table when the query started
 * (writes replace row objects and a table's cached array, never change them), so the answer is
 * the one a query run at once at its start would give, whatever other requests write meanwhile.
 */
export async function runQueryAsync(
  source: QuerySource,
  soql: string,
  opts: QueryOptions,
  pause: () => Promise<void>,
): Promise<QueryResult> {
  const { ctx, q } = prepare(source, soql, opts);
  return execute(ctx, q, await prematch(ctx, q, pause));
}

/** The top-level WHERE's matches, computed in slices (undefined: no WHERE, or nothing to scan). */
interface Prematched {
  rows: readonly Row[];
  /** The rows are the first matches in Id order already (the `firstInIdOrder` shape). */
  idOrdered: boolean;
}

async function prematch(ctx: Ctx, q: Query, pause: () => Promise<void>): Promise<Prematched | undefined> {
  if (!q.where || !q.sObject) return undefined;
  const schema = ctx.source.schema.find(q.sObject);
  if (!schema) return undefined;
  let filter: Filter;
  let keys: SortKey[];
  let aggregate: boolean;
  try {
    // Whatever fails here fails again, with its proper error, when `execute` runs without it.
    unsupported(q);
    checkLimitOffset(q.limit, q.offset);
    const path = (f: string): ResolvedPath => resolvePath(ctx.source, schema, f, q.sObjectAlias);
    const fields = expandFields(q.fields ?? [], schema);
    aggregate = fields.some(isAggregateFn) || q.groupBy !== undefined;
    keys = aggregate ? [] : sortKeys(q.orderBy, (c) => orderPath(c, path));
    filter = filterOf(ctx, schema, q, path);
  } catch {
    return undefined;
  }
  const { predicate, candidates } = filter;
  if (!predicate) return undefined;
  const includeDeleted = ctx.opts.includeDeleted === true;
  const all =
    candidates ?? (includeDeleted ? ctx.source.rows(schema.name) : ctx.source.liveRows(schema.name));
  const rows: readonly Row[] = Array.isArray(all) ? (all as readonly Row[]) : [...all];
  // ORDER BY Id [DESC] LIMIT n over a whole table: walk in Id order and stop at the n-th match.
  const [key, ...more] = keys;
  const idWalk =
    !aggregate &&
    !candidates &&
    key !== undefined &&
    !more.length &&
    key.field === schema.field('Id') &&
    q.limit !== undefined &&
    Array.isArray(all) &&
    inIdOrder(rows);
  const wanted = idWalk ? (q.offset ?? 0) + (q.limit ?? 0) : Infinity;
  const reverse = idWalk && key.desc;
  const out: Row[] = [];
  let since = performance.now();
  for (let i = 0; i < rows.length && out.length < wanted; i++) {
    if ((i & 63) === 0 && performance.now() - since > SLICE_MS) {
      await pause();
      since = performance.now();
    }
    const row = rows[reverse ? rows.length - 1 - i : i]!;
    if (!includeDeleted && row.IsDeleted === true) continue;
    if (predicate(row)) out.push(row);
  }
  return { rows: out, idOrdered: idWalk };
}

function unsupported(q: QueryBase): void {
  // FOR VIEW / FOR REFERENCE only mark the records returned (the HTTP layer does, `markViewed`);
  // FOR UPDATE locks records in Apex and is refused by the API.
  if (q.for && q.for.toUpperCase() !== 'VIEW' && q.for.toUpperCase() !== 'REFERENCE')
    throw malformedQuery(`FOR ${q.for} is not supported`);
  if (q.update) throw malformedQuery(`UPDATE ${q.update} is not supported`);
  if (q.withDataCategory) throw malformedQuery('WITH DATA CATEGORY is not supported');
  if (q.usingScope && q.usingScope.toLowerCase() !== 'everything')
    throw malformedQuery(`USING SCOPE ${q.usingScope} is not supported`);
  if (q.withAccessLevel && !ALLOWED_WITH.has(q.withAccessLevel))
    throw malformedQuery(`WITH ${q.withAccessLevel} is not supported`);
}

const isAggregateFn = (f: FieldType): f is FieldFunctionExpression =>
  f.type === 'FieldFunctionExpression' && f.functionName.toUpperCase() !== 'FIELDS';

/** Expand FIELDS(ALL|STANDARD|CUSTOM) into plain fields. */
function expandFields(fields: FieldType[], schema: SObjectSchema): FieldType[] {
  return fields.flatMap((f): FieldType[] => {
    if (f.type !== 'FieldFunctionExpression' || f.functionName.toUpperCase() !== 'FIELDS') return [f];
    const which = String(f.parameters[0] ?? '').toUpperCase();
    return schema.fields
      .filter((d) => (which === 'CUSTOM' ? d.custom : which === 'STANDARD' ? !d.custom : true))
      .map((d) => ({ type: 'Field', field: d.name }));
  });
}

interface Filter {
  predicate: Predicate | undefined;
  /** Rows an index found for the WHERE (a superset of the matches); undefined: every row is a candidate. */
  candidates: Iterable<Row> | undefined;
}

/** The WHERE as a predicate, and the index's candidates when one of its terms is indexed. */
function filterOf(ctx: Ctx, schema: SObjectSchema, q: QueryBase, path: (f: string) => ResolvedPath): Filter {
  let predicate: Predicate | undefined;
  let candidates: Iterable<Row> | undefined;
  if (q.where) {
    const tree = boolTree(q.where);
    predicate = compile(tree, {
      now: ctx.now,
      timeZone: ctx.opts.timeZone,
      path,
      semiJoin: (cond) => semiJoin(ctx, cond),
    });
    for (const term of indexableTerms(tree)) {
      const p = path(term.field);
      if (p.hops.length > 0 || p.field.formula) continue;
      const found = new Set<Row>();
      let indexed = true;
      for (const v of term.values) {
        const rows = ctx.source.lookup(schema.name, p.field.name, v);
        if (!rows) {
          indexed = false;
          break;
        }
        for (const r of rows) found.add(r);
      }
      if (indexed) {
        candidates = found;
        break;
      }
    }
  }
  return { predicate, candidates };
}

/** Rows of the object that pass the filter, using an index when the WHERE allows. */
function matchingRows(
  ctx: Ctx,
  schema: SObjectSchema,
  q: QueryBase,
  path: (f: string) => ResolvedPath,
  filter: Filter = filterOf(ctx, schema, q, path),
): readonly Row[] {
  const includeDeleted = ctx.opts.includeDeleted === true;
  const { predicate, candidates } = filter;
  if (!candidates) {
    const all = includeDeleted ? ctx.source.rows(schema.name) : ctx.source.liveRows(schema.name);
    // The table's cached array itself when nothing filters: callers only read it (and a later write
    // replaces the cache, so a cursor keeps the rows it was opened on).
    if (!predicate) return Array.isArray(all) ? (all as readonly Row[]) : [...all];
    const out: Row[] = [];
    for (const row of all) if (predicate(row)) out.push(row);
    return out;
  }
  const out: Row[] = [];
  for (const row of candidates) {
    if (!includeDeleted && row.IsDeleted === true) continue;
    if (predicate && !predicate(row)) continue;
    out.push(row);
  }
  return out;
}

/** Whether a table's cached row array is in ascending Id order (rows are inserted as their ids are minted). */
const idOrdered = new WeakMap<readonly Row[], boolean>();
function inIdOrder(rows: readonly Row[]): boolean {
  let ordered = idOrdered.get(rows);
  if (ordered === undefined) {
    ordered = true;
    for (let i = 1; i < rows.length && ordered; i++)
      ordered = String(rows[i - 1]!.Id).slice(0, 15) < String(rows[i]!.Id).slice(0, 15);
    idOrdered.set(rows, ordered);
  }
  return ordered;
}

/**
 * `ORDER BY Id [DESC] LIMIT n` over a whole table (no index narrows it), as the tree's keyset pages
 * ask: the rows are already in Id order, so the scan walks from the right end and stops at the n-th
 * match instead of filtering and sorting every row. Undefined when the query has another shape.
 */
function firstInIdOrder(
  ctx: Ctx,
  schema: SObjectSchema,
  q: Query,
  keys: SortKey[],
  filter: Filter,
): readonly Row[] | undefined {
  const [key, ...more] = keys;
  if (!key || more.length || key.field !== schema.field('Id') || q.limit === undefined || filter.candidates)
    return undefined;
  const all = ctx.opts.includeDeleted ? ctx.source.rows(schema.name) : ctx.source.liveRows(schema.name);
  if (!Array.isArray(all) || !inIdOrder(all)) return undefined;
  const rows = all as readonly Row[];
  const wanted = (q.offset ?? 0) + q.limit;
  const out: Row[] = [];
  const { predicate } = filter;
  for (let i = 0; i < rows.length && out.length < wanted; i++) {
    const row = rows[key.desc ? rows.length - 1 - i : i]!;
    if (!predicate || predicate(row)) out.push(row);
  }
  return out;
}

function semiJoin(ctx: Ctx, cond: ValueQueryCondition): Set<Comparable> {
  const sub = cond.valueQuery;
  const schema = ctx.source.schema.require(sub.sObject ?? '');
  const fields = sub.fields ?? [];
  const only = fields[0];
  if (fields.length !== 1 || !only || only.type !== 'Field')
    throw malformedQuery('a semi-join subquery selects exactly one field');
  const path = (f: string): ResolvedPath => resolvePath(ctx.source, schema, f, sub.sObjectAlias);
  const p = path(only.field);
  const rows = matchingRows({ ...ctx, opts: { ...ctx.opts, includeDeleted: false } }, schema, sub, path);
  return new Set(rows.map((r) => comparable(p.field, p.get(r))));
}

type Projector = (row: Row) => Row;

/** Build the record shape: fields, nested parent objects, child subquery results. */
function projector(
  ctx: Ctx,
  schema: SObjectSchema,
  fields: FieldType[],
  path: (f: string) => ResolvedPath,
  allowChildren: boolean,
): Projector {
  const steps: ((row: Row, rec: Row) => void)[] = [];
  const urlBase = `/services/data/${ctx.api}/sobjects/`;
  const attrs = (type: string, id: unknown): Row => ({ type, url: `${urlBase}${type}/${String(id)}` });
  // Salesforce refuses a field selected twice ("duplicate field selected"), however it is spelled.
  const selected = new Set<string>();
  for (const f of fields) {
    if (f.type === 'Field' || f.type === 'FieldRelationship') {
      const name = f.type === 'Field' ? f.field : [...f.relationships, f.field].join('.');
      const p = path(name);
      const canonical = [...p.hops.map((h) => h.name), p.field.name].join('.').toLowerCase();
      if (selected.has(canonical)) throw malformedQuery(`duplicate field selected: ${name}`);
      selected.add(canonical);
      const read = p.hops.length ? resolvePath(ctx.source, p.owner, p.field.name).get : p.get;
      const hops = p.hops;
      const key = p.field.name;
      const asDouble = ctx.opts.jsonDoubles === true && p.field.type === 'double';
      steps.push((row, rec) => {
        let target = rec;
        let cur = row;
        for (const hop of hops) {
          if (target[hop.name] === null) return;
          const parent = ctx.source.get(hop.target.name, cur[hop.lookup.name]);
          if (!parent) {
            target[hop.name] = null;
            return;
          }
          let nested = target[hop.name] as Row | undefined;
          if (!nested) target[hop.name] = nested = { attributes: attrs(hop.target.name, parent.Id) };
          target = nested;
          cur = parent;
        }
        target[key] = asDouble ? jsonDouble(read(cur)) : read(cur);
      });
    } else if (f.type === 'FieldSubquery') {
      if (!allowChildren) throw malformedQuery('nested subqueries are not supported');
      steps.push(childStep(ctx, schema, f.subquery));
    } else if (f.type === 'FieldTypeof') {
      throw malformedQuery('TYPEOF is not supported');
    } else {
      throw malformedQuery(`function ${f.functionName} is not supported here`);
    }
  }
  return (row) => {
    const rec: Row = { attributes: attrs(schema.name, row.Id) };
    for (const step of steps) step(row, rec);
    return rec;
  };
}

function childStep(ctx: Ctx, parent: SObjectSchema, sub: Subquery): (row: Row, rec: Row) => void {
  unsupported(sub);
  const rel = parent.childRelationship(sub.relationshipName);
  if (!rel) {
    throw new SalesforceError(
      'INVALID_TYPE',
      `Didn't understand relationship '${sub.relationshipName}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  const child = ctx.source.schema.require(rel.childSObject);
  const fields = expandFields(sub.fields ?? [], child);
  if (fields.some(isAggregateFn) || sub.groupBy)
    throw malformedQuery('aggregates are not supported in child subqueries');
  checkLimitOffset(sub.limit, sub.offset);
  const path = (f: string): ResolvedPath => resolvePath(ctx.source, child, f, sub.sObjectAlias);
  const predicate = sub.where
    ? compile(boolTree(sub.where), {
        now: ctx.now,
        timeZone: ctx.opts.timeZone,
        path,
        semiJoin: (c) => semiJoin(ctx, c),
      })
    : undefined;
  const keys = sortKeys(sub.orderBy, (c) => orderPath(c, path));
  const project = projector(ctx, child, fields, path, false);
  const includeDeleted = ctx.opts.includeDeleted === true;
  const key = rel.relationshipName;
  return (row, rec) => {
    const all = ctx.source.lookup(child.name, rel.field, String(row.Id)) ?? [...ctx.source.rows(child.name)];
    let rows: readonly Row[] = all.filter(
      (r) =>
        (includeDeleted || r.IsDeleted !== true) &&
        typeof r[rel.field] === 'string' &&
        (r[rel.field] as string).slice(0, 15) === String(row.Id).slice(0, 15) &&
        (!predicate || predicate(r)),
    );
    rows = sortRows(rows, keys, (r) => r);
    const from = sub.offset ?? 0;
    rows = rows.slice(from, sub.limit === undefined ? undefined : from + sub.limit);
    // Salesforce answers null, not an empty result, for a parent without children.
    rec[key] = rows.length === 0 ? null : { totalSize: rows.length, done: true, records: rows.map(project) };
  };
}

function orderPath(
  c: OrderByClause,
  path: (f: string) => ResolvedPath,
): { get: (row: Row) => unknown; field: ResolvedPath['field'] } {
  if ('fn' in c)
    throw malformedQuery(`ORDER BY ${c.fn.rawValue ?? 'function'} is only supported in aggregate queries`);
  const p = path(c.field);
  return { get: p.get, field: p.field };
}

function execute(ctx: Ctx, q: Query, pre?: Prematched): QueryResult {
  unsupported(q);
  if (!q.sObject) throw malformedQuery('missing FROM');
  const schema = ctx.source.schema.require(q.sObject);
  const path = (f: string): ResolvedPath => resolvePath(ctx.source, schema, f, q.sObjectAlias);
  const fields = expandFields(q.fields ?? [], schema);
  checkLimitOffset(q.limit, q.offset);
  const aggregate = fields.some(isAggregateFn) || q.groupBy !== undefined;
  if (q.having && !aggregate) throw malformedQuery('HAVING needs GROUP BY or an aggregate');

  if (!aggregate) {
    const project = projector(ctx, schema, fields, path, true);
    const keys = sortKeys(q.orderBy, (c) => orderPath(c, path));
    let rows = pre
      ? pre.idOrdered
        ? pre.rows
        : sortRows(pre.rows, keys, (r) => r)
      : (() => {
          const filter = filterOf(ctx, schema, q, path);
          return (
            firstInIdOrder(ctx, schema, q, keys, filter) ??
            sortRows(matchingRows(ctx, schema, q, path, filter), keys, (r) => r)
          );
        })();
    const from = q.offset ?? 0;
    if (from || q.limit !== undefined)
      rows = rows.slice(from, q.limit === undefined ? undefined : from + q.limit);
    return result(schema.name, rows.length, (a, n) => rows.slice(a, a + n).map(project));
  }

  // COUNT() alone: Salesforce answers only totalSize.
  const countOnly =
    fields.length === 1 &&
    isAggregateFn(fields[0]!) &&
    fields[0].functionName.toUpperCase() === 'COUNT' &&
    fields[0].parameters.length === 0;
  if (countOnly && !q.groupBy) {
    const n = (pre?.rows ?? matchingRows(ctx, schema, q, path)).length;
    const from = q.offset ?? 0;
    const total = Math.max(0, Math.min(n - from, q.limit ?? Infinity));
    return result(schema.name, total, () => []);
  }
  if (fields.some((f) => f.type === 'FieldSubquery'))
    throw malformedQuery('subqueries are not allowed in aggregate queries');

  const groupClauses = q.groupBy === undefined ? [] : Array.isArray(q.groupBy) ? q.groupBy : [q.groupBy];
  const groupBy: GroupField[] = groupClauses.map((g) => {
    if (!('field' in g))
      throw malformedQuery('GROUP BY functions (ROLLUP, CUBE, date functions) are not supported');
    const p = path(g.field);
    if (isOpaque(p.field)) {
      throw malformedQuery(`field '${p.field.name}' can not be grouped in a query call`);
    }
    return { key: p.field.name, path: p };
  });
  const aggregates: AggregateSpec[] = [];
  const selectedGroups: number[] = [];
  let expr = 0;
  for (const f of fields) {
    if (isAggregateFn(f)) {
      aggregates.push(aggregateSpec(f, path, f.alias ?? `expr${expr++}`));
    } else if (f.type === 'Field' || f.type === 'FieldRelationship') {
      const p = path(f.type === 'Field' ? f.field : [...f.relationships, f.field].join('.'));
      const i = groupBy.findIndex((g) => g.path.field === p.field && g.path.hops.length === p.hops.length);
      if (i < 0) throw malformedQuery(`Field must be grouped or aggregated: ${p.field.name}`);
      const alias = (f as { alias?: string }).alias;
      if (alias) groupBy[i] = { ...groupBy[i]!, key: alias };
      selectedGroups.push(i);
    } else {
      throw malformedQuery('unsupported item in an aggregate query');
    }
  }
  const rows = pre?.rows ?? matchingRows(ctx, schema, q, path);
  const out = runAggregate(rows, {
    groupBy,
    selectedGroups,
    aggregates,
    having: q.having,
    orderBy: q.orderBy,
    hasGroupBy: groupBy.length > 0,
    limit: q.limit,
    offset: q.offset,
    now: ctx.now,
    timeZone: ctx.opts.timeZone,
    path,
  });
  return result(schema.name, out.length, (a, n) => out.slice(a, a + n));
}

function result(
  sobject: string,
  totalSize: number,
  page: (from: number, count: number) => Row[],
): QueryResult {
  let all: Row[] | undefined;
  return {
    totalSize,
    sobject,
    page,
    get records() {
      return (all ??= page(0, totalSize));
    },
  };
}
