/**
 * The License as the extension reads it: one field list, the `License` it makes (types.ts), and the
 * two views that read a little more. Every License query selects `LICENSE_FIELDS` (plus a view's
 * extras), only where this org has them (`selectList`), and maps its rows here.
 *
 * - `License`: the tree's list, the search, the export (LICENSE_FIELDS).
 * - `EditableLicense` (rules/licenseChanges.ts): the Modify License form and bulk changes, which also
 *   need who changed it last (the conflict check), the License Type and the package's name (EDIT_FIELDS).
 * - `RecordedLicense` (types.ts): a test install's check of what the LMA recorded, which also needs the version's
 *   04t id and number, the package's 033 id and the Lead (RECORDED_FIELDS). Values stay null as read.
 */
import { normalizeExpiration, type EditableLicense } from '../rules/licenseChanges';
import type { FieldPath, Row } from './objects';
import type { License, RecordedLicense } from './types';

/** The License fields of `License`, as LMA 1.20 has them (older LMAs lack several: lmaFields.ts). */
export const LICENSE_FIELDS = [
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
] as const satisfies readonly FieldPath<'license'>[];

/** What the form reads beyond `License`. */
export const EDIT_FIELDS = [
  ...LICENSE_FIELDS,
  'sfLma__License_Type__c',
  'sfLma__Package_Version__r.sfLma__Package__r.Name',
  'LastModifiedDate',
  'LastModifiedBy.Name',
] as const satisfies readonly FieldPath<'license'>[];

/** What a test install's check reads beyond `License`. */
export const RECORDED_FIELDS = [
  ...LICENSE_FIELDS,
  'sfLma__Package_Version__r.sfLma__Version_ID__c',
  'sfLma__Package_Version__r.sfLma__Version_Number__c',
  'sfLma__Package_Version__r.sfLma__Package__r.sfLma__Package_ID__c',
  'sfLma__Lead__c',
  'sfLma__Lead__r.LeadSource',
] as const satisfies readonly FieldPath<'license'>[];

/** A License as queried with `LICENSE_FIELDS`; fields this org lacks are absent. */
export type LicenseRow = Row<'license', (typeof LICENSE_FIELDS)[number]>;
export type EditRow = Row<'license', (typeof EDIT_FIELDS)[number]>;
export type RecordedRow = Row<'license', (typeof RECORDED_FIELDS)[number]>;

/** Who installed: the account after the lead's conversion, else the lead's company or name. */
const customerOf = (row: LicenseRow): string | undefined =>
  row.sfLma__Account__r?.Name ?? row.sfLma__Lead__r?.Company ?? row.sfLma__Lead__r?.Name ?? undefined;

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
    customerName: customerOf(row),
    packageVersionId: row.sfLma__Package_Version__c ?? undefined,
    versionNumber: row.sfLma__Version_Number__c ?? undefined,
    createdDate: row.CreatedDate,
  };
}

/** The form's view: `historyShowsActive` from License History (whether it was ever Active). */
export function toEditable(row: EditRow, historyShowsActive: boolean): EditableLicense {
  return {
    id: row.Id,
    name: row.Name,
    status: row.sfLma__Status__c ?? undefined,
    seats: row.sfLma__Seats__c ?? undefined,
    expiration: normalizeExpiration(row.sfLma__Expiration__c ?? null),
    customerName: customerOf(row),
    subscriberOrgId: row.sfLma__Subscriber_Org_ID__c ?? undefined,
    packageName: row.sfLma__Package_Version__r?.sfLma__Package__r?.Name ?? undefined,
    versionNumber: row.sfLma__Version_Number__c ?? undefined,
    trialStart: (row.sfLma__Install_Date__c ?? row.CreatedDate).slice(0, 10),
    licenseType: row.sfLma__License_Type__c ?? undefined,
    ...(row.sfLma__License_Status__c ? { lmaStatus: row.sfLma__License_Status__c } : {}),
    wasEverActive: historyShowsActive || row.sfLma__Status__c === 'Active',
    lastModifiedDate: row.LastModifiedDate,
    lastModifiedBy: row.LastModifiedBy?.Name ?? undefined,
  };
}

/** The test install's view. Older LMAs have no sandbox flag: such a License reads as a production install. */
export function toRecorded(row: RecordedRow): RecordedLicense {
  return {
    id: row.Id,
    name: row.Name,
    status: row.sfLma__Status__c ?? null,
    seats: row.sfLma__Seats__c ?? null,
    expiration: row.sfLma__Expiration__c ?? null,
    installDate: row.sfLma__Install_Date__c ?? null,
    subscriberOrgId: row.sfLma__Subscriber_Org_ID__c ?? null,
    isSandbox: row.sfLma__Subscriber_Org_Is_Sandbox__c ?? false,
    versionId: row.sfLma__Package_Version__r?.sfLma__Version_ID__c ?? null,
    versionNumber: row.sfLma__Package_Version__r?.sfLma__Version_Number__c ?? null,
    lead: row.sfLma__Lead__c
      ? {
          id: row.sfLma__Lead__c,
          leadSource: row.sfLma__Lead__r?.LeadSource ?? null,
          company: row.sfLma__Lead__r?.Company ?? null,
        }
      : undefined,
  };
}
