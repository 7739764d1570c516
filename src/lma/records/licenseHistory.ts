/** A License's field history (License History), grouped as the form's History tab shows it. */
import { PERPETUAL_DATE } from '../rules/encodings';
import { queryAll, type LmoApi } from './lmoApi';
import { LICENSE_OBJECT, OBJECTS, type FieldDeclaration, type Row } from './objects';
import { literal } from './soql';

export const HISTORY_FIELDS = [
  'Id',
  'ParentId',
  'Field',
  'OldValue',
  'NewValue',
  'CreatedDate',
  'CreatedBy.Name',
] as const;
export type HistoryRow = Row<'licenseHistory', (typeof HISTORY_FIELDS)[number]>;
const HISTORY_SELECT = `SELECT ${HISTORY_FIELDS.join(', ')} FROM ${OBJECTS.licenseHistory.apiName}`;

/** The History rows of these Licenses since `since` (an ISO date-time), for the check after a bulk write. */
export function loadHistorySince(
  api: LmoApi,
  licenseIds: readonly string[],
  since: string,
): Promise<HistoryRow[]> {
  return queryAll<HistoryRow>(
    api,
    `${HISTORY_SELECT} WHERE ParentId IN (${licenseIds.map(literal).join(', ')}) AND CreatedDate >= ${since}`,
  );
}

/** The ids of these Licenses whose History shows them set to Active (History's values can't be filtered in SOQL). */
export async function everActive(api: LmoApi, list: string): Promise<Set<string>> {
  const rows = await queryAll<{ ParentId: string; NewValue: unknown }>(
    api,
    `SELECT ParentId, NewValue FROM ${OBJECTS.licenseHistory.apiName} WHERE ParentId IN (${list}) AND Field = 'sfLma__Status__c'`,
  );
  return new Set(rows.filter((r) => r.NewValue === 'Active').map((r) => r.ParentId));
}

/** One change in a License's history: the fields one user changed at one moment. */
export interface HistoryEntry {
  at: string;
  by: string | undefined;
  /** `created` when the License was created by an install. */
  created: boolean;
  changes: { field: string; label: string; oldValue: string; newValue: string }[];
}

/** The four fields LMA 1.20 tracks, labelled as declared; any other tracked field's label comes from describe. */
const TRACKED = [
  'sfLma__Status__c',
  'sfLma__Seats__c',
  'sfLma__Expiration__c',
  'sfLma__Package_Version__c',
] as const;
const licenseFields: Record<string, FieldDeclaration> = OBJECTS.license.fields;
const FIELD_LABELS: Record<string, string> = Object.fromEntries(
  TRACKED.map((f) => [f, licenseFields[f]!.label]),
);

/**
 * A field's label as the org names it. Real LMOs may track more than the four fields (Lead, License
 * Type, Used Licenses…): their labels come from one describe of License, asked only when such a field
 * shows up; a field describe doesn't list (deleted since) gets its API name made readable, never shown raw.
 */
export async function historyLabels(
  api: LmoApi,
  fields: readonly string[],
): Promise<(field: string) => string> {
  const labels = new Map(Object.entries(FIELD_LABELS));
  if (fields.some((f) => f !== 'created' && !labels.has(f))) {
    try {
      const d = await api.request<{ fields: { name: string; label: string }[] }>(
        `/sobjects/${LICENSE_OBJECT}/describe`,
      );
      for (const f of d.fields) if (!labels.has(f.name)) labels.set(f.name, f.label);
      // History names a lookup by its relationship too (Owner for OwnerId).
      for (const f of d.fields)
        if (f.name.endsWith('Id') && !labels.has(f.name.slice(0, -2)))
          labels.set(f.name.slice(0, -2), f.label);
    } catch {
      // Readable names below.
    }
  }
  return (field) => labels.get(field) ?? readableName(field);
}

/** `sfLma__Used_Licenses__c` → "Used Licenses": for a field describe doesn't know. */
export function readableName(field: string): string {
  return field
    .replace(/^[A-Za-z0-9]+__(?=.+__c$)/, '')
    .replace(/__c$/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
}

/** The License's history, newest first, grouped by moment and user (the LMA writes one row per field). */
export async function loadLicenseHistory(
  api: LmoApi,
  licenseId: string,
  limit = 200,
): Promise<HistoryEntry[]> {
  const rows = await queryAll<HistoryRow>(
    api,
    `${HISTORY_SELECT} WHERE ParentId = ${literal(licenseId)} ORDER BY CreatedDate DESC, Id DESC LIMIT ${limit}`,
  );
  const label = await historyLabels(
    api,
    rows.map((r) => r.Field),
  );
  return groupHistory(rows, label);
}

/** History rows (newest first) as entries: one per moment and user, a lookup change once, by its names. */
export function groupHistory(rows: readonly HistoryRow[], label: (field: string) => string): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const row of rows) {
    const by = row.CreatedBy?.Name ?? undefined;
    let entry = entries.at(-1);
    if (!entry || entry.at !== row.CreatedDate || entry.by !== by) {
      entry = { at: row.CreatedDate, by, created: false, changes: [] };
      entries.push(entry);
    }
    if (row.Field === 'created') {
      entry.created = true;
      continue;
    }
    const change = {
      field: row.Field,
      label: label(row.Field),
      oldValue: historyValue(row.Field, row.OldValue),
      newValue: historyValue(row.Field, row.NewValue),
    };
    // A lookup change is written twice, as ids and as names: keep the names.
    const twin = entry.changes.find((c) => c.field === row.Field);
    if (twin) {
      if (looksLikeId(twin.newValue) && !looksLikeId(change.newValue)) Object.assign(twin, change);
      continue;
    }
    entry.changes.push(change);
  }
  return entries;
}

function historyValue(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '(blank)';
  if (field === 'sfLma__Seats__c' && Number(value) === -1) return 'Site License';
  if (field === 'sfLma__Expiration__c' && String(value).startsWith(PERPETUAL_DATE)) return 'Does not expire';
  return String(value);
}

function looksLikeId(text: string): boolean {
  return /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(text) && /\d/.test(text);
}
