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
const NUMERIC = new Set(['int', 'double', 'currency', 'percent']);

export function aggregateSpec(
  fn: FieldFunctionExpression,
  path: (field: string) => ResolvedPath,
  key: string | undefined,
): AggregateSpec {
  const name = fn.functionName.toUpperCase();
  if (!['COUNT', 'COUNT_DISTINCT', 'SUM', 'AVG', 'MIN', 'MAX'].includes(name))
    throw malformedQuery(`unsupported function ${name}`);
  const params = fn.parameters ?? [];
  if (params.some((p) => typeof p !== 'string'))
    throw malformedQuery(`nested functions are not supported: ${fn.rawValue ?? name}`);
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
    // COUNT() and COUNT(Id) count rows: an Id is never null.
    if (!s.path || (s.fn === 'COUNT' && s.path.field.type === 'id' && s.path.hops.length === 0)) {
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
  timeZone?: string;
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
    const i = plan.groupBy.findIndex(
      (g) => g.path.field === f && g.path.hops.length === plan.path(field).hops.length,
    );
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
        timeZone: plan.timeZone,
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

  // Groups live in nested maps keyed by the raw values (one level per grouped
  // field): no key strings to build per row.
  const groups: Group[] = [];
  const root = new Map<unknown, unknown>();
  const getters = plan.groupBy.map((g) => g.path.get);
  const depth = getters.length;
  const newGroup = (values: unknown[]): Group => {
    const g = { values, accs: aggregates.map((a) => new Acc(a)) };
    groups.push(g);
    return g;
  };
  for (const row of rows) {
    let node: Map<unknown, unknown> = root;
    let g: Group | undefined;
    if (depth === 0) {
      g = (root.get(null) as Group | undefined) ?? (newGroup([]) as Group);
      root.set(null, g);
    } else {
      for (let j = 0; j < depth; j++) {
        const v = getters[j]!(row) ?? null;
        const next = node.get(v);
        if (j === depth - 1) {
          g = next as Group | undefined;
          if (!g) {
            g = newGroup(getters.map((get) => get(row) ?? null));
            node.set(v, g);
          }
        } else {
          let m = next as Map<unknown, unknown> | undefined;
          if (!m) node.set(v, (m = new Map()));
          node = m;
        }
      }
    }
    const accs = g!.accs;
    for (let k = 0; k < accs.length; k++) accs[k]!.add(row);
  }
  // Without GROUP BY, aggregates always answer one row, even over no rows.
  if (!plan.hasGroupBy && groups.length === 0) newGroup([]);

  let out: Row[] = [];
  for (const g of groups) {
    const r: Row = {};
    g.values.forEach((v, i) => (r[`g${i}`] = v));
    g.accs.forEach((acc, i) => (r[`a${i}`] = acc.result()));
    out.push(r);
  }
  if (having) out = out.filter(having);
  out = [...sortRows(out, keys, (r) => r)];
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
