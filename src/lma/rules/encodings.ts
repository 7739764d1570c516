/**
 * The LMA's special values. Seats -1 is a site license; an Expiration of null or 1970-01-01 means the
 * license does not expire (the LMA's own formula tests 1970-01-01, other tools write null: accept both).
 */

export const SITE_LICENSE_SEATS = -1;
export const MAX_SEATS = 99_000_000;
/** The Expiration the LMA's own formula reads as "Does not expire"; the extension writes it for that choice. */
export const PERPETUAL_DATE = '1970-01-01';
/** A trial lasts at most this many days from the install, unless converted (the LMA's and the Partner Console's limit). */
export const MAX_TRIAL_DAYS = 90;

export function isSiteLicense(seats: number | null | undefined): boolean {
  return seats === SITE_LICENSE_SEATS;
}

// One formatter for every call: toLocaleString builds one each time, which an export of 100,000 feels.
const seatCount = new Intl.NumberFormat('en-US');

export function formatSeats(seats: number | null | undefined): string {
  if (seats === null || seats === undefined) return 'No seats set';
  if (isSiteLicense(seats)) return 'Site License';
  return `${seatCount.format(seats)} ${seats === 1 ? 'seat' : 'seats'}`;
}

/** A seat count the LMA accepts: 1 to 99,000,000, or -1 for a site license. */
export function validateSeats(seats: number): string | undefined {
  if (!Number.isInteger(seats)) return 'Seats must be a whole number.';
  if (seats === SITE_LICENSE_SEATS) return undefined;
  if (seats < 1 || seats > MAX_SEATS)
    return `Seats must be between 1 and ${MAX_SEATS.toLocaleString('en-US')}, or -1 for a site license.`;
  return undefined;
}

export function doesNotExpire(expiration: string | null | undefined): boolean {
  return !expiration || expiration.startsWith(PERPETUAL_DATE);
}

/** An Expiration in a sentence: "Does not expire", "Expired 2026-11-28", or "Expires 2027-01-31". */
export function formatExpiration(
  expiration: string | null | undefined,
  today: Date | string = new Date(),
): string {
  if (doesNotExpire(expiration)) return 'Does not expire';
  return `${isExpired(expiration, today) ? 'Expired' : 'Expires'} ${expiration!.slice(0, 10)}`;
}

/**
 * A license row of the tree, short enough for the default side-bar width (what matters first):
 * "25 seats · exp 2027-01-03", "site · no expiry", "5 seats · expired 2026-11-28". The tooltip says the rest.
 */
export function licenseRowSummary(
  license: { seats: number | null | undefined; expiration: string | null | undefined },
  today: Date | string = new Date(),
): string {
  const { seats, expiration } = license;
  const seatText =
    seats === null || seats === undefined
      ? 'no seats'
      : isSiteLicense(seats)
        ? 'site'
        : `${seatCount.format(seats)} ${seats === 1 ? 'seat' : 'seats'}`;
  return `${seatText} · ${expirationWords(expiration, today)}`;
}

/** The one wording of an Expiration in rows and tooltips: "exp 2027-01-03", "expired 2026-11-28", "no expiry". */
export function expirationWords(
  expiration: string | null | undefined,
  today: Date | string = new Date(),
): string {
  if (doesNotExpire(expiration)) return 'no expiry';
  return `${isExpired(expiration, today) ? 'expired' : 'exp'} ${expiration!.slice(0, 10)}`;
}

/**
 * Expired: it has an expiration date and that day is over (the date is the last day of access).
 * `today` may be given as its ISO day ("2025-06-15"), which spares a conversion per license.
 */
export function isExpired(expiration: string | null | undefined, today: Date | string = new Date()): boolean {
  if (doesNotExpire(expiration)) return false;
  return expiration!.slice(0, 10) < (typeof today === 'string' ? today : isoDate(today));
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
