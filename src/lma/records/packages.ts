import { selectList, withLmaFields, type LmaFields } from './lmaFields';
import { inPackages, noPackageCondition, packageKeys } from './licenseScope';
import type { FieldPath, Row } from './objects';
import { queryAll, queryPage, type LmoApi } from './lmoApi';
import {
  licenseStatuses,
  OTHER_STATUS,
  type LicenseGroupStatus,
  type LicenseStatus,
  type Package,
  type PackageVersion,
} from './types';
import { literal } from './soql';

/** A count grouped by the version's package and (LMA 1.20) the License's own Package lookup. */
interface CountRow {
  versionPackage: string | null;
  licensePackage?: string | null;
  sfLma__Status__c?: string | null;
  total: number;
}

const PACKAGE_FIELDS = [
  'Id',
  'Name',
  'sfLma__Package_ID__c',
  'sfLma__Developer_Name__c',
  'sfLma__Latest_Version__c',
  'sfLma__Last_License_Refresh__c',
  'sfLma__Next_Available_Refresh__c',
] as const satisfies readonly FieldPath<'package'>[];
const VERSION_FIELDS = [
  'Id',
  'Name',
  'sfLma__Package__c',
  'sfLma__Version_Number__c',
  'sfLma__Version__c',
  'sfLma__Version_ID__c',
  'sfLma__Release_Date__c',
  'sfLma__Is_Beta__c',
  'sfLma__Sequence__c',
] as const satisfies readonly FieldPath<'packageVersion'>[];
type PackageRow = Row<'package', (typeof PACKAGE_FIELDS)[number]>;
type VersionRow = Row<'packageVersion', (typeof VERSION_FIELDS)[number]>;

/** Rows one aggregate may answer: Salesforce refuses more (EXCEEDED_ID_LIMIT), so the count asks LIMIT 2000. */
const AGGREGATE_ROWS = 2000;
/** Packages counted by one pair of exact aggregates: 4 statuses × 2 package keys × 100 stay below 2,000. */
const PACKAGES_PER_COUNT = 100;

/** Licenses in no package at all: no Package Version and (LMA 1.20) no Package either. */
export interface LmoPackages {
  packages: Package[];
  licensesWithoutPackage: number;
}

/**
 * Every package of the LMO with its versions and license counts by Status group, in three requests
 * whatever the number of licenses or versions: packages, versions, and one aggregate grouped by package
 * and Status. Aggregates can't be paged and Salesforce refuses one of more than 2,000 groups, so nothing
 * is grouped by version here (a version's count is read when its package's Versions open,
 * `loadVersionCounts`), and the aggregate asks LIMIT 2000: an LMO whose packages and Status values make
 * 2,000 groups (hundreds of packages, or many odd Status values) is counted exactly instead, with two
 * aggregates per 100 packages (all licenses; the four statuses, the rest being Other) and a count of
 * the licenses in no package.
 */
export async function loadLmoPackages(api: LmoApi): Promise<LmoPackages> {
  return loadPackagesWhere(api, undefined);
}

/** Every package of the LMO with its versions and counts (see `loadLmoPackages`). */
export async function loadPackages(api: LmoApi): Promise<Package[]> {
  return (await loadPackagesWhere(api, undefined)).packages;
}

/** One package (by its record id) with its versions and counts, in three requests; undefined once deleted. */
export async function loadPackage(api: LmoApi, packageRecordId: string): Promise<Package | undefined> {
  const [pkg] = (await loadPackagesWhere(api, packageRecordId)).packages;
  return pkg;
}

function loadPackagesWhere(api: LmoApi, packageRecordId: string | undefined): Promise<LmoPackages> {
  return withLmaFields(api, (fields) => loadPackagesIn(api, fields, packageRecordId));
}

async function loadPackagesIn(
  api: LmoApi,
  fields: LmaFields,
  packageRecordId: string | undefined,
): Promise<LmoPackages> {
  const only = (field: string) => (packageRecordId ? ` WHERE ${field} = ${literal(packageRecordId)}` : '');
  const packagesQuery = queryAll<PackageRow>(
    api,
    `SELECT ${selectList(fields, 'package', PACKAGE_FIELDS)} FROM sfLma__Package__c${only('Id')} ORDER BY Name`,
  );
  const versionsQuery = queryAll<VersionRow>(
    api,
    `SELECT ${selectList(fields, 'packageVersion', VERSION_FIELDS)} FROM sfLma__Package_Version__c${only('sfLma__Package__c')}`,
  );
  const countsQuery = countLicenses(api, fields, packageRecordId, async () =>
    packageRecordId ? [packageRecordId] : (await packagesQuery).map((row) => row.Id),
  );
  const [packageRows, versionRows, counts] = await Promise.all([packagesQuery, versionsQuery, countsQuery]);

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
    };
    const list = versionsByPackage.get(version.packageId) ?? [];
    list.push(version);
    versionsByPackage.set(version.packageId, list);
  }

  const packages = packageRows.map((row): Package => {
    const versions = (versionsByPackage.get(row.Id) ?? []).sort(releasedNewestFirst);
    const count = counts.byPackage.get(row.Id.slice(0, 15));
    return {
      id: row.Id,
      name: row.Name,
      packageId: row.sfLma__Package_ID__c ?? undefined,
      developerName: row.sfLma__Developer_Name__c ?? undefined,
      latestVersion: row.sfLma__Latest_Version__c ?? versions.find((v) => !v.isBeta)?.versionNumber,
      versions,
      licenseCounts: count?.byStatus ?? {},
      licenseTotal: count?.total ?? 0,
      lastLicenseRefresh: row.sfLma__Last_License_Refresh__c ?? undefined,
      nextAvailableRefresh: row.sfLma__Next_Available_Refresh__c ?? undefined,
    };
  });
  return { packages, licensesWithoutPackage: packageRecordId ? 0 : counts.withoutPackage };
}

interface PackageCount {
  total: number;
  byStatus: Partial<Record<LicenseGroupStatus, number>>;
}

interface Counts {
  /** By the package's 15-character record id. */
  byPackage: Map<string, PackageCount>;
  withoutPackage: number;
  /** The count of a package, created empty on first use. */
  entry(id: string): PackageCount;
}

/** Which package a count row is about: its version's, or (no version) the License's own lookup. */
const packageOf = (row: CountRow): string | undefined =>
  row.versionPackage ?? row.licensePackage ?? undefined;

/**
 * License counts per package and Status group (Other: no Status or another value), for one package or
 * all of them: one aggregate by package and Status when it answers fewer than 2,000 groups, else the
 * exact counts of `countExactly`.
 */
async function countLicenses(
  api: LmoApi,
  fields: LmaFields,
  packageRecordId: string | undefined,
  packageIds: () => Promise<string[]>,
): Promise<Counts> {
  const q = countQueries(fields);
  const scope = packageRecordId ? [q.inPackages([packageRecordId])] : [];
  const page = await queryPage<CountRow>(
    api,
    `SELECT ${q.keys}, sfLma__Status__c, COUNT(Id) total FROM sfLma__License__c${where(scope)} GROUP BY ${q.groupBy}, sfLma__Status__c LIMIT ${AGGREGATE_ROWS}`,
  );
  if (page.records.length >= AGGREGATE_ROWS) return countExactly(api, q, await packageIds());
  const counts = newCounts();
  for (const row of page.records) {
    const pkg = packageOf(row);
    if (!pkg) {
      counts.withoutPackage += row.total;
      continue;
    }
    const e = counts.entry(pkg);
    const group: LicenseGroupStatus =
      row.sfLma__Status__c && isLicenseStatus(row.sfLma__Status__c) ? row.sfLma__Status__c : OTHER_STATUS;
    e.total += row.total;
    e.byStatus[group] = (e.byStatus[group] ?? 0) + row.total;
  }
  return counts;
}

/**
 * Exact counts however many groups: per 100 packages, all licenses and those in the four statuses
 * (each grouped by package only, so far below 2,000 rows); the difference is Other. Licenses in no
 * package are counted apart.
 */
async function countExactly(api: LmoApi, q: CountQueries, packageIds: string[]): Promise<Counts> {
  const statuses = licenseStatuses.map(literal).join(', ');
  const pairs = chunk(packageIds, PACKAGES_PER_COUNT).map((ids) =>
    Promise.all([
      queryPage<CountRow>(
        api,
        `SELECT ${q.keys}, COUNT(Id) total FROM sfLma__License__c${where([q.inPackages(ids)])} GROUP BY ${q.groupBy}`,
      ),
      queryPage<CountRow>(
        api,
        `SELECT ${q.keys}, sfLma__Status__c, COUNT(Id) total FROM sfLma__License__c${where([q.inPackages(ids), `sfLma__Status__c IN (${statuses})`])} GROUP BY ${q.groupBy}, sfLma__Status__c`,
      ),
    ]),
  );
  const [answers, withoutPackage] = await Promise.all([
    Promise.all(pairs),
    queryPage(api, `SELECT COUNT() FROM sfLma__License__c WHERE ${q.noPackage}`),
  ]);
  const counts = newCounts();
  counts.withoutPackage = withoutPackage.totalSize;
  const known = new Map<string, number>();
  for (const [totals, byStatus] of answers) {
    for (const row of totals.records) {
      const pkg = packageOf(row);
      if (pkg) counts.entry(pkg).total += row.total;
    }
    for (const row of byStatus.records) {
      const pkg = packageOf(row);
      if (!pkg || !row.sfLma__Status__c || !isLicenseStatus(row.sfLma__Status__c)) continue;
      const e = counts.entry(pkg);
      e.byStatus[row.sfLma__Status__c] = (e.byStatus[row.sfLma__Status__c] ?? 0) + row.total;
      known.set(pkg.slice(0, 15), (known.get(pkg.slice(0, 15)) ?? 0) + row.total);
    }
  }
  for (const [id, e] of counts.byPackage) {
    const other = e.total - (known.get(id) ?? 0);
    if (other > 0) e.byStatus[OTHER_STATUS] = other;
  }
  return counts;
}

interface CountQueries {
  /** The package keys of a count row: the version's package and (LMA 1.20) the License's own. */
  keys: string;
  groupBy: string;
  /** Licenses of these packages, as `packageCondition` says for one. */
  inPackages(ids: string[]): string;
  /** Licenses of no package. */
  noPackage: string;
}

function countQueries(fields: LmaFields): CountQueries {
  const keys = packageKeys(fields);
  return {
    keys: keys.select,
    groupBy: keys.groupBy,
    inPackages: (ids) => inPackages(fields, ids),
    noPackage: noPackageCondition(fields),
  };
}

const where = (conditions: string[]) => (conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '');

function newCounts(): Counts {
  const byPackage = new Map<string, PackageCount>();
  return {
    byPackage,
    withoutPackage: 0,
    entry(id) {
      let e = byPackage.get(id.slice(0, 15));
      if (!e) byPackage.set(id.slice(0, 15), (e = { total: 0, byStatus: {} }));
      return e;
    },
  };
}

/** Version ids per aggregate when a package has more versions than one aggregate may answer. */
const VERSIONS_PER_COUNT = 500;

/**
 * The license count of each of a package's versions: one aggregate grouped by version (a package has
 * fewer than 2,000 versions with licenses in every LMO we know of), or one per 500 versions beyond that.
 * Versions without licenses get 0.
 */
export async function loadVersionCounts(api: LmoApi, pkg: Package): Promise<Map<string, number>> {
  const base = `sfLma__Package_Version__r.sfLma__Package__c = ${literal(pkg.id)}`;
  const scopes =
    pkg.versions.length < 2000
      ? [base]
      : chunk(
          pkg.versions.map((v) => v.id),
          VERSIONS_PER_COUNT,
        ).map((ids) => `sfLma__Package_Version__c IN (${ids.map(literal).join(', ')})`);
  const pages = await Promise.all(
    scopes.map((scope) =>
      queryPage<{ sfLma__Package_Version__c: string; total: number }>(
        api,
        `SELECT sfLma__Package_Version__c, COUNT(Id) total FROM sfLma__License__c WHERE ${scope} GROUP BY sfLma__Package_Version__c`,
      ),
    ),
  );
  const counts = new Map(pkg.versions.map((v) => [v.id.slice(0, 15), 0]));
  for (const page of pages)
    for (const row of page.records) counts.set(row.sfLma__Package_Version__c.slice(0, 15), row.total);
  return new Map(pkg.versions.map((v) => [v.id, counts.get(v.id.slice(0, 15)) ?? 0]));
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
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
