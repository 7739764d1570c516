// GROUP BY and aggregate functions. Output rows are `AggregateResult`s keyed
// by the grouped field's name and by alias or expr0, expr1... for unaliased
// aggregates, as Salesforce names them.
import type { FieldFunctionExpression, HavingClause, OrderByClause } from '@jetstreamapp/soql-parser-js';
import { malformedQuery } from '../errors';
import type { FieldDef, Row } from '../schema/types';
import { sortKeys, sortRows } from './order';
import type { ResolvedPath } from './paths';
import type { Comparable } from './literals';
import { boolTree, compile } from './where';

export interface AggregateSpec {
  fn: string;
  path: ResolvedPath | undefined;
  /** Output key; undefined for hidden (HAVING/ORDER BY-only) aggregates. */
  key: string | undefined;
  raw: string;
}

const normRaw = (raw: string): string => raw.replace(/\s+/g, '').toUpperCase();
const NUMERIC = new Set(['int', 'double']);

export function aggregateSpec(fn: FieldFunctionExpression, path: (field: string) => ResolvedPath, key: string | undefined): AggregateSpec {
  const name = fn.functionName.toUpperCase();
  if (!['COUNT', 'COUNT_DISTINCT', 'SUM', 'AVG', 'MIN', 'MAX'].includes(name)) throw malformedQuery(`unsupported function ${name}`);
  const params = fn.parameters ?? [];
  if (params.some((p) => typeof p !== 'string')) throw malformedQuery(`nested functions are not supported: ${fn.rawValue ?? name}`);
  if (params.length > 1) throw malformedQuery(`${name} takes one field`);
  const p = params[0] as string | undefined;
  if (p === undefined && name !== 'COUNT') throw malformedQuery(`${name} needs a field`);
  const resolved = p === undefined ? undefined : path(p);
  if ((name === 'SUM' || name === 'AVG') && resolved && !NUMERIC.has(resolved.field.type)) {
    throw malformedQuery(`field ${resolved.field.name} does not support aggregate operator ${name}`);
  }
  return { fn: name, path: resolved, key, raw: normRaw(fn.rawValue ?? `${name}(${p ?? ''})`) };
}

class Acc {
  n = 0;
  sum = 0;
  best: unknown = null;
  distinct: Set<unknown> | undefined;
  constructor(readonly spec: AggregateSpec) {
    if (spec.fn === 'COUNT_DISTINCT') this.distinct = new Set();
  }
  add(row: Row): void {
    const s = this.spec;
    if (!s.path) {
      this.n++;
      return;
    }
    const v = s.path.get(row);
    if (v === null || v === undefined) return;
    this.n++;
    if (this.distinct) this.distinct.add(typeof v === 'string' ? v.toLowerCase() : v);
    else if (s.fn === 'SUM' || s.fn === 'AVG') this.sum += v as number;
    else if (s.fn === 'MIN' || s.fn === 'MAX') {
      const b = this.best as Comparable;
      const cv = v as Comparable;
      if (b === null || (s.fn === 'MIN' ? cv! < b : cv! > b)) this.best = v;
    }
  }
  result(): unknown {
    switch (this.spec.fn) {
      case 'COUNT':
        return this.n;
      case 'COUNT_DISTINCT':
        return this.distinct!.size;
      case 'SUM':
        return this.n ? this.sum : null;
      case 'AVG':
        return this.n ? this.sum / this.n : null;
      default:
        return this.best;
    }
  }
}

export interface GroupField {
  key: string;
  path: ResolvedPath;
}

interface Group {
  values: unknown[];
  accs: Acc[];
}

export interface AggregatePlan {
  groupBy: GroupField[];
  /** Grouped fields that appear in SELECT (by index into groupBy). */
  selectedGroups: number[];
  aggregates: AggregateSpec[];
  having: HavingClause | undefined;
  orderBy: OrderByClause | OrderByClause[] | undefined;
  hasGroupBy: boolean;
  limit: number | undefined;
  offset: number | undefined;
  now: Date;
  path: (field: string) => ResolvedPath;
}

export function runAggregate(rows: Iterable<Row>, plan: AggregatePlan): Row[] {
  // Aggregates only HAVING or ORDER BY mention are computed too, without an output key.
  const aggregates = [...plan.aggregates];
  const aggIndex = (fn: { rawValue?: string; functionName?: string; parameters?: unknown[] }): number => {
    const raw = normRaw(fn.rawValue ?? '');
    let i = aggregates.findIndex((a) => a.raw === raw);
    if (i < 0) {
      aggregates.push(aggregateSpec(fn as FieldFunctionExpression, plan.path, undefined));
      i = aggregates.length - 1;
    }
    return i;
  };
  const groupIndex = (field: string): number => {
    const f = plan.path(field).field;
    const i = plan.groupBy.findIndex((g) => g.path.field === f && g.path.hops.length === plan.path(field).hops.length);
    if (i < 0) throw malformedQuery(`Field must be grouped or aggregated: ${field}`);
    return i;
  };
  // Group rows are plain rows: g0.. for grouped values, a0.. for aggregates.
  const resolveGroupRow = (field: string): ResolvedPath => {
    const i = groupIndex(field);
    return { ...plan.groupBy[i]!.path, get: (r: Row) => r[`g${i}`] };
  };
  const having = plan.having
    ? compile(boolTree(plan.having), {
        now: plan.now,
        path: resolveGroupRow,
        aggregate: (raw) => {
          const i = aggIndex({ rawValue: raw, ...parseFnRaw(raw) });
          return (r) => r[`a${i}`];
        },
      })
    : undefined;
  const keys = sortKeys(plan.orderBy, (c) => {
    if ('fn' in c) {
      const i = aggIndex(c.fn);
      return { get: (r) => r[`a${i}`], field: undefined };
    }
    const p = resolveGroupRow(c.field);
    return { get: p.get, field: p.field as FieldDef };
  });

  const groups = new Map<string, Group>();
  const getters = plan.groupBy.map((g) => g.path.get);
  const single = getters.length === 1 ? getters[0]! : undefined;
  for (const row of rows) {
    let key: string;
    let values: unknown[] | undefined;
    if (single) {
      const v = single(row);
      key = v === null || v === undefined ? '\u0000' : String(v);
      values = undefined;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { values: [v ?? null], accs: aggregates.map((a) => new Acc(a)) }));
      for (const acc of g.accs) acc.add(row);
      continue;
    }
    values = getters.map((get) => get(row) ?? null);
    key = values.map((v) => (v === null ? '\u0000' : String(v))).join('\u0001');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { values, accs: aggregates.map((a) => new Acc(a)) }));
    for (const acc of g.accs) acc.add(row);
  }
  // Without GROUP BY, aggregates always answer one row, even over no rows.
  if (!plan.hasGroupBy && groups.size === 0) groups.set('', { values: [], accs: aggregates.map((a) => new Acc(a)) });

  let out: Row[] = [];
  for (const g of groups.values()) {
    const r: Row = {};
    g.values.forEach((v, i) => (r[`g${i}`] = v));
    g.accs.forEach((acc, i) => (r[`a${i}`] = acc.result()));
    out.push(r);
  }
  if (having) out = out.filter(having);
  out = sortRows(out, keys, (r) => r);
  const from = plan.offset ?? 0;
  out = out.slice(from, plan.limit === undefined ? undefined : from + plan.limit);
  return out.map((r) => {
    const rec: Row = { attributes: { type: 'AggregateResult' } };
    for (const i of plan.selectedGroups) rec[plan.groupBy[i]!.key] = r[`g${i}`];
    plan.aggregates.forEach((a, i) => {
      if (a.key) rec[a.key] = r[`a${i}`];
    });
    return rec;
  });
}

function parseFnRaw(raw: string): { functionName: string; parameters: string[] } {
  const m = /^(\w+)\(\s*([\w.]*)\s*\)$/.exec(raw.trim());
  if (!m) throw malformedQuery(`unsupported expression in HAVING: ${raw}`);
  return { functionName: m[1]!, parameters: m[2] ? [m[2]] : [] };
}
