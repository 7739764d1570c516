// A deliberately small SOQL evaluator for the world's own objects (tooling
// objects such as PackageInstallRequest, and the auth probes). These tables
// hold a handful of rows, so a linear scan is fine; anything it does not know
// answers MALFORMED_QUERY instead of a wrong result. The LMA's data goes
// through the data layer's real engine, not this one.
import { parseQuery, type Query, type WhereClause } from '@jetstreamapp/soql-parser-js';
import { SalesforceError, malformedQuery, invalidField } from '../data/errors';
import { likeMatcher } from '../data/soql/like';

export type Row = Record<string, unknown>;

export interface VirtualTable {
  name: string;
  /** Field names the object has (for SELECT validation and describe). */
  fields: string[];
  rows(): Row[];
  /** Salesforce restricts some tooling objects to `WHERE Id = ...` queries. */
  idOnly?: boolean;
  /** Refuses a query before it runs (e.g. a key-protected version queried without its key). */
  check?(conditions: Condition[]): void;
}

/** A `field op value` of a WHERE clause, its value unescaped. */
export interface Condition {
  field: string;
  operator: string;
  values: unknown[];
}

export interface VirtualResult {
  totalSize: number;
  records: Row[];
}

export function parseSoql(soql: string): Query {
  try {
    return parseQuery(soql);
  } catch (e) {
    throw malformedQuery(`unexpected token in query: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
}

/** The top-level FROM object of a query, without a full parse (cheap routing). */
export function fromObject(soql: string): string | undefined {
  let depth = 0;
  let flat = '';
  for (const ch of soql) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0) flat += ch;
  }
  return /\bfrom\s+([A-Za-z0-9_]+)/i.exec(flat)?.[1];
}

const get = (row: Row, path: string): unknown => {
  let value: unknown = row;
  for (const part of path.split('.')) {
    if (value == null || typeof value !== 'object') return null;
    const obj = value as Row;
    const key = Object.keys(obj).find((k) => k.toLowerCase() === part.toLowerCase());
    value = key === undefined ? null : obj[key];
  }
  return value ?? null;
};

const literal = (raw: string, type: string | undefined): unknown => {
  // SOQL escapes: \\ \' \" \n \t… (the packaging library escapes backslash and quote in keys).
  if (type === 'STRING')
    return raw
      .replace(/^'|'$/g, '')
      .replace(/\\(.)/gs, (_, ch: string) => ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' })[ch] ?? ch);
  if (type === 'BOOLEAN') return raw.toLowerCase() === 'true';
  if (type === 'NULL') return null;
  if (type === 'INTEGER' || type === 'DECIMAL') return Number(raw);
  if (type === 'DATE' || type === 'DATETIME') return raw;
  throw malformedQuery(`unsupported literal ${raw} in this object's query`);
};

const looksLikeId = (v: string): boolean => /^[a-zA-Z0-9]{15}(?:[A-Z0-5]{3})?$/.test(v);

// Ids compare on their case-sensitive 15-character form; other text case-insensitively, as SOQL does.
const same = (a: unknown, b: unknown): boolean => {
  if (typeof a !== 'string' || typeof b !== 'string') return a === b;
  if (looksLikeId(a) && looksLikeId(b)) return a.slice(0, 15) === b.slice(0, 15);
  return a.toLowerCase() === b.toLowerCase();
};

function matches(row: Row, where: WhereClause | undefined): boolean {
  if (!where) return true;
  const w = where as { left: Record<string, unknown> | null; operator?: string; right?: WhereClause };
  let leftValue = true;
  if (w.left && 'field' in w.left) {
    const cond = w.left as {
      field: string;
      operator: string;
      value: string | string[];
      literalType?: string | string[];
    };
    if ('valueQuery' in cond) throw malformedQuery('semi-join sub-selects are not supported on this object');
    const actual = get(row, cond.field);
    const types = Array.isArray(cond.literalType) ? cond.literalType : [cond.literalType];
    const values = (Array.isArray(cond.value) ? cond.value : [cond.value]).map((v, i) =>
      literal(v, types[i] ?? types[0]),
    );
    const expected = values[0];
    switch (cond.operator) {
      case '=':
        leftValue = same(actual, expected);
        break;
      case '!=':
        leftValue = !same(actual, expected);
        break;
      case 'IN':
        leftValue = values.some((v) => same(actual, v));
        break;
      case 'NOT IN':
        leftValue = !values.some((v) => same(actual, v));
        break;
      case 'LIKE': {
        const raw = Array.isArray(cond.value) ? cond.value[0] : cond.value;
        leftValue = typeof actual === 'string' && likeMatcher(String(raw))(actual);
        break;
      }
      case '<':
        leftValue = (actual as number) < (expected as number);
        break;
      case '>':
        leftValue = (actual as number) > (expected as number);
        break;
      case '<=':
        leftValue = (actual as number) <= (expected as number);
        break;
      case '>=':
        leftValue = (actual as number) >= (expected as number);
        break;
      default:
        throw malformedQuery(`operator ${cond.operator} is not supported on this object`);
    }
  }
  if (!w.operator) return leftValue;
  if (w.operator === 'NOT') return !matches(row, w.right);
  if (w.operator === 'AND') return leftValue && matches(row, w.right);
  return leftValue || matches(row, w.right);
}

function filtersById(where: WhereClause | undefined): boolean {
  const left = (where as { left?: { field?: string; operator?: string } } | undefined)?.left;
  return !!left && left.field?.toLowerCase() === 'id' && (left.operator === '=' || left.operator === 'IN');
}

/** Every `field op value` condition of a WHERE clause, whatever AND/OR/NOT joins them. */
export function conditionsOf(where: WhereClause | undefined): Condition[] {
  const out: Condition[] = [];
  for (let w = where as { left?: Record<string, unknown> | null; right?: WhereClause } | undefined; w;) {
    const cond = w.left as {
      field?: string;
      operator?: string;
      value?: string | string[];
      literalType?: string | string[];
    } | null;
    if (cond?.field && cond.operator && cond.value !== undefined) {
      const types = Array.isArray(cond.literalType) ? cond.literalType : [cond.literalType];
      const raw = Array.isArray(cond.value) ? cond.value : [cond.value];
      out.push({
        field: cond.field,
        operator: cond.operator,
        values: raw.map((v, i) => literal(v, types[i] ?? types[0])),
      });
    }
    w = w.right as typeof w;
  }
  return out;
}

export function queryVirtual(table: VirtualTable, query: Query): VirtualResult {
  if (table.idOnly && !filtersById(query.where)) {
    throw new SalesforceError(
      'MALFORMED_QUERY',
      "Implementation restriction: You can only perform queries of the form Id = 'value', Id IN ('value1', 'value2'), or Id IN (SELECT ...) on this object.",
    );
  }
  table.check?.(conditionsOf(query.where));
  if (query.groupBy || query.having) throw malformedQuery(`GROUP BY is not supported on ${table.name}`);
  let rows = table.rows().filter((r) => matches(r, query.where));
  const fields = query.fields ?? [];
  const isCount =
    fields.length === 1 &&
    fields[0]?.type === 'FieldFunctionExpression' &&
    fields[0].functionName?.toUpperCase() === 'COUNT';
  if (isCount) return { totalSize: rows.length, records: [] };
  const orderBy = query.orderBy ? (Array.isArray(query.orderBy) ? query.orderBy : [query.orderBy]) : [];
  for (const clause of [...orderBy].reverse()) {
    if (!('field' in clause)) throw malformedQuery('ORDER BY functions are not supported on this object');
    const dir = clause.order === 'DESC' ? -1 : 1;
    rows = [...rows].sort((a, b) => {
      const x = get(a, clause.field) as string | number | null;
      const y = get(b, clause.field) as string | number | null;
      return x === y ? 0 : x == null ? -dir : y == null ? dir : x < y ? -dir : dir;
    });
  }
  const totalSize = rows.length;
  rows = rows.slice(
    query.offset ?? 0,
    query.limit !== undefined ? (query.offset ?? 0) + query.limit : undefined,
  );
  const known = new Set(table.fields.map((f) => f.toLowerCase()));
  const project = (row: Row): Row => {
    const out: Row = { attributes: row.attributes };
    for (const f of fields) {
      if (f.type === 'Field') {
        if (!known.has(f.field.toLowerCase())) throw invalidField(f.field, table.name);
        const key = table.fields.find((k) => k.toLowerCase() === f.field.toLowerCase()) ?? f.field;
        out[key] = get(row, key);
      } else if (f.type === 'FieldRelationship') {
        const rel = f.relationships[0] ?? '';
        const parent = get(row, rel) as Row | null;
        if (parent === null) out[rel] = null;
        else {
          const target = (out[rel] as Row | undefined) ?? { attributes: parent.attributes };
          target[f.field] = get(parent, [...f.relationships.slice(1), f.field].join('.'));
          out[rel] = target;
        }
      } else {
        throw malformedQuery(`${f.type} is not supported on ${table.name}`);
      }
    }
    return out;
  };
  // Project before the slice would be wasteful; these tables are tiny anyway.
  return { totalSize, records: rows.map(project) };
}
