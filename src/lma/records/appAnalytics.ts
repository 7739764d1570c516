/**
 * App Analytics' records: the `AppAnalyticsQueryRequest` as read back while it runs, and the Licenses
 * that usage rows are joined to (by their org's 15-character id): a package's Licenses a 2,000-record
 * page at a time, or, for a few orgs, one query per 400 ids (a query URL stays under Salesforce's 16 KB).
 */
import type { UsageLicense } from '../rules/appAnalytics';
import { packageCondition } from './licenseScope';
import { withLmaFields } from './lmaFields';
import { queryPage, type LmoApi } from './lmoApi';
import { isSalesforceId, literal, toId18 } from './soql';

export const APP_ANALYTICS_OBJECT = 'AppAnalyticsQueryRequest';

export interface AppAnalyticsRequestRow {
  Id: string;
  RequestState: string | null;
  DownloadUrl: string | null;
  DownloadExpirationTime: string | null;
  DownloadSize: number | null;
  ErrorMessage: string | null;
}

export function readRequest(api: LmoApi, id: string): Promise<AppAnalyticsRequestRow> {
  if (!isSalesforceId(id)) throw new Error(`"${id}" is not a record id.`);
  return api.request<AppAnalyticsRequestRow>(`/sobjects/${APP_ANALYTICS_OBJECT}/${id}`);
}

/** Org ids a query asks for by name at most (15 and 18 characters each: 2 × 400 × about 20 characters). */
export const ORG_IDS_PER_QUERY = 400;

interface LicenseJoinRow {
  Id: string;
  sfLma__Subscriber_Org_ID__c: string | null;
  sfLma__Status__c: string | null;
  sfLma__Seats__c: number | null;
  sfLma__Used_Licenses__c: number | null;
  sfLma__Account__r?: { Name: string | null } | null;
  sfLma__Lead__r?: { Company: string | null; Name: string | null } | null;
}

const toUsageLicense = (r: LicenseJoinRow): UsageLicense => ({
  id: r.Id,
  orgId: (r.sfLma__Subscriber_Org_ID__c ?? '').slice(0, 15),
  customer: r.sfLma__Account__r?.Name ?? r.sfLma__Lead__r?.Company ?? r.sfLma__Lead__r?.Name ?? null,
  status: r.sfLma__Status__c,
  seats: r.sfLma__Seats__c,
  used: r.sfLma__Used_Licenses__c,
});

const SELECT =
  'SELECT Id, sfLma__Subscriber_Org_ID__c, sfLma__Status__c, sfLma__Seats__c, sfLma__Used_Licenses__c, sfLma__Account__r.Name, sfLma__Lead__r.Company, sfLma__Lead__r.Name FROM sfLma__License__c';

/**
 * The Licenses of a package (its record id, `sfLma__Package__c`), for the orgs given or all of them.
 * Returns the Licenses and the number of query requests made.
 */
export async function licensesForUsage(
  api: LmoApi,
  packageRecordId: string,
  orgIds?: readonly string[],
): Promise<{ licenses: UsageLicense[]; requests: number }> {
  return withLmaFields(api, async (fields) => {
    const scope = packageCondition(fields, packageRecordId);
    const licenses: UsageLicense[] = [];
    let requests = 0;
    const readAll = async (soql: string): Promise<void> => {
      let page = await queryPage<LicenseJoinRow>(api, soql);
      requests++;
      licenses.push(...page.records.map(toUsageLicense));
      while (!page.done && page.nextRecordsUrl) {
        page = await api.request(page.nextRecordsUrl);
        requests++;
        licenses.push(...page.records.map(toUsageLicense));
      }
    };
    if (!orgIds) {
      await readAll(`${SELECT} WHERE ${scope} AND sfLma__Subscriber_Org_ID__c != null ORDER BY Id`);
      return { licenses, requests };
    }
    const ids = [...new Set(orgIds.map((o) => o.slice(0, 15)))];
    for (let i = 0; i < ids.length; i += ORG_IDS_PER_QUERY) {
      const chunk = ids.slice(i, i + ORG_IDS_PER_QUERY).flatMap((id) => [id, toId18(id)]);
      await readAll(
        `${SELECT} WHERE ${scope} AND sfLma__Subscriber_Org_ID__c IN (${chunk.map(literal).join(', ')})`,
      );
    }
    return { licenses, requests };
  });
}
