/** The LMA's records as the extension uses them, named in the LMA's own words. */

export const licenseStatuses = ['Active', 'Trial', 'Suspended', 'Uninstalled'] as const;
export type LicenseStatus = (typeof licenseStatuses)[number];

export interface Package {
  id: string;
  name: string;
  /** The 033 id of the package (sfLma__Package_ID__c). */
  packageId: string | undefined;
  developerName: string | undefined;
  latestVersion: string | undefined;
  versions: PackageVersion[];
  /** Licenses per status; statuses with none are absent. */
  licenseCounts: Partial<Record<LicenseStatus, number>>;
  licenseTotal: number;
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
  licenseTotal: number;
}

export interface License {
  id: string;
  name: string;
  status: LicenseStatus | string;
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
