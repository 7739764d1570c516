// The LMA's "Log In to Subscriber Organization" permission, which its setup grants in a permission set
// (System Permissions, with the Visualforce pages sfLma.LoginToPartnerBT and sfLma.SubscriberSupport:
// Salesforce LMA guide, "Set up the Subscriber Support Console"). Whether the API exposes it as a field
// of UserPermissionAccess, and under which name, no public source says (UNCONFIRMED): the world takes
// either reading (`subscriberLoginField`, absent = not exposed). Where it is exposed, the field's name
// here is the local org's own invention; only its label is Salesforce's, so a client must find it by label.
import { SalesforceError } from '../data/errors';
import type { WorldCore } from './core';
import type { OrgState } from './state';
import type { VirtualTable } from './virtualQuery';

/** The label Salesforce's setup pages give the permission. */
export const SUBSCRIBER_LOGIN_LABEL = 'Log In to Subscriber Organization';
/** The field's API name in this local org (UNCONFIRMED in real orgs: nothing public names it). */
export const SUBSCRIBER_LOGIN_FIELD = 'PermissionsLmaSubscriberOrgLogin';

/** Whether this user may log in to subscriber orgs (an LMO user without the LMA's permissions may not). */
export function hasSubscriberLoginPermission(org: OrgState): boolean {
  return org.kind === 'lmo' && org.lmaAccess !== false && org.subscriberLoginAccess !== false;
}

/** Whether UserPermissionAccess answers the permission as a field (describe and SOQL). */
export function subscriberLoginFieldExposed(world: WorldCore): boolean {
  return world.state.subscriberLoginField === true;
}

export interface SubscriberLoginSettings {
  /** UserPermissionAccess has the permission as a field (reading A) or not (reading B). */
  fieldExposed: boolean;
  /** The LMO's own user holds the permission. */
  granted: boolean;
  /** How many requests the subscriber login page has answered since the local org started. */
  pageRequests: number;
}

const pageRequests = new WeakMap<WorldCore, number>();

/** Counts a request that reached the subscriber login page (what a test asserts never happened). */
export function countLoginPageRequest(world: WorldCore): void {
  pageRequests.set(world, (pageRequests.get(world) ?? 0) + 1);
}

export function subscriberLoginSettings(world: WorldCore): SubscriberLoginSettings {
  return {
    fieldExposed: subscriberLoginFieldExposed(world),
    granted: hasSubscriberLoginPermission(world.lmo),
    pageRequests: pageRequests.get(world) ?? 0,
  };
}

/** Changes either reading; `granted` applies to the LMO's own user. */
export function setSubscriberLoginSettings(
  world: WorldCore,
  changes: { fieldExposed?: unknown; granted?: unknown },
): SubscriberLoginSettings {
  for (const key of ['fieldExposed', 'granted'] as const)
    if (changes[key] !== undefined && typeof changes[key] !== 'boolean')
      throw new SalesforceError('INVALID_INPUT', `${key} must be true or false`);
  if (typeof changes.fieldExposed === 'boolean') world.state.subscriberLoginField = changes.fieldExposed;
  if (typeof changes.granted === 'boolean') {
    if (changes.granted) delete world.lmo.subscriberLoginAccess;
    else world.lmo.subscriberLoginAccess = false;
  }
  world.save();
  return subscriberLoginSettings(world);
}

/** Labels of UserPermissionAccess's fields as Salesforce's setup pages name the permissions. */
const LABELS: Record<string, string> = {
  Id: 'Permission Access ID',
  PermissionsApiEnabled: 'API Enabled',
  PermissionsViewSetup: 'View Setup and Configuration',
  PermissionsModifyAllData: 'Modify All Data',
  PermissionsViewAllData: 'View All Data',
  [SUBSCRIBER_LOGIN_FIELD]: SUBSCRIBER_LOGIN_LABEL,
};

/** UserPermissionAccess with the permission's field where the world exposes it. */
export function withSubscriberLoginField(world: WorldCore, org: OrgState, table: VirtualTable): VirtualTable {
  if (!subscriberLoginFieldExposed(world)) return table;
  return {
    ...table,
    fields: [...table.fields, SUBSCRIBER_LOGIN_FIELD],
    rows: () =>
      table.rows().map((row) => ({ ...row, [SUBSCRIBER_LOGIN_FIELD]: hasSubscriberLoginPermission(org) })),
  };
}

/**
 * `GET /sobjects/UserPermissionAccess/describe`: its fields with their labels (a real describe says much
 * more of each; this is what a client reads to find a permission by its label).
 */
export function userPermissionAccessDescribe(table: VirtualTable, version: string): Record<string, unknown> {
  return {
    name: table.name,
    label: 'User Permission Access',
    labelPlural: 'User Permission Access',
    custom: false,
    keyPrefix: null,
    queryable: true,
    createable: false,
    updateable: false,
    deletable: false,
    retrieveable: false,
    searchable: false,
    fields: table.fields.map((name) => ({
      name,
      label: LABELS[name] ?? name,
      type: name === 'Id' ? 'id' : 'boolean',
      soapType: name === 'Id' ? 'tns:ID' : 'xsd:boolean',
      length: name === 'Id' ? 18 : 0,
      nillable: false,
      custom: false,
      createable: false,
      updateable: false,
      filterable: true,
      groupable: name !== 'Id',
      sortable: true,
    })),
    childRelationships: [],
    recordTypeInfos: [],
    urls: {
      describe: `/services/data/v${version}/sobjects/UserPermissionAccess/describe`,
      sobject: `/services/data/v${version}/sobjects/UserPermissionAccess`,
    },
  };
}
