/**
 * Logging in to a subscriber org (the LMA's Subscriber Support Console), in ONE place: Salesforce
 * documents no API or URL for it. Package Visualizer opens the LMA's Visualforce page
 * `/partnerbt/lmo/subOrgLogin.apexp?directLoginOrgId=<orgId>` in the LMO (undocumented, UNCONFIRMED as
 * stable: /work/shared/reference/isv-operations.md "Subscriber support"); if it stops working, the
 * LMA's Subscribers tab is where a user searches the org and clicks Login.
 */
import type { SubscriberOrg } from '../records/customer';

/** The LMA's subscriber login page, as Package Visualizer links it (undocumented). */
export const SUBSCRIBER_LOGIN_PAGE = '/partnerbt/lmo/subOrgLogin.apexp';
/** The LMA's Subscribers tab (Subscriber Support Console), the documented way in: search the org, Login. */
export const SUBSCRIBERS_TAB = '/lightning/n/sfLma__Subscribers';

/** The LMO path that logs in to `orgId` (18 characters, as Package Visualizer passes it). */
export function subscriberLoginPath(orgId18: string): string {
  return `${SUBSCRIBER_LOGIN_PAGE}?directLoginOrgId=${encodeURIComponent(orgId18)}`;
}

/**
 * Why the LMA can't log in to this org, before anything is opened; undefined when it may. Salesforce:
 * "can't log in to Gov Cloud or scratch orgs" (pkg2 guide, "Troubleshoot Subscriber Issues"). How the LMA
 * records either is UNCONFIRMED: a scratch org is read as the extension reads it elsewhere (a sandbox
 * with a trial expiration: CONTRIBUTING's ledger, "A sandbox install gets a site license"), Government
 * Cloud by its instance (names starting USA or GOV: UNCONFIRMED).
 */
export function loginRefusal(
  org: Pick<SubscriberOrg, 'isSandbox' | 'trialExpiration' | 'instance' | 'status'>,
): string | undefined {
  if (org.isSandbox && org.trialExpiration)
    return 'This is a scratch org: Salesforce does not allow logging in to scratch orgs from the LMA.';
  if (org.instance && isGovernmentCloud(org.instance))
    return `This org is on Government Cloud (instance ${org.instance}): Salesforce does not allow logging in to it from the LMA.`;
  if (org.status && /^deleted$/i.test(org.status))
    return 'This org has been deleted: there is nothing to log in to.';
  return undefined;
}

/** Government Cloud instances (UNCONFIRMED naming: USA…, GOV…). */
export function isGovernmentCloud(instance: string): boolean {
  return /^(USA|GOV)/i.test(instance.trim());
}

/**
 * The LMA's permission to log in to subscriber orgs, as its setup names it: System Permissions → "Log
 * In to Subscriber Organization" in a permission set, with the Visualforce pages sfLma.LoginToPartnerBT
 * and sfLma.SubscriberSupport (Salesforce LMA guide, "Set up the Subscriber Support Console"; ISVforce
 * guide). Its API field name is UNCONFIRMED (no public source names it): it is found by this label.
 */
export const SUBSCRIBER_LOGIN_PERMISSION = 'Log In to Subscriber Organization';
/** Setup's Permission Sets page, where the permission is granted. */
export const PERMISSION_SETS_SETUP = '/lightning/setup/PermSets/home';

/** The permission's label, tolerating "Log in to Subscriber Org" and "Login to …" (case-insensitive). */
export function isSubscriberLoginLabel(label: string): boolean {
  return /^log\s*in to subscriber org(anization)?$/i.test(label.trim().replace(/\s+/g, ' '));
}

/**
 * What the running user's effective permissions say: `granted` or `missing` where UserPermissionAccess
 * has the permission as a field (reading A), `unknown` where it doesn't expose it (reading B: the LMA's
 * page is then the one that answers).
 */
export type SubscriberLoginPermission =
  { kind: 'granted'; field: string } | { kind: 'missing'; field: string } | { kind: 'unknown' };

/** Why this user can't log in to subscriber orgs, naming the permission and how to get it; undefined when it may or can't be told. */
export function permissionRefusal(permission: SubscriberLoginPermission): string | undefined {
  if (permission.kind !== 'missing') return undefined;
  return `You don't have the "${SUBSCRIBER_LOGIN_PERMISSION}" permission, so the LMA won't log you in to subscriber orgs. Ask your Salesforce admin to grant it in a permission set assigned to you: Setup → Permission Sets → the set → System Permissions → "${SUBSCRIBER_LOGIN_PERMISSION}", with the Visualforce pages sfLma.LoginToPartnerBT and sfLma.SubscriberSupport enabled in the same set. Then connect to the LMO again.`;
}
