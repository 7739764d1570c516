/**
 * The reads of a push upgrade: the live counts of a selection (one aggregate over the LMO's Licenses),
 * the candidate orgs (the selected Licenses' org ids, one field list), and the package's subscribers in
 * its owner org (PackageSubscriber). The owner org is the Dev Hub (2GP) or the packaging org (1GP),
 * which may or may not be the LMO: each read names the `LmoApi` it asks.
 */
import { hasField, withLmaFields, type LmaFields } from './lmaFields';
import { packageCondition } from './licenseScope';
import { queryAll, queryAllInFew, queryPage, type LmoApi } from './lmoApi';
import { PUSH_OBJECTS, type Row } from './objects';
import { containsPattern, literal, toId15, toId18 } from './soql';
import type { Package, PackageVersion } from './types';
import { compareVersionNumbers } from './packages';
import type {
  KnownVersion,
  PushCandidate,
  PushSelection,
  PushTarget,
  Subscriber,
} from '../rules/pushUpgrade';

/** What a selection is taken from: the LMO's package record and its versions, and the target. */
export interface PushScope {
  /** The sfLma__Package__c record id. */
  packageRecordId: string;
  /** The package's versions as the LMO holds them (the tree's). */
  versions: readonly PackageVersion[];
  target: PushTarget;
}

/** The package's versions by 04t (18 characters): number and beta, for the preview. */
export function versionsById(versions: readonly PackageVersion[]): Map<string, KnownVersion> {
  const map = new Map<string, KnownVersion>();
  for (const v of versions)
    if (v.versionId) map.set(toId18(v.versionId), { versionNumber: v.versionNumber, isBeta: v.isBeta });
  return map;
}

/** The LMO's version records older than the target (by version number). */
export function olderVersionRecords(scope: PushScope): string[] {
  return scope.versions
    .filter((v) => v.versionNumber && compareVersionNumbers(v.versionNumber, scope.target.versionNumber) < 0)
    .map((v) => v.id);
}

/**
 * The WHERE conditions of a selection over the package's Licenses. A pasted list is exactly those orgs
 * (in either id form); otherwise status, org type, customer and older versions, each when asked.
 */
export function selectionConditions(fields: LmaFields, scope: PushScope, selection: PushSelection): string[] {
  const conditions = [packageCondition(fields, scope.packageRecordId)];
  if (selection.orgIds) {
    const forms = selection.orgIds.flatMap((id) => [toId15(id), toId18(id)]);
    conditions.push(`sfLma__Subscriber_Org_ID__c IN (${forms.map(literal).join(', ') || "''"})`);
    return conditions;
  }
  conditions.push(`sfLma__Status__c IN (${selection.statuses.map(literal).join(', ') || "''"})`);
  if (selection.orgType !== 'all') {
    if (!hasField(fields, 'license', 'sfLma__Subscriber_Org_Is_Sandbox__c'))
      throw new Error(
        "This LMA's License has no Subscriber Org Is Sandbox field (LMA 1.20 added it): choose all org types.",
      );
    conditions.push(`sfLma__Subscriber_Org_Is_Sandbox__c = ${selection.orgType === 'sandbox'}`);
  }
  const customer = selection.customer?.trim();
  if (customer) {
    const pattern = containsPattern(customer);
    conditions.push(`(sfLma__Account__r.Name LIKE ${pattern} OR sfLma__Lead__r.Company LIKE ${pattern})`);
  }
  if (selection.olderVersionsOnly) {
    const older = olderVersionRecords(scope);
    conditions.push(
      older.length ? `sfLma__Package_Version__c IN (${older.map(literal).join(', ')})` : 'Id = null',
    );
  }
  return conditions;
}

/** The live counts of a selection: Licenses by version, status and org type. */
export interface SelectionCounts {
  total: number;
  byVersion: Record<string, number>;
  byStatus: Record<string, number>;
  sandbox: number;
  production: number;
}

interface CountRow {
  version: string | null;
  status: string | null;
  sandbox?: boolean | null;
  total: number;
}

/** Rows one aggregate may answer (Salesforce refuses more than 2,000 groups). */
const AGGREGATE_ROWS = 2000;

/** One aggregate request, however many Licenses: never a download of the Licenses themselves. */
export function countSelection(
  api: LmoApi,
  scope: PushScope,
  selection: PushSelection,
): Promise<SelectionCounts> {
  return withLmaFields(api, async (fields) => {
    const sandbox = hasField(fields, 'license', 'sfLma__Subscriber_Org_Is_Sandbox__c');
    const keys = [
      'sfLma__Package_Version__c',
      'sfLma__Status__c',
      ...(sandbox ? ['sfLma__Subscriber_Org_Is_Sandbox__c'] : []),
    ];
    const aliases = ['version', 'status', 'sandbox'];
    const soql =
      `SELECT ${keys.map((k, i) => `${k} ${aliases[i]}`).join(', ')}, COUNT(Id) total FROM sfLma__License__c` +
      ` WHERE ${selectionConditions(fields, scope, selection).join(' AND ')} GROUP BY ${keys.join(', ')} LIMIT ${AGGREGATE_ROWS}`;
    const rows = (await queryPage<CountRow>(api, soql)).records;
    const numberOf = new Map(scope.versions.map((v) => [v.id, v.versionNumber ?? v.name]));
    const counts: SelectionCounts = { total: 0, byVersion: {}, byStatus: {}, sandbox: 0, production: 0 };
    for (const row of rows) {
      const version = (row.version && numberOf.get(row.version)) ?? 'no version';
      const status = row.status ?? 'no Status';
      counts.total += row.total;
      counts.byVersion[version] = (counts.byVersion[version] ?? 0) + row.total;
      counts.byStatus[status] = (counts.byStatus[status] ?? 0) + row.total;
      if (row.sandbox) counts.sandbox += row.total;
      else counts.production += row.total;
    }
    return counts;
  });
}

interface CandidateRow {
  sfLma__Subscriber_Org_ID__c: string | null;
  sfLma__Status__c: string | null;
  sfLma__Subscriber_Org_Is_Sandbox__c?: boolean | null;
  sfLma__Package_Version__c?: string | null;
  sfLma__Account__r?: { Name: string | null } | null;
  sfLma__Lead__r?: { Company: string | null } | null;
}

/**
 * The selected orgs as the LMO knows them: one row per License, only the fields a preview needs, 2,000
 * a page, the pages after the first in composite requests of 25 (`queryAllInFew`). A pasted list's ids without a License are candidates too (the owner org may know them).
 */
export function readCandidates(
  api: LmoApi,
  scope: PushScope,
  selection: PushSelection,
): Promise<PushCandidate[]> {
  return withLmaFields(api, async (fields) => {
    const wanted = [
      'sfLma__Subscriber_Org_ID__c',
      'sfLma__Status__c',
      'sfLma__Subscriber_Org_Is_Sandbox__c',
      'sfLma__Package_Version__c',
      'sfLma__Account__r.Name',
      'sfLma__Lead__r.Company',
    ].filter((f) => hasField(fields, 'license', f));
    const rows = await queryAllInFew<CandidateRow>(
      api,
      `SELECT ${wanted.join(', ')} FROM sfLma__License__c WHERE ${selectionConditions(fields, scope, selection).join(' AND ')} AND sfLma__Subscriber_Org_ID__c != null`,
    );
    // The version number from the package's versions (the tree's): no join to the version records.
    const numberOf = new Map(scope.versions.map((v) => [v.id, v.versionNumber]));
    const candidates: PushCandidate[] = [];
    for (const row of rows) {
      const orgId = row.sfLma__Subscriber_Org_ID__c ?? '';
      if (!/^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/.test(orgId)) continue;
      candidates.push({
        orgId: toId18(orgId),
        customer: row.sfLma__Account__r?.Name ?? row.sfLma__Lead__r?.Company ?? undefined,
        licenseStatus: row.sfLma__Status__c ?? undefined,
        isSandbox: row.sfLma__Subscriber_Org_Is_Sandbox__c ?? undefined,
        versionNumber:
          (row.sfLma__Package_Version__c && numberOf.get(row.sfLma__Package_Version__c)) || undefined,
      });
    }
    if (selection.orgIds) {
      const known = new Set(candidates.map((c) => c.orgId));
      for (const id of selection.orgIds)
        if (!known.has(toId18(id)))
          candidates.push({
            orgId: toId18(id),
            customer: undefined,
            licenseStatus: undefined,
            isSandbox: undefined,
            versionNumber: undefined,
          });
    }
    return candidates;
  });
}

const SUBSCRIBER_FIELDS = [
  'OrgKey',
  'OrgName',
  'OrgType',
  'OrgStatus',
  'InstalledStatus',
  'MetadataPackageVersionId',
] as const;
type SubscriberRow = Row<'packageSubscriber', (typeof SUBSCRIBER_FIELDS)[number] | 'HasRestrictionEnabled'>;

/** Org ids per `IN` list: a SOQL statement stays far below its 100,000-character limit. */
const IDS_PER_QUERY = 500;

/**
 * The package's subscribers in its owner org, or only `orgKeys` of them (a short pasted list).
 * `HasRestrictionEnabled` (the customer blocks pushes) is read where the org has it: a query naming a
 * field the org lacks fails whole (INVALID_FIELD), so it is asked again without it (UNCONFIRMED that
 * every owner org has the field).
 */
export async function readSubscribers(
  owner: LmoApi,
  packageId: string,
  orgKeys?: readonly string[],
): Promise<Subscriber[]> {
  const filters = orgKeys
    ? chunk(orgKeys.map(toId18), IDS_PER_QUERY).map(
        (ids) => ` AND OrgKey IN (${ids.map(literal).join(', ')})`,
      )
    : [''];
  const rows: SubscriberRow[] = [];
  for (const filter of filters) {
    const where = `WHERE MetadataPackageId = ${literal(toId18(packageId))}${filter}`;
    const select = (extra: string) =>
      `SELECT ${SUBSCRIBER_FIELDS.join(', ')}${extra} FROM ${PUSH_OBJECTS.packageSubscriber} ${where}`;
    try {
      rows.push(...(await queryAllInFew<SubscriberRow>(owner, select(', HasRestrictionEnabled'))));
    } catch (error) {
      if (!/INVALID_FIELD|No such column/i.test(String((error as Error).message ?? error))) throw error;
      rows.push(...(await queryAllInFew<SubscriberRow>(owner, select(''))));
    }
  }
  return rows.map((row) => ({
    orgKey: toId18(row.OrgKey),
    orgName: row.OrgName ?? undefined,
    orgType: row.OrgType ?? undefined,
    orgStatus: row.OrgStatus ?? undefined,
    installedStatus: row.InstalledStatus ?? undefined,
    versionId: row.MetadataPackageVersionId ?? undefined,
    blocksPushes: row.HasRestrictionEnabled === true,
  }));
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The scope of a push to `versionId` (04t, 15 or 18 characters): the LMO's package that has the
 * version, its versions and the target. A message when the LMO has no such version.
 */
export function scopeForVersion(
  packages: readonly Package[],
  versionId: string,
): { scope: PushScope } | { problem: string } {
  const id = toId15(versionId);
  for (const pkg of packages) {
    const version = pkg.versions.find((v) => v.versionId && toId15(v.versionId) === id);
    if (!version) continue;
    return {
      scope: {
        packageRecordId: pkg.id,
        versions: pkg.versions,
        target: {
          versionId: toId18(version.versionId!),
          versionNumber: version.versionNumber,
          isBeta: version.isBeta,
          packageId: pkg.packageId ? toId18(pkg.packageId) : undefined,
          packageName: pkg.name,
        },
      },
    };
  }
  return {
    problem: `The LMO has no Package Version ${versionId}: only a version the LMA knows (of a package registered to it) can be pushed.`,
  };
}

/** The subscriber org ids of these Licenses (the tree's selection), 18 characters, each once. */
export async function orgIdsOfLicenses(api: LmoApi, licenseIds: readonly string[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const part of chunk(licenseIds, IDS_PER_QUERY)) {
    const rows = await queryAll<{ sfLma__Subscriber_Org_ID__c: string | null }>(
      api,
      `SELECT sfLma__Subscriber_Org_ID__c FROM sfLma__License__c WHERE Id IN (${part.map(literal).join(', ')})`,
    );
    for (const row of rows)
      if (
        row.sfLma__Subscriber_Org_ID__c &&
        /^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/.test(row.sfLma__Subscriber_Org_ID__c)
      )
        ids.add(toId18(row.sfLma__Subscriber_Org_ID__c));
  }
  return [...ids];
}

/**
 * What the owner org says of the target (MetadataPackageVersion: ReleaseState Beta, IsDeprecated): the
 * LMA's Package Version doesn't record a deprecation. Undefined where the org has no such row or object.
 */
export async function readOwnerVersion(
  owner: LmoApi,
  versionId: string,
): Promise<{ isBeta: boolean; isDeprecated: boolean } | undefined> {
  try {
    const page = await queryPage<{ ReleaseState?: string | null; IsDeprecated?: boolean | null }>(
      owner,
      `SELECT ReleaseState, IsDeprecated FROM MetadataPackageVersion WHERE Id = ${literal(toId18(versionId))}`,
    );
    const row = page.records[0];
    return row && { isBeta: row.ReleaseState === 'Beta', isDeprecated: row.IsDeprecated === true };
  } catch (error) {
    if (/INVALID_TYPE|not supported/i.test(String((error as Error).message))) return undefined;
    throw error;
  }
}
