// The standard objects an LMO (and a subscriber or Dev Hub org) needs: the
// subset of their fields that installs, the Partner Console and clients use.
import {
  checkbox,
  date,
  dateTime,
  email,
  formula,
  lookup,
  phone,
  picklist,
  systemFields,
  text,
  url,
} from './fields';
import type { Row, SObjectDef } from './types';

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

const address = (prefix: string) => [
  text(`${prefix}Street`, `${prefix} Street`.trim(), 255),
  text(`${prefix}City`, `${prefix} City`.trim(), 40),
  text(`${prefix}State`, `${prefix} State/Province`.trim(), 80),
  text(`${prefix}PostalCode`, `${prefix} Zip/Postal Code`.trim(), 20),
  text(`${prefix}Country`, `${prefix} Country`.trim(), 80),
];

export const LEAD_SOURCES = [
  'Web',
  'Phone Inquiry',
  'Partner Referral',
  'Purchased List',
  'Other',
  'Package Installation',
];

/** First, last and full name, as Lead, Contact and User have them. */
function personName() {
  return [
    text('FirstName', 'First Name', 40),
    text('LastName', 'Last Name', 80, { required: true }),
    formula('Name', 'Full Name', 'string', 'FirstName & " " & LastName', fullName, {
      nameField: true,
      length: 121,
    }),
  ];
}

export const leadObject = standard({
  name: 'Lead',
  label: 'Lead',
  labelPlural: 'Leads',
  keyPrefix: '00Q',
  fields: [
    ...systemFields({ owner: true }),
    ...personName(),
    text('Company', 'Company', 255, { required: true }),
    text('Title', 'Title', 128),
    email('Email', 'Email'),
    phone('Phone', 'Phone'),
    ...address(''),
    // State/Country arrive as full names from the LMA (no state/country picklists here).
    picklist('LeadSource', 'Lead Source', LEAD_SOURCES, { restricted: false }),
    picklist(
      'Status',
      'Lead Status',
      ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'],
      {
        defaultPick: 'Open - Not Contacted',
      },
    ),
    checkbox('IsConverted', 'Converted', { createable: false, updateable: false }),
    lookup('ConvertedAccountId', 'Converted Account ID', 'Account', 'ConvertedAccount', undefined, {
      createable: false,
      updateable: false,
    }),
    lookup('ConvertedContactId', 'Converted Contact ID', 'Contact', 'ConvertedContact', undefined, {
      createable: false,
      updateable: false,
    }),
    date('ConvertedDate', 'Converted Date', { createable: false, updateable: false }),
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
    text('Name', 'Account Name', 255, { nameField: true, required: true }),
    picklist(
      'Type',
      'Account Type',
      ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other'],
      { restricted: false },
    ),
    text('Industry', 'Industry', 255),
    phone('Phone', 'Account Phone'),
    url('Website', 'Website'),
    ...address('Billing'),
  ],
});

export const contactObject = standard({
  name: 'Contact',
  label: 'Contact',
  labelPlural: 'Contacts',
  keyPrefix: '003',
  fields: [
    ...systemFields({ owner: true }),
    ...personName(),
    lookup('AccountId', 'Account ID', 'Account', 'Account', 'Contacts'),
    email('Email', 'Email'),
    phone('Phone', 'Business Phone'),
    text('Title', 'Title', 128),
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
    email('Email', 'Email', { required: true }),
    text('Alias', 'Alias', 8, { required: true }),
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
