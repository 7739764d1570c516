/**
 * The Licenses as the Modify License form edits them (`EditableLicense`, a view of the License:
 * licenseRecord.ts), read in chunks of 200 with whether License History shows them ever Active.
 */
import type { EditableLicense } from '../rules/licenseChanges';
import { EDIT_FIELDS, toEditable, type EditRow } from './licenseRecord';
import { everActive } from './licenseHistory';
import { selectList, withLmaFields } from './lmaFields';
import { queryAll, type LmoApi } from './lmoApi';
import { literal } from './soql';

/** sObject Collections take at most 200 records a request; reads go in the same chunks. */
export const COLLECTION_SIZE = 200;

/** The Licenses with these ids as the form edits them; ids that no longer exist are absent. */
export async function loadEditableLicenses(api: LmoApi, ids: string[]): Promise<EditableLicense[]> {
  const result: EditableLicense[] = [];
  for (let i = 0; i < ids.length; i += COLLECTION_SIZE) {
    const chunk = ids.slice(i, i + COLLECTION_SIZE);
    const list = chunk.map(literal).join(', ');
    // Only the fields this LMO has (older LMAs lack the version number): lmaFields.ts.
    const rows = await withLmaFields(api, (fields) =>
      queryAll<EditRow>(
        api,
        `SELECT ${selectList(fields, 'license', EDIT_FIELDS)} FROM sfLma__License__c WHERE Id IN (${list})`,
      ),
    );
    const active = rows.length ? await everActive(api, list) : new Set<string>();
    const byId = new Map(rows.map((r) => [r.Id, r]));
    for (const id of chunk) {
      const row = byId.get(id) ?? rows.find((r) => r.Id.slice(0, 15) === id.slice(0, 15) && id.length === 15);
      if (row) result.push(toEditable(row, active.has(row.Id)));
    }
  }
  return result;
}

export async function loadEditableLicense(api: LmoApi, id: string): Promise<EditableLicense | undefined> {
  return (await loadEditableLicenses(api, [id]))[0];
}
