/**
 * What a test install reads of the test org (through its own connection): the version as the org sees
 * it (Tooling SubscriberPackageVersion), the packages installed, and the org as it describes itself.
 */
import { installationKeyProblem } from '../rules/packageInstall';
import { queryPage, toolingQuery, type LmoApi } from './lmoApi';
import { literal } from './soql';

export interface SubscriberPackageVersion {
  Id: string;
  SubscriberPackageId: string;
  Name: string;
  MajorVersion: number;
  MinorVersion: number;
  PatchVersion: number;
  BuildNumber: number;
  IsBeta: boolean;
  IsPasswordProtected: boolean;
  InstallValidationStatus: string;
  RemoteSiteSettings?: { settings: { url: string }[] } | null;
  CspTrustedSites?: { settings: { endpointUrl: string }[] } | null;
}

/**
 * The version as the test org sees it (Tooling SubscriberPackageVersion; only queries by Id work).
 * Undefined: zero rows, which for a real version means its replication to this instance is not
 * finished. A key-protected version fails without its key or with a wrong one (`installationKeyProblem`).
 */
export async function describeVersion(
  target: LmoApi,
  versionId: string,
  installationKey?: string,
): Promise<SubscriberPackageVersion | undefined> {
  // `literal` escapes \ and ' as the packaging library's escapeInstallationKey does (and more).
  const key = installationKey ? ` AND InstallationKey = ${literal(installationKey)}` : '';
  const page = await toolingQuery<SubscriberPackageVersion>(
    target,
    `SELECT Id, SubscriberPackageId, Name, MajorVersion, MinorVersion, PatchVersion, BuildNumber, IsBeta, IsPasswordProtected, InstallValidationStatus, RemoteSiteSettings, CspTrustedSites FROM SubscriberPackageVersion WHERE Id = ${literal(versionId)}${key}`,
  );
  return page.records[0];
}

/** What the test org can see of a version with this key (or none): one query, nothing installed. */
export type VersionAccess =
  | { kind: 'visible'; version: SubscriberPackageVersion }
  | { kind: 'notVisible' }
  | { kind: 'keyRequired' }
  | { kind: 'keyInvalid' };

export async function checkVersionAccess(
  target: LmoApi,
  versionId: string,
  installationKey?: string,
): Promise<VersionAccess> {
  try {
    const version = await describeVersion(target, versionId, installationKey);
    return version ? { kind: 'visible', version } : { kind: 'notVisible' };
  } catch (error) {
    const problem = installationKeyProblem(error);
    if (problem) return { kind: problem === 'required' ? 'keyRequired' : 'keyInvalid' };
    throw error;
  }
}

/** The sites a version asks to trust: remote site settings, then CSP trusted sites. */
export function sitesOf(version: SubscriberPackageVersion): string[] {
  return [
    ...(version.RemoteSiteSettings?.settings ?? []).map((site) => site.url),
    ...(version.CspTrustedSites?.settings ?? []).map((site) => site.endpointUrl),
  ];
}

/** The target org as it describes itself (Organization), not as the CLI auth store remembers it. */
export interface TargetOrgFacts {
  isSandbox: boolean;
  /** A scratch org: IsSandbox with a TrialExpirationDate (as @salesforce/core tells them apart). */
  isScratch: boolean;
  organizationType: string | null;
}

export async function readTargetOrg(target: LmoApi): Promise<TargetOrgFacts> {
  const page = await queryPage<{
    IsSandbox: boolean;
    OrganizationType: string | null;
    TrialExpirationDate: string | null;
  }>(target, 'SELECT IsSandbox, OrganizationType, TrialExpirationDate FROM Organization');
  const org = page.records[0];
  return {
    isSandbox: !!org?.IsSandbox,
    isScratch: !!org?.IsSandbox && !!org.TrialExpirationDate,
    organizationType: org?.OrganizationType ?? null,
  };
}

/** The packages installed in the org: without a filter, as `sf package installed list` asks (every org answers this shape). */
export async function loadInstalledPackages(
  target: LmoApi,
): Promise<{ SubscriberPackageId: string; SubscriberPackageVersionId: string }[]> {
  const page = await toolingQuery<{ SubscriberPackageId: string; SubscriberPackageVersionId: string }>(
    target,
    'SELECT Id, SubscriberPackageId, SubscriberPackageVersionId FROM InstalledSubscriberPackage',
  );
  return page.records;
}
