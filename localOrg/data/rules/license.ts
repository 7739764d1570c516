// The LMA's own behaviour on License writes, and the limits of its Modify License page as an optional
// LMO customization.
//
// The record type follows the Status (License Status is `$RecordType.Name`) when a Status has a
// record type of its name and the caller did not set RecordTypeId: always on inserts and on the LMA's
// own writes; on an API update only with `recordTypeFollowsStatus`. Whether anything moves it on a
// real LMO when an API write changes Status is UNCONFIRMED: by default it stays behind.
//
// Only with the `licenseRules` customization: seat range, no return to Trial once Active, no edits
// once Uninstalled, and the record-type picklist mapping. A real LMO's metadata has no such
// validation rules (Status is not even a restricted picklist): the API accepts what the Modify
// License page would refuse, so by default the local org does too.
import { SalesforceError } from '../errors';
import { LICENSE_RECORD_TYPES, MAX_SEATS, SITE_LICENSE } from '../schema/lma';
import type { Row } from '../schema/types';

export interface LicenseRuleContext {
  system: boolean;
  /** The `licenseRules` customization: enforce the Modify License limits on every API write. */
  enforce: boolean;
  /** An API update of Status moves the record type too (off: it stays where it is). */
  recordTypeFollowsStatus: boolean;
  /** License record types of the org: Id, Name, DeveloperName. */
  recordTypes: Row[];
  /** Whether the license's status was ever Active (from its history). */
  wasEverActive(licenseId: string): boolean;
  /** Did the caller set RecordTypeId explicitly? */
  recordTypeGiven: boolean;
}

const STATUS = 'sfLma__Status__c';
const SEATS = 'sfLma__Seats__c';

/** The names of the customization's validation rules, as the Tooling API lists them. */
export const LICENSE_RULES = [
  {
    name: 'Seats_In_Range',
    field: SEATS,
    message: `Seats must be between 1 and ${MAX_SEATS.toLocaleString('en-US')}, or -1 for a site license.`,
  },
  {
    name: 'No_Return_To_Trial',
    field: STATUS,
    message: 'After a trial license converts to an active license, it can’t return to a trial state.',
  },
  {
    name: 'Uninstalled_Read_Only',
    field: STATUS,
    message: 'This license has been uninstalled and can no longer be edited.',
  },
] as const;

const validation = (rule: (typeof LICENSE_RULES)[number]): SalesforceError =>
  new SalesforceError('FIELD_CUSTOM_VALIDATION_EXCEPTION', rule.message, [rule.field]);

const [SEATS_IN_RANGE, NO_RETURN_TO_TRIAL, UNINSTALLED_READ_ONLY] = LICENSE_RULES;

/** Check `next` (the full row to store) against `old`; may set RecordTypeId. */
export function applyLicenseRules(old: Row | undefined, next: Row, ctx: LicenseRuleContext): void {
  const status = next[STATUS];
  const statusChanged = !old || old[STATUS] !== status;
  if (ctx.enforce) enforceModifyLicenseLimits(old, next, ctx, statusChanged);
  const follows = !old || ctx.system || ctx.recordTypeFollowsStatus;
  if (!ctx.recordTypeGiven && statusChanged && typeof status === 'string' && follows) {
    // The LMA moves the license to the record type named after its status.
    const rt = ctx.recordTypes.find((r) => r.Name === status);
    if (rt) next.RecordTypeId = rt.Id;
  }
  if (ctx.enforce && typeof status === 'string' && next.RecordTypeId) {
    const rt = ctx.recordTypes.find(
      (r) => String(r.Id).slice(0, 15) === String(next.RecordTypeId).slice(0, 15),
    );
    const allowed = LICENSE_RECORD_TYPES.find((t) => t.name === rt?.Name)?.statusValues;
    if (!allowed || !allowed.includes(status)) {
      throw new SalesforceError(
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        `Status: bad value for restricted picklist field: ${status}`,
        [STATUS],
      );
    }
  }
}

function enforceModifyLicenseLimits(
  old: Row | undefined,
  next: Row,
  ctx: LicenseRuleContext,
  statusChanged: boolean,
): void {
  if (old && old[STATUS] === 'Uninstalled' && !ctx.system) throw validation(UNINSTALLED_READ_ONLY);
  const seats = next[SEATS];
  if (seats !== null && seats !== undefined) {
    const n = seats as number;
    if (!Number.isInteger(n) || (n !== SITE_LICENSE && (n < 1 || n > MAX_SEATS)))
      throw validation(SEATS_IN_RANGE);
  }
  if (
    old &&
    statusChanged &&
    next[STATUS] === 'Trial' &&
    (old[STATUS] === 'Active' || ctx.wasEverActive(String(old.Id)))
  ) {
    throw validation(NO_RETURN_TO_TRIAL);
  }
}
