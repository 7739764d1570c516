import type { LmaFields } from '../../org/lmoSession';
import type { LmoApi } from './lmoApi';

export type { LmaFields };

/**
 * One policy for every LMA: query only the fields the org's describe lists. LMA 1.20 added License →
 * Package, the subscriber org fields (sandbox flag, instance, type, status) and the version numbers;
 * older LMAs lack them, and a query naming one fails whole (INVALID_FIELD). The session describes
 * the three objects once per connection (lmaPresence.ts); every query builder here reads that.
 */
export const LMA_OBJECTS = {
  license: 'sfLma__License__c',
  package: 'sfLma__Package__c',
  packageVersion: 'sfLma__Package_Version__c',
} as const;

export type LmaObject = keyof typeof LMA_OBJECTS;

/** The objects' labels, as a permission set lists them. */
export const LMA_OBJECT_LABELS: Record<LmaObject, string> = {
  license: 'License',
  package: 'Package',
  packageVersion: 'Package Version',
};

/**
 * The fields the extension reads, as LMA 1.20 has them: what a caller without a describe assumes
 * (unit tests, a query built before connecting).
 */
export const LMA_1_20_FIELDS: LmaFields = {
  license: [
    'Id',
    'Name',
    'CreatedDate',
    'CreatedById',
    'LastModifiedDate',
    'LastModifiedById',
    'RecordTypeId',
    'sfLma__Status__c',
    'sfLma__License_Status__c',
    'sfLma__Seats__c',
    'sfLma__Used_Licenses__c',
    'sfLma__Expiration__c',
    'sfLma__Install_Date__c',
    'sfLma__Subscriber_Org_ID__c',
    'sfLma__Subscriber_Org_Is_Sandbox__c',
    'sfLma__Org_Instance__c',
    'sfLma__Org_Type__c',
    'sfLma__Package_Version__c',
    'sfLma__Package__c',
    'sfLma__Version_Number__c',
    'sfLma__Lead__c',
    'sfLma__Account__c',
    'sfLma__Contact__c',
    'sfLma__License_Type__c',
  ],
  package: [
    'Id',
    'Name',
    'sfLma__Package_ID__c',
    'sfLma__Developer_Name__c',
    'sfLma__Latest_Version__c',
    'sfLma__Lead_Manager__c',
  ],
  packageVersion: [
    'Id',
    'Name',
    'sfLma__Package__c',
    'sfLma__Version__c',
    'sfLma__Version_Number__c',
    'sfLma__Version_ID__c',
    'sfLma__Release_Date__c',
    'sfLma__Is_Beta__c',
    'sfLma__Sequence__c',
  ],
};

interface Describe {
  fields: { name: string }[];
}

/** Describes the three objects (three requests at once). Fails as the first describe fails. */
export async function describeLmaFields(api: LmoApi): Promise<LmaFields> {
  const names = async (object: LmaObject) =>
    (await api.request<Describe>(`/sobjects/${LMA_OBJECTS[object]}/describe`)).fields.map((f) => f.name);
  const [license, pkg, packageVersion] = await Promise.all([
    names('license'),
    names('package'),
    names('packageVersion'),
  ]);
  return { license, package: pkg, packageVersion };
}

const described = new WeakMap<LmoApi, Promise<LmaFields>>();

/** The LMA's fields for `api`: the session's (read at connect), else described once for this api object. */
export function lmaFieldsOf(api: LmoApi): Promise<LmaFields> {
  if (api.lmaFields) return Promise.resolve(api.lmaFields);
  let fields = described.get(api);
  if (!fields) {
    fields = describeLmaFields(api);
    described.set(api, fields);
    fields.catch(() => described.delete(api));
  }
  return fields;
}

/** The lookup field behind a relationship name: sfLma__Lead__r → sfLma__Lead__c, CreatedBy → CreatedById. */
const lookupOf = (relationship: string): string =>
  relationship.endsWith('__r') ? relationship.replace(/__r$/, '__c') : `${relationship}Id`;

/** Whether `object` has `field`, or, for `sfLma__X__r.Field`, the lookup it goes through (and the target field, for LMA objects). */
export function hasField(fields: LmaFields, object: LmaObject, field: string): boolean {
  const has = (o: LmaObject, name: string) => fields[o].some((f) => f.toLowerCase() === name.toLowerCase());
  const [first, ...rest] = field.split('.');
  if (!rest.length) return has(object, field);
  if (!has(object, lookupOf(first!))) return false;
  // Parents outside the LMA (Lead, Account, User) are standard objects: their fields are there.
  const target = (
    { sfLma__Package_Version__r: 'packageVersion', sfLma__Package__r: 'package' } as Record<string, LmaObject>
  )[first!];
  return target ? hasField(fields, target, rest.join('.')) : true;
}

/** The fields of `wanted` this org has, for a SELECT list. */
export function selectable(fields: LmaFields, object: LmaObject, wanted: readonly string[]): string[] {
  return wanted.filter((field) => hasField(fields, object, field));
}
