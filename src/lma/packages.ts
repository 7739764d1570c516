import { queryAll, type LmoApi } from './lmoApi';
import { licenseStatuses, type LicenseStatus, type Package, type PackageVersion } from './records';
import { literal } from './soql';

interface PackageRow {
  Id: string;
  Name: string;
  sfLma__Package_ID__c: string | null;
  sfLma__Developer_Name__c: string | null;
  sfLma__Latest_Version__c: string | null;
}

interface VersionRow {
  Id: string;
  Name: string;
  sfLma__Package__c: string;
  sfLma__Version_Number__c: string | null;
  sfLma__Version__c: string | null;
  sfLma__Version_ID__c: string | null;
  sfLma__Release_Date__c: string | null;
  sfLma__Is_Beta__c: boolean | null;
  sfLma__Sequence__c: number | null;
}

interface CountRow {
  sfLma__Package_Version__c: string | null;
  sfLma__Status__c: string | null;
  total: number;
}

/**
 * Every package of the LMO with its versions and license counts, in three requests whatever the size
 * of the LMO: packages, versions, and one aggregate grouped by version and status. Licenses are
 * counted through their Package Version because the License→Package lookup is missing in older LMAs.
 */
export function loadPackages(api: LmoApi): Promise<Package[]> {
  return loadPackagesWhere(api, undefined);
}

/** One package (by its record id) with its versions and counts, in the same three requests; undefined once deleted. */
export async function loadPackage(api: LmoApi, packageRecordId: string): Promise<Package | undefined> {
  const [pkg] = await loadPackagesWhere(api, packageRecordId);
  return pkg;
}

async function loadPackagesWhere(api: LmoApi, packageRecordId: string | undefined): Promise<Package[]> {
  const only = (field: string) => (packageRecordId ? ` WHERE ${field} = ${literal(packageRecordId)}` : '');
  const [packageRows, versionRows, countRows] = await Promise.all([
    queryAll<PackageRow>(
      api,
      `SELECT Id, Name, sfLma__Package_ID__c, sfLma__Developer_Name__c, sfLma__Latest_Version__c FROM sfLma__Package__c${only('Id')} ORDER BY Name`,
    ),
    queryAll<VersionRow>(
      api,
      `SELECT Id, Name, sfLma__Package__c, sfLma__Version_Number__c, sfLma__Version__c, sfLma__Version_ID__c, sfLma__Release_Date__c, sfLma__Is_Beta__c, sfLma__Sequence__c FROM sfLma__Package_Version__c${only('sfLma__Package__c')}`,
    ),
    queryAll<CountRow>(
      api,
      `SELECT sfLma__Package_Version__c, sfLma__Status__c, COUNT(Id) total FROM sfLma__License__c${only('sfLma__Package_Version__r.sfLma__Package__c')} GROUP BY sfLma__Package_Version__c, sfLma__Status__c`,
    ),
  ]);

  const versionTotals = new Map<string, number>();
  const statusByVersion = new Map<string, Map<string, number>>();
  for (const row of countRows) {
    if (!row.sfLma__Package_Version__c) continue;
    const version = row.sfLma__Package_Version__c;
    versionTotals.set(version, (versionTotals.get(version) ?? 0) + row.total);
    const statuses = statusByVersion.get(version) ?? new Map<string, number>();
    statuses.set(row.sfLma__Status__c ?? '', (statuses.get(row.sfLma__Status__c ?? '') ?? 0) + row.total);
    statusByVersion.set(version, statuses);
  }

  const versionsByPackage = new Map<string, PackageVersion[]>();
  for (const row of versionRows) {
    const version: PackageVersion = {
      id: row.Id,
      packageId: row.sfLma__Package__c,
      name: row.Name,
      versionNumber: row.sfLma__Version_Number__c ?? row.sfLma__Version__c ?? undefined,
      versionId: row.sfLma__Version_ID__c ?? undefined,
      releaseDate: row.sfLma__Release_Date__c ?? undefined,
      isBeta: row.sfLma__Is_Beta__c === true,
      sequence: row.sfLma__Sequence__c ?? undefined,
      licenseTotal: versionTotals.get(row.Id) ?? 0,
    };
    const list = versionsByPackage.get(version.packageId) ?? [];
    list.push(version);
    versionsByPackage.set(version.packageId, list);
  }

  return packageRows.map((row) => {
    const versions = (versionsByPackage.get(row.Id) ?? []).sort(releasedNewestFirst);
    const licenseCounts: Partial<Record<LicenseStatus, number>> = {};
    for (const version of versions) {
      for (const [status, total] of statusByVersion.get(version.id) ?? []) {
        if (!isLicenseStatus(status)) continue;
        licenseCounts[status] = (licenseCounts[status] ?? 0) + total;
      }
    }
    return {
      id: row.Id,
      name: row.Name,
      packageId: row.sfLma__Package_ID__c ?? undefined,
      developerName: row.sfLma__Developer_Name__c ?? undefined,
      latestVersion: row.sfLma__Latest_Version__c ?? versions.find((v) => !v.isBeta)?.versionNumber,
      versions,
      licenseCounts,
      licenseTotal: versions.reduce((sum, version) => sum + version.licenseTotal, 0),
    };
  });
}

export function isLicenseStatus(value: string): value is LicenseStatus {
  return (licenseStatuses as readonly string[]).includes(value);
}

/** Released versions before betas; within each, the newest (highest version number) first. */
export function releasedNewestFirst(a: PackageVersion, b: PackageVersion): number {
  if (a.isBeta !== b.isBeta) return a.isBeta ? 1 : -1;
  const byNumber = compareVersionNumbers(b.versionNumber, a.versionNumber);
  if (byNumber !== 0) return byNumber;
  return (b.sequence ?? 0) - (a.sequence ?? 0);
}

/** Compares "major.minor.patch(.build)" numerically; missing parts count as 0. */
export function compareVersionNumbers(a: string | undefined, b: string | undefined): number {
  const partsA = (a ?? '').split('.').map((part) => Number.parseInt(part, 10) || 0);
  const partsB = (b ?? '').split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(partsA.length, partsB.length); i++) {
    const diff = (partsA[i] ?? 0) - (partsB[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
