/**
 * Which Licenses a tree node holds, in SOQL, in one place: a package's (through the Package Version,
 * or License → Package) and a Status group's. Counts (`packages.ts`), lists and searches
 * (`licenses.ts`), the dashboard and the export all ask these, so a group holds what its count says.
 */
import { hasField, LMA_1_20_FIELDS, type LmaFields } from './lmaFields';
import { literal } from './soql';
import { licenseStatuses, OTHER_STATUS, type LicenseGroupStatus } from './types';

/** Whether this org's License has its own Package lookup (LMA 1.20; older LMAs don't). */
const hasPackageLookup = (fields: LmaFields) => hasField(fields, 'license', 'sfLma__Package__c');

/**
 * Which package a License belongs to, in SOQL: its Package Version's package (master-detail, never
 * wrong), or, for a License without a version, its own Package lookup (LMA 1.20 has one; older LMAs
 * don't, and their licenses without a version belong to no package). Counts and lists use the same.
 */
export function packageCondition(fields: LmaFields, packageRecordId: string): string {
  return byPackage(fields, `= ${literal(packageRecordId)}`);
}

/** Licenses of any of these packages, as `packageCondition` says for one. */
export function inPackages(fields: LmaFields, packageRecordIds: readonly string[]): string {
  return byPackage(fields, `IN (${packageRecordIds.map(literal).join(', ')})`);
}

function byPackage(fields: LmaFields, is: string): string {
  const byVersion = `sfLma__Package_Version__r.sfLma__Package__c ${is}`;
  if (!hasPackageLookup(fields)) return byVersion;
  return `(${byVersion} OR (sfLma__Package_Version__c = null AND sfLma__Package__c ${is}))`;
}

/** Licenses of no package: no Package Version and (LMA 1.20) no Package either. */
export function noPackageCondition(fields: LmaFields): string {
  return hasPackageLookup(fields)
    ? 'sfLma__Package_Version__c = null AND sfLma__Package__c = null'
    : 'sfLma__Package_Version__c = null';
}

/**
 * The package keys an aggregate groups Licenses by: the version's package and (LMA 1.20) the License's
 * own lookup, aliased versionPackage and licensePackage.
 */
export function packageKeys(fields: LmaFields): { select: string; groupBy: string } {
  const keys = [
    'sfLma__Package_Version__r.sfLma__Package__c versionPackage',
    ...(hasPackageLookup(fields) ? ['sfLma__Package__c licensePackage'] : []),
  ];
  return { select: keys.join(', '), groupBy: keys.map((k) => k.split(' ')[0]).join(', ') };
}

/** One Status group: Other is no Status or none of the LMA's four. */
export function statusCondition(status: LicenseGroupStatus): string {
  if (status !== OTHER_STATUS) return `sfLma__Status__c = ${literal(status)}`;
  return `(sfLma__Status__c = null OR sfLma__Status__c NOT IN (${licenseStatuses.map(literal).join(', ')}))`;
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
