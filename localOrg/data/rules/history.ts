// Field history: the rows Salesforce writes into `sfLma__License__History`: a `created` row on insert,
// then one row per tracked field that changed, with `DataType` saying what kind of value the row holds.
// A lookup's change writes two rows, as on Salesforce: the record ids (DataType EntityId, visible only
// through the API) and the records' names (DataType Text, what the page shows).
import type { SObjectSchema } from '../schema/registry';
import type { FieldDef, Row } from '../schema/types';

export interface HistoryContext {
  /** The License object, for the tracked fields' types. */
  license: SObjectSchema;
  /** The fields this org tracks. */
  tracked: readonly string[];
  /** The Name of a lookup's target record (null once it is gone). */
  nameOf(sobject: string, id: unknown): unknown;
  mintId(): string;
}

const DATA_TYPE: Partial<Record<FieldDef['type'], string>> = {
  picklist: 'DynamicEnum',
  int: 'Double',
  double: 'Double',
  currency: 'Currency',
  percent: 'Percent',
  date: 'Date',
  datetime: 'DateTime',
  boolean: 'Boolean',
  reference: 'EntityId',
};

export function historyRows(
  old: Row | undefined,
  next: Row,
  at: string,
  userId: string,
  ctx: HistoryContext,
): Row[] {
  const row = (field: string, dataType: string, oldValue: unknown, newValue: unknown): Row => ({
    Id: ctx.mintId(),
    IsDeleted: false,
    CreatedDate: at,
    CreatedById: userId,
    ParentId: next.Id,
    Field: field,
    DataType: dataType,
    OldValue: oldValue ?? null,
    NewValue: newValue ?? null,
  });
  if (!old) return [row('created', 'Text', null, null)];
  const rows: Row[] = [];
  for (const name of ctx.tracked) {
    const f = ctx.license.field(name);
    if (!f || (old[f.name] ?? null) === (next[f.name] ?? null)) continue;
    rows.push(row(f.name, DATA_TYPE[f.type] ?? 'Text', old[f.name], next[f.name]));
    const target = f.referenceTo?.[0];
    if (f.type === 'reference' && target)
      rows.push(row(f.name, 'Text', ctx.nameOf(target, old[f.name]), ctx.nameOf(target, next[f.name])));
  }
  return rows;
}
