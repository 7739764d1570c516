/**
 * The figures of the LMO dashboard, for the whole LMO or one package, in five aggregate queries
 * whatever the number of licenses: licenses by status, trials expiring in the next 30 days (by day),
 * installs per day over the last 26 weeks, and seats licensed and used on active licenses. Aggregates
 * stay under Salesforce's 2,000 groups: at most 5 statuses, 31 days, 183 days.
 */
import { lmaFieldsOf } from './lmaFields';
import { queryPage, type LmoApi } from './lmoApi';
import { packageCondition } from './packages';

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
  /** How many requests it took (always the same). */
  requests: number;
}

interface Grouped {
  total: number;
  [field: string]: unknown;
}

export async function loadDashboard(
  api: LmoApi,
  scope: { packageRecordId: string; packageName: string } | undefined,
  today: Date = new Date(),
): Promise<DashboardData> {
  // A package's licenses as the tree counts them (packages.ts: through the Package Version, or License → Package).
  const inPackage =
    scope && packageCondition(api.lmaFields ?? (await lmaFieldsOf(api)), scope.packageRecordId);
  const where = (condition?: string) => {
    const conditions = [condition, inPackage].filter(Boolean);
    return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  };
  const query = async (soql: string) => (await queryPage<Grouped>(api, soql)).records;
  const [statuses, expiring, installs, seats, sites] = await Promise.all([
    query(
      `SELECT sfLma__Status__c, COUNT(Id) total FROM sfLma__License__c ${where()} GROUP BY sfLma__Status__c`,
    ),
    query(
      `SELECT sfLma__Expiration__c, COUNT(Id) total FROM sfLma__License__c ${where("sfLma__Status__c = 'Trial' AND sfLma__Expiration__c >= TODAY AND sfLma__Expiration__c <= NEXT_N_DAYS:30")} GROUP BY sfLma__Expiration__c`,
    ),
    query(
      `SELECT sfLma__Install_Date__c, COUNT(Id) total FROM sfLma__License__c ${where(`sfLma__Install_Date__c = LAST_N_DAYS:${DASHBOARD_WEEKS * 7}`)} GROUP BY sfLma__Install_Date__c`,
    ),
    query(
      `SELECT SUM(sfLma__Seats__c) licensed, SUM(sfLma__Used_Licenses__c) used, COUNT(Id) total FROM sfLma__License__c ${where("sfLma__Status__c = 'Active' AND sfLma__Seats__c > 0")}`,
    ),
    query(
      `SELECT COUNT(Id) total FROM sfLma__License__c ${where("sfLma__Status__c = 'Active' AND sfLma__Seats__c = -1")}`,
    ),
  ]);

  const day = isoDay(today);
  const in7 = isoDay(addDays(today, 7));
  const expiringDays = expiring.map((row) => ({
    date: String(row.sfLma__Expiration__c).slice(0, 10),
    count: row.total,
  }));
  return {
    packageName: scope?.packageName,
    byStatus: statuses
      .map((row) => ({ status: (row.sfLma__Status__c as string | null) ?? '(no status)', count: row.total }))
      .sort((a, b) => b.count - a.count),
    trialsExpiringIn7Days: expiringDays
      .filter((row) => row.date >= day && row.date <= in7)
      .reduce((sum, row) => sum + row.count, 0),
    trialsExpiringIn30Days: expiringDays.reduce((sum, row) => sum + row.count, 0),
    installsPerWeek: weeklyInstalls(
      installs.map((row) => ({ date: String(row.sfLma__Install_Date__c).slice(0, 10), count: row.total })),
      today,
    ),
    seats: {
      licensed: Number(seats[0]?.licensed ?? 0),
      used: Number(seats[0]?.used ?? 0),
      activeLicenses: seats[0]?.total ?? 0,
      siteLicenses: sites[0]?.total ?? 0,
    },
    requests: 5,
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
