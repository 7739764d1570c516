/**
 * The LMA's Refresh Licenses: a button on the Package record, once a week per package; the record shows
 * Last License Refresh and Next Available Refresh (last + 7 days). No API: the extension only reminds and
 * opens the package in Salesforce (/work/shared/reference/isv-operations.md, "Subscriber support").
 * One wording, used by the customer view and the tree's package nodes.
 */

/** The days between two refreshes of a package's licenses. */
export const LICENSE_REFRESH_DAYS = 7;

export interface LicenseRefreshDates {
  /** sfLma__Last_License_Refresh__c (YYYY-MM-DD; LMA 1.20, absent in older LMAs). */
  lastLicenseRefresh?: string | undefined;
  /** sfLma__Next_Available_Refresh__c (YYYY-MM-DD). */
  nextAvailableRefresh?: string | undefined;
}

/**
 * "never refreshed", "last 2026-11-30; next available 2026-12-07" or "last …; available now" (`today`
 * as YYYY-MM-DD). Without a Next Available Refresh, the next is the last plus 7 days.
 */
export function licenseRefreshText(dates: LicenseRefreshDates, today: string): string {
  const last = dates.lastLicenseRefresh;
  if (!last) return 'never refreshed';
  const next = dates.nextAvailableRefresh ?? plusDays(last, LICENSE_REFRESH_DAYS);
  return `last ${last}; ${next && next > today ? `next available ${next}` : 'available now'}`;
}

function plusDays(isoDate: string, days: number): string | undefined {
  const time = Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(time)) return undefined;
  return new Date(time + days * 86_400_000).toISOString().slice(0, 10);
}
