// The dashboard's figures from the local org: five aggregate queries, and numbers that agree with
// what the same licenses say one by one.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from '../../../localOrg/index';
import { loadDashboard, weeklyInstalls } from '../../../src/lma/dashboard';
import { queryAll } from '../../../src/lma/lmoApi';
import { checkLmaPresence } from '../../../src/lma/lmaPresence';
import { loadPackages } from '../../../src/lma/packages';
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

test('the whole LMO and one package, each in five requests, agreeing with the licenses themselves', async () => {
  const today = new Date();
  const packages = await loadPackages(session);
  const billing = packages.find((p) => p.name === 'Acme Billing')!;
  for (const scope of [undefined, { packageRecordId: billing.id, packageName: billing.name }]) {
    const before = requests;
    const data = await loadDashboard(session, scope, today);
    assert.equal(requests - before, 5);
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
