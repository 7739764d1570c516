/**
 * The objects the extension reads and writes, declared once: each object's API name and label, and
 * each field's API name, label, type and which LMA versions have it. The field lists of describe-less
 * callers (`LMA_1_20_FIELDS`), the SELECT lists (only the fields this org has, `lmaFields.ts`) and the
 * typed rows of a query (`Row`) all come from here. Labels and types as the LMA's metadata has them
 * (/work/shared/reference/lma-domain.md §1: tidyops, LMA 1.20; LMA-Ext, an older LMA).
 */

import type { LmaFields } from '../../org/lmoSession';

export type FieldType = 'id' | 'text' | 'picklist' | 'number' | 'checkbox' | 'date' | 'datetime' | 'lookup';

export interface FieldDeclaration {
  label: string;
  type: FieldType;
  /** Never null in a row: the Id, an auto-number Name, a system date, a master-detail. */
  required?: true;
  /** The LMA version that added the field; older LMAs lack it and a query naming it fails whole. */
  since?: '1.20';
  /** A lookup's target object and the relationship name a query goes through (`sfLma__Lead__r`). */
  to?: ObjectName;
  relationship?: string;
}

export interface ObjectDeclaration {
  apiName: string;
  label: string;
  fields: Readonly<Record<string, FieldDeclaration>>;
}

/** The LMA's three objects (those the session describes: older LMAs lack some of their fields). */
export type LmaObject = 'license' | 'package' | 'packageVersion';
/** Every object a query of the extension names, the LMA's and the standard parents it reads through. */
export type ObjectName =
  LmaObject | 'licenseHistory' | 'lead' | 'account' | 'contact' | 'user' | PushObject | FmaObject;
/**
 * The push-upgrade objects: they live in the package's OWNER org (the Dev Hub for 2GP and unlocked
 * packages, the packaging org for 1GP), which is the LMO only when the partner business org is both.
 */
export type PushObject = 'pushRequest' | 'pushJob' | 'pushError' | 'packageSubscriber';
/** The Feature Management App's objects (namespace sfFma), in LMOs that have it (FMA metadata). */
export type FmaObject =
  'featureParameter' | 'featureParameterBoolean' | 'featureParameterInteger' | 'featureParameterDate';

const system = {
  Id: { label: 'Record ID', type: 'id', required: true },
  CreatedDate: { label: 'Created Date', type: 'datetime', required: true },
  CreatedById: { label: 'Created By', type: 'lookup', to: 'user', relationship: 'CreatedBy', required: true },
  LastModifiedDate: { label: 'Last Modified Date', type: 'datetime', required: true },
  LastModifiedById: {
    label: 'Last Modified By',
    type: 'lookup',
    to: 'user',
    relationship: 'LastModifiedBy',
    required: true,
  },
} as const;

/**
 * The FMA's value junction of one parameter type (sfFma__FeatureParameterBoolean__c, …Integer__c,
 * …Date__c): the same fields on each, only the value's type differs.
 */
function fmaValueObject<K extends 'Boolean' | 'Integer' | 'Date', T extends FieldType>(kind: K, type: T) {
  return {
    apiName: `sfFma__FeatureParameter${kind}__c`,
    label: `Feature Parameter ${kind}`,
    fields: {
      Id: system.Id,
      LastModifiedDate: system.LastModifiedDate,
      LastModifiedById: system.LastModifiedById,
      sfFma__FeatureParameter__c: {
        label: 'Feature Parameter',
        type: 'lookup',
        to: 'featureParameter',
        relationship: 'sfFma__FeatureParameter__r',
        required: true,
      },
      sfFma__License__c: {
        label: 'License',
        type: 'lookup',
        to: 'license',
        relationship: 'sfFma__License__r',
        required: true,
      },
      sfFma__Value__c: { label: 'Feature Parameter Value', type },
    },
  } as const;
}

export const OBJECTS = {
  license: {
    apiName: 'sfLma__License__c',
    label: 'License',
    fields: {
      Id: system.Id,
      Name: { label: 'License Name', type: 'text', required: true },
      CreatedDate: system.CreatedDate,
      CreatedById: system.CreatedById,
      LastModifiedDate: system.LastModifiedDate,
      LastModifiedById: system.LastModifiedById,
      RecordTypeId: { label: 'Record Type', type: 'lookup' },
      sfLma__Status__c: { label: 'Status', type: 'picklist' },
      sfLma__License_Status__c: { label: 'License Status', type: 'text' },
      sfLma__Seats__c: { label: 'Seats', type: 'number' },
      sfLma__Used_Licenses__c: { label: 'Used Licenses', type: 'number' },
      sfLma__Expiration__c: { label: 'Expiration', type: 'date' },
      sfLma__Install_Date__c: { label: 'Install Date', type: 'date' },
      sfLma__Subscriber_Org_ID__c: { label: 'Subscriber Org ID', type: 'text' },
      sfLma__Subscriber_Org_Is_Sandbox__c: {
        label: 'Subscriber Org Is Sandbox',
        type: 'checkbox',
        since: '1.20',
      },
      sfLma__Org_Instance__c: { label: 'Org Instance', type: 'text', since: '1.20' },
      sfLma__Org_Type__c: { label: 'Org Type', type: 'text', since: '1.20' },
      sfLma__Org_Status__c: { label: 'Org Status', type: 'text', since: '1.20' },
      sfLma__Org_Trial_Expiration__c: { label: 'Org Trial Expiration', type: 'text', since: '1.20' },
      sfLma__Package_Version__c: {
        label: 'Package Version',
        type: 'lookup',
        to: 'packageVersion',
        relationship: 'sfLma__Package_Version__r',
      },
      sfLma__Package__c: {
        label: 'Package',
        type: 'lookup',
        to: 'package',
        relationship: 'sfLma__Package__r',
        since: '1.20',
      },
      sfLma__Version_Number__c: { label: 'Version Number', type: 'text', since: '1.20' },
      sfLma__Lead__c: { label: 'Lead', type: 'lookup', to: 'lead', relationship: 'sfLma__Lead__r' },
      sfLma__Account__c: {
        label: 'Account',
        type: 'lookup',
        to: 'account',
        relationship: 'sfLma__Account__r',
      },
      sfLma__Contact__c: {
        label: 'Contact',
        type: 'lookup',
        to: 'contact',
        relationship: 'sfLma__Contact__r',
      },
      sfLma__License_Type__c: { label: 'License Type', type: 'text' },
    },
  },
  package: {
    apiName: 'sfLma__Package__c',
    label: 'Package',
    fields: {
      Id: system.Id,
      Name: { label: 'Package Name', type: 'text', required: true },
      sfLma__Package_ID__c: { label: 'Package ID', type: 'text' },
      sfLma__Developer_Name__c: { label: 'Developer Name', type: 'text' },
      sfLma__Latest_Version__c: { label: 'Latest Version', type: 'text' },
      sfLma__Lead_Manager__c: {
        label: 'Lead Manager',
        type: 'lookup',
        to: 'user',
        relationship: 'sfLma__Lead_Manager__r',
      },
      /** Set by the package's Refresh Licenses button (once a week; no API); the next is 7 days later. */
      sfLma__Last_License_Refresh__c: { label: 'Last License Refresh', type: 'date', since: '1.20' },
      sfLma__Next_Available_Refresh__c: { label: 'Next Available Refresh', type: 'date', since: '1.20' },
    },
  },
  packageVersion: {
    apiName: 'sfLma__Package_Version__c',
    label: 'Package Version',
    fields: {
      Id: system.Id,
      Name: { label: 'Package Version Name', type: 'text', required: true },
      sfLma__Package__c: {
        label: 'Package',
        type: 'lookup',
        to: 'package',
        relationship: 'sfLma__Package__r',
        required: true,
      },
      sfLma__Version__c: { label: 'Version', type: 'text' },
      sfLma__Version_Number__c: { label: 'Version Number', type: 'text', since: '1.20' },
      sfLma__Version_ID__c: { label: 'Version ID', type: 'text' },
      sfLma__Release_Date__c: { label: 'Release Date', type: 'date' },
      sfLma__Is_Beta__c: { label: 'Beta', type: 'checkbox' },
      sfLma__Sequence__c: { label: 'Sequence', type: 'number' },
    },
  },
  /** The License's field history (history is enabled on License): one row per field and change. */
  licenseHistory: {
    apiName: 'sfLma__License__History',
    label: 'License History',
    fields: {
      Id: system.Id,
      ParentId: { label: 'License', type: 'lookup', required: true },
      Field: { label: 'Field', type: 'text', required: true },
      OldValue: { label: 'Old Value', type: 'text' },
      NewValue: { label: 'New Value', type: 'text' },
      CreatedDate: system.CreatedDate,
      CreatedById: system.CreatedById,
    },
  },
  /** Standard parents, with the fields the extension reads through the License's lookups. */
  lead: {
    apiName: 'Lead',
    label: 'Lead',
    fields: {
      Id: system.Id,
      Name: { label: 'Name', type: 'text' },
      Company: { label: 'Company', type: 'text' },
      LeadSource: { label: 'Lead Source', type: 'picklist' },
    },
  },
  account: {
    apiName: 'Account',
    label: 'Account',
    fields: { Id: system.Id, Name: { label: 'Account Name', type: 'text' } },
  },
  contact: {
    apiName: 'Contact',
    label: 'Contact',
    fields: { Id: system.Id, Name: { label: 'Full Name', type: 'text' } },
  },
  user: {
    apiName: 'User',
    label: 'User',
    fields: {
      Id: system.Id,
      Name: { label: 'Full Name', type: 'text' },
      IsActive: { label: 'Active', type: 'checkbox', required: true },
    },
  },
  /**
   * Push upgrades, in the package's owner org (/work/shared/reference/lma-domain.md, isv-operations.md:
   * PackagePushRequest 0DV, statuses Created, Pending, In Progress, Succeeded, Failed, Canceled).
   */
  pushRequest: {
    apiName: 'PackagePushRequest',
    label: 'Package Push Request',
    fields: {
      Id: system.Id,
      PackageVersionId: { label: 'Package Version ID', type: 'text', required: true },
      ScheduledStartTime: { label: 'Scheduled Start Time', type: 'datetime' },
      Status: { label: 'Status', type: 'picklist', required: true },
      StartTime: { label: 'Start Time', type: 'datetime' },
      EndTime: { label: 'End Time', type: 'datetime' },
      DurationSeconds: { label: 'Duration Seconds', type: 'number' },
      CreatedDate: system.CreatedDate,
    },
  },
  pushJob: {
    apiName: 'PackagePushJob',
    label: 'Package Push Job',
    fields: {
      Id: system.Id,
      PackagePushRequestId: { label: 'Package Push Request ID', type: 'text', required: true },
      SubscriberOrganizationKey: { label: 'Subscriber Organization Key', type: 'text', required: true },
      Status: { label: 'Status', type: 'picklist', required: true },
      StartTime: { label: 'Start Time', type: 'datetime' },
      EndTime: { label: 'End Time', type: 'datetime' },
    },
  },
  /** Read only: one row per error of a job (ErrorType ApexTestFailure, DeployError, …). */
  pushError: {
    apiName: 'PackagePushError',
    label: 'Package Push Error',
    fields: {
      Id: system.Id,
      PackagePushJobId: { label: 'Package Push Job ID', type: 'text', required: true },
      ErrorSeverity: { label: 'Error Severity', type: 'picklist' },
      ErrorType: { label: 'Error Type', type: 'picklist' },
      ErrorTitle: { label: 'Error Title', type: 'text' },
      ErrorMessage: { label: 'Error Message', type: 'text' },
      ErrorDetails: { label: 'Error Details', type: 'text' },
    },
  },
  /** Who has the package installed: OrgKey is the 18-character subscriber org id. */
  packageSubscriber: {
    apiName: 'PackageSubscriber',
    label: 'Package Subscriber',
    fields: {
      Id: system.Id,
      OrgKey: { label: 'Org Key', type: 'text', required: true },
      OrgName: { label: 'Org Name', type: 'text' },
      OrgType: { label: 'Org Type', type: 'picklist' },
      OrgStatus: { label: 'Org Status', type: 'picklist' },
      InstanceName: { label: 'Instance Name', type: 'text' },
      InstalledStatus: { label: 'Installed Status', type: 'picklist' },
      MetadataPackageId: { label: 'Metadata Package ID', type: 'text' },
      MetadataPackageVersionId: { label: 'Metadata Package Version ID', type: 'text' },
      HasRestrictionEnabled: { label: 'Has Restriction Enabled', type: 'checkbox' },
    },
  },
  featureParameter: {
    apiName: 'sfFma__FeatureParameter__c',
    label: 'Feature Parameter',
    fields: {
      Id: system.Id,
      Name: { label: 'Feature Parameter Name', type: 'text', required: true },
      CreatedById: system.CreatedById,
      sfFma__FullName__c: { label: 'Full Name', type: 'text' },
      sfFma__DataType__c: { label: 'Data Type', type: 'picklist' },
      sfFma__DataFlowDirection__c: { label: 'Data Flow Direction', type: 'picklist' },
      sfFma__Package__c: {
        label: 'Package',
        type: 'lookup',
        to: 'package',
        relationship: 'sfFma__Package__r',
        required: true,
      },
      sfFma__IntroducedInPackageVersion__c: { label: 'Introduced in Package Version', type: 'text' },
      sfFma__Namespace_Prefix__c: { label: 'Namespace Prefix', type: 'text' },
    },
  },
  featureParameterBoolean: fmaValueObject('Boolean', 'checkbox'),
  featureParameterInteger: fmaValueObject('Integer', 'number'),
  featureParameterDate: fmaValueObject('Date', 'date'),
} as const satisfies Record<ObjectName, ObjectDeclaration>;

/** The push objects' API names, for REST paths and sObject Collections. */
export const PUSH_OBJECTS: Record<PushObject, string> = {
  pushRequest: OBJECTS.pushRequest.apiName,
  pushJob: OBJECTS.pushJob.apiName,
  pushError: OBJECTS.pushError.apiName,
  packageSubscriber: OBJECTS.packageSubscriber.apiName,
};

/** The License's API name, for the requests that name the object (REST paths, sObject Collections). */
export const LICENSE_OBJECT = OBJECTS.license.apiName;

/** The FMA's value junction of each parameter type. */
export const FMA_JUNCTIONS = {
  Boolean: OBJECTS.featureParameterBoolean.apiName,
  Integer: OBJECTS.featureParameterInteger.apiName,
  Date: OBJECTS.featureParameterDate.apiName,
} as const;

/** The LMA's objects' API names. */
export const LMA_OBJECTS: Record<LmaObject, string> = {
  license: OBJECTS.license.apiName,
  package: OBJECTS.package.apiName,
  packageVersion: OBJECTS.packageVersion.apiName,
};

/** The objects' labels, as a permission set lists them. */
export const LMA_OBJECT_LABELS: Record<LmaObject, string> = {
  license: OBJECTS.license.label,
  package: OBJECTS.package.label,
  packageVersion: OBJECTS.packageVersion.label,
};

/** The fields each of the LMA's objects has in this org: the session keeps them, the domain reads them. */
export type { LmaFields };

const declared = (object: LmaObject, lma: '1.20' | 'older'): string[] =>
  Object.entries(OBJECTS[object].fields as Record<string, FieldDeclaration>)
    .filter(([, field]) => lma === '1.20' || !field.since)
    .map(([name]) => name);

/**
 * The fields the extension reads, as LMA 1.20 has them: what a caller without a describe assumes
 * (unit tests, a query built before connecting).
 */
export const LMA_1_20_FIELDS: LmaFields = {
  license: declared('license', '1.20'),
  package: declared('package', '1.20'),
  packageVersion: declared('packageVersion', '1.20'),
};

/** The same fields in an LMA older than 1.20 (no License → Package, subscriber org fields, version numbers). */
export const OLDER_LMA_FIELDS: LmaFields = {
  license: declared('license', 'older'),
  package: declared('package', 'older'),
  packageVersion: declared('packageVersion', 'older'),
};

/** The target object of a lookup, by its relationship name (`sfLma__Package_Version__r` → packageVersion). */
export function relationshipTarget(object: ObjectName, relationship: string): ObjectName | undefined {
  const fields = OBJECTS[object].fields as Record<string, FieldDeclaration>;
  return Object.values(fields).find((field) => field.relationship === relationship)?.to;
}

// ---------------------------------------------------------------------------------------------------
// Typed rows: what a query of a list of field paths answers, derived from the declaration. Only the Id,
// the name and the other `required` fields are always there: a field this org lacks (an older LMA, or
// one the user's field-level security hides: describe leaves both out) is left out of the SELECT and
// so absent from the row, and a value or a lookup's parent may be null.

type Fields<O extends ObjectName> = (typeof OBJECTS)[O]['fields'];
type FieldName<O extends ObjectName> = keyof Fields<O> & string;
type Relationship<O extends ObjectName> = {
  [K in FieldName<O>]: Fields<O>[K] extends { relationship: infer R extends string } ? R : never;
}[FieldName<O>];
type RequiredField<O extends ObjectName> = {
  [K in FieldName<O>]: Fields<O>[K] extends { required: true } ? K : never;
}[FieldName<O>];

/** A field of `O`, or a path through one of its lookups (`sfLma__Lead__r.Company`). */
export type FieldPath<O extends ObjectName> = FieldName<O> | `${Relationship<O>}.${string}`;

type Value<F> = F extends { type: 'number' } ? number : F extends { type: 'checkbox' } ? boolean : string;
type Plain<P> = P extends `${string}.${string}` ? never : P;
type Head<P> = P extends `${infer H}.${string}` ? H : never;
type Tail<P, H extends string> = P extends `${H}.${infer T}` ? T : never;
type Target<O extends ObjectName, R> = {
  [K in FieldName<O>]: Fields<O>[K] extends { relationship: R; to: infer T extends ObjectName } ? T : never;
}[FieldName<O>];

/** A record of `O` as a query of the field paths `P` answers it. */
export type Row<O extends ObjectName, P extends string> = {
  [K in Plain<P> & RequiredField<O>]: Value<Fields<O>[K]>;
} & {
  [K in Exclude<Plain<P> & FieldName<O>, RequiredField<O>>]?: Value<Fields<O>[K]> | null;
} & {
  [R in Head<P>]?: Row<Target<O, R>, Tail<P, R>> | null;
};
