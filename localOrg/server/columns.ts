// The undocumented `columns=true` answer (`columnMetadata`) that `sf data query`
// uses to lay out its table: one column per selected field, relationship and
// sub-query columns nested in `joinColumns`.
import type { FieldType, Query } from '@jetstreamapp/soql-parser-js';

interface Column {
  aggregate: boolean;
  apexType: string | null;
  booleanType: boolean;
  columnName: string;
  custom: boolean;
  displayName: string;
  foreignKeyName: string | null;
  insertable: boolean;
  joinColumns: Column[];
  numberType: boolean;
  textType: boolean;
  updatable: boolean;
}

const column = (name: string, extra: Partial<Column> = {}): Column => ({
  aggregate: false,
  apexType: null,
  booleanType: false,
  columnName: name,
  custom: name.endsWith('__c') || name.endsWith('__r'),
  displayName: name,
  foreignKeyName: null,
  insertable: false,
  joinColumns: [],
  numberType: false,
  textType: false,
  updatable: false,
  ...extra,
});

function columnsOf(fields: FieldType[]): Column[] {
  const out: Column[] = [];
  let expr = 0;
  for (const f of fields) {
    if (f.type === 'Field') out.push(column(f.field));
    else if (f.type === 'FieldRelationship') {
      let list = out;
      for (const rel of f.relationships) {
        let parent = list.find((c) => c.columnName === rel);
        if (!parent) {
          parent = column(rel);
          list.push(parent);
        }
        list = parent.joinColumns;
      }
      list.push(column(f.field));
    } else if (f.type === 'FieldFunctionExpression') {
      const name = f.alias ?? `expr${expr++}`;
      out.push(column(name, { aggregate: true, displayName: f.rawValue ?? name }));
    } else if (f.type === 'FieldSubquery') {
      out.push(
        column(f.subquery.relationshipName, {
          aggregate: true,
          joinColumns: columnsOf(f.subquery.fields ?? []),
        }),
      );
    }
  }
  return out;
}

export function columnMetadata(q: Query): Record<string, unknown> {
  const fields = q.fields ?? [];
  return {
    columnMetadata: columnsOf(fields),
    entityName: q.sObject ?? null,
    groupBy: q.groupBy !== undefined,
    idSelected: fields.some((f) => f.type === 'Field' && f.field.toLowerCase() === 'id'),
    keyPrefix: null,
  };
}
