// Push upgrades in a package's owner org (the Dev Hub for 2GP and unlocked packages, the packaging
// org for 1GP): the package catalog (MetadataPackage, MetadataPackageVersion), who has the package
// (PackageSubscriber), and the push objects (PackagePushRequest 0DV, PackagePushJob, PackagePushError).
// Fields and statuses: Salesforce's Object Reference (see /CONTRIBUTING.md, "Push upgrades"); the key
// prefixes other than 033, 04t and 0DV are UNCONFIRMED.
import { checkbox, dateTime, lookup, number, picklist, systemFields, text, textArea } from './fields';
import type { SObjectDef } from './types';

export const METADATA_PACKAGE = 'MetadataPackage';
export const METADATA_PACKAGE_VERSION = 'MetadataPackageVersion';
export const PACKAGE_SUBSCRIBER = 'PackageSubscriber';
export const PUSH_REQUEST = 'PackagePushRequest';
export const PUSH_JOB = 'PackagePushJob';
export const PUSH_ERROR = 'PackagePushError';

/** A request's and a job's statuses (Object Reference: Created is the default). */
export const PUSH_STATUSES = ['Created', 'Pending', 'In Progress', 'Succeeded', 'Failed', 'Canceled'];
export const PUSH_ERROR_TYPES = [
  'ApexTestFailure',
  'DeployError',
  'FeatureMissing',
  'IneligibleUpgrade',
  'LimitExceeded',
  'LockingFailure',
  'PACError',
  'UnclassifiedError',
];
export const ORG_STATUSES = ['Active', 'Demo', 'Free', 'Inactive', 'Trial'];

const readOnly = { createable: false, updateable: false };

const object = (def: Omit<SObjectDef, 'custom' | 'deletable'> & { deletable?: boolean }): SObjectDef => ({
  custom: false,
  deletable: false,
  ...def,
});

export const pushObjects: SObjectDef[] = [
  object({
    name: METADATA_PACKAGE,
    label: 'Metadata Package',
    labelPlural: 'Metadata Packages',
    keyPrefix: '033',
    createable: false,
    updateable: false,
    fields: [
      ...systemFields(),
      text('Name', 'Name', 255, { nameField: true, ...readOnly }),
      text('NamespacePrefix', 'Namespace Prefix', 15, readOnly),
      picklist('PackageCategory', 'Package Category', ['Package', 'Package2'], {
        restricted: false,
        ...readOnly,
      }),
    ],
  }),
  object({
    name: METADATA_PACKAGE_VERSION,
    label: 'Metadata Package Version',
    labelPlural: 'Metadata Package Versions',
    keyPrefix: '04t',
    createable: false,
    updateable: false,
    fields: [
      ...systemFields(),
      text('Name', 'Name', 255, { nameField: true, ...readOnly }),
      lookup(
        'MetadataPackageId',
        'Metadata Package ID',
        METADATA_PACKAGE,
        'MetadataPackage',
        'MetadataPackageVersions',
        readOnly,
      ),
      number('MajorVersion', 'Major Version', 9, 0, readOnly),
      number('MinorVersion', 'Minor Version', 9, 0, readOnly),
      number('PatchVersion', 'Patch Version', 9, 0, readOnly),
      number('BuildNumber', 'Build Number', 9, 0, readOnly),
      picklist('ReleaseState', 'Release State', ['Beta', 'Released'], readOnly),
      checkbox('IsDeprecated', 'Is Deprecated', readOnly),
    ],
  }),
  object({
    name: PACKAGE_SUBSCRIBER,
    label: 'Package Subscriber',
    labelPlural: 'Package Subscribers',
    keyPrefix: '0Hb',
    createable: false,
    updateable: false,
    fields: [
      ...systemFields(),
      text('OrgKey', 'Org Key', 18, { ...readOnly, indexed: true }),
      text('OrgName', 'Org Name', 255, readOnly),
      picklist('OrgType', 'Org Type', ['Production', 'Sandbox'], { restricted: false, ...readOnly }),
      picklist('OrgStatus', 'Org Status', ORG_STATUSES, { restricted: false, ...readOnly }),
      text('InstanceName', 'Instance Name', 10, readOnly),
      text('InstalledStatus', 'Installed Status', 1, readOnly),
      text('ParentOrg', 'Parent Org', 18, readOnly),
      checkbox('HasRestrictionEnabled', 'Has Restriction Enabled', readOnly),
      lookup(
        'MetadataPackageVersionId',
        'Metadata Package Version ID',
        METADATA_PACKAGE_VERSION,
        'MetadataPackageVersion',
        undefined,
        readOnly,
      ),
      lookup(
        'MetadataPackageId',
        'Metadata Package ID',
        METADATA_PACKAGE,
        'MetadataPackage',
        undefined,
        readOnly,
      ),
    ],
  }),
  object({
    name: PUSH_REQUEST,
    label: 'Package Push Request',
    labelPlural: 'Package Push Requests',
    keyPrefix: '0DV',
    createable: true,
    updateable: true,
    fields: [
      ...systemFields(),
      lookup(
        'PackageVersionId',
        'Package Version ID',
        METADATA_PACKAGE_VERSION,
        'PackageVersion',
        undefined,
        {
          required: true,
          updateable: false,
        },
      ),
      dateTime('ScheduledStartTime', 'Scheduled Start Time'),
      picklist('Status', 'Status', PUSH_STATUSES, { defaultPick: 'Created' }),
      dateTime('StartTime', 'Start Time', readOnly),
      dateTime('EndTime', 'End Time', readOnly),
      number('DurationSeconds', 'Duration Seconds', 9, 0, readOnly),
      checkbox('IsMigration', 'Is Migration', { updateable: false }),
    ],
  }),
  object({
    name: PUSH_JOB,
    label: 'Package Push Job',
    labelPlural: 'Package Push Jobs',
    keyPrefix: '0DX',
    createable: true,
    updateable: false,
    fields: [
      ...systemFields(),
      lookup(
        'PackagePushRequestId',
        'Package Push Request ID',
        PUSH_REQUEST,
        'PackagePushRequest',
        'PackagePushJobs',
        {
          required: true,
          updateable: false,
        },
      ),
      text('SubscriberOrganizationKey', 'Subscriber Organization Key', 18, {
        required: true,
        updateable: false,
        indexed: true,
      }),
      picklist('Status', 'Status', PUSH_STATUSES, { defaultPick: 'Created', ...readOnly }),
      dateTime('StartTime', 'Start Time', readOnly),
      dateTime('EndTime', 'End Time', readOnly),
      number('DurationSeconds', 'Duration Seconds', 9, 0, readOnly),
    ],
  }),
  object({
    name: PUSH_ERROR,
    label: 'Package Push Error',
    labelPlural: 'Package Push Errors',
    keyPrefix: '0DY',
    createable: false,
    updateable: false,
    fields: [
      ...systemFields(),
      lookup(
        'PackagePushJobId',
        'Package Push Job ID',
        PUSH_JOB,
        'PackagePushJob',
        'PackagePushErrors',
        readOnly,
      ),
      picklist('ErrorSeverity', 'Error Severity', ['Error', 'Warning'], readOnly),
      picklist('ErrorType', 'Error Type', PUSH_ERROR_TYPES, readOnly),
      text('ErrorTitle', 'Error Title', 255, readOnly),
      textArea('ErrorMessage', 'Error Message', readOnly),
      textArea('ErrorDetails', 'Error Details', readOnly),
    ],
  }),
];
