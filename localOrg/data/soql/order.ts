// ORDER BY: sort keys are computed once per row, then compared (text
// case-insensitively); nulls come first ascending and last descending unless
// NULLS FIRST/LAST says otherwise, as in Salesforce.
import type { OrderByClause } from '@jetstreamapp/soql-parser-js';
import { SalesforceError, malformedQuery } from '../errors';
import { isOpaque } from '../schema/fields';
import type { FieldDef, Row } from '../schema/types';
import { comparable } from './literals';
import type { Comparable } from './literals';

export interface SortKey {
  get: (row: Row) => unknown;
  field: FieldDef | undefined;
  desc: boolean;
  nullsFirst: boolean;
}

export function sortKeys(
  orderBy: OrderByClause | OrderByClause[] | undefined,
  resolve: (clause: OrderByClause) => { get: (row: Row) => unknown; field: FieldDef | undefined },
): SortKey[] {
  const clauses = orderBy === undefined ? [] : Array.isArray(orderBy) ? orderBy : [orderBy];
  return clauses.map((c) => {
    const desc = c.order === 'DESC';
    const key = resolve(c);
    if (key.field && isOpaque(key.field))
      throw malformedQuery(`field '${key.field.name}' can not be sorted in a query call`);
    return { ...key, desc, nullsFirst: c.nulls ? c.nulls === 'FIRST' : !desc };
  });
}

export function sortRows<T>(rows: readonly T[], keys: SortKey[], rowOf: (item: T) => Row): readonly T[] {
  if (keys.length === 0) return rows;
  const n = rows.length;
  const k = keys.length;
  const values: Comparable[] = new Array(n * k);
  for (let i = 0; i < n; i++) {
    const row = rowOf(rows[i]!);
    for (let j = 0; j < k; j++) {
      const key = keys[j]!;
      const v = key.get(row);
      values[i * k + j] = key.field ? comparable(key.field, v) : ((v ?? null) as Comparable);
    }
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => {
    for (let j = 0; j < k; j++) {
      const x = values[a * k + j]!;
      const y = values[b * k + j]!;
      if (x === y) continue;
      const key = keys[j]!;
      if (x === null) return key.nullsFirst ? -1 : 1;
      if (y === null) return key.nullsFirst ? 1 : -1;
      const c = x < y ? -1 : 1;
      return key.desc ? -c : c;
    }
    return a - b;
  });
  return idx.map((i) => rows[i]!);
}

export function checkLimitOffset(limit: number | undefined, offset: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0))
    throw malformedQuery(`invalid LIMIT ${limit}`);
  if (offset !== undefined && offset > 2000) {
    // Salesforce caps OFFSET at 2,000 rows.
    throw new SalesforceError('NUMBER_OUTSIDE_VALID_RANGE', 'Maximum SOQL offset allowed is 2000');
  }
}
