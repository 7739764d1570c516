// SOQL date literals as inclusive day ranges of the running user's days: Salesforce resolves
// `TODAY`, `NEXT_N_DAYS:n`… in the user's time zone (User.TimeZoneSidKey), and so does the local
// org (zoneOffsetMs). Weeks start on Sunday and fiscal years on 1 January, the defaults of a new org.
import { malformedQuery } from '../errors';

export interface DayRange {
  /** Inclusive first and last day, `YYYY-MM-DD`. */
  from: string;
  to: string;
}

const day = (d: Date): string => d.toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number): Date => new Date(Date.UTC(y, m, d));

function shiftDays(base: Date, n: number): Date {
  return utc(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate() + n);
}

function unitRange(
  unit: 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR',
  today: Date,
  offset: number,
  count = 1,
): DayRange {
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth();
  switch (unit) {
    case 'DAY': {
      const a = shiftDays(today, offset);
      return { from: day(a), to: day(shiftDays(a, count - 1)) };
    }
    case 'WEEK': {
      const start = shiftDays(today, -today.getUTCDay() + offset * 7);
      return { from: day(start), to: day(shiftDays(start, count * 7 - 1)) };
    }
    case 'MONTH':
      return { from: day(utc(y, m + offset, 1)), to: day(utc(y, m + offset + count, 0)) };
    case 'QUARTER': {
      const q = Math.floor(m / 3) * 3;
      return { from: day(utc(y, q + offset * 3, 1)), to: day(utc(y, q + (offset + count) * 3, 0)) };
    }
    case 'YEAR':
      return { from: day(utc(y + offset, 0, 1)), to: day(utc(y + offset + count, 0, 0)) };
  }
}

const FIXED: Record<string, [Parameters<typeof unitRange>[0], number]> = {
  YESTERDAY: ['DAY', -1],
  TODAY: ['DAY', 0],
  TOMORROW: ['DAY', 1],
  LAST_WEEK: ['WEEK', -1],
  THIS_WEEK: ['WEEK', 0],
  NEXT_WEEK: ['WEEK', 1],
  LAST_MONTH: ['MONTH', -1],
  THIS_MONTH: ['MONTH', 0],
  NEXT_MONTH: ['MONTH', 1],
  LAST_QUARTER: ['QUARTER', -1],
  THIS_QUARTER: ['QUARTER', 0],
  NEXT_QUARTER: ['QUARTER', 1],
  LAST_YEAR: ['YEAR', -1],
  THIS_YEAR: ['YEAR', 0],
  NEXT_YEAR: ['YEAR', 1],
  LAST_FISCAL_QUARTER: ['QUARTER', -1],
  THIS_FISCAL_QUARTER: ['QUARTER', 0],
  NEXT_FISCAL_QUARTER: ['QUARTER', 1],
  LAST_FISCAL_YEAR: ['YEAR', -1],
  THIS_FISCAL_YEAR: ['YEAR', 0],
  NEXT_FISCAL_YEAR: ['YEAR', 1],
};

/**
 * How far a time zone's wall clock is ahead of UTC at `now`, in ms (0 for GMT, an unknown zone, or
 * none). TimeZoneSidKey values are IANA names ("America/Los_Angeles"), as Intl takes them.
 */
export function zoneOffsetMs(timeZone: string | undefined, now: Date): number {
  if (!timeZone || timeZone === 'GMT' || timeZone === 'UTC') return 0;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }).formatToParts(now);
  } catch {
    return 0;
  }
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(now.getTime() / 1000) * 1000;
}

/** Salesforce's valid dates (SOQL and SOSL Reference, "Minimum and Maximum Dates"). */
const FIRST_DAY = '1700-01-01';
const LAST_DAY = '4000-12-31';
const inRange = (d: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(d) && d >= FIRST_DAY && d <= LAST_DAY;

/**
 * Resolve `TODAY`, `LAST_N_DAYS:5`, ... to a day range relative to `now` (a wall-clock time: see
 * zoneOffsetMs). A range that leaves the valid dates (`LAST_N_DAYS:99999999999`) is a malformed query.
 */
export function dateLiteralRange(literal: string, now: Date = new Date()): DayRange {
  let range: DayRange;
  try {
    range = literalRange(literal, now);
  } catch (e) {
    if (e instanceof RangeError) range = { from: '', to: '' };
    else throw e;
  }
  if (!inRange(range.from) || !inRange(range.to))
    throw malformedQuery(
      `date literal out of range: ${literal.slice(0, 40)} (dates run from ${FIRST_DAY} to ${LAST_DAY})`,
    );
  return range;
}

function literalRange(literal: string, now: Date): DayRange {
  const today = utc(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const upper = literal.toUpperCase();
  const fixed = FIXED[upper];
  if (fixed) return unitRange(fixed[0], today, fixed[1]);
  const m =
    /^(LAST_N|NEXT_N|N)_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS|FISCAL_QUARTERS|FISCAL_YEARS)(_AGO)?:(\d+)$/.exec(
      upper,
    );
  if (upper === 'LAST_90_DAYS') return literalRange('LAST_N_DAYS:90', now);
  if (upper === 'NEXT_90_DAYS') return literalRange('NEXT_N_DAYS:90', now);
  if (!m) throw malformedQuery(`unexpected date literal: ${literal}`);
  const unit = m[2]!.replace('FISCAL_', '').replace(/S$/, '') as Parameters<typeof unitRange>[0];
  const n = Number(m[4]);
  if (m[1] === 'N' && m[3]) return unitRange(unit, today, -n);
  if (m[1] === 'LAST_N') {
    // LAST_N_DAYS includes today; the other LAST_N_* end with the previous unit.
    if (unit === 'DAY') return { from: day(shiftDays(today, -n)), to: day(today) };
    return unitRange(unit, today, -n, n);
  }
  if (m[1] === 'NEXT_N') return unitRange(unit, today, 1, n);
  throw malformedQuery(`unexpected date literal: ${literal}`);
}
