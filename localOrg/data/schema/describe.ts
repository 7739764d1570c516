// describeGlobal / describeSObject in the REST wire shapes jsforce types
// (DescribeGlobalResult, DescribeSObjectResult). Values not modelled get Salesforce's usual defaults.
import { LATEST_VERSION } from '../apiVersion';
import type { Row } from './types';
import { isOpaque } from './fields';
import type { FieldDef } from './types';
import type { Schema, SObjectSchema } from './registry';

const API = `v${LATEST_VERSION}`;

const SOAP_TYPE: Record<FieldDef['type'], string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  picklist: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  anyType: 'xsd:anyType',
  currency: 'xsd:double',
  percent: 'xsd:double',
  address: 'urn:address',
};

const DECIMAL = new Set<FieldDef['type']>(['double', 'currency', 'percent']);

function urls(name: string): Record<string, string> {
  const base = `/services/data/${API}/sobjects/${name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

export function describeGlobalEntry(s: SObjectSchema): Row {
  const d = s.def;
  return {
    activateable: false,
    createable: d.createable,
    custom: d.custom,
    customSetting: false,
    deepCloneable: false,
    deletable: d.deletable,
    deprecatedAndHidden: false,
    feedEnabled: false,
    hasSubtypes: false,
    idEnabled: true,
    isInterface: false,
    isSubtype: false,
    keyPrefix: d.keyPrefix,
    label: d.label,
    labelPlural: d.labelPlural,
    layoutable: !d.historyOf,
    mergeable: ['Lead', 'Account', 'Contact'].includes(d.name),
    mruEnabled: !d.historyOf,
    name: d.name,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    searchable: !d.historyOf,
    triggerable: !d.historyOf,
    undeletable: d.deletable,
    updateable: d.updateable,
    urls: urls(d.name),
  };
}

export function describeGlobal(schema: Schema): Row {
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: schema.all().map(describeGlobalEntry) };
}

function describeField(f: FieldDef): Row {
  const calculated = f.formula !== undefined;
  const text = ['string', 'textarea', 'picklist', 'email', 'phone', 'url'].includes(f.type);
  const isId = f.type === 'id';
  const length = text || isId || f.type === 'reference' ? (f.length ?? 255) : 0;
  const nillable = !isId && f.type !== 'boolean' && !f.required && !f.nameField;
  return {
    aggregatable: !isOpaque(f),
    autoNumber: f.autoNumber !== undefined,
    byteLength: length * 3,
    calculated,
    calculatedFormula: f.calculatedFormula ?? null,
    cascadeDelete: f.cascadeDelete === true,
    caseSensitive: false,
    compoundFieldName: f.compoundFieldName ?? null,
    controllerName: null,
    createable: f.createable,
    custom: f.custom,
    defaultValue: f.type === 'boolean' ? (f.defaultValue ?? false) : (f.picklist?.defaultValue ?? null),
    defaultValueFormula: null,
    defaultedOnCreate:
      f.defaultValue !== undefined || isId || f.autoNumber !== undefined || f.name === 'OwnerId',
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: f.type === 'int' ? (f.precision ?? 9) : 0,
    displayLocationInDecimal: false,
    encrypted: false,
    externalId: f.externalId === true,
    extraTypeInfo: null,
    filterable: !isOpaque(f),
    filteredLookupInfo: null,
    groupable: !isOpaque(f) && !DECIMAL.has(f.type) && f.type !== 'datetime',
    highScaleNumber: false,
    htmlFormatted: f.name === 'sfLma__Help__c',
    idLookup: isId || f.unique === true || f.externalId === true,
    inlineHelpText: f.inlineHelpText ?? null,
    label: f.label,
    length,
    mask: null,
    maskType: null,
    name: f.name,
    nameField: f.nameField === true,
    namePointing: false,
    nillable,
    permissionable: nillable && f.custom,
    picklistValues: (f.picklist?.values ?? []).map((value) => ({
      active: true,
      defaultValue: value === f.picklist?.defaultValue,
      label: value,
      validFor: null,
      value,
    })),
    polymorphicForeignKey: false,
    precision: DECIMAL.has(f.type) ? (f.precision ?? 18) : 0,
    queryByDistance: false,
    referenceTargetField: null,
    referenceTo: f.referenceTo ?? [],
    relationshipName: f.relationshipName ?? null,
    relationshipOrder: f.masterDetail ? (f.relationshipOrder ?? 0) : null,
    restrictedDelete: false,
    restrictedPicklist: f.picklist?.restricted === true,
    scale: f.scale ?? 0,
    searchPrefilterable: false,
    soapType: SOAP_TYPE[f.type],
    sortable: !isOpaque(f),
    type: f.type,
    unique: f.unique === true,
    updateable: f.updateable,
    writeRequiresMasterRead: false,
  };
}

/** `recordTypes` are the org's RecordType rows for this object (with Id). */
export function describeSObject(schema: Schema, s: SObjectSchema, recordTypes: Row[] = []): Row {
  const childRelationships = schema.all().flatMap((child) =>
    child.fields
      .filter((f) => f.referenceTo?.[0]?.toLowerCase() === s.name.toLowerCase())
      .map((f) => ({
        cascadeDelete: f.cascadeDelete === true,
        childSObject: child.name,
        deprecatedAndHidden: false,
        field: f.name,
        junctionIdListNames: [],
        junctionReferenceTo: [],
        relationshipName: f.childRelationshipName ?? null,
        restrictedDelete: false,
      })),
  );
  const master = {
    active: true,
    available: true,
    defaultRecordTypeMapping: recordTypes.length === 0,
    developerName: 'Master',
    master: true,
    name: 'Master',
    recordTypeId: '012000000000000AAA',
    urls: { layout: `/services/data/${API}/sobjects/${s.name}/describe/layouts/012000000000000AAA` },
  };
  const recordTypeInfos = [
    ...recordTypes.map((rt, i) => ({
      active: true,
      available: true,
      defaultRecordTypeMapping: i === 0,
      developerName: rt.DeveloperName,
      master: false,
      name: rt.Name,
      recordTypeId: rt.Id,
      urls: { layout: `/services/data/${API}/sobjects/${s.name}/describe/layouts/${String(rt.Id)}` },
    })),
    master,
  ];
  return {
    ...describeGlobalEntry(s),
    actionOverrides: [],
    childRelationships,
    compactLayoutable: !s.def.historyOf,
    fields: s.fields.map(describeField),
    listviewable: null,
    lookupLayoutable: null,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos,
    searchLayoutable: !s.def.historyOf,
    supportedScopes: [{ label: 'All records', name: 'everything' }],
    // Only resources the local org answers (Salesforce lists layouts, compactLayouts… too).
    urls: {
      ...urls(s.name),
      listviews: `/services/data/${API}/sobjects/${s.name}/listviews`,
      quickActions: `/services/data/${API}/sobjects/${s.name}/quickActions`,
    },
  };
}
