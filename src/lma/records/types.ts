/** The LMA's records as the extension uses them, named in the LMA's own words. */

export const licenseStatuses = ['Active', 'Trial', 'Suspended', 'Uninstalled'] as const;
export type LicenseStatus = (typeof licenseStatuses)[number];

/**
 * The group of licenses whose Status is empty or none of the LMA's four: the Status picklist is not
 * restricted, so a real LMO can hold any value. Without this group their counts and lists disagree.
 */
export const OTHER_STATUS = 'Other';
/** The groups the tree shows a package's licenses in, by the Status field (sfLma__Status__c). */
export type LicenseGroupStatus = LicenseStatus | typeof OTHER_STATUS;
export const licenseGroupStatuses: readonly LicenseGroupStatus[] = [...licenseStatuses, OTHER_STATUS];

export interface Package {
  id: string;
  name: string;
  /** The 033 id of the package (sfLma__Package_ID__c). */
  packageId: string | undefined;
  developerName: string | undefined;
  latestVersion: string | undefined;
  versions: PackageVersion[];
  /** Licenses per Status group (Other: no Status or another value); groups with none are absent. */
  licenseCounts: Partial<Record<LicenseGroupStatus, number>>;
  /** The package's licenses: through their Package Version, or (without one) License → Package. */
  licenseTotal: number;
  /** Refresh Licenses dates (LMA 1.20; undefined in older LMAs or never refreshed): rules/licenseRefresh.ts. */
  lastLicenseRefresh?: string;
  nextAvailableRefresh?: string;
}

export interface PackageVersion {
  id: string;
  packageId: string;
  name: string;
  versionNumber: string | undefined;
  /** The 04t id of the version (sfLma__Version_ID__c). */
  versionId: string | undefined;
  releaseDate: string | undefined;
  isBeta: boolean;
  sequence: number | undefined;
  /** Licenses on this version; undefined until counted (`loadVersionCounts`, when the Versions node opens). */
  licenseTotal?: number;
}

export interface License {
  id: string;
  name: string;
  status: LicenseStatus | string;
  /**
   * The LMA's own License Status (sfLma__License_Status__c, the record type's name: it can say
   * Expired, which Status never does); undefined where the org doesn't have the field.
   */
  licenseStatus: string | undefined;
  /** -1 means a site license; see encodings.ts. */
  seats: number | undefined;
  usedLicenses: number | undefined;
  /** ISO date; null and 1970-01-01 both mean "does not expire". */
  expiration: string | undefined;
  installDate: string | undefined;
  subscriberOrgId: string | undefined;
  isSandbox: boolean;
  orgInstance: string | undefined;
  orgEdition: string | undefined;
  /** Who installed: the lead before conversion, the account after. */
  customerName: string | undefined;
  packageVersionId: string | undefined;
  versionNumber: string | undefined;
  createdDate: string;
}

/** What to export: a package's licenses (through their Package Version, as the tree counts them). */
export interface LicenseGroup {
  /** The sfLma__Package__c record. */
  package: { id: string; name: string };
  /** One Status group of the package (Other included); every license when absent. */
  status?: LicenseGroupStatus;
}

/**
 * The LMO's License for one subscriber org and package, with its Lead, as a test install checks it: a
 * view of the `License` whose values stay null as read (a check says "none" where the tree says nothing).
 */
export interface RecordedLicense extends Pick<License, 'id' | 'name' | 'isSandbox'> {
  status: string | null;
  seats: number | null;
  expiration: string | null;
  installDate: string | null;
  subscriberOrgId: string | null;
  versionId: string | null;
  versionNumber: string | null;
  lead: { id: string; leadSource: string | null; company: string | null } | undefined;
}
