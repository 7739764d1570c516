// WHERE/HAVING compilation. The parser returns conditions as a right-leaning
// chain with parenthesis counts, so we rebuild the boolean tree from tokens
// (NOT binds tightest, then AND, then OR) and compile it into a predicate.
import type {
  Condition,
  HavingClause,
  ValueCondition,
  ValueQueryCondition,
  WhereClause,
} from '@jetstreamapp/soql-parser-js';
import { SalesforceError, malformedQuery } from '../errors';
import type { Row } from '../schema/types';
import { dateLiteralRange, zoneOffsetMs } from './dates';
import type { Comparable } from './literals';
import { comparable, isIdLike, isText, literalValue, unquote } from './literals';
import { likeMatcher } from './like';
import type { ResolvedPath } from './paths';

export type LeafCondition = Condition | ValueQueryCondition;
export type BoolTree =
  | { kind: 'and' | 'or'; items: BoolTree[] }
  | { kind: 'not'; item: BoolTree }
  | { kind: 'cond'; cond: LeafCondition };

type Token = '(' | ')' | 'AND' | 'OR' | 'NOT' | { cond: LeafCondition };

function tokens(clause: WhereClause | HavingClause | undefined, out: Token[]): Token[] {
  let node = clause as { left?: unknown; operator?: string; right?: unknown } | undefined;
  while (node) {
    const left = node.left as
      (LeafCondition & { openParen?: number; closeParen?: number }) | null | undefined;
    if (left) {
      for (let i = 0; i < (left.openParen ?? 0); i++) out.push('(');
      if ('field' in left || 'fn' in left) out.push({ cond: left });
      for (let i = 0; i < (left.closeParen ?? 0); i++) out.push(')');
    }
    if (node.operator) out.push(node.operator as Token);
    node = node.right as typeof node;
  }
  return out;
}

export function boolTree(clause: WhereClause | HavingClause): BoolTree {
  const toks = tokens(clause, []);
  let i = 0;
  const peek = (): Token | undefined => toks[i];
  const orExpr = (): BoolTree => {
    const items = [andExpr()];
    while (peek() === 'OR') {
      i++;
      items.push(andExpr());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };
  const andExpr = (): BoolTree => {
    const items = [notExpr()];
    while (peek() === 'AND') {
      i++;
      items.push(notExpr());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  const notExpr = (): BoolTree => {
    const t = toks[i++];
    if (t === 'NOT') return { kind: 'not', item: notExpr() };
    if (t === '(') {
      const inner = orExpr();
      if (toks[i++] !== ')') throw malformedQuery('unbalanced parentheses in WHERE');
      return inner;
    }
    if (t && typeof t === 'object') return { kind: 'cond', cond: t.cond };
    throw malformedQuery('unexpected token in WHERE');
  };
  const tree = orExpr();
  if (i !== toks.length) throw malformedQuery('unexpected token in WHERE');
  return tree;
}

export type Predicate = (row: Row) => boolean;

export interface CompileContext {
  /** Resolve a field path of the queried object. */
  path(field: string): ResolvedPath;
  /** Values of the single selected field of a semi-join subquery (comparable form). */
  semiJoin?(cond: ValueQueryCondition): Set<Comparable>;
  /** HAVING: the getter of an aggregate expression over a group's rows. */
  aggregate?(fnRaw: string): (row: Row) => unknown;
  now: Date;
  /** The running user's TimeZoneSidKey: date literals are its days. */
  timeZone?: string;
}

export function compile(tree: BoolTree, ctx: CompileContext): Predicate {
  switch (tree.kind) {
    case 'and': {
      const ps = tree.items.map((t) => compile(t, ctx));
      return (row) => ps.every((p) => p(row));
    }
    case 'or': {
      const ps = tree.items.map((t) => compile(t, ctx));
      return (row) => ps.some((p) => p(row));
    }
    case 'not': {
      const p = compile(tree.item, ctx);
      return (row) => !p(row);
    }
    case 'cond':
      return compileCondition(tree.cond, ctx);
  }
}

function compare(op: string, a: Comparable, b: Comparable): boolean {
  // SOQL: `= null` / `!= null` test for null; ordering comparisons never match null.
  if (op === '=') return a === b;
  if (op === '!=') return a !== b;
  if (a === null || b === null) return false;
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
  throw malformedQuery(`unsupported operator ${op}`);
}

function compileCondition(leaf: LeafCondition, ctx: CompileContext): Predicate {
  if ('fn' in leaf) {
    const cond = leaf;
    if (!ctx.aggregate || !cond.fn.rawValue)
      throw malformedQuery(`function ${cond.fn.functionName ?? ''} is not supported in WHERE`);
    const get = ctx.aggregate(cond.fn.rawValue);
    const raw = String(cond.value);
    const lt = String(cond.literalType);
    const target = lt === 'INTEGER' || lt === 'DECIMAL' ? Number(raw) : lt === 'STRING' ? unquote(raw) : raw;
    return (row) => compare(cond.operator, (get(row) ?? null) as Comparable, target);
  }
  if (!('field' in leaf)) throw malformedQuery('unexpected condition');
  const cond = leaf as ValueCondition | ValueQueryCondition;
  const path = ctx.path(cond.field);
  const f = path.field;
  const get = path.get;
  const op = cond.operator.toUpperCase();
  if ('valueQuery' in cond) {
    if (!ctx.semiJoin || (op !== 'IN' && op !== 'NOT IN'))
      throw malformedQuery('unsupported subquery in WHERE');
    const set = ctx.semiJoin(cond);
    return op === 'IN'
      ? (row) => set.has(comparable(f, get(row)))
      : (row) => !set.has(comparable(f, get(row)));
  }
  if (op === 'INCLUDES' || op === 'EXCLUDES')
    throw malformedQuery(`${op} applies only to multi-select picklists`);
  const literalTypes = cond.literalType;
  const litType = (i: number): string | undefined =>
    Array.isArray(literalTypes) ? (literalTypes[i] as string) : (literalTypes as string | undefined);

  if (op === 'IN' || op === 'NOT IN') {
    const raws = Array.isArray(cond.value) ? cond.value : [cond.value];
    const set = new Set(
      raws.map((r: string, i: number) => {
        if (litType(i)?.startsWith('DATE_'))
          throw malformedQuery('date literals are not supported in IN lists');
        return literalValue(f, r, litType(i));
      }),
    );
    return op === 'IN'
      ? (row) => set.has(comparable(f, get(row)))
      : (row) => !set.has(comparable(f, get(row)));
  }
  if (Array.isArray(cond.value)) throw malformedQuery(`operator ${op} takes one value`);
  const raw = cond.value;
  const lt = litType(0);
  if (lt === 'DATE_LITERAL' || lt === 'DATE_N_LITERAL') {
    if (f.type !== 'date' && f.type !== 'datetime') {
      throw new SalesforceError(
        'INVALID_QUERY_FILTER_OPERATOR',
        `date literal ${raw} used on non-date field ${f.name}`,
        [f.name],
      );
    }
    // The user's days: a date compares with the user's dates; a datetime with the UTC instants of
    // the user's midnights.
    const offset = zoneOffsetMs(ctx.timeZone, ctx.now);
    const r = dateLiteralRange(raw, new Date(ctx.now.getTime() + offset));
    const instant = (ms: number) => new Date(ms - offset).toISOString().replace('Z', '+0000');
    const lo = f.type === 'date' ? r.from : instant(Date.parse(`${r.from}T00:00:00.000Z`));
    const hi = f.type === 'date' ? r.to : instant(Date.parse(`${r.to}T23:59:59.999Z`));
    const inRange = (v: Comparable): boolean => v !== null && v >= lo && v <= hi;
    const test: Record<string, (v: Comparable) => boolean> = {
      '=': inRange,
      '!=': (v) => !inRange(v),
      '<': (v) => v !== null && v < lo,
      '<=': (v) => v !== null && v <= hi,
      '>': (v) => v !== null && v > hi,
      '>=': (v) => v !== null && v >= lo,
    };
    const t = test[op];
    if (!t) throw malformedQuery(`operator ${op} is not valid with date literals`);
    return (row) => t(get(row) as Comparable);
  }
  if (op === 'LIKE') {
    if (!isText(f) && !isIdLike(f))
      throw new SalesforceError(
        'INVALID_QUERY_FILTER_OPERATOR',
        `invalid operator on field ${f.name}: LIKE`,
        [f.name],
      );
    if (lt !== 'STRING') throw malformedQuery('LIKE needs a string literal');
    const like = likeMatcher(raw);
    return (row) => {
      const v = get(row);
      return v !== null && v !== undefined && like(String(v));
    };
  }
  const value = literalValue(f, raw, lt);
  if (value === null && op !== '=' && op !== '!=') return () => false;
  return (row) => compare(op, comparable(f, get(row)), value);
}

/** Equality terms of the top-level AND that an index could answer: field path and literal values. */
export function indexableTerms(tree: BoolTree): { field: string; values: string[] }[] {
  const items = tree.kind === 'and' ? tree.items : [tree];
  const out: { field: string; values: string[] }[] = [];
  for (const t of items) {
    if (t.kind !== 'cond' || !('field' in t.cond) || 'valueQuery' in t.cond) continue;
    const c = t.cond;
    if (c.operator !== '=' && c.operator.toUpperCase() !== 'IN') continue;
    const lts = Array.isArray(c.literalType) ? c.literalType : [c.literalType];
    if (lts.some((lt) => lt !== 'STRING')) continue;
    const values = (Array.isArray(c.value) ? c.value : [c.value]).map((v) => {
      try {
        return unquote(v);
      } catch {
        return '';
      }
    });
    out.push({ field: c.field, values });
  }
  return out;
}
