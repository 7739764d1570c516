// The world's own objects, answered from the world's state rather than the data
// layer: the install-related Tooling objects, and the objects the auth probes of
// @salesforce/core and the sf CLI query (ScratchOrgInfo, SandboxProcess).
import { LATEST_VERSION } from '../data/apiVersion';
import { SalesforceError } from '../data/errors';
import {
  duplicateRuleTable,
  flowDefinitionTable,
  lmoToolingTables,
  userPermissionAccessTable,
} from './lmoProblems';
import { notYetReplicated, stillPublishing, versionNumber } from './partnerConsole';
import type { OrgState, VersionState } from './state';
import { withSubscriberLoginField } from './subscriberLoginPermission';
import type { Condition, Row, VirtualTable } from './virtualQuery';
import type { World } from './world';

const attrs = (type: string, id: string, version: string, tooling: boolean): Row => ({
  type,
  url: `/services/data/v${version}/${tooling ? 'tooling/' : ''}sobjects/${type}/${id}`,
});

const SPV_FIELDS = [
  'Id',
  'SubscriberPackageId',
  'Name',
  'Description',
  'PublisherName',
  'MajorVersion',
  'MinorVersion',
  'PatchVersion',
  'BuildNumber',
  'ReleaseState',
  'IsManaged',
  'IsDeprecated',
  'IsPasswordProtected',
  'IsBeta',
  'Package2ContainerOptions',
  'IsSecurityReviewed',
  'IsOrgDependent',
  'AppExchangePackageName',
  'AppExchangeDescription',
  'AppExchangePublisherName',
  'AppExchangeLogoUrl',
  'ReleaseNotesUrl',
  'PostInstallUrl',
  'RemoteSiteSettings',
  'CspTrustedSites',
  'Profiles',
  'Dependencies',
  'InstallValidationStatus',
];

// The License Management App itself, installed in the LMO: Salesforce's package, not the ISV's, so it
// lives outside the Partner Console. Version 1.20 is the one seen in public LMO metadata.
const LMA = {
  installId: '0A35W0000000LMAAAA',
  packageId: '0335W0000000LMAAAA',
  versionId: '04t5W0000000LMAAAA',
};

/** `older`: an older LMA, whose public metadata carries no version number: it says 1.0 here. */
function lmaInstalled(version: string, older: boolean): Row {
  return {
    attributes: attrs('InstalledSubscriberPackage', LMA.installId, version, true),
    Id: LMA.installId,
    SubscriberPackageId: LMA.packageId,
    SubscriberPackageVersionId: LMA.versionId,
    MinPackageVersionId: LMA.versionId,
    SubscriberPackage: {
      attributes: attrs('SubscriberPackage', LMA.packageId, version, true),
      Id: LMA.packageId,
      Name: 'License Management App',
      NamespacePrefix: 'sfLma',
      Description: 'Manages the licenses of the packages you distribute on AppExchange.',
      IsPackageValid: true,
    },
    SubscriberPackageVersion: {
      attributes: attrs('SubscriberPackageVersion', LMA.versionId, version, true),
      Id: LMA.versionId,
      SubscriberPackageId: LMA.packageId,
      Name: 'License Management App',
      PublisherName: 'Salesforce',
      MajorVersion: 1,
      MinorVersion: older ? 0 : 20,
      PatchVersion: 0,
      BuildNumber: 1,
      ReleaseState: 'Released',
      IsManaged: true,
      IsBeta: false,
      VersionNumber: older ? '1.0.0.1' : '1.20.0.1',
    },
  };
}

export function subscriberPackageVersionRow(world: World, v: VersionState, version: string): Row {
  const pkg = world.console.package(v.packageId);
  return {
    attributes: attrs('SubscriberPackageVersion', v.id, version, true),
    Id: v.id,
    SubscriberPackageId: v.packageId,
    Name: v.name,
    Description: pkg.description,
    PublisherName: world.devhub.name,
    MajorVersion: v.major,
    MinorVersion: v.minor,
    PatchVersion: v.patch,
    BuildNumber: v.build,
    ReleaseState: v.isBeta ? 'Beta' : 'Released',
    IsManaged: true,
    IsDeprecated: false,
    IsPasswordProtected: !!v.installationKey,
    IsBeta: v.isBeta,
    Package2ContainerOptions: 'Managed',
    IsSecurityReviewed: false,
    IsOrgDependent: false,
    AppExchangePackageName: pkg.name,
    AppExchangeDescription: pkg.description,
    AppExchangePublisherName: world.devhub.name,
    AppExchangeLogoUrl: null,
    ReleaseNotesUrl: null,
    PostInstallUrl: null,
    RemoteSiteSettings: { settings: (v.remoteSites ?? []).map((url) => ({ secure: true, url })) },
    CspTrustedSites: { settings: (v.cspTrustedSites ?? []).map((endpointUrl) => ({ endpointUrl })) },
    Profiles: { destinationProfiles: [], sourceProfiles: [] },
    Dependencies: null,
    InstallValidationStatus: stillPublishing(world, v) ? 'PACKAGE_UNAVAILABLE' : 'NO_ERRORS_DETECTED',
    // Filter-only, as on Salesforce: `WHERE Id = '04t…' AND InstallationKey = '…'` finds the version
    // only with the right key. Not in SPV_FIELDS, so it can't be selected.
    InstallationKey: v.installationKey ?? null,
  };
}

export function installRequestRow(world: World, id: string, org: OrgState, version: string): Row | undefined {
  const r = world.state.installRequests.find((x) => x.id === id && x.orgId === org.id);
  if (!r) return undefined;
  const f = r.fields;
  return {
    attributes: attrs('PackageInstallRequest', r.id, version, true),
    Id: r.id,
    IsDeleted: false,
    CreatedDate: r.createdDate.replace('Z', '+0000'),
    CreatedById: org.userId,
    LastModifiedDate: r.lastModifiedDate.replace('Z', '+0000'),
    LastModifiedById: org.userId,
    SystemModstamp: r.lastModifiedDate.replace('Z', '+0000'),
    SubscriberPackageVersionKey: r.subscriberPackageVersionKey,
    NameConflictResolution: f.NameConflictResolution ?? 'Block',
    SecurityType: f.SecurityType ?? 'None',
    PackageInstallSource: f.PackageInstallSource ?? 'U',
    ProfileMappings: f.ProfileMappings ?? null,
    Password: null,
    EnableRss: f.EnableRss ?? false,
    UpgradeType: f.UpgradeType ?? null,
    ApexCompileType: f.ApexCompileType ?? null,
    SkipHandlers: f.SkipHandlers ?? null,
    Status: r.status,
    Errors: r.errors.length ? { errors: r.errors.map((message) => ({ message })) } : null,
  };
}

const INSTALL_FIELDS = [
  'Id',
  'IsDeleted',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
  'SubscriberPackageVersionKey',
  'NameConflictResolution',
  'SecurityType',
  'PackageInstallSource',
  'ProfileMappings',
  'Password',
  'EnableRss',
  'UpgradeType',
  'ApexCompileType',
  'SkipHandlers',
  'Status',
  'Errors',
];

/**
 * A key-protected version can't be read without its key: the query fails, it never answers
 * IsPasswordProtected = true (as the packaging library and CumulusCI meet it). The codes are the
 * local org's reading of "an error name containing INSTALL_KEY"; the messages are Salesforce's.
 */
function checkInstallationKey(world: World, org: OrgState, conditions: Condition[]): void {
  const ids = conditions
    .filter((c) => c.field.toLowerCase() === 'id')
    .flatMap((c) => c.values)
    .filter((id): id is string => typeof id === 'string');
  const keys = conditions.filter((c) => c.field.toLowerCase() === 'installationkey');
  for (const id of ids) {
    const v = world.console.version(id);
    if (!v?.installationKey || (org.kind === 'subscriber' && notYetReplicated(world, v))) continue;
    if (keys.length === 0)
      throw new SalesforceError(
        'INSTALL_KEY_REQUIRED',
        'Please provide installationkey when querying against SubscriberPackageVersion that is protected by installationkey',
      );
    if (!keys.every((c) => c.operator === '=' && c.values[0] === v.installationKey))
      throw new SalesforceError(
        'INSTALL_KEY_INVALID',
        'Invalid InstallationKey for SubscriberPackageVersion',
      );
  }
}

/** Tooling objects of an org, by lower-case name. */
export function toolingTables(world: World, org: OrgState, version: string): Map<string, VirtualTable> {
  const s = world.state;
  const packageRow = (packageId: string): Row => {
    const p = world.console.package(packageId);
    return {
      attributes: attrs('SubscriberPackage', p.id, version, true),
      Id: p.id,
      Name: p.name,
      NamespacePrefix: p.namespace,
      Description: p.description,
      IsPackageValid: true,
    };
  };
  const tables: VirtualTable[] = [
    {
      name: 'PackageInstallRequest',
      fields: INSTALL_FIELDS,
      rows: () =>
        s.installRequests
          .filter((r) => r.orgId === org.id)
          .map((r) => installRequestRow(world, r.id, org, version) as Row),
    },
    {
      name: 'SubscriberPackageVersion',
      fields: SPV_FIELDS,
      idOnly: true,
      // A subscriber's instance doesn't have a version whose replication is not finished: zero rows.
      rows: () =>
        s.versions
          .filter((v) => org.kind !== 'subscriber' || !notYetReplicated(world, v))
          .map((v) => subscriberPackageVersionRow(world, v, version)),
      check: (conditions) => checkInstallationKey(world, org, conditions),
    },
    {
      name: 'SubscriberPackage',
      fields: ['Id', 'Name', 'NamespacePrefix', 'Description', 'IsPackageValid'],
      idOnly: true,
      rows: () => s.packages.map((p) => packageRow(p.id)),
    },
    {
      name: 'InstalledSubscriberPackage',
      fields: [
        'Id',
        'SubscriberPackageId',
        'SubscriberPackageVersionId',
        'MinPackageVersionId',
        'SubscriberPackage',
        'SubscriberPackageVersion',
      ],
      rows: () => [
        ...(org.kind === 'lmo' ? [lmaInstalled(version, world.state.lma?.version === 'older')] : []),
        ...s.installed
          .filter((i) => i.orgId === org.id)
          .map((i) => {
            const v = world.console.version(i.versionId) as VersionState;
            return {
              attributes: attrs('InstalledSubscriberPackage', i.id, version, true),
              Id: i.id,
              SubscriberPackageId: i.packageId,
              SubscriberPackageVersionId: i.versionId,
              MinPackageVersionId: i.minVersionId,
              SubscriberPackage: packageRow(i.packageId),
              SubscriberPackageVersion: {
                ...subscriberPackageVersionRow(world, v, version),
                VersionNumber: versionNumber(v),
              },
            };
          }),
      ],
    },
    // Probed by `sf org login`; no sandboxes are being created here.
    {
      name: 'SandboxProcess',
      fields: [
        'Id',
        'Status',
        'SandboxName',
        'SandboxInfoId',
        'LicenseType',
        'CreatedDate',
        'CopyProgress',
        'SandboxOrganization',
        'SourceId',
        'Description',
        'EndDate',
        'Features',
      ],
      rows: () => [],
    },
    ...lmoToolingTables(world, org, version),
  ];
  return new Map(tables.map((t) => [t.name.toLowerCase(), t]));
}

/** REST (non-Tooling) objects of an org that the world answers itself. */
export function restTables(world: World, org: OrgState, version = LATEST_VERSION): Map<string, VirtualTable> {
  const tables: VirtualTable[] = [
    duplicateRuleTable(world, org, version),
    flowDefinitionTable(world, org, version),
    withSubscriberLoginField(world, org, userPermissionAccessTable(org, version)),
  ];
  // Only a Dev Hub answers ScratchOrgInfo; elsewhere the query must fail (INVALID_TYPE) so
  // that @salesforce/core does not flag the org as a Dev Hub.
  if (org.kind === 'devhub' && !org.packagingOrg) {
    tables.push({
      name: 'ScratchOrgInfo',
      fields: ['Id', 'OrgName', 'Status', 'ScratchOrg', 'SignupUsername', 'ExpirationDate'],
      rows: () => [],
    });
  }
  return new Map(tables.map((t) => [t.name.toLowerCase(), t]));
}
