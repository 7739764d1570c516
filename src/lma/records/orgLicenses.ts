/** The LMO's Licenses of one subscriber org and package, as a test install looks for them. */
import { RECORDED_FIELDS, toRecorded, type RecordedRow } from './licenseRecord';
import type { RecordedLicense } from './types';
import { selectList, withLmaFields } from './lmaFields';
import { queryPage, type LmoApi } from './lmoApi';
import { literal, toId15, toId18 } from './soql';

/** Every License of that org (15 or 18 characters) for that package, newest first. */
export async function loadOrgLicenses(
  lmo: LmoApi,
  subscriberOrgId: string,
  subscriberPackageId: string,
): Promise<RecordedLicense[]> {
  const ids = [...new Set([toId15(subscriberOrgId), toId18(subscriberOrgId)])].map(literal).join(', ');
  const page = await withLmaFields(lmo, (fields) =>
    queryPage<RecordedRow>(
      lmo,
      `SELECT ${selectList(fields, 'license', RECORDED_FIELDS)} FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c IN (${ids}) ORDER BY CreatedDate DESC`,
    ),
  );
  const packageId15 = toId15(subscriberPackageId);
  const orgId15 = toId15(subscriberOrgId);
  // SOQL compares text case-insensitively, and 15-character ids differ only in case
  // ("…SCn" and "…SCN" are two orgs): keep the exact org, compared case-sensitively.
  return page.records
    .filter((license) => {
      const orgId = license.sfLma__Subscriber_Org_ID__c;
      const packageId = license.sfLma__Package_Version__r?.sfLma__Package__r?.sfLma__Package_ID__c;
      return orgId?.slice(0, 15) === orgId15 && packageId?.slice(0, 15) === packageId15;
    })
    .map(toRecorded);
}

/** One look at the LMO: the newest License of that org for that package, if any. */
export async function findRecordedLicense(
  lmo: LmoApi,
  subscriberOrgId: string,
  subscriberPackageId: string,
): Promise<RecordedLicense | undefined> {
  return (await loadOrgLicenses(lmo, subscriberOrgId, subscriberPackageId))[0];
}
