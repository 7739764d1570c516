// The customer view's usage section, host side, against the local org: real @salesforce/core and jsforce
// over HTTP, App Analytics files downloaded into a real cache folder. The one-org question per package
// of the org's Licenses, what a read of the customer shows from the cache (never a request), NoData, and
// App Analytics not available (said once, after one request).
import '../isolatedHome';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { activeUsers, usageOf } from '../../../localOrg/world/appAnalytics';
import { AppAnalyticsCache } from '../../../src/files/appAnalyticsCache';
import { loadCustomer, type Customer } from '../../../src/lma/records/customer';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { queryAll } from '../../../src/lma/records/lmoApi';
import type { PackageUsage } from '../../../src/lma/workflows/orgUsage';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';
import { CustomerUsageSection } from '../../../src/webviews/customerUsageSection';
import { customerWithFivePackages } from './customerWorld';

describe("the customer view's usage section against the local org", () => {
  let world: LocalOrg;
  let session: LmoSession;
  let requests: string[] = [];
  let dir: string;
  let cache: AppAnalyticsCache;
  let five: Customer;

  before(async () => {
    world = await startLocalOrg({
      seed: 'demo',
      installDelayMs: 0,
      timing: { licenseDelayMs: 0 },
      appAnalytics: { completeAfterMs: 0 },
    });
    await authorizeWithRefreshToken({
      loginUrl: world.instanceUrl,
      refreshToken: world.orgs.lmo.refreshToken,
      alias: 'customer-usage-lmo',
    });
    const log = (line: string) => void (/^(GET|POST|PATCH|DELETE) /.test(line) && requests.push(line));
    session = new LmoSession({
      log: { trace: log, info: log, warn: log, error: log },
      checkLma: (request) => checkLmaPresence({ request }),
    });
    assert.equal((await session.connect('customer-usage-lmo')).kind, 'connected');
    const { orgId } = await customerWithFivePackages(world, 'Contoso Usage');
    five = (await loadCustomer(session, orgId))!;
    dir = mkdtempSync(join(tmpdir(), 'lma-customer-usage-'));
  });
  after(async () => {
    session?.dispose();
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    world.appAnalytics({ enabled: true, completeAfterMs: 0, failNext: null, corruptNext: null });
    cache = new AppAnalyticsCache(join(dir, 'cache'));
    await cache.clear();
    requests = [];
  });

  const section = () =>
    new CustomerUsageSection({ session, cache, threshold: () => 0.5, pollDelay: () => 0 });
  const creates = () => requests.filter((r) => /^POST .*AppAnalyticsQueryRequest/.test(r)).length;
  const analyticsRequests = () =>
    requests.filter((r) => /AppAnalyticsQueryRequest|\/_analytics\//.test(r)).length;
  const packagesOf = (usage: Awaited<ReturnType<CustomerUsageSection['show']>>): PackageUsage[] => {
    assert.equal(usage?.kind, 'packages', JSON.stringify(usage));
    return usage?.kind === 'packages' ? usage.packages : [];
  };

  for (const length of [15, 18] as const)
    test(`where OrganizationIds names an org by its ${length}-character id only, Load Usage still shows the org's usage`, async () => {
      world.appAnalytics({ organizationIdLength: length });
      try {
        const view = section();
        await view.show(five);
        const loaded = packagesOf(await view.load(false));
        assert.ok(
          loaded.some((p) => p.kind === 'usage'),
          JSON.stringify(loaded.map((p) => p.kind)),
        );
      } finally {
        world.appAnalytics({ organizationIdLength: 'either' });
      }
    });

  test('a read shows the cache only (no request); Load Usage asks about this one org per package; the next view answers from the cache', async () => {
    const first = section();
    const unread = packagesOf(await first.show(five));
    assert.equal(unread.length, 5);
    assert.deepEqual(
      unread.map((p) => p.kind),
      ['notLoaded', 'notLoaded', 'notLoaded', 'notLoaded', 'notLoaded'],
    );
    assert.equal(analyticsRequests(), 0, 'opening the view asks App Analytics nothing');

    const loaded = packagesOf(await first.load(false));
    assert.equal(creates(), 5, 'one request per package');
    // Each request asks about this org only, for its package.
    const made = await queryAll<{ PackageIds: string; OrganizationIds: string | null }>(
      session,
      'SELECT Id, PackageIds, OrganizationIds FROM AppAnalyticsQueryRequest',
    );
    const org15 = five.org.id15;
    const asked = made.slice(-5);
    // Both lengths of the id: which one the field matches on is UNCONFIRMED (the next tests take each).
    assert.ok(
      asked.every((r) => r.OrganizationIds === `${org15},${five.org.id18}`),
      JSON.stringify(asked),
    );
    const packageIds = new Set(five.licenses.map((l) => l.package.packageId!.slice(0, 15)));
    assert.deepEqual(new Set(asked.map((r) => r.PackageIds.slice(0, 15))), packageIds);

    for (const p of loaded) {
      const pkg = five.licenses.find((l) => l.package.id === p.recordId)!.package;
      const expected = usageOf(org15, pkg.packageId!);
      if (expected.unused) {
        assert.equal(p.kind, 'explain', `${p.name}: no usage is NoData`);
        continue;
      }
      assert.equal(p.kind, 'usage', JSON.stringify(p));
      if (p.kind !== 'usage') continue;
      assert.equal(p.source, 'download');
      // Eleven months: summaries of a month arrive in the month after, so this month has none yet.
      assert.equal(p.months.length, 11);
      assert.equal(p.period.start, p.months[0]!.month);
      const users = p.months.map((m) => m.users);
      assert.deepEqual(
        users,
        users.map((_, i) => activeUsers(org15, pkg.packageId!, users.length - 1 - i)),
      );
      assert.ok(p.objects.length > 0 && p.objects[0]!.events > 0, 'the custom objects it uses most');
      assert.equal(p.atRisk, expected.declining, `${p.name} at risk as the cohort says`);
    }

    assert.ok(
      loaded.some((p) => p.kind === 'usage'),
      'the customer used at least one package',
    );

    // A new view of the same org (or the next read): from the cache, and no request at all.
    const before = requests.length;
    const again = packagesOf(await section().show(five));
    assert.equal(requests.length, before, 'the cache answers: no request');
    for (const [i, p] of again.entries()) {
      const was = loaded[i]!;
      if (was.kind !== 'usage') continue;
      assert.equal(p.kind, 'usage');
      if (p.kind !== 'usage') continue;
      assert.equal(p.source, 'cache');
      assert.deepEqual(p.months, was.months);
      assert.equal(p.atRisk, was.atRisk);
    }

    // Refresh Usage asks again.
    await first.load(true);
    assert.equal(creates(), 10);
  });

  test('an org without usage of a package: NoData says so, and a read after it says it again without asking', async () => {
    const licenses = await queryAll<{
      sfLma__Subscriber_Org_ID__c: string;
      sfLma__Package_Version__r: { sfLma__Package__r: { sfLma__Package_ID__c: string } };
    }>(
      session,
      'SELECT sfLma__Subscriber_Org_ID__c, sfLma__Package_Version__r.sfLma__Package__r.sfLma__Package_ID__c FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c != null',
    );
    const idle = licenses.find(
      (l) =>
        usageOf(
          l.sfLma__Subscriber_Org_ID__c,
          l.sfLma__Package_Version__r.sfLma__Package__r.sfLma__Package_ID__c,
        ).unused,
    );
    assert.ok(idle, 'the demo has an org that never used a package');
    const customer = (await loadCustomer(session, idle.sfLma__Subscriber_Org_ID__c))!;
    const packageId = idle.sfLma__Package_Version__r.sfLma__Package__r.sfLma__Package_ID__c;
    const view = section();
    assert.equal(await view.load(false), undefined, 'nothing to load before the customer is shown');
    packagesOf(await view.show(customer));
    const answer = packagesOf(await view.load(false)).find(
      (p) => customer.licenses.find((l) => l.package.id === p.recordId)?.package.packageId === packageId,
    );
    assert.equal(answer?.kind, 'explain', JSON.stringify(answer));
    if (answer?.kind !== 'explain') return;
    assert.equal(answer.title, 'No usage in this period');
    assert.match(answer.message, /App Analytics has no usage for \d{4}-\d\d to \d{4}-\d\d\./);

    const before = requests.length;
    const reread = packagesOf(await view.show(customer)).find((p) => p.recordId === answer.recordId);
    assert.deepEqual(reread, answer);
    assert.equal(requests.length, before);
  });

  test('App Analytics not available: one request, its explanation once for the whole section, never a throw', async () => {
    world.appAnalytics({ enabled: false });
    const view = section();
    packagesOf(await view.show(five));
    const usage = await view.load(false);
    assert.equal(usage?.kind, 'unavailable', JSON.stringify(usage));
    if (usage?.kind !== 'unavailable') return;
    assert.equal(usage.title, 'App Analytics is not available');
    assert.match(usage.message, /--enable-app-analytics/);
    assert.equal(creates(), 1, 'the first package alone: no other is asked');
    // The next read of the customer says it again without asking.
    const before = requests.length;
    assert.deepEqual(await view.show(five), usage);
    assert.equal(requests.length, before);
  });

  test('Show Usage for the Package names only a package the section shows', async () => {
    const view = section();
    await view.show(five);
    const pkg = five.licenses[0]!.package;
    assert.deepEqual(view.packageShown(pkg.id!), { packageRecordId: pkg.id, packageName: pkg.name });
    assert.equal(view.packageShown('a0A000000000001AAA'), undefined);
  });
});
