// The standard objects of an LMO (and a subscriber or Dev Hub org): Account, Contact, Lead,
// Opportunity and User with the common standard fields of a real org, so that scripts written for
// one run unchanged, and the Organization and RecordType rows clients read.
import {
  checkbox,
  currency,
  date,
  dateTime,
  email,
  formula,
  lookup,
  number,
  percent,
  phone,
  picklist,
  systemFields,
  text,
  textArea,
  url,
} from './fields';
import type { FieldDef, Row, SObjectDef } from './types';

const fullName = (row: Row): string | null =>
  [row.FirstName, row.LastName].filter((v) => typeof v === 'string' && v !== '').join(' ') || null;

const standard = (
  def: Omit<SObjectDef, 'custom' | 'createable' | 'updateable' | 'deletable'> & Partial<SObjectDef>,
): SObjectDef => ({
  custom: false,
  createable: true,
  updateable: true,
  deletable: true,
  ...def,
});

/**
 * An address as Salesforce has it: the parts (`BillingStreet`…, `Latitude`/`Longitude`), and the
 * compound field (`BillingAddress`), read-only and computed from them, null when every part is.
 */
const address = (prefix: string, labelPrefix = prefix) => {
  const compound = `${prefix}Address`;
  const label = (s: string): string => `${labelPrefix} ${s}`.trim();
  const part = (f: FieldDef): FieldDef => ({ ...f, compoundFieldName: compound });
  const value = (row: Row): Row | null => {
    const v: Row = {
      city: row[`${prefix}City`] ?? null,
      country: row[`${prefix}Country`] ?? null,
      geocodeAccuracy: row[`${prefix}GeocodeAccuracy`] ?? null,
      latitude: row[`${prefix}Latitude`] ?? null,
      longitude: row[`${prefix}Longitude`] ?? null,
      postalCode: row[`${prefix}PostalCode`] ?? null,
      state: row[`${prefix}State`] ?? null,
      street: row[`${prefix}Street`] ?? null,
    };
    return Object.values(v).some((x) => x !== null) ? v : null;
  };
  return [
    part({ ...textArea(`${prefix}Street`, label('Street'), { length: 255 }) }),
    part(text(`${prefix}City`, label('City'), 40)),
    part(text(`${prefix}State`, label('State/Province'), 80)),
    part(text(`${prefix}PostalCode`, label('Zip/Postal Code'), 20)),
    part(text(`${prefix}Country`, label('Country'), 80)),
    part(number(`${prefix}Latitude`, label('Latitude'), 18, 15)),
    part(number(`${prefix}Longitude`, label('Longitude'), 18, 15)),
    part(
      picklist(`${prefix}GeocodeAccuracy`, label('Geocode Accuracy'), GEOCODE_ACCURACY, {
        restricted: false,
      }),
    ),
    formula(compound, label('Address'), 'address', '', value),
  ];
};

const GEOCODE_ACCURACY = [
  'Address',
  'NearAddress',
  'Block',
  'Street',
  'ExtendedZip',
  'Zip',
  'Neighborhood',
  'City',
  'County',
  'State',
  'Unknown',
];

export const LEAD_SOURCES = [
  'Web',
  'Phone Inquiry',
  'Partner Referral',
  'Purchased List',
  'Other',
  'Package Installation',
];

/** The Industry picklist of a new org. */
const INDUSTRIES = [
  'Agriculture',
  'Apparel',
  'Banking',
  'Biotechnology',
  'Chemicals',
  'Communications',
  'Construction',
  'Consulting',
  'Education',
  'Electronics',
  'Energy',
  'Engineering',
  'Entertainment',
  'Environmental',
  'Finance',
  'Food & Beverage',
  'Government',
  'Healthcare',
  'Hospitality',
  'Insurance',
  'Machinery',
  'Manufacturing',
  'Media',
  'Not For Profit',
  'Recreation',
  'Retail',
  'Shipping',
  'Technology',
  'Telecommunications',
  'Transportation',
  'Utilities',
  'Other',
];

const RATINGS = ['Hot', 'Warm', 'Cold'];
const SALUTATIONS = ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.', 'Mx.'];
const readOnly = { createable: false, updateable: false };

/** Open (unrestricted) picklists of a new org, as most standard picklists are. */
const open = (name: string, label: string, values: string[]): FieldDef =>
  picklist(name, label, values, { restricted: false });

/** First, last and full name, as Lead, Contact and User have them. */
function personName(options: { salutation?: boolean } = {}) {
  return [
    ...(options.salutation ? [open('Salutation', 'Salutation', SALUTATIONS)] : []),
    text('FirstName', 'First Name', 40),
    text('LastName', 'Last Name', 80, { required: true }),
    formula('Name', 'Full Name', 'string', 'FirstName & " " & LastName', fullName, {
      nameField: true,
      length: 121,
    }),
  ];
}

/** When the record was last seen or had an activity; the platform keeps these. */
const activityDates = (): FieldDef[] => [
  date('LastActivityDate', 'Last Activity', readOnly),
  dateTime('LastViewedDate', 'Last Viewed Date', readOnly),
  dateTime('LastReferencedDate', 'Last Referenced Date', readOnly),
];

/** Email and phone preferences of a person (Lead, Contact). */
const contactPreferences = (): FieldDef[] => [
  checkbox('HasOptedOutOfEmail', 'Email Opt Out'),
  checkbox('HasOptedOutOfFax', 'Fax Opt Out'),
  checkbox('DoNotCall', 'Do Not Call'),
  text('EmailBouncedReason', 'Email Bounced Reason', 255),
  dateTime('EmailBouncedDate', 'Email Bounced Date'),
];

export const leadObject = standard({
  name: 'Lead',
  label: 'Lead',
  labelPlural: 'Leads',
  keyPrefix: '00Q',
  fields: [
    ...systemFields({ owner: true }),
    lookup('MasterRecordId', 'Master Record ID', 'Lead', 'MasterRecord', undefined, readOnly),
    ...personName({ salutation: true }),
    text('Company', 'Company', 255, { required: true }),
    text('Title', 'Title', 128),
    email('Email', 'Email'),
    phone('Phone', 'Phone'),
    phone('MobilePhone', 'Mobile Phone'),
    phone('Fax', 'Fax'),
    url('Website', 'Website'),
    // State/Country arrive as full names from the LMA (no state/country picklists here).
    ...address(''),
    picklist('LeadSource', 'Lead Source', LEAD_SOURCES, { restricted: false }),
    picklist(
      'Status',
      'Lead Status',
      ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'],
      {
        defaultPick: 'Open - Not Contacted',
      },
    ),
    open('Industry', 'Industry', INDUSTRIES),
    open('Rating', 'Rating', RATINGS),
    currency('AnnualRevenue', 'Annual Revenue', 18, 0),
    number('NumberOfEmployees', 'Employees', 8),
    checkbox('IsConverted', 'Converted', readOnly),
    lookup('ConvertedAccountId', 'Converted Account ID', 'Account', 'ConvertedAccount', undefined, readOnly),
    lookup('ConvertedContactId', 'Converted Contact ID', 'Contact', 'ConvertedContact', undefined, readOnly),
    lookup(
      'ConvertedOpportunityId',
      'Converted Opportunity ID',
      'Opportunity',
      'ConvertedOpportunity',
      undefined,
      readOnly,
    ),
    date('ConvertedDate', 'Converted Date', readOnly),
    checkbox('IsUnreadByOwner', 'Unread By Owner'),
    ...contactPreferences(),
    ...activityDates(),
    { ...text('Description', 'Description', 32000), type: 'textarea' },
  ],
});

export const accountObject = standard({
  name: 'Account',
  label: 'Account',
  labelPlural: 'Accounts',
  keyPrefix: '001',
  fields: [
    ...systemFields({ owner: true }),
    lookup('MasterRecordId', 'Master Record ID', 'Account', 'MasterRecord', undefined, readOnly),
    text('Name', 'Account Name', 255, { nameField: true, required: true }),
    picklist(
      'Type',
      'Account Type',
      ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other'],
      { restricted: false },
    ),
    lookup('ParentId', 'Parent Account ID', 'Account', 'Parent', 'ChildAccounts'),
    ...address('Billing'),
    ...address('Shipping'),
    phone('Phone', 'Account Phone'),
    phone('Fax', 'Account Fax'),
    text('AccountNumber', 'Account Number', 40),
    url('Website', 'Website'),
    { ...url('PhotoUrl', 'Photo URL'), ...readOnly },
    text('Sic', 'SIC Code', 20),
    open('Industry', 'Industry', INDUSTRIES),
    currency('AnnualRevenue', 'Annual Revenue', 18, 0),
    number('NumberOfEmployees', 'Employees', 8),
    open('Ownership', 'Ownership', ['Public', 'Private', 'Subsidiary', 'Other']),
    text('TickerSymbol', 'Ticker Symbol', 20),
    { ...text('Description', 'Account Description', 32000), type: 'textarea' },
    open('Rating', 'Account Rating', RATINGS),
    text('Site', 'Account Site', 80),
    open('AccountSource', 'Account Source', LEAD_SOURCES.slice(0, 5)),
    text('SicDesc', 'SIC Description', 80),
    ...activityDates(),
  ],
});

export const contactObject = standard({
  name: 'Contact',
  label: 'Contact',
  labelPlural: 'Contacts',
  keyPrefix: '003',
  fields: [
    ...systemFields({ owner: true }),
    lookup('MasterRecordId', 'Master Record ID', 'Contact', 'MasterRecord', undefined, readOnly),
    lookup('AccountId', 'Account ID', 'Account', 'Account', 'Contacts'),
    ...personName({ salutation: true }),
    ...address('Other'),
    ...address('Mailing'),
    email('Email', 'Email'),
    phone('Phone', 'Business Phone'),
    phone('Fax', 'Business Fax'),
    phone('MobilePhone', 'Mobile Phone'),
    phone('HomePhone', 'Home Phone'),
    phone('OtherPhone', 'Other Phone'),
    phone('AssistantPhone', 'Asst. Phone'),
    lookup('ReportsToId', 'Reports To ID', 'Contact', 'ReportsTo', undefined),
    text('Title', 'Title', 128),
    text('Department', 'Department', 80),
    text('AssistantName', "Assistant's Name", 40),
    open('LeadSource', 'Lead Source', LEAD_SOURCES.slice(0, 5)),
    date('Birthdate', 'Birthdate'),
    { ...text('Description', 'Contact Description', 32000), type: 'textarea' },
    ...contactPreferences(),
    ...activityDates(),
  ],
});

/** Opportunity stages of a new org: probability and forecast category follow the stage. */
const STAGES: Array<[stage: string, probability: number, forecast: string, closed: boolean, won: boolean]> = [
  ['Prospecting', 10, 'Pipeline', false, false],
  ['Qualification', 10, 'Pipeline', false, false],
  ['Needs Analysis', 20, 'Pipeline', false, false],
  ['Value Proposition', 50, 'Pipeline', false, false],
  ['Id. Decision Makers', 60, 'Pipeline', false, false],
  ['Perception Analysis', 70, 'Pipeline', false, false],
  ['Proposal/Price Quote', 75, 'Pipeline', false, false],
  ['Negotiation/Review', 90, 'Pipeline', false, false],
  ['Closed Won', 100, 'Closed', true, true],
  ['Closed Lost', 0, 'Omitted', true, false],
];
const stageOf = (row: Row) => STAGES.find((s) => s[0] === row.StageName);

export const opportunityObject = standard({
  name: 'Opportunity',
  label: 'Opportunity',
  labelPlural: 'Opportunities',
  keyPrefix: '006',
  fields: [
    ...systemFields({ owner: true }),
    lookup('AccountId', 'Account ID', 'Account', 'Account', 'Opportunities'),
    lookup('ContactId', 'Contact ID', 'Contact', 'Contact', 'Opportunities'),
    checkbox('IsPrivate', 'Private'),
    text('Name', 'Name', 120, { nameField: true, required: true }),
    { ...text('Description', 'Description', 32000), type: 'textarea' },
    picklist(
      'StageName',
      'Stage',
      STAGES.map((s) => s[0]),
      { required: true },
    ),
    currency('Amount', 'Amount'),
    percent('Probability', 'Probability (%)'),
    formula(
      'ExpectedRevenue',
      'Expected Amount',
      'currency',
      'Amount * Probability / 100',
      (row) =>
        typeof row.Amount === 'number' && typeof row.Probability === 'number'
          ? (row.Amount * row.Probability) / 100
          : null,
      { precision: 18, scale: 2 },
    ),
    number('TotalOpportunityQuantity', 'Quantity', 18, 2),
    date('CloseDate', 'Close Date', { required: true }),
    open('Type', 'Opportunity Type', [
      'Existing Customer - Upgrade',
      'Existing Customer - Replacement',
      'Existing Customer - Downgrade',
      'New Customer',
    ]),
    text('NextStep', 'Next Step', 255),
    open('LeadSource', 'Lead Source', LEAD_SOURCES.slice(0, 5)),
    formula(
      'IsClosed',
      'Closed',
      'boolean',
      'ISPICKVAL(StageName, "Closed…")',
      (row) => stageOf(row)?.[3] ?? false,
    ),
    formula(
      'IsWon',
      'Won',
      'boolean',
      'ISPICKVAL(StageName, "Closed Won")',
      (row) => stageOf(row)?.[4] ?? false,
    ),
    formula(
      'ForecastCategoryName',
      'Forecast Category',
      'picklist',
      'the forecast category of the stage',
      (row) => stageOf(row)?.[2] ?? null,
    ),
    checkbox('HasOpportunityLineItem', 'Has Line Item', readOnly),
    formula('FiscalYear', 'Fiscal Year', 'int', 'YEAR(CloseDate)', (row) =>
      typeof row.CloseDate === 'string' ? Number(row.CloseDate.slice(0, 4)) : null,
    ),
    formula('FiscalQuarter', 'Fiscal Quarter', 'int', 'CEILING(MONTH(CloseDate) / 3)', (row) =>
      typeof row.CloseDate === 'string' ? Math.ceil(Number(row.CloseDate.slice(5, 7)) / 3) : null,
    ),
    ...activityDates(),
  ],
});

export const userObject = standard({
  name: 'User',
  label: 'User',
  labelPlural: 'Users',
  keyPrefix: '005',
  deletable: false,
  fields: [
    ...systemFields(),
    text('Username', 'Username', 80, { required: true, unique: true, indexed: true }),
    ...personName(),
    text('CompanyName', 'Company Name', 80),
    text('Division', 'Division', 80),
    text('Department', 'Department', 80),
    text('Title', 'Title', 80),
    ...address(''),
    email('Email', 'Email', { required: true }),
    email('SenderEmail', 'Email Sender Address'),
    text('SenderName', 'Email Sender Name', 80),
    phone('Phone', 'Phone'),
    phone('Fax', 'Fax'),
    phone('MobilePhone', 'Mobile'),
    text('Extension', 'Extension', 40),
    text('Alias', 'Alias', 8, { required: true }),
    text('CommunityNickname', 'Nickname', 40),
    checkbox('IsActive', 'Active', { defaultValue: true }),
    picklist('UserType', 'User Type', ['Standard', 'PowerPartner', 'CsnOnly', 'Guest'], {
      defaultPick: 'Standard',
      createable: false,
      updateable: false,
    }),
    text('TimeZoneSidKey', 'Time Zone', 40, { defaultValue: 'GMT' }),
    text('LocaleSidKey', 'Locale', 40, { defaultValue: 'en_US' }),
    text('LanguageLocaleKey', 'Language', 40, { defaultValue: 'en_US' }),
    text('EmailEncodingKey', 'Email Encoding', 40, { defaultValue: 'UTF-8' }),
    text('EmployeeNumber', 'Employee Number', 20),
    lookup('ManagerId', 'Manager ID', 'User', 'Manager', 'ManagedUsers'),
    text('FederationIdentifier', 'SAML Federation ID', 512),
    { ...text('AboutMe', 'About Me', 1000), type: 'textarea' },
    dateTime('LastLoginDate', 'Last Login', readOnly),
    ...activityDates().slice(1),
  ],
});

export const organizationObject = standard({
  name: 'Organization',
  label: 'Organization',
  labelPlural: 'Organizations',
  keyPrefix: '00D',
  // Organization is read-only over the API; the local org's system user writes it.
  createable: false,
  updateable: false,
  deletable: false,
  fields: [
    ...systemFields(),
    text('Name', 'Name', 80, { nameField: true, required: true }),
    text('InstanceName', 'Instance Name', 5),
    checkbox('IsSandbox', 'Is Sandbox'),
    dateTime('TrialExpirationDate', 'Trial Expiration Date'),
    text('NamespacePrefix', 'Namespace Prefix', 15),
    picklist(
      'OrganizationType',
      'Edition',
      [
        'Developer Edition',
        'Enterprise Edition',
        'Unlimited Edition',
        'Professional Edition',
        'Partner Developer Edition',
      ],
      {
        restricted: false,
      },
    ),
    text('PrimaryContact', 'Primary Contact', 80),
    text('Country', 'Country', 80),
    text('LanguageLocaleKey', 'Language', 40, { defaultValue: 'en_US' }),
    text('TimeZoneSidKey', 'Time Zone', 40, { defaultValue: 'GMT' }),
    text('DefaultLocaleSidKey', 'Locale', 40, { defaultValue: 'en_US' }),
  ].map((f) => ({ ...f, createable: false, updateable: false })),
});

export const recordTypeObject = standard({
  name: 'RecordType',
  label: 'Record Type',
  labelPlural: 'Record Types',
  keyPrefix: '012',
  createable: false,
  updateable: false,
  deletable: false,
  fields: [
    ...systemFields(),
    text('Name', 'Name', 80, { nameField: true, required: true }),
    text('DeveloperName', 'Record Type Name', 80, { required: true }),
    text('NamespacePrefix', 'Namespace Prefix', 15),
    text('SobjectType', 'SObject Type Name', 40, { required: true, indexed: true }),
    text('Description', 'Description', 255),
    checkbox('IsActive', 'Active', { defaultValue: true }),
  ].map((f) => ({ ...f, createable: false, updateable: false })),
});
