import { LMA_1_20_FIELDS, selectList, withLmaFields, type LmaFields } from './lmaFields';
import { queryAll, queryPage, type LmoApi } from './lmoApi';
import { groupConditions } from './licenseScope';
import { LICENSE_FIELDS, toLicense, type LicenseRow } from './licenseRecord';
import type { License, LicenseGroup, LicenseGroupStatus } from './types';
import { containsPattern, isSalesforceId, literal, toId15, toId18 } from './soql';

export const LICENSE_PAGE_SIZE = 200;

/** The SELECT list of the tree's License fields that this org's License has (older LMAs lack several). */
export function licenseFields(fields: LmaFields = LMA_1_20_FIELDS): string {
  return selectList(fields, 'license', LICENSE_FIELDS);
}

export interface LicensePage {
  licenses: License[];
  /** Pass back as `after` to read the next page; undefined on the last page. */
  next: string | undefined;
}

/**
 * One page of a package's licenses in one status, newest first. Paging is by Id (keyset), not
 * OFFSET, because Salesforce refuses OFFSET beyond 2,000 and status groups can hold many more.
 */
export async function loadLicensePage(
  api: LmoApi,
  group: { packageId: string; status: LicenseGroupStatus },
  after?: string,
): Promise<LicensePage> {
  const page = await withLmaFields(api, (fields) => {
    const conditions = [...groupConditions(group, fields), ...(after ? [`Id < ${literal(after)}`] : [])];
    const soql = `SELECT ${licenseFields(fields)} FROM sfLma__License__c WHERE ${conditions.join(' AND ')} ORDER BY Id DESC LIMIT ${LICENSE_PAGE_SIZE + 1}`;
    return queryPage<LicenseRow>(api, soql);
  });
  const rows = page.records.slice(0, LICENSE_PAGE_SIZE);
  return {
    licenses: rows.map(toLicense),
    next: page.records.length > LICENSE_PAGE_SIZE ? rows.at(-1)?.Id : undefined,
  };
}

/** The ids of every License in a status group (2,000 a request), for a bulk change. */
export async function loadLicenseIds(
  api: LmoApi,
  group: { packageId: string; status: LicenseGroupStatus },
): Promise<string[]> {
  const rows = await withLmaFields(api, (fields) => {
    const conditions = groupConditions(group, fields);
    const soql = `SELECT Id FROM sfLma__License__c WHERE ${conditions.join(' AND ')} ORDER BY Id`;
    return queryAll<{ Id: string }>(api, soql);
  });
  return rows.map((row) => row.Id);
}

/** The longest name a search looks in (Account Name, Lead Company): a longer term matches nothing. */
export const MAX_SEARCH_TERM = 255;

/** Why `text` can't be searched for, or undefined when it can (the search boxes' validation). */
export function searchTermProblem(text: string): string | undefined {
  const term = text.trim();
  if (!term) return 'Type what to look for';
  if (term.length > MAX_SEARCH_TERM) {
    return `Type at most ${MAX_SEARCH_TERM} characters (this is ${term.length.toLocaleString('en-US')}): no org id, org name or customer name is longer.`;
  }
  return undefined;
}

/**
 * Licenses whose subscriber org id (15 or 18 characters, either form matches), customer org name, or
 * lead or account name matches `text`. The text enters the query only as an escaped literal. A term
 * longer than any of those names matches nothing, and is not sent.
 */
export async function findLicenses(api: LmoApi, text: string, limit = LICENSE_PAGE_SIZE): Promise<License[]> {
  const term = text.trim();
  if (searchTermProblem(term)) return [];
  const byOrgId =
    isSalesforceId(term) && term.startsWith('00D')
      ? [`sfLma__Subscriber_Org_ID__c IN (${literal(toId15(term))}, ${literal(toId18(term))})`]
      : [];
  const pattern = containsPattern(term);
  const byName = [
    `sfLma__Lead__r.Company LIKE ${pattern}`,
    `sfLma__Lead__r.Name LIKE ${pattern}`,
    `sfLma__Account__r.Name LIKE ${pattern}`,
    `Name = ${literal(term)}`,
  ];
  const page = await withLmaFields(api, (fields) =>
    queryPage<LicenseRow>(
      api,
      `SELECT ${licenseFields(fields)} FROM sfLma__License__c WHERE ${[...byOrgId, ...byName].join(' OR ')} ORDER BY Id DESC LIMIT ${limit}`,
    ),
  );
  return page.records.map(toLicense);
}

/** The query the export pages through (the bench gives `sf data query` the very same). */
export function licenseExportSoql(group: LicenseGroup, fields: LmaFields = LMA_1_20_FIELDS): string {
  const conditions = groupConditions({ packageId: group.package.id, status: group.status }, fields);
  return `SELECT ${licenseFields(fields)} FROM sfLma__License__c WHERE ${conditions.join(' AND ')} ORDER BY Id DESC`;
}

/**
 * The export's query for Bulk API 2.0: the same licenses below `belowId` (the REST export's first page
 * holds those above it), without ORDER BY, which Bulk API 2.0 queries should not have (it turns off
 * their chunking: "Understanding Bulk API 2.0 Query").
 */
export function licenseExportBulkSoql(group: LicenseGroup, fields: LmaFields, belowId: string): string {
  const conditions = groupConditions({ packageId: group.package.id, status: group.status }, fields);
  return `SELECT ${licenseFields(fields)} FROM sfLma__License__c WHERE ${conditions.join(' AND ')} AND Id < ${literal(belowId)}`;
}
