/**
 * The figures of the LMO dashboard, for the whole LMO or one package, in five aggregate queries
 * whatever the number of licenses: licenses by status, trials expiring in the next 30 days (by day),
 * installs per day over the last 26 weeks, and seats licensed and used on active licenses. Aggregates
 * stay under Salesforce's 2,000 groups: at most 5 statuses, 31 days, 183 days.
 *
 * "Today" is the LMO user's today: SOQL's date literals (TODAY, NEXT_N_DAYS) follow the running
 * user's time zone (User.TimeZoneSidKey), so the 7-day window and the weeks are cut on the same days,
 * read in a sixth request beside the five.
 */
import { withLmaFields } from './lmaFields';
import { packageCondition } from './licenseScope';
import { licenseFields } from './licenses';
import { toLicense, type LicenseRow } from './licenseRecord';
import { queryAll, queryPage, type LmoApi } from './lmoApi';
import { literal } from './soql';
import type { License } from './types';

export const DASHBOARD_WEEKS = 26;

export interface DashboardData {
  /** The package the figures are about; undefined for the whole LMO. */
  packageName: string | undefined;
  byStatus: { status: string; count: number }[];
  trialsExpiringIn7Days: number;
  trialsExpiringIn30Days: number;
  /** Monday of each week (ISO date) and the installs that week, oldest first. */
  installsPerWeek: { weekStart: string; count: number }[];
  seats: { licensed: number; used: number; activeLicenses: number; siteLicenses: number };
  /** The LMO user's time zone (User.TimeZoneSidKey) and today's date in it, which the figures count from. */
  timeZone: string;
  today: string;
  /** How many requests it took (always the same). */
  requests: number;
}

/**
 * A figure of the dashboard that counts Licenses: clicking it lists those Licenses. Each figure's
 * condition is the one its count is queried with (`figureCondition`), so the list holds what the figure says.
 */
export type DashboardFigure =
  | { kind: 'all' }
  | { kind: 'status'; status: string }
  | { kind: 'trialsExpiring'; days: 7 | 30 }
  | { kind: 'activeWithSeats' }
  | { kind: 'siteLicenses' };

/** The name a status has on the dashboard when a License has none. */
export const NO_STATUS = '(no status)';

const TRIAL = "sfLma__Status__c = 'Trial'";
const trialsExpiring = (days: number) =>
  `${TRIAL} AND sfLma__Expiration__c >= TODAY AND sfLma__Expiration__c <= NEXT_N_DAYS:${days}`;
const ACTIVE_WITH_SEATS = "sfLma__Status__c = 'Active' AND sfLma__Seats__c > 0";
const ACTIVE_SITE = "sfLma__Status__c = 'Active' AND sfLma__Seats__c = -1";

/** The SOQL condition of a figure (undefined: every License); a status enters only as an escaped literal. */
export function figureCondition(figure: DashboardFigure): string | undefined {
  switch (figure.kind) {
    case 'all':
      return undefined;
    case 'status':
      return figure.status === NO_STATUS
        ? 'sfLma__Status__c = null'
        : `sfLma__Status__c = ${literal(figure.status)}`;
    case 'trialsExpiring':
      return trialsExpiring(figure.days);
    case 'activeWithSeats':
      return ACTIVE_WITH_SEATS;
    case 'siteLicenses':
      return ACTIVE_SITE;
  }
}

/** How a figure's list is titled in the tree. */
export function figureTitle(figure: DashboardFigure, packageName: string | undefined): string {
  const of = packageName ? ` of ${packageName}` : '';
  switch (figure.kind) {
    case 'all':
      return `All Licenses${of}`;
    case 'status':
      return `${figure.status} Licenses${of}`;
    case 'trialsExpiring':
      return `Trials${of} expiring in the next ${figure.days} days`;
    case 'activeWithSeats':
      return `Active Licenses${of} with seats`;
    case 'siteLicenses':
      return `Active site Licenses${of}`;
  }
}

/** The most Licenses a figure's list loads into the tree (one query); the node says when there are more. */
export const FIGURE_LIST_LIMIT = 2000;

/**
 * The Licenses a dashboard figure counts, newest first, in one query of at most `limit` rows (and one
 * more, to know whether there are more), in the dashboard's scope.
 */
export function loadFigureLicenses(
  api: LmoApi,
  figure: DashboardFigure,
  packageRecordId: string | undefined,
  limit = FIGURE_LIST_LIMIT,
): Promise<{ licenses: License[]; more: boolean }> {
  return withLmaFields(api, async (fields) => {
    const conditions = [
      figureCondition(figure),
      packageRecordId ? packageCondition(fields, packageRecordId) : undefined,
    ].filter(Boolean);
    const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
    const soql = `SELECT ${licenseFields(fields)} FROM sfLma__License__c${where} ORDER BY Id DESC LIMIT ${limit + 1}`;
    const rows = await queryAll<LicenseRow>(api, soql);
    return { licenses: rows.slice(0, limit).map(toLicense), more: rows.length > limit };
  });
}

interface Grouped {
  total: number;
  [field: string]: unknown;
}

export function loadDashboard(
  api: LmoApi,
  scope: { packageRecordId: string; packageName: string } | undefined,
  today: Date = new Date(),
): Promise<DashboardData> {
  if (!scope) return loadFigures(api, undefined, today);
  // A package's licenses as the tree counts them (licenseScope.ts: through the Package Version, or License → Package).
  return withLmaFields(api, (fields) =>
    loadFigures(
      api,
      { name: scope.packageName, condition: packageCondition(fields, scope.packageRecordId) },
      today,
    ),
  );
}

async function loadFigures(
  api: LmoApi,
  scope: { name: string; condition: string } | undefined,
  today: Date,
): Promise<DashboardData> {
  const inPackage = scope?.condition;
  const where = (condition?: string) => {
    const conditions = [condition, inPackage].filter(Boolean);
    return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  };
  const query = async (soql: string) => (await queryPage<Grouped>(api, soql)).records;
  // The user's own row when the session knows who it is; else the org's default time zone.
  const zoneQuery = api.username
    ? `SELECT TimeZoneSidKey FROM User WHERE Username = ${literal(api.username)} LIMIT 1`
    : 'SELECT TimeZoneSidKey FROM Organization LIMIT 1';
  const [zone, statuses, expiring, installs, seats, sites] = await Promise.all([
    queryPage<{ TimeZoneSidKey?: string | null }>(api, zoneQuery).then((page) => page.records),
    query(
      `SELECT sfLma__Status__c, COUNT(Id) total FROM sfLma__License__c ${where()} GROUP BY sfLma__Status__c`,
    ),
    query(
      `SELECT sfLma__Expiration__c, COUNT(Id) total FROM sfLma__License__c ${where(trialsExpiring(30))} GROUP BY sfLma__Expiration__c`,
    ),
    query(
      `SELECT sfLma__Install_Date__c, COUNT(Id) total FROM sfLma__License__c ${where(`sfLma__Install_Date__c = LAST_N_DAYS:${DASHBOARD_WEEKS * 7}`)} GROUP BY sfLma__Install_Date__c`,
    ),
    query(
      `SELECT SUM(sfLma__Seats__c) licensed, SUM(sfLma__Used_Licenses__c) used, COUNT(Id) total FROM sfLma__License__c ${where(ACTIVE_WITH_SEATS)}`,
    ),
    query(`SELECT COUNT(Id) total FROM sfLma__License__c ${where(ACTIVE_SITE)}`),
  ]);

  const timeZone = zone[0]?.TimeZoneSidKey || 'GMT';
  const userToday = dayIn(timeZone, today);
  const day = isoDay(userToday);
  const in7 = isoDay(addDays(userToday, 7));
  const expiringDays = expiring.map((row) => ({
    date: String(row.sfLma__Expiration__c).slice(0, 10),
    count: row.total,
  }));
  return {
    packageName: scope?.name,
    byStatus: statuses
      .map((row) => ({ status: (row.sfLma__Status__c as string | null) ?? NO_STATUS, count: row.total }))
      .sort((a, b) => b.count - a.count),
    trialsExpiringIn7Days: expiringDays
      .filter((row) => row.date >= day && row.date <= in7)
      .reduce((sum, row) => sum + row.count, 0),
    trialsExpiringIn30Days: expiringDays.reduce((sum, row) => sum + row.count, 0),
    installsPerWeek: weeklyInstalls(
      installs.map((row) => ({ date: String(row.sfLma__Install_Date__c).slice(0, 10), count: row.total })),
      userToday,
    ),
    seats: {
      licensed: Number(seats[0]?.licensed ?? 0),
      used: Number(seats[0]?.used ?? 0),
      activeLicenses: seats[0]?.total ?? 0,
      siteLicenses: sites[0]?.total ?? 0,
    },
    timeZone,
    today: day,
    requests: 6,
  };
}

/** Daily install counts into the last 26 weeks (Monday to Sunday), oldest first, empty weeks included. */
export function weeklyInstalls(
  days: { date: string; count: number }[],
  today: Date,
): { weekStart: string; count: number }[] {
  const thisMonday = addDays(today, -((today.getUTCDay() + 6) % 7));
  const weeks = Array.from({ length: DASHBOARD_WEEKS }, (_, i) => ({
    weekStart: isoDay(addDays(thisMonday, (i - DASHBOARD_WEEKS + 1) * 7)),
    count: 0,
  }));
  for (const { date, count } of days) {
    const week = [...weeks].reverse().find((candidate) => candidate.weekStart <= date);
    if (week) week.count += count;
  }
  return weeks;
}

function addDays(date: Date, days: number): Date {
  const copy = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  copy.setUTCDate(copy.getUTCDate() + days);
  return copy;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Midnight UTC of the date it is in `timeZone` at `now` (TimeZoneSidKey values are IANA names, as Intl
 * takes them); UTC's date for a zone Intl doesn't know.
 */
export function dayIn(timeZone: string, now: Date): Date {
  try {
    const [y, m, d] = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
      .format(now)
      .split('-')
      .map(Number);
    if (y && m && d) return new Date(Date.UTC(y, m - 1, d));
  } catch {
    // An unknown zone: UTC below.
  }
  return addDays(now, 0);
}
