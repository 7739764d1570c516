// Field history: one `sfLma__License__History` row per tracked field that
// changed, plus a `created` row on insert, as Salesforce writes them.
import { LICENSE_TRACKED_FIELDS } from '../schema/lma';
import type { Row } from '../schema/types';

export function historyRows(
  old: Row | undefined,
  next: Row,
  at: string,
  userId: string,
  mintId: () => string,
): Row[] {
  const base = (field: string, oldValue: unknown, newValue: unknown): Row => ({
    Id: mintId(),
    IsDeleted: false,
    CreatedDate: at,
    CreatedById: userId,
    ParentId: next.Id,
    Field: field,
    OldValue: oldValue ?? null,
    NewValue: newValue ?? null,
  });
  if (!old) return [base('created', null, null)];
  return LICENSE_TRACKED_FIELDS.filter((f) => (old[f] ?? null) !== (next[f] ?? null)).map((f) =>
    base(f, old[f], next[f]),
  );
}
