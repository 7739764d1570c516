// The LMA's three custom objects and License field history, as the LMA's own
// metadata defines them: LMA 1.20 and an older LMA (the
// LMA-Ext "referenced package" metadata), which lacks License → Package, the
// subscriber org fields and the version numbers. Relationship names are the
// metadata's generated ones (R00N30000001Jv…). Key prefixes of the LMA objects
// are not documented: a0P/a0V/a0L are invented, plausible custom-object prefixes.
import { checkbox, date, dateTime, formula, lookup, number, picklist, systemFields, text } from './fields';
import type { FieldDef, Row, SObjectDef } from './types';

export const LICENSE = 'sfLma__License__c';
export const PACKAGE = 'sfLma__Package__c';
export const PACKAGE_VERSION = 'sfLma__Package_Version__c';
export const LICENSE_HISTORY = 'sfLma__License__History';

export const LICENSE_STATUSES = ['Trial', 'Active', 'Suspended', 'Uninstalled'];

/** Which LMA the LMO has: 1.20 (public LMO metadata) or an older one without the fields it added. */
export type LmaVersion = 'current' | 'older';

/** Child relationship names of the LMA's lookups, as its metadata generated them. */
export const CHILD_RELATIONSHIPS = {
  licenseLead: 'sfLma__R00N30000001JvRAEA0__r',
  licenseAccount: 'sfLma__R00N30000001JvRMEA0__r',
  licenseContact: 'sfLma__R00N30000001JvR6EAK__r',
  licensePackageVersion: 'sfLma__R00N30000001JvQxEAK__r',
  licensePackage: 'sfLma__Licenses__r',
  packageVersionPackage: 'sfLma__R00N30000001JvR7EAK__r',
  packageLeadManager: 'sfLma__R00N30000001JvRJEA0__r',
};
/** Seats value meaning "Site License". */
export const SITE_LICENSE = -1;
export const MAX_SEATS = 99_000_000;
/** One of the two "Does not expire" encodings (the other is null). */
export const PERPETUAL_DATE = '1970-01-01';

const HELP = formula(
  'sfLma__Help__c',
  'Help',
  'string',
  'HYPERLINK("https://help.salesforce.com", "Help")',
  () => '<a href="https://help.salesforce.com" target="_blank">Help</a>',
);
const same = (name: string, label: string, source: string, type: FieldDef['type'] = 'string'): FieldDef =>
  formula(name, label, type, source, (row) => row[source] ?? (type === 'boolean' ? false : null));

const addDays = (isoDate: string, days: number): string => {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/** Only in LMA 1.20: dropped from the older LMA's objects. */
const only = (version: LmaVersion, ...fields: FieldDef[]): FieldDef[] =>
  version === 'current' ? fields : [];

function packageObject(version: LmaVersion): SObjectDef {
  return {
    name: PACKAGE,
    label: 'Package',
    labelPlural: 'Packages',
    keyPrefix: 'a0P',
    custom: true,
    createable: true,
    updateable: true,
    deletable: true,
    fields: [
      ...systemFields({ owner: true }),
      text('Name', 'Package Name', 80, { nameField: true, required: true }),
      text('sfLma__Package_ID__c', 'Package ID', 18, { indexed: true }),
      text('sfLma__Developer_Org_ID__c', 'Developer Org ID', 18),
      text('sfLma__Developer_Name__c', 'Developer Name', 80),
      text('sfLma__Latest_Version__c', 'Latest Version', 20),
      lookup(
        'sfLma__Lead_Manager__c',
        'Lead Manager',
        'User',
        'sfLma__Lead_Manager__r',
        CHILD_RELATIONSHIPS.packageLeadManager,
      ),
      date('sfLma__Release_Date__c', 'Release Date'),
      ...only(
        version,
        date('sfLma__Last_License_Refresh__c', 'Last License Refresh'),
        formula(
          'sfLma__Next_Available_Refresh__c',
          'Next Available Refresh',
          'date',
          'sfLma__Last_License_Refresh__c + 7',
          (row) =>
            typeof row.sfLma__Last_License_Refresh__c === 'string'
              ? addDays(row.sfLma__Last_License_Refresh__c, 7)
              : null,
        ),
      ),
      HELP,
    ],
  };
}

function packageVersionObject(version: LmaVersion): SObjectDef {
  return {
    name: PACKAGE_VERSION,
    label: 'Package Version',
    labelPlural: 'Package Versions',
    keyPrefix: 'a0V',
    custom: true,
    createable: true,
    updateable: true,
    deletable: true,
    fields: [
      // Master-detail children have no owner of their own.
      ...systemFields(),
      text('Name', 'Package Version Name', 80, { nameField: true, required: true }),
      // Master-detail, not reparentable (reparentableMasterDetail false): set on create only.
      lookup(
        'sfLma__Package__c',
        'Package',
        PACKAGE,
        'sfLma__Package__r',
        CHILD_RELATIONSHIPS.packageVersionPackage,
        { required: true, cascadeDelete: true, updateable: false, masterDetail: true },
      ),
      text('sfLma__Version__c', 'Version', 20),
      ...only(version, text('sfLma__Version_Number__c', 'Version Number', 20)),
      text('sfLma__Version_ID__c', 'Version ID', 18, { indexed: true }),
      date('sfLma__Release_Date__c', 'Release Date'),
      checkbox('sfLma__Is_Beta__c', 'Beta'),
      number('sfLma__Sequence__c', 'Sequence', 18),
      HELP,
    ],
  };
}

const recordTypeName = (row: Row, ctx: Parameters<NonNullable<FieldDef['formula']>>[1]): unknown =>
  ctx.get('RecordType', row.RecordTypeId)?.Name ?? null;

/** The License record types and the Status values each allows in LMA 1.20's record-type picklist mapping. */
export const LICENSE_RECORD_TYPES: NonNullable<SObjectDef['recordTypes']> = [
  { developerName: 'sfLma__Active', name: 'Active', statusValues: ['Active', 'Suspended'] },
  { developerName: 'sfLma__Expired', name: 'Expired', statusValues: ['Active', 'Suspended', 'Trial'] },
  { developerName: 'sfLma__Suspended', name: 'Suspended', statusValues: ['Active', 'Suspended'] },
  { developerName: 'sfLma__Trial', name: 'Trial', statusValues: ['Active', 'Trial'] },
  { developerName: 'sfLma__Uninstalled', name: 'Uninstalled', statusValues: ['Uninstalled'] },
];

function licenseObject(version: LmaVersion, restrictedStatus: boolean): SObjectDef {
  return {
    name: LICENSE,
    label: 'License',
    labelPlural: 'Licenses',
    keyPrefix: 'a0L',
    custom: true,
    createable: true,
    updateable: true,
    deletable: true,
    fields: [
      ...systemFields({ owner: true }),
      text('Name', 'License Name', 80, {
        nameField: true,
        autoNumber: 'L-{00000}',
        createable: false,
        updateable: false,
      }),
      lookup('RecordTypeId', 'Record Type ID', 'RecordType', 'RecordType', undefined),
      // Not restricted in the LMA's metadata: any value (or none) is accepted through the API.
      picklist('sfLma__Status__c', 'Status', LICENSE_STATUSES, { restricted: restrictedStatus }),
      formula('sfLma__License_Status__c', 'License Status', 'string', '$RecordType.Name', recordTypeName),
      // A custom Number field: the API reports it as a double, whatever its scale.
      number('sfLma__Seats__c', 'Seats', version === 'current' ? 8 : 6),
      formula(
        'sfLma__Licensed_Seats__c',
        'Licensed Seats',
        'string',
        'IF( sfLma__Seats__c >=0, TEXT(sfLma__Seats__c ), "Site License")',
        (row) =>
          typeof row.sfLma__Seats__c === 'number' && row.sfLma__Seats__c >= 0
            ? String(row.sfLma__Seats__c)
            : 'Site License',
      ),
      number('sfLma__Used_Licenses__c', 'Used Licenses', 18),
      date('sfLma__Expiration__c', 'Expiration', {
        inlineHelpText: 'Expiration Date of the License, 1/1/1970 represents a perpetual license',
      }),
      formula(
        'sfLma__Expiration_Date__c',
        'Expiration Date',
        'string',
        'if( sfLma__Expiration__c <> date(1970,1,1), text(sfLma__Expiration__c), "Does not expire")',
        // null is the other "does not expire" encoding in the wild (tools other than the LMA write it).
        (row) => {
          const e = row.sfLma__Expiration__c;
          return typeof e === 'string' && e !== PERPETUAL_DATE ? e : 'Does not expire';
        },
      ),
      date('sfLma__Install_Date__c', 'Install Date'),
      lookup('sfLma__Lead__c', 'Lead', 'Lead', 'sfLma__Lead__r', CHILD_RELATIONSHIPS.licenseLead),
      lookup(
        'sfLma__Account__c',
        'Account',
        'Account',
        'sfLma__Account__r',
        CHILD_RELATIONSHIPS.licenseAccount,
      ),
      lookup(
        'sfLma__Contact__c',
        'Contact',
        'Contact',
        'sfLma__Contact__r',
        CHILD_RELATIONSHIPS.licenseContact,
      ),
      lookup(
        'sfLma__Package_Version__c',
        'Package Version',
        PACKAGE_VERSION,
        'sfLma__Package_Version__r',
        CHILD_RELATIONSHIPS.licensePackageVersion,
      ),
      ...only(
        version,
        lookup(
          'sfLma__Package__c',
          'Package',
          PACKAGE,
          'sfLma__Package__r',
          CHILD_RELATIONSHIPS.licensePackage,
        ),
      ),
      text('sfLma__Subscriber_Org_ID__c', 'Subscriber Org ID', 18, { indexed: true }),
      ...only(
        version,
        checkbox('sfLma__Subscriber_Org_Is_Sandbox__c', 'Subscriber Org Is Sandbox'),
        same('sfLma__Is_Sandbox__c', 'Sandbox', 'sfLma__Subscriber_Org_Is_Sandbox__c', 'boolean'),
        text('sfLma__Org_Instance__c', 'Org Instance', 6),
        same('sfLma__Instance__c', 'Instance', 'sfLma__Org_Instance__c'),
        text('sfLma__Org_Type__c', 'Org Type', 40),
        same('sfLma__Org_Edition__c', 'Org Edition', 'sfLma__Org_Type__c'),
        text('sfLma__Org_Status_Formula__c', 'Org Status Formula', 20),
        same('sfLma__Org_Status__c', 'Org Status', 'sfLma__Org_Status_Formula__c'),
        text('sfLma__Org_Trial_Expiration__c', 'Org Trial Expiration', 15),
        same('sfLma__Trial_Expiration_Date__c', 'Org Expiration Date', 'sfLma__Org_Trial_Expiration__c'),
      ),
      text('sfLma__License_Type__c', 'License Type', 255),
      text('sfLma__Package_License_ID__c', 'Package License ID', 18),
      text('sfLma__Proxy_User__c', 'Proxy User', 40),
      ...only(
        version,
        text('sfLma__Version_Number__c', 'Version Number', 40),
        same('sfLma__Package_Version_Number__c', 'Package Version Number', 'sfLma__Version_Number__c'),
        dateTime('sfLma__Last_Modified__c', 'Information Current As Of'),
      ),
      HELP,
    ],
    recordTypes: LICENSE_RECORD_TYPES,
  };
}

/**
 * The License fields whose history each LMA tracks: LMA 1.20's metadata tracks these four; the older
 * LMA's tracks none (trackHistory false everywhere). An org's admin may change the set.
 */
export const DEFAULT_TRACKED_FIELDS: Record<LmaVersion, readonly string[]> = {
  current: ['sfLma__Status__c', 'sfLma__Seats__c', 'sfLma__Expiration__c', 'sfLma__Package_Version__c'],
  older: [],
};

function licenseHistoryObject(tracked: readonly string[]): SObjectDef {
  return {
    name: LICENSE_HISTORY,
    label: 'License History',
    labelPlural: 'License History',
    keyPrefix: '017',
    custom: true,
    // History rows are written by the platform only.
    createable: false,
    updateable: false,
    deletable: false,
    historyOf: LICENSE,
    fields: [
      ...systemFields({ lastModified: false }),
      lookup('ParentId', 'Parent ID', LICENSE, 'Parent', 'Histories', {
        createable: false,
        updateable: false,
        custom: false,
      }),
      picklist('Field', 'Changed Field', ['created', ...tracked], {
        createable: false,
        updateable: false,
        custom: false,
      }),
      picklist('DataType', 'Data Type', HISTORY_DATA_TYPES, {
        createable: false,
        updateable: false,
        custom: false,
      }),
      {
        name: 'OldValue',
        label: 'Old Value',
        type: 'anyType',
        createable: false,
        updateable: false,
        custom: false,
      },
      {
        name: 'NewValue',
        label: 'New Value',
        type: 'anyType',
        createable: false,
        updateable: false,
        custom: false,
      },
    ],
  };
}

/** `DataType` of a history row: the kind of value OldValue and NewValue hold. */
export const HISTORY_DATA_TYPES = [
  'Text',
  'EntityId',
  'DynamicEnum',
  'Double',
  'Date',
  'DateTime',
  'Boolean',
];

export interface LmaSchemaOptions {
  version: LmaVersion;
  /** The LMO customization that restricts License Status to the LMA's four values. */
  restrictedStatus: boolean;
  /** The License fields whose changes history records. */
  trackedFields: readonly string[];
}

/** The LMA's objects in an LMO set up as `options` say. */
export function lmaObjects(options: LmaSchemaOptions): SObjectDef[] {
  return [
    packageObject(options.version),
    packageVersionObject(options.version),
    licenseObject(options.version, options.restrictedStatus),
    licenseHistoryObject(options.trackedFields),
  ];
}
