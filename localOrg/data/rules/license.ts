// The LMA's rules for License records (lma-domain.md §1.1, §3): seat range,
// no return to Trial once Active, no edits once Uninstalled, and Status kept
// in step with the record type (License Status is `$RecordType.Name`).
import { SalesforceError } from '../errors';
import { MAX_SEATS, SITE_LICENSE } from '../schema/lma';
import type { Row } from '../schema/types';

export interface LicenseRuleContext {
  system: boolean;
  /** License record types of the org: Id, Name, DeveloperName. */
  recordTypes: Row[];
  /** Whether the license's status was ever Active (from its history). */
  wasEverActive(licenseId: string): boolean;
  /** Did the caller set RecordTypeId explicitly? */
  recordTypeGiven: boolean;
}

const STATUS = 'sfLma__Status__c';
const SEATS = 'sfLma__Seats__c';

const validation = (message: string, field: string): SalesforceError =>
  new SalesforceError('FIELD_CUSTOM_VALIDATION_EXCEPTION', message, [field]);

/** Allowed Status values per record type name (tidyops record-type picklist mapping). */
const STATUS_BY_RECORD_TYPE: Record<string, string[]> = {
  Active: ['Active', 'Suspended'],
  Expired: ['Active', 'Suspended', 'Trial'],
  Suspended: ['Active', 'Suspended'],
  Trial: ['Active', 'Trial'],
  Uninstalled: ['Uninstalled'],
};

/** Check `next` (the full row to store) against `old`; may set RecordTypeId. */
export function applyLicenseRules(old: Row | undefined, next: Row, ctx: LicenseRuleContext): void {
  if (old && old[STATUS] === 'Uninstalled' && !ctx.system) {
    throw validation('This license has been uninstalled and can no longer be edited.', STATUS);
  }
  const seats = next[SEATS];
  if (seats !== null && seats !== undefined) {
    const n = seats as number;
    if (!Number.isInteger(n) || (n !== SITE_LICENSE && (n < 1 || n > MAX_SEATS))) {
      throw validation(
        `Seats must be between 1 and ${MAX_SEATS.toLocaleString('en-US')}, or -1 for a site license.`,
        SEATS,
      );
    }
  }
  const status = next[STATUS];
  const statusChanged = !old || old[STATUS] !== status;
  if (
    old &&
    statusChanged &&
    status === 'Trial' &&
    (old[STATUS] === 'Active' || ctx.wasEverActive(String(old.Id)))
  ) {
    throw validation(
      'After a trial license converts to an active license, it can’t return to a trial state.',
      STATUS,
    );
  }
  if (!ctx.recordTypeGiven && statusChanged && typeof status === 'string') {
    // The LMA moves the license to the record type named after its status.
    const rt = ctx.recordTypes.find((r) => r.Name === status);
    if (rt) next.RecordTypeId = rt.Id;
  }
  if (typeof status === 'string' && next.RecordTypeId) {
    const rt = ctx.recordTypes.find(
      (r) => String(r.Id).slice(0, 15) === String(next.RecordTypeId).slice(0, 15),
    );
    const allowed = rt ? STATUS_BY_RECORD_TYPE[String(rt.Name)] : undefined;
    if (!allowed || !allowed.includes(status)) {
      throw new SalesforceError(
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        `Status: bad value for restricted picklist field: ${status}`,
        [STATUS],
      );
    }
  }
}
