// The customer view's read: one subscriber org with Licenses of five packages, read in one request,
// agreeing with the Licenses and History read one by one.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { loadCustomer, subscriberOrgIdProblem } from '../../../src/lma/records/customer';
import { loadLicenseHistory } from '../../../src/lma/records/licenseHistory';
import { loadLmoPackages } from '../../../src/lma/records/packages';
import { queryAll } from '../../../src/lma/records/lmoApi';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { toId18 } from '../../../src/lma/records/soql';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';
import { customerWithFivePackages } from './customerWorld';

let org: LocalOrg;
let session: LmoSession;
let requests = 0;
let customer: { orgId: string; token: string };

before(async () => {
  org = await startLocalOrg({ seed: 'demo', installDelayMs: 0, timing: { licenseDelayMs: 0 } });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'customer-lmo',
  });
  const count = (line: string) => {
    if (/^(GET|POST|PATCH|DELETE) /.test(line)) requests++;
  };
  session = new LmoSession({
    log: { trace: count, info: count, warn: count, error: count },
    checkLma: (request) => checkLmaPresence({ request }),
  });
  await session.connect('customer-lmo');
  customer = await customerWithFivePackages(org, 'Northwind Five');
});
after(async () => {
  session?.dispose();
  await org?.close();
});

interface LicenseRow {
  Id: string;
  sfLma__Status__c: string;
  sfLma__Seats__c: number;
  sfLma__Package_Version__r: { sfLma__Package__r: { Name: string } };
}

test('a customer with five packages: the org, every License with its package and History, in one request', async () => {
  // A change, so that one License has History beyond its creation.
  const rows = await queryAll<LicenseRow>(
    session,
    `SELECT Id, sfLma__Status__c, sfLma__Seats__c, sfLma__Package_Version__r.sfLma__Package__r.Name FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c IN ('${customer.orgId}', '${customer.orgId.slice(0, 15)}')`,
  );
  assert.equal(rows.length, 5);
  const changed = rows[0]!;
  await session.request(`/sobjects/sfLma__License__c/${changed.Id}`, {
    method: 'PATCH',
    body: { sfLma__Seats__c: 42 },
  });

  const before = requests;
  const read = await loadCustomer(session, customer.orgId);
  assert.equal(requests - before, 1, 'one request: the Licenses with their History');
  assert.ok(read);
  assert.equal(read.org.id18, toId18(customer.orgId));
  assert.equal(read.org.id15, customer.orgId.slice(0, 15));
  assert.equal(read.org.name, 'Northwind Five');
  assert.equal(read.org.edition, 'Enterprise Edition');
  assert.equal(read.org.isSandbox, false);
  assert.ok(read.org.instance, 'the instance the LMA recorded');
  assert.ok(read.org.status, 'the org status the LMA recorded');
  assert.ok(read.org.lead?.id, 'the Lead the LMA linked');
  assert.equal(read.licenses.length, 5);
  assert.deepEqual(
    read.licenses.map((l) => l.package.name),
    rows.map((r) => r.sfLma__Package_Version__r.sfLma__Package__r.Name).sort((a, b) => a.localeCompare(b)),
  );
  for (const entry of read.licenses) {
    const row = rows.find((r) => r.Id === entry.license.id)!;
    assert.equal(entry.license.status, row.sfLma__Status__c);
    assert.ok(entry.license.versionNumber, 'the version installed');
    assert.ok(entry.package.packageId?.startsWith('033'));
    assert.deepEqual(entry.history, await loadLicenseHistory(session, entry.license.id));
  }
  const edited = read.licenses.find((l) => l.license.id === changed.Id)!;
  assert.equal(edited.license.seats, 42);
  assert.deepEqual(
    edited.history[0]!.changes.map((c) => [c.label, c.newValue]),
    [['Seats', '42']],
  );
  assert.ok(Date.parse(read.readAt) > 0);
  // Refresh Licenses: the package's last refresh and the next a week later; never for a new package.
  const billing = read.licenses.find((l) => l.package.name === 'Acme Billing')!.package;
  assert.ok(billing.lastLicenseRefresh);
  const week = new Date(`${billing.lastLicenseRefresh}T00:00:00Z`);
  week.setUTCDate(week.getUTCDate() + 7);
  assert.equal(billing.nextAvailableRefresh, week.toISOString().slice(0, 10));
  const extra = read.licenses.find((l) => l.package.name?.startsWith('Extra'))!.package;
  assert.deepEqual([extra.lastLicenseRefresh, extra.nextAvailableRefresh], [undefined, undefined]);
  // The tree's packages carry the same dates (the package node's reminder).
  const { packages } = await loadLmoPackages(session);
  const inTree = packages.find((p) => p.name === 'Acme Billing')!;
  assert.deepEqual(
    [inTree.lastLicenseRefresh, inTree.nextAvailableRefresh],
    [billing.lastLicenseRefresh, billing.nextAvailableRefresh],
  );
  const extraInTree = packages.find((p) => p.name.startsWith('Extra'))!;
  assert.deepEqual(
    [extraInTree.lastLicenseRefresh, extraInTree.nextAvailableRefresh],
    [undefined, undefined],
  );
});

test('the 15-character id finds the same customer; an org without Licenses is none; a bad id sends nothing', async () => {
  const by15 = await loadCustomer(session, customer.orgId.slice(0, 15));
  assert.equal(by15?.licenses.length, 5);
  const stranger = await org.createTestOrg({ name: 'No Installs' });
  assert.equal(await loadCustomer(session, stranger.id), undefined);
  const before = requests;
  for (const bad of ['', 'acme', "00D' OR Name != '", '001000000000001AAA'])
    await assert.rejects(loadCustomer(session, bad), /starting with 00D/);
  assert.equal(requests, before);
  assert.equal(subscriberOrgIdProblem(customer.orgId), undefined);
});
