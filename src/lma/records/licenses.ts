import { LMA_1_20_FIELDS, lmaFieldsOf, selectable, type LmaFields } from './lmaFields';
import { queryAll, queryPage, type LmoApi } from './lmoApi';
import { packageCondition } from './packages';
import { licenseStatuses, OTHER_STATUS, type License, type LicenseGroupStatus } from './types';
import { containsPattern, isSalesforceId, literal, toId15, toId18 } from './soql';

export const LICENSE_PAGE_SIZE = 200;

/** The License fields of the tree's license list (and of its export, `licenseExport.ts`), as LMA 1.20 has them. */
export const LICENSE_FIELD_LIST = [
  'Id',
  'Name',
  'sfLma__Status__c',
  'sfLma__License_Status__c',
  'sfLma__Seats__c',
  'sfLma__Used_Licenses__c',
  'sfLma__Expiration__c',
  'sfLma__Install_Date__c',
  'sfLma__Subscriber_Org_ID__c',
  'sfLma__Subscriber_Org_Is_Sandbox__c',
  'sfLma__Org_Instance__c',
  'sfLma__Org_Type__c',
  'sfLma__Package_Version__c',
  'sfLma__Version_Number__c',
  'sfLma__Lead__r.Company',
  'sfLma__Lead__r.Name',
  'sfLma__Account__r.Name',
  'CreatedDate',
] as const;

/** The SELECT list of those fields that this org's License has (older LMAs lack several). */
export function licenseFields(fields: LmaFields = LMA_1_20_FIELDS): string {
  return selectable(fields, 'license', LICENSE_FIELD_LIST).join(', ');
}

/** The SELECT list as LMA 1.20 has it. */
export const LICENSE_FIELDS = licenseFields();

/** A License as queried; fields an older LMA lacks are absent. */
export interface LicenseRow {
  Id: string;
  Name: string;
  sfLma__Status__c: string | null;
  sfLma__License_Status__c?: string | null;
  sfLma__Seats__c: number | null;
  sfLma__Used_Licenses__c: number | null;
  sfLma__Expiration__c: string | null;
  sfLma__Install_Date__c: string | null;
  sfLma__Subscriber_Org_ID__c: string | null;
  sfLma__Subscriber_Org_Is_Sandbox__c?: boolean | null;
  sfLma__Org_Instance__c?: string | null;
  sfLma__Org_Type__c?: string | null;
  sfLma__Package_Version__c: string | null;
  sfLma__Version_Number__c?: string | null;
  sfLma__Lead__r: { Company: string | null; Name: string | null } | null;
  sfLma__Account__r: { Name: string | null } | null;
  CreatedDate: string;
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
  const fields = api.lmaFields ?? (await lmaFieldsOf(api));
  const conditions = [...groupConditions(group, fields), ...(after ? [`Id < ${literal(after)}`] : [])];
  const soql = `SELECT ${licenseFields(fields)} FROM sfLma__License__c WHERE ${conditions.join(' AND ')} ORDER BY Id DESC LIMIT ${LICENSE_PAGE_SIZE + 1}`;
  const page = await queryPage<LicenseRow>(api, soql);
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
  const conditions = groupConditions(group, api.lmaFields ?? (await lmaFieldsOf(api)));
  const soql = `SELECT Id FROM sfLma__License__c WHERE ${conditions.join(' AND ')} ORDER BY Id`;
  return (await queryAll<{ Id: string }>(api, soql)).map((row) => row.Id);
}

/**
 * The licenses of a package (as `loadPackages` counts them, `packageCondition`, so a group holds what
 * its count says), in one Status group when given: Other is no Status or none of the LMA's four.
 */
export function groupConditions(
  group: { packageId: string; status?: LicenseGroupStatus },
  fields: LmaFields = LMA_1_20_FIELDS,
): string[] {
  return [
    packageCondition(fields, group.packageId),
    ...(group.status ? [statusCondition(group.status)] : []),
  ];
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

function statusCondition(status: LicenseGroupStatus): string {
  if (status !== OTHER_STATUS) return `sfLma__Status__c = ${literal(status)}`;
  return `(sfLma__Status__c = null OR sfLma__Status__c NOT IN (${licenseStatuses.map(literal).join(', ')}))`;
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
  const soql = `SELECT ${licenseFields(api.lmaFields ?? (await lmaFieldsOf(api)))} FROM sfLma__License__c WHERE ${[...byOrgId, ...byName].join(' OR ')} ORDER BY Id DESC LIMIT ${limit}`;
  const page = await queryPage<LicenseRow>(api, soql);
  return page.records.map(toLicense);
}

export function toLicense(row: LicenseRow): License {
  return {
    id: row.Id,
    name: row.Name,
    status: row.sfLma__Status__c ?? 'Unknown',
    licenseStatus: row.sfLma__License_Status__c ?? undefined,
    seats: row.sfLma__Seats__c ?? undefined,
    usedLicenses: row.sfLma__Used_Licenses__c ?? undefined,
    expiration: row.sfLma__Expiration__c ?? undefined,
    installDate: row.sfLma__Install_Date__c ?? undefined,
    subscriberOrgId: row.sfLma__Subscriber_Org_ID__c ?? undefined,
    isSandbox: row.sfLma__Subscriber_Org_Is_Sandbox__c === true,
    orgInstance: row.sfLma__Org_Instance__c ?? undefined,
    orgEdition: row.sfLma__Org_Type__c ?? undefined,
    customerName:
      row.sfLma__Account__r?.Name ?? row.sfLma__Lead__r?.Company ?? row.sfLma__Lead__r?.Name ?? undefined,
    packageVersionId: row.sfLma__Package_Version__c ?? undefined,
    versionNumber: row.sfLma__Version_Number__c ?? undefined,
    createdDate: row.CreatedDate,
  };
}
