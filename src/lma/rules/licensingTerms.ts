/**
 * A package's default licensing terms: what the License of every new install gets (Status, Expiration,
 * Seats). Salesforce keeps them in the Partner Console; the project keeps them in sfdx-project.json
 * under `plugins.lma.defaultLicensing`, keyed by package alias. This module owns their rules: the form,
 * the extension host and the language server all check through it (the local org's Partner Console
 * states the same limits itself; a unit test checks they agree).
 *
 * In the file, one entry reads as a person would say it:
 *   "AcmeCRM":     { "status": "Trial",  "trialDays": 30,           "seats": 25 }
 *   "AcmeBilling": { "status": "Active", "activeDays": "unlimited", "seats": "site" }
 */
import { MAX_SEATS, MAX_TRIAL_DAYS } from './encodings';

/** No documented ceiling for an active license's length; 100 years keeps the Expiration a real date. */
export const MAX_ACTIVE_DAYS = 36_500;
export const DOES_NOT_EXPIRE = 'unlimited';
export const SITE_LICENSE = 'site';

export type DefaultStatus = 'Trial' | 'Active';

/** The terms in the domain's own shape (also the local org's Partner Console shape). */
export interface LicensingTerms {
  status: DefaultStatus;
  /** Days until the License expires; null = does not expire (Active only). */
  lengthDays: number | null;
  /** A seat count, or 'site' for a site license (Seats -1). */
  seats: number | typeof SITE_LICENSE;
}

/** One entry of `plugins.lma.defaultLicensing`, as written in sfdx-project.json. */
export interface TermsEntry {
  status: DefaultStatus;
  trialDays?: number;
  activeDays?: number | typeof DOES_NOT_EXPIRE;
  seats: number | typeof SITE_LICENSE;
}

export const termsEntryKeys = ['status', 'trialDays', 'activeDays', 'seats'] as const;
export type TermsKey = (typeof termsEntryKeys)[number];

export type ProblemCode =
  | 'notAnObject'
  | 'status'
  | 'trialDays'
  | 'trialDaysMissing'
  | 'trialDaysOnActive'
  | 'activeDays'
  | 'activeDaysMissing'
  | 'activeDaysOnTrial'
  | 'seats'
  | 'seatsMissing'
  | 'unknownKey';

/** A broken rule, located by the entry key it is about (undefined: the entry as a whole). */
export interface TermsProblem {
  code: ProblemCode;
  key: TermsKey | string | undefined;
  message: string;
}

export const SANDBOX_NOTE = 'Installs in sandboxes always get a site license, whatever the seats here.';
export const FUTURE_INSTALLS_NOTE =
  'Changing the defaults only affects future installs. Existing licenses keep their terms.';

const isWhole = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

/** The problems of a seats value: a whole number 1 to MAX_SEATS, or "site". */
export function checkSeats(seats: unknown): string | undefined {
  if (seats === SITE_LICENSE) return undefined;
  if (!isWhole(seats) || seats < 1 || seats > MAX_SEATS)
    return `Seats must be a whole number from 1 to ${MAX_SEATS.toLocaleString('en-US')}, or "site" for a site license.`;
  return undefined;
}

export function checkTrialDays(days: unknown): string | undefined {
  if (!isWhole(days) || days < 1 || days > MAX_TRIAL_DAYS) return `A trial runs 1 to ${MAX_TRIAL_DAYS} days.`;
  return undefined;
}

export function checkActiveDays(days: unknown): string | undefined {
  if (days === DOES_NOT_EXPIRE) return undefined;
  if (!isWhole(days) || days < 1 || days > MAX_ACTIVE_DAYS)
    return `An active license runs 1 to ${MAX_ACTIVE_DAYS.toLocaleString('en-US')} days, or "${DOES_NOT_EXPIRE}" when it does not expire.`;
  return undefined;
}

/** Every rule an entry breaks; none means `fromEntry` accepts it. */
export function checkEntry(entry: unknown): TermsProblem[] {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return [
      {
        code: 'notAnObject',
        key: undefined,
        message: 'Default licensing terms are an object: { "status", "trialDays" or "activeDays", "seats" }.',
      },
    ];
  const e = entry as Record<string, unknown>;
  const problems: TermsProblem[] = [];
  const add = (code: ProblemCode, key: string | undefined, message: string | undefined) => {
    if (message) problems.push({ code, key, message });
  };
  for (const key of Object.keys(e))
    if (!(termsEntryKeys as readonly string[]).includes(key))
      add('unknownKey', key, `Unknown key "${key}": the terms have ${termsEntryKeys.join(', ')}.`);

  if (e.status !== 'Trial' && e.status !== 'Active')
    add('status', 'status', 'The status of new installs is "Trial" or "Active".');
  if (e.status === 'Trial') {
    if (e.trialDays === undefined)
      add('trialDaysMissing', undefined, `A trial needs "trialDays" (1 to ${MAX_TRIAL_DAYS}).`);
    if (e.activeDays !== undefined)
      add(
        'activeDaysOnTrial',
        'activeDays',
        '"activeDays" applies to Active licenses; a trial uses "trialDays".',
      );
  }
  if (e.status === 'Active') {
    if (e.activeDays === undefined)
      add(
        'activeDaysMissing',
        undefined,
        `An active license needs "activeDays" (a number of days, or "${DOES_NOT_EXPIRE}").`,
      );
    if (e.trialDays !== undefined)
      add(
        'trialDaysOnActive',
        'trialDays',
        '"trialDays" applies to trials; an active license uses "activeDays".',
      );
  }
  if (e.trialDays !== undefined) add('trialDays', 'trialDays', checkTrialDays(e.trialDays));
  if (e.activeDays !== undefined) add('activeDays', 'activeDays', checkActiveDays(e.activeDays));
  if (e.seats === undefined) add('seatsMissing', undefined, 'The terms need "seats" (a number, or "site").');
  else add('seats', 'seats', checkSeats(e.seats));
  return problems;
}

/** The terms of a valid entry; the problems otherwise. */
export function fromEntry(entry: unknown): { terms: LicensingTerms } | { problems: TermsProblem[] } {
  const problems = checkEntry(entry);
  if (problems.length) return { problems };
  const e = entry as TermsEntry;
  const lengthDays =
    e.status === 'Trial' ? e.trialDays! : e.activeDays === DOES_NOT_EXPIRE ? null : e.activeDays!;
  return { terms: { status: e.status, lengthDays, seats: e.seats } };
}

/** The file entry of valid terms (keys in the order people read them). */
export function toEntry(terms: LicensingTerms): TermsEntry {
  return terms.status === 'Trial'
    ? { status: 'Trial', trialDays: terms.lengthDays ?? 0, seats: terms.seats }
    : { status: 'Active', activeDays: terms.lengthDays ?? DOES_NOT_EXPIRE, seats: terms.seats };
}

/** Checks terms in the domain shape (the Partner Console's input): throws nothing, lists problems. */
export function checkTerms(terms: unknown): TermsProblem[] {
  if (typeof terms !== 'object' || terms === null) return checkEntry(terms);
  const t = terms as Record<string, unknown>;
  const extra = Object.keys(t).filter((key) => !['status', 'lengthDays', 'seats'].includes(key));
  if (extra.length)
    return extra.map((key) => ({ code: 'unknownKey', key, message: `Unknown key "${key}".` }));
  const entry =
    t.status === 'Trial'
      ? { status: t.status, trialDays: t.lengthDays ?? undefined, seats: t.seats }
      : {
          status: t.status,
          activeDays: t.lengthDays === null ? DOES_NOT_EXPIRE : t.lengthDays,
          seats: t.seats,
        };
  return checkEntry(entry);
}

/** The sentence the form shows: "New installs get a 30-day trial for 25 seats." */
export function describeTerms(terms: LicensingTerms): string {
  const seats =
    terms.seats === SITE_LICENSE
      ? 'as a site license (every user of the subscriber org)'
      : `for ${terms.seats.toLocaleString('en-US')} ${terms.seats === 1 ? 'seat' : 'seats'}`;
  if (terms.status === 'Trial') return `New installs get a ${terms.lengthDays}-day trial ${seats}.`;
  const length =
    terms.lengthDays === null
      ? 'that does not expire'
      : `for ${terms.lengthDays.toLocaleString('en-US')} ${terms.lengthDays === 1 ? 'day' : 'days'}`;
  return `New installs get an active license ${length}, ${seats}.`;
}

/** The Expiration a License installed on `installDay` gets (ISO date), or null when it does not expire. */
export function expirationFor(terms: LicensingTerms, installDay: Date): string | null {
  if (terms.lengthDays === null) return null;
  const day = new Date(
    Date.UTC(installDay.getUTCFullYear(), installDay.getUTCMonth(), installDay.getUTCDate()),
  );
  day.setUTCDate(day.getUTCDate() + terms.lengthDays);
  return day.toISOString().slice(0, 10);
}

/** Seats as the License stores them: -1 for a site license (always so in a sandbox). */
export function licenseSeats(terms: LicensingTerms, isSandbox: boolean): number {
  return isSandbox || terms.seats === SITE_LICENSE ? -1 : terms.seats;
}

export function sameTerms(a: LicensingTerms | undefined, b: LicensingTerms | undefined): boolean {
  return a?.status === b?.status && a?.lengthDays === b?.lengthDays && a?.seats === b?.seats;
}
