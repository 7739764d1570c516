/**
 * Everything the LMO knows about one subscriber org (a customer): the org as the LMA recorded it, every
 * License it holds across the LMO's packages, each with its package's license refresh dates and its
 * License History. One query: the Licenses with their History as a child subquery (`Histories`, the
 * License History's relationship), so the customer view's first render costs one request.
 */
import { LICENSE_FIELDS, toLicense, type LicenseRow } from './licenseRecord';
import {
  groupHistory,
  HISTORY_FIELDS,
  historyLabels,
  type HistoryEntry,
  type HistoryRow,
} from './licenseHistory';
import { selectList, withLmaFields } from './lmaFields';
import { queryPage, type LmoApi } from './lmoApi';
import type { FieldPath, Row } from './objects';
import { isSalesforceId, literal, toId15, toId18 } from './soql';
import type { License } from './types';
import type { QueryPage } from '../../org/connection';

/** History rows read per License (newest first): the view shows recent changes, the License page the rest. */
export const CUSTOMER_HISTORY_LIMIT = 200;

const CUSTOMER_FIELDS = [
  ...LICENSE_FIELDS,
  'sfLma__Org_Status__c',
  'sfLma__Org_Trial_Expiration__c',
  'sfLma__License_Type__c',
  'sfLma__Lead__c',
  'sfLma__Account__c',
  'sfLma__Contact__c',
  'sfLma__Contact__r.Name',
  'sfLma__Package_Version__r.sfLma__Package__c',
  'sfLma__Package_Version__r.sfLma__Package__r.Name',
  'sfLma__Package_Version__r.sfLma__Package__r.sfLma__Package_ID__c',
  'sfLma__Package_Version__r.sfLma__Package__r.sfLma__Last_License_Refresh__c',
  'sfLma__Package_Version__r.sfLma__Package__r.sfLma__Next_Available_Refresh__c',
  'LastModifiedDate',
] as const satisfies readonly FieldPath<'license'>[];

type CustomerRow = Row<'license', (typeof CUSTOMER_FIELDS)[number]> & {
  Histories?: QueryPage<HistoryRow> | null;
};

/** The subscriber org as the LMA recorded it on its Licenses (the newest License that says). */
export interface SubscriberOrg {
  /** The org id as 15 and 18 characters. */
  id15: string;
  id18: string;
  /** Who the org belongs to: the Account, else the Lead's company or name. */
  name: string | undefined;
  /** Org Type (the edition: "Enterprise Edition", "Developer Edition"…). */
  edition: string | undefined;
  instance: string | undefined;
  isSandbox: boolean;
  /** Org Status as the LMA writes it (ACTIVE, FREE, TRIAL, DELETED…). */
  status: string | undefined;
  /** When a trial or scratch org expires, as the LMA writes it. */
  trialExpiration: string | undefined;
  account: { id: string; name: string | undefined } | undefined;
  lead: { id: string; name: string | undefined; company: string | undefined } | undefined;
  contact: { id: string; name: string | undefined } | undefined;
}

/** The package a License belongs to, with its Refresh Licenses dates (LMA 1.20; absent in older LMAs). */
export interface CustomerPackage {
  /** The sfLma__Package__c record; undefined for a License without a Package Version. */
  id: string | undefined;
  name: string | undefined;
  /** The 033 id. */
  packageId: string | undefined;
  lastLicenseRefresh: string | undefined;
  nextAvailableRefresh: string | undefined;
}

export interface CustomerLicense {
  license: License;
  package: CustomerPackage;
  licenseType: string | undefined;
  lastModifiedDate: string;
  /** Newest first, at most `CUSTOMER_HISTORY_LIMIT` rows' worth. */
  history: HistoryEntry[];
}

export interface Customer {
  org: SubscriberOrg;
  /** Every License of the org, by package name, then newest first. */
  licenses: CustomerLicense[];
  /** When the LMO answered (ISO date-time): the view says how old what it shows is. */
  readAt: string;
}

/** A subscriber org id as a user gives it: 15 or 18 characters, an org's (00D). Else why not. */
export function subscriberOrgIdProblem(text: string): string | undefined {
  const id = text.trim();
  if (!isSalesforceId(id) || !id.startsWith('00D'))
    return 'A subscriber org id is 15 or 18 letters and digits starting with 00D.';
  return undefined;
}

/**
 * Reads the customer: one query for the org's Licenses with their History (and, only when the org
 * tracks fields beyond the LMA's four, one describe for their labels). Undefined when the LMO holds
 * no License for that org.
 */
export async function loadCustomer(
  lmo: LmoApi,
  subscriberOrgId: string,
  now: () => Date = () => new Date(),
): Promise<Customer | undefined> {
  const problem = subscriberOrgIdProblem(subscriberOrgId);
  if (problem) throw new Error(problem);
  const id15 = toId15(subscriberOrgId.trim());
  const id18 = toId18(id15);
  const ids = [id15, id18].map(literal).join(', ');
  const history = `(SELECT ${HISTORY_FIELDS.join(', ')} FROM Histories ORDER BY CreatedDate DESC, Id DESC LIMIT ${CUSTOMER_HISTORY_LIMIT})`;
  const page = await withLmaFields(lmo, (fields) =>
    queryPage<CustomerRow>(
      lmo,
      `SELECT ${selectList(fields, 'license', CUSTOMER_FIELDS)}, ${history} FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c IN (${ids}) ORDER BY CreatedDate DESC`,
    ),
  );
  const readAt = now().toISOString();
  const rows: CustomerRow[] = [...page.records];
  for (let next = page; !next.done && next.nextRecordsUrl;) {
    next = await lmo.request<QueryPage<CustomerRow>>(next.nextRecordsUrl);
    rows.push(...next.records);
  }
  // SOQL compares text case-insensitively, and 15-character ids differ only in case: keep this org.
  const mine = rows.filter((row) => row.sfLma__Subscriber_Org_ID__c?.slice(0, 15) === id15);
  if (!mine.length) return undefined;
  const historyRows = await Promise.all(mine.map((row) => childRows(lmo, row.Histories)));
  const label = await historyLabels(
    lmo,
    historyRows.flat().map((r) => r.Field),
  );
  const licenses = mine.map((row, i): CustomerLicense => ({
    license: toLicense(row as LicenseRow),
    package: packageOf(row),
    licenseType: row.sfLma__License_Type__c ?? undefined,
    lastModifiedDate: row.LastModifiedDate,
    history: groupHistory(historyRows[i]!, label),
  }));
  licenses.sort(
    (a, b) =>
      (a.package.name ?? '\uffff').localeCompare(b.package.name ?? '\uffff') ||
      b.license.createdDate.localeCompare(a.license.createdDate),
  );
  return { org: orgOf(id15, id18, mine), licenses, readAt };
}

/** A child subquery's rows; a long one continues at its own nextRecordsUrl. */
async function childRows(lmo: LmoApi, page: QueryPage<HistoryRow> | null | undefined): Promise<HistoryRow[]> {
  if (!page) return [];
  const rows = [...page.records];
  for (let next = page; !next.done && next.nextRecordsUrl && rows.length < CUSTOMER_HISTORY_LIMIT;) {
    next = await lmo.request<QueryPage<HistoryRow>>(next.nextRecordsUrl);
    rows.push(...next.records);
  }
  return rows;
}

function packageOf(row: CustomerRow): CustomerPackage {
  const pkg = row.sfLma__Package_Version__r?.sfLma__Package__r;
  return {
    id: row.sfLma__Package_Version__r?.sfLma__Package__c ?? undefined,
    name: pkg?.Name ?? undefined,
    packageId: pkg?.sfLma__Package_ID__c ?? undefined,
    lastLicenseRefresh: pkg?.sfLma__Last_License_Refresh__c ?? undefined,
    nextAvailableRefresh: pkg?.sfLma__Next_Available_Refresh__c ?? undefined,
  };
}

/**
 * The org from its Licenses, newest first: each fact from the newest License that states it (an
 * Uninstalled License is never written again, so its org facts may be old).
 */
function orgOf(id15: string, id18: string, rows: readonly CustomerRow[]): SubscriberOrg {
  const current = [
    ...rows.filter((r) => r.sfLma__Status__c !== 'Uninstalled'),
    ...rows.filter((r) => r.sfLma__Status__c === 'Uninstalled'),
  ];
  const first = <T>(pick: (row: CustomerRow) => T | null | undefined): T | undefined => {
    for (const row of current) {
      const value = pick(row);
      if (value !== null && value !== undefined && value !== '') return value;
    }
    return undefined;
  };
  const account = first((r) =>
    r.sfLma__Account__c ? { id: r.sfLma__Account__c, name: r.sfLma__Account__r?.Name ?? undefined } : null,
  );
  const lead = first((r) =>
    r.sfLma__Lead__c
      ? {
          id: r.sfLma__Lead__c,
          name: r.sfLma__Lead__r?.Name ?? undefined,
          company: r.sfLma__Lead__r?.Company ?? undefined,
        }
      : null,
  );
  const contact = first((r) =>
    r.sfLma__Contact__c ? { id: r.sfLma__Contact__c, name: r.sfLma__Contact__r?.Name ?? undefined } : null,
  );
  return {
    id15,
    id18,
    name: account?.name ?? lead?.company ?? lead?.name,
    edition: first((r) => r.sfLma__Org_Type__c),
    instance: first((r) => r.sfLma__Org_Instance__c),
    isSandbox: first((r) => r.sfLma__Subscriber_Org_Is_Sandbox__c) ?? false,
    status: first((r) => r.sfLma__Org_Status__c),
    trialExpiration: first((r) => r.sfLma__Org_Trial_Expiration__c),
    account,
    lead,
    contact,
  };
}
