// The dashboard's figures from the local org: five aggregate queries, and numbers that agree with
// what the same licenses say one by one.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { loadDashboard, weeklyInstalls } from '../../../src/lma/records/dashboard';
import { queryAll } from '../../../src/lma/records/lmoApi';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { loadPackages } from '../../../src/lma/records/packages';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';

let org: LocalOrg;
let session: LmoSession;
let requests = 0;

before(async () => {
  org = await startLocalOrg({ seed: 'demo' });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'dash-lmo',
  });
  const count = (line: string) => {
    if (/^(GET|POST) /.test(line)) requests++;
  };
  session = new LmoSession({
    log: { trace: count, info: count, warn: count, error: count },
    checkLma: (request) => checkLmaPresence({ request }),
  });
  await session.connect('dash-lmo');
});
after(async () => {
  session?.dispose();
  await org?.close();
});

interface Row {
  sfLma__Status__c: string;
  sfLma__Seats__c: number;
  sfLma__Used_Licenses__c: number | null;
  sfLma__Expiration__c: string | null;
  sfLma__Install_Date__c: string | null;
}

test('the whole LMO and one package, each in six requests, agreeing with the licenses themselves', async () => {
  const today = new Date();
  const packages = await loadPackages(session);
  const billing = packages.find((p) => p.name === 'Acme Billing')!;
  for (const scope of [undefined, { packageRecordId: billing.id, packageName: billing.name }]) {
    const before = requests;
    const data = await loadDashboard(session, scope, today);
    assert.equal(requests - before, 6);
    assert.equal(data.timeZone, 'GMT');
    const filter = scope
      ? ` WHERE sfLma__Package_Version__r.sfLma__Package__c = '${scope.packageRecordId}'`
      : '';
    const rows = await queryAll<Row>(
      session,
      `SELECT sfLma__Status__c, sfLma__Seats__c, sfLma__Used_Licenses__c, sfLma__Expiration__c, sfLma__Install_Date__c FROM sfLma__License__c${filter}`,
    );
    const total = data.byStatus.reduce((sum, row) => sum + row.count, 0);
    assert.equal(total, rows.length);
    const day = (offset: number) =>
      new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const trialsUntil = (last: string) =>
      rows.filter(
        (r) =>
          r.sfLma__Status__c === 'Trial' &&
          r.sfLma__Expiration__c &&
          r.sfLma__Expiration__c >= day(0) &&
          r.sfLma__Expiration__c <= last,
      ).length;
    assert.equal(data.trialsExpiringIn30Days, trialsUntil(day(30)));
    assert.equal(data.trialsExpiringIn7Days, trialsUntil(day(7)));
    const active = rows.filter((r) => r.sfLma__Status__c === 'Active' && r.sfLma__Seats__c > 0);
    assert.equal(
      data.seats.licensed,
      active.reduce((sum, r) => sum + r.sfLma__Seats__c, 0),
    );
    assert.equal(
      data.seats.used,
      active.reduce((sum, r) => sum + (r.sfLma__Used_Licenses__c ?? 0), 0),
    );
    assert.equal(data.installsPerWeek.length, 26);
    if (scope)
      assert.equal(total, billing.licenseTotal, 'the dashboard and the tree count the same licenses');
  }
});

/** The date it is in a time zone now, YYYY-MM-DD. */
const dateIn = (timeZone: string, at: Date, plusDays = 0): string => {
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + plusDays);
  return d.toISOString().slice(0, 10);
};

test("today, the next 7 and 30 days are the LMO user's days (User.TimeZoneSidKey), as SOQL's date literals are", async () => {
  const now = new Date();
  // UTC+14 from 10:00 UTC, UTC-11 before 11:00 UTC: either way a zone whose date is not UTC's now.
  const timeZone = now.getUTCHours() >= 10 ? 'Pacific/Kiritimati' : 'Pacific/Pago_Pago';
  const userToday = dateIn(timeZone, now);
  const utcToday = now.toISOString().slice(0, 10);
  assert.notEqual(userToday, utcToday, 'the zone must differ from UTC for this test to mean anything');
  const userId = org.orgs.lmo.userId;
  const version = (
    await queryAll<{ Id: string }>(session, 'SELECT Id FROM sfLma__Package_Version__c LIMIT 1')
  )[0]!.Id;
  // Trials on the days where the two readings part: the user's today and day 7 and 30, and the day
  // after each, and UTC's today.
  const days = [...new Set([0, 7, 8, 30, 31, -1].map((n) => dateIn(timeZone, now, n)).concat(utcToday))];
  const created: string[] = [];
  try {
    for (const expiration of days) {
      const { id } = await session.request<{ id: string }>('/sobjects/sfLma__License__c', {
        method: 'POST',
        body: {
          sfLma__Status__c: 'Trial',
          sfLma__Seats__c: 5,
          sfLma__Expiration__c: expiration,
          sfLma__Package_Version__c: version,
        },
      });
      created.push(id);
    }
    await session.request(`/sobjects/User/${userId}`, {
      method: 'PATCH',
      body: { TimeZoneSidKey: timeZone },
    });
    // The local org answers date literals in the user's days, as Salesforce does.
    const page = await session.request<{ records: { sfLma__Expiration__c: string }[] }>(
      `/query?q=${encodeURIComponent(`SELECT sfLma__Expiration__c FROM sfLma__License__c WHERE Id IN ('${created.join("','")}') AND sfLma__Expiration__c = TODAY`)}`,
    );
    assert.deepEqual(
      page.records.map((r) => r.sfLma__Expiration__c),
      [userToday],
    );

    const data = await loadDashboard(session, undefined, now);
    assert.equal(data.timeZone, timeZone);
    assert.equal(data.today, userToday);
    const rows = await queryAll<Row>(
      session,
      "SELECT sfLma__Status__c, sfLma__Seats__c, sfLma__Used_Licenses__c, sfLma__Expiration__c, sfLma__Install_Date__c FROM sfLma__License__c WHERE sfLma__Status__c = 'Trial'",
    );
    const trialsUntil = (last: string) =>
      rows.filter(
        (r) =>
          r.sfLma__Expiration__c && r.sfLma__Expiration__c >= userToday && r.sfLma__Expiration__c <= last,
      ).length;
    assert.equal(data.trialsExpiringIn7Days, trialsUntil(dateIn(timeZone, now, 7)));
    assert.equal(data.trialsExpiringIn30Days, trialsUntil(dateIn(timeZone, now, 30)));
    // The weeks end with the user's week.
    const monday = new Date(`${userToday}T00:00:00Z`);
    monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
    assert.equal(data.installsPerWeek.at(-1)!.weekStart, monday.toISOString().slice(0, 10));
  } finally {
    await session.request(`/sobjects/User/${userId}`, { method: 'PATCH', body: { TimeZoneSidKey: 'GMT' } });
    for (const id of created)
      await session.request(`/sobjects/sfLma__License__c/${id}`, { method: 'DELETE' });
  }
});

test('installs fall into Monday-to-Sunday weeks, empty weeks included', () => {
  const wednesday = new Date('2026-11-25T12:00:00Z');
  const weeks = weeklyInstalls(
    [
      { date: '2026-11-23', count: 2 },
      { date: '2026-11-22', count: 1 },
      { date: '2026-06-01', count: 9 },
    ],
    wednesday,
  );
  assert.equal(weeks.length, 26);
  assert.deepEqual(weeks.at(-1), { weekStart: '2026-11-23', count: 2 });
  assert.deepEqual(weeks.at(-2), { weekStart: '2026-11-16', count: 1 });
  assert.equal(weeks[0]!.weekStart, '2026-06-01');
  assert.equal(weeks[0]!.count, 9);
});
