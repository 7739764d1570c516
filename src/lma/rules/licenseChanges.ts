/**
 * The guard rails of a License change, as pure functions: what may change, what the change is (a
 * before/after diff), and what confirmation it needs. The LMA's Modify License page enforces some of
 * these; its API does not, so the extension checks them before every write, whatever the org enforces.
 */
import {
  doesNotExpire,
  formatExpiration,
  formatSeats,
  isoDate,
  isSiteLicense,
  MAX_TRIAL_DAYS,
  PERPETUAL_DATE,
  validateSeats,
} from './encodings';
import type { License } from '../records/types';

/** The statuses a user may set. Uninstalled is set by the platform only. */
export const settableStatuses = ['Active', 'Trial', 'Suspended'] as const;
export type SettableStatus = (typeof settableStatuses)[number];

/**
 * A License as the Modify License form loads it: the values it may change and what decides the rules.
 * A view of the `License` (records/licenseRecord.ts reads both): its identity, customer, org and
 * version as the tree has them, its Status, Seats and Expiration as the rules compare them.
 */
export interface EditableLicense extends Pick<
  License,
  'id' | 'name' | 'customerName' | 'subscriberOrgId' | 'versionNumber'
> {
  status: string | undefined;
  seats: number | undefined;
  /** ISO date, or undefined when it does not expire (null and 1970-01-01 both mean that). */
  expiration: string | undefined;
  packageName: string | undefined;
  /** The first day of the trial: the install date, else the day the License was created. */
  trialStart: string;
  /**
   * The legacy License Type field: "Read-Only" (or "Uneditable") licenses can't be modified. It does not
   * find AppExchange Checkout licenses (docs: a legacy field that can be ignored); nothing the API shows
   * does, so the form says so before a save.
   */
  licenseType: string | undefined;
  /**
   * The LMA's own License Status (sfLma__License_Status__c, the record type's name), which its list
   * views and reports go by; undefined where the LMA lacks it.
   */
  lmaStatus?: string;
  /** Was the License ever Active (now, or in its history)? Then it can't return to Trial. */
  wasEverActive: boolean;
  /** The version the form loaded: a save compares against it, so no change is overwritten unseen. */
  lastModifiedDate: string;
  lastModifiedBy: string | undefined;
}

/** What the user asks for; absent fields stay as they are. `expiration: null` means "does not expire". */
export interface LicenseChange {
  status?: SettableStatus;
  seats?: number;
  expiration?: string | null;
}

export type ChangeField = 'status' | 'seats' | 'expiration';

export interface FieldChange {
  field: ChangeField;
  label: string;
  before: string;
  after: string;
}

export interface ChangeProblem {
  field: ChangeField | undefined;
  message: string;
}

/**
 * How sure the user must be. `typed`: a paying customer would lose access, so the user types the
 * customer's name or org id (any of `accepts`, compared without case).
 */
export type Confirmation =
  | { kind: 'none' }
  | { kind: 'confirm'; message: string }
  | { kind: 'typed'; message: string; prompt: string; accepts: string[] };

export type ChangePlan =
  | { kind: 'refused'; problems: ChangeProblem[] }
  | { kind: 'unchanged' }
  | {
      kind: 'ready';
      changes: FieldChange[];
      /** The API fields and values to write: only what changes. */
      fields: Partial<Record<LicenseApiField, string | number>>;
      confirmation: Confirmation;
    };

export type LicenseApiField = 'sfLma__Status__c' | 'sfLma__Seats__c' | 'sfLma__Expiration__c';
export const apiFieldOf: Record<ChangeField, LicenseApiField> = {
  status: 'sfLma__Status__c',
  seats: 'sfLma__Seats__c',
  expiration: 'sfLma__Expiration__c',
};

/** Why the License can't be modified at all, or undefined. */
export function readOnlyReason(license: EditableLicense): string | undefined {
  if (license.status === 'Uninstalled')
    return `${license.name} is Uninstalled: the package was removed from the subscriber org, and an uninstalled license can't be edited.`;
  if (license.licenseType && /read-?only|uneditable/i.test(license.licenseType))
    return `${license.name} is marked read-only by its License Type ("${license.licenseType}", a legacy field): change it where it was provisioned.`;
  return undefined;
}

/** The statuses the form offers for this License: Trial only while it has never been Active. */
export function statusChoices(license: EditableLicense): SettableStatus[] {
  return settableStatuses.filter(
    (s) => s !== 'Trial' || !license.wasEverActive || license.status === 'Trial',
  );
}

/** The last day a trial may run: MAX_TRIAL_DAYS counted from its first day. */
export function lastTrialDay(license: EditableLicense): string {
  return addDays(license.trialStart, MAX_TRIAL_DAYS);
}

/** Checks a change against every rule and says what it needs; nothing is written here. */
export function planLicenseChange(license: EditableLicense, change: LicenseChange, today: Date): ChangePlan {
  const readOnly = readOnlyReason(license);
  if (readOnly) return { kind: 'refused', problems: [{ field: undefined, message: readOnly }] };

  const problems: ChangeProblem[] = [];
  const status = change.status ?? license.status;
  if (change.status !== undefined) {
    if (!(settableStatuses as readonly string[]).includes(change.status))
      problems.push({ field: 'status', message: `Status must be Active, Trial or Suspended.` });
    else if (change.status === 'Trial' && license.status !== 'Trial' && license.wasEverActive)
      problems.push({
        field: 'status',
        message:
          'This license has been Active: after a trial converts to an active license, it can’t return to a trial.',
      });
  }
  if (change.seats !== undefined) {
    const seatsProblem =
      typeof change.seats === 'number' ? validateSeats(change.seats) : 'Seats must be a number.';
    if (seatsProblem) problems.push({ field: 'seats', message: seatsProblem });
  }
  const expiration = change.expiration === undefined ? license.expiration : (change.expiration ?? undefined);
  if (change.expiration !== undefined && change.expiration !== null) {
    if (!isCalendarDate(change.expiration))
      problems.push({
        field: 'expiration',
        message: `Expiration must be a date (YYYY-MM-DD); “${change.expiration}” is not one.`,
      });
    else if (change.expiration <= PERPETUAL_DATE)
      problems.push({
        field: 'expiration',
        message: `Expiration must be after ${PERPETUAL_DATE} (that date means “Does not expire”).`,
      });
  }
  if (status === 'Trial' && problems.length === 0) {
    const last = lastTrialDay(license);
    if (!expiration)
      problems.push({
        field: 'expiration',
        message: 'A trial must expire: choose a date, or convert the license to Active.',
      });
    else if (expiration > last && (change.expiration !== undefined || change.status !== undefined))
      problems.push({
        field: 'expiration',
        message: `A trial lasts at most ${MAX_TRIAL_DAYS} days: this one started ${license.trialStart}, so it can run until ${last}. Convert it to Active to go further.`,
      });
  }
  if (problems.length) return { kind: 'refused', problems };

  const changes: FieldChange[] = [];
  const fields: Partial<Record<LicenseApiField, string | number>> = {};
  if (change.status !== undefined && change.status !== license.status) {
    changes.push({
      field: 'status',
      label: 'Status',
      before: license.status ?? 'none',
      after: change.status,
    });
    fields.sfLma__Status__c = change.status;
  }
  if (change.seats !== undefined && change.seats !== license.seats) {
    changes.push({
      field: 'seats',
      label: 'Seats',
      before: formatSeats(license.seats),
      after: formatSeats(change.seats),
    });
    fields.sfLma__Seats__c = change.seats;
  }
  if (change.expiration !== undefined && (change.expiration ?? undefined) !== license.expiration) {
    changes.push({
      field: 'expiration',
      label: 'Expiration',
      before: formatExpiration(license.expiration),
      after: formatExpiration(change.expiration),
    });
    fields.sfLma__Expiration__c = change.expiration ?? PERPETUAL_DATE;
  }
  if (changes.length === 0) return { kind: 'unchanged' };
  return { kind: 'ready', changes, fields, confirmation: confirmationFor(license, change, today) };
}

/** Suspending, or an Expiration in the past, blocks the customer at once: say who, and how sure to be. */
function confirmationFor(license: EditableLicense, change: LicenseChange, today: Date): Confirmation {
  const customer = customerLabel(license);
  const blocks: string[] = [];
  if (change.status === 'Suspended' && license.status !== 'Suspended')
    blocks.push('Suspending the license blocks the customer from your package at once.');
  if (change.expiration && change.expiration < isoDate(today) && change.expiration !== license.expiration)
    blocks.push(`An expiration in the past (${change.expiration}) ends the customer’s access at once.`);
  if (!blocks.length) return { kind: 'none' };
  const message = `${blocks.join(' ')} Customer: ${customer}.`;
  if (license.status !== 'Active') return { kind: 'confirm', message };
  const accepts = [
    license.customerName,
    license.subscriberOrgId,
    license.subscriberOrgId?.slice(0, 15),
  ].filter((a): a is string => !!a);
  if (!accepts.length) accepts.push(license.name);
  return {
    kind: 'typed',
    message: `${message} This license is Active: a paying customer.`,
    prompt: `Type ${license.customerName ? `the customer name “${license.customerName}” or ` : ''}the subscriber org id${license.subscriberOrgId ? ` ${license.subscriberOrgId}` : ''} to confirm${license.customerName || license.subscriberOrgId ? '' : ` (${license.name})`}.`,
    accepts,
  };
}

/** Whether what the user typed confirms: one of the accepted texts, ignoring case and outer spaces. */
export function isConfirmed(confirmation: Confirmation, typed: string | undefined): boolean {
  if (confirmation.kind !== 'typed') return true;
  const text = (typed ?? '').trim().toLowerCase();
  return text.length > 0 && confirmation.accepts.some((a) => a.trim().toLowerCase() === text);
}

export function customerLabel(license: EditableLicense): string {
  const org = license.subscriberOrgId ? ` (org ${license.subscriberOrgId})` : '';
  return `${license.customerName ?? 'unknown customer'}${org}, ${license.name}`;
}

// Quick actions: each is a LicenseChange built from the License, checked by planLicenseChange.

/** Extend Trial by `days`: from the later of today and the current expiration, never past 90 days in total. */
export function extendTrial(
  license: EditableLicense,
  days: number,
  today: Date,
): LicenseChange | ChangeProblem {
  if (license.status !== 'Trial')
    return {
      field: 'status',
      message: `${license.name} is not a trial (it is ${license.status ?? 'without status'}).`,
    };
  if (!Number.isInteger(days) || days < 1)
    return { field: 'expiration', message: 'Extend by a whole number of days, 1 or more.' };
  const from =
    license.expiration && license.expiration > isoDate(today) ? license.expiration : isoDate(today);
  return { expiration: addDays(from, days) };
}

/** Days a trial can still be extended by, from the later of today and its expiration. */
export function trialDaysLeft(license: EditableLicense, today: Date): number {
  const from =
    license.expiration && license.expiration > isoDate(today) ? license.expiration : isoDate(today);
  return Math.max(0, daysBetween(from, lastTrialDay(license)));
}

export function convertToActive(expiration: string | null): LicenseChange {
  return { status: 'Active', expiration };
}

export const suspend: LicenseChange = { status: 'Suspended' };
export const reactivate: LicenseChange = { status: 'Active' };

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && isoDate(date) === text;
}

export function addDays(isoDay: string, days: number): string {
  const date = new Date(`${isoDay.slice(0, 10)}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return isoDate(date);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The License's expiration as the form shows it: undefined for does-not-expire, else the day. */
export function normalizeExpiration(expiration: string | null | undefined): string | undefined {
  return doesNotExpire(expiration) ? undefined : expiration!.slice(0, 10);
}

// Bulk: one change applied to many licenses, each checked on its own.

export type BulkChange =
  | { kind: 'status'; status: SettableStatus }
  | { kind: 'seats'; seats: number }
  | { kind: 'addSeats'; seats: number }
  | { kind: 'expiration'; expiration: string | null }
  | { kind: 'extendExpiration'; days: number };

export interface BulkItem {
  license: EditableLicense;
  plan: ChangePlan;
}

export interface BulkPlan {
  items: BulkItem[];
  /** How many licenses would change. */
  ready: number;
  confirmation: Confirmation;
}

export function describeBulkChange(change: BulkChange): string {
  switch (change.kind) {
    case 'status':
      return `Set Status to ${change.status}`;
    case 'seats':
      return `Set Seats to ${formatSeats(change.seats)}`;
    case 'addSeats':
      return `Add ${change.seats.toLocaleString('en-US')} seats`;
    case 'expiration':
      return `Set Expiration: ${formatExpiration(change.expiration)}`;
    case 'extendExpiration':
      return `Extend Expiration by ${change.days} days`;
  }
}

/** The LicenseChange that `change` means for one license, or why it means none. */
export function bulkChangeFor(license: EditableLicense, change: BulkChange): LicenseChange | ChangeProblem {
  switch (change.kind) {
    case 'status':
      return { status: change.status };
    case 'seats':
      return { seats: change.seats };
    case 'addSeats':
      if (!Number.isInteger(change.seats) || change.seats < 1)
        return { field: 'seats', message: 'Add a whole number of seats, 1 or more.' };
      if (isSiteLicense(license.seats))
        return { field: 'seats', message: 'A site license has no seat count to add to.' };
      return { seats: (license.seats ?? 0) + change.seats };
    case 'expiration':
      return { expiration: change.expiration };
    case 'extendExpiration':
      if (!Number.isInteger(change.days) || change.days < 1)
        return { field: 'expiration', message: 'Extend by a whole number of days, 1 or more.' };
      if (!license.expiration)
        return { field: 'expiration', message: 'It does not expire: nothing to extend.' };
      return { expiration: addDays(license.expiration, change.days) };
  }
}

/** Plans `change` for every license; the confirmation covers every license the change would block. */
export function planBulkChange(licenses: EditableLicense[], change: BulkChange, today: Date): BulkPlan {
  const items = licenses.map((license): BulkItem => {
    const perLicense = bulkChangeFor(license, change);
    const plan: ChangePlan =
      'message' in perLicense
        ? { kind: 'refused', problems: [perLicense] }
        : planLicenseChange(license, perLicense, today);
    return { license, plan };
  });
  const ready = items.filter((i) => i.plan.kind === 'ready');
  const blocking = ready.filter((i) => i.plan.kind === 'ready' && i.plan.confirmation.kind !== 'none');
  const paying = blocking.filter((i) => i.plan.kind === 'ready' && i.plan.confirmation.kind === 'typed');
  const raised = ready.filter((i) => raisesPaidTerms(i.license, i.plan));
  let confirmation: Confirmation = { kind: 'none' };
  if (raised.length) {
    // More seats or a longer term for paying customers: what their contracts cover is not in the LMA,
    // so the user confirms it, as the form confirms a change that blocks a customer.
    const names = raised.slice(0, 5).map((i) => i.license.customerName ?? i.license.name);
    const more = raised.length > names.length ? ` and ${raised.length - names.length} more` : '';
    confirmation = {
      kind: 'confirm',
      message: `${describeBulkChange(change)} gives ${raised.length} paying ${raised.length === 1 ? 'customer (an Active License)' : 'customers (Active Licenses)'} more than they have now: ${names.join(', ')}${more}. Check that their contracts cover it.`,
    };
  }
  if (blocking.length) {
    const names = blocking.slice(0, 5).map((i) => i.license.customerName ?? i.license.name);
    const more = blocking.length > names.length ? ` and ${blocking.length - names.length} more` : '';
    const message = `${describeBulkChange(change)} blocks ${blocking.length} ${blocking.length === 1 ? 'customer' : 'customers'} at once: ${names.join(', ')}${more}.`;
    const phrase = `${blocking.length} ${blocking.length === 1 ? 'license' : 'licenses'}`;
    const alsoRaised = confirmation.kind === 'confirm' ? ` ${confirmation.message}` : '';
    confirmation = paying.length
      ? {
          kind: 'typed',
          message: `${message} ${paying.length} of them ${paying.length === 1 ? 'is' : 'are'} Active: paying customers.${alsoRaised}`,
          prompt: `Type “${phrase}” to confirm.`,
          accepts: [phrase],
        }
      : { kind: 'confirm', message: `${message}${alsoRaised}` };
  }
  return { items, ready: ready.length, confirmation };
}

/** The button that applies a bulk change names it: "Change 3 Licenses". */
export function bulkActionLabel(count: number): string {
  return `Change ${count.toLocaleString('en-US')} ${count === 1 ? 'License' : 'Licenses'}`;
}

/**
 * Whether a ready change adds seats to, or extends the term of, a paying customer (an Active License):
 * more seats (or a site license), a later expiration (or none).
 */
export function raisesPaidTerms(license: EditableLicense, plan: ChangePlan): boolean {
  if (plan.kind !== 'ready' || license.status !== 'Active') return false;
  const seats = plan.fields.sfLma__Seats__c;
  const moreSeats =
    typeof seats === 'number' &&
    !isSiteLicense(license.seats) &&
    (isSiteLicense(seats) || seats > (license.seats ?? 0));
  const expiration = plan.fields.sfLma__Expiration__c;
  const longer =
    typeof expiration === 'string' &&
    !!license.expiration &&
    (expiration === PERPETUAL_DATE || expiration > license.expiration);
  return moreSeats || longer;
}

/**
 * Where the LMA's own License Status (the record type) disagrees with the Status, a sentence that says
 * so and what to do; undefined where they agree (or the LMA has no License Status). An API write of
 * Status may leave the record type, and with it the LMA's list views and reports, behind: a trial
 * converted by API still shows as a trial in "Trials". The Modify License page moves both.
 */
export function lmaStatusLag(license: EditableLicense): string | undefined {
  const { status, lmaStatus } = license;
  if (!status || !lmaStatus || status === lmaStatus) return undefined;
  return `The LMA still shows ${license.name} as ${lmaStatus}: its License Status comes from the record type, which this write of Status (${status}) did not move, so its list views and reports count it as ${lmaStatus}. Open it in Salesforce and finish the change on the Modify License page.`;
}
