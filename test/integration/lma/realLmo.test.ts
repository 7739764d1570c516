// The extension on LMOs that behave like real ones (issue 12), over real sessions against local orgs:
// more than 2,000 version-and-status groups, licenses without a Status, with an unknown one or without
// a Package Version, a user without access to the LMA's objects, and an older LMA's schema.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { loadDashboard } from '../../../src/lma/records/dashboard';
import { findLicenses, loadLicenseIds, loadLicensePage } from '../../../src/lma/records/licenses';
import { loadEditableLicenses } from '../../../src/lma/workflows/licenseEdits';
import { checkLmaPresence, noAccessAdvice } from '../../../src/lma/records/lmaPresence';
import { queryPage } from '../../../src/lma/records/lmoApi';
import { loadLmoPackages, loadVersionCounts } from '../../../src/lma/records/packages';
import {
  licenseGroupStatuses,
  licenseStatuses,
  OTHER_STATUS,
  type LicenseGroupStatus,
  type Package,
} from '../../../src/lma/records/types';
import { findRecordedLicense } from '../../../src/lma/workflows/testInstall';
import { TestInstalls } from '../../../src/lma/workflows/testInstallHistory';
import { Emitter } from '../../../src/base/emitter';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';
import { LmoTreeModel } from '../../../src/views/lmoTreeModel';
import type { LmaNode } from '../../../src/views/nodes';

let requests = 0;
const count = (line: string) => void (/^(GET|POST|PATCH) /.test(line) && requests++);
const newSession = () =>
  new LmoSession({
    log: { trace: count, info: count, warn: count, error: count },
    checkLma: (request) => checkLmaPresence({ request }),
  });

async function connect(org: LocalOrg, refreshToken: string, alias: string): Promise<LmoSession> {
  await authorizeWithRefreshToken({ loginUrl: org.instanceUrl, refreshToken, alias });
  const session = newSession();
  assert.equal((await session.connect(alias)).kind, 'connected');
  return session;
}

const total = async (session: LmoSession, where = ''): Promise<number> =>
  (await queryPage(session, `SELECT COUNT() FROM sfLma__License__c${where ? ` WHERE ${where}` : ''}`))
    .totalSize;

/** Every license of a group, page after page. */
async function allOf(session: LmoSession, pkg: Package, status: LicenseGroupStatus) {
  const licenses = [];
  let after: string | undefined;
  do {
    const page = await loadLicensePage(session, { packageId: pkg.id, status }, after);
    licenses.push(...page.licenses);
    after = page.next;
  } while (after);
  return licenses;
}

/** Counts and lists agree: each group lists what its count says, and the groups make the total. */
async function assertCountsMatchLists(session: LmoSession, pkg: Package): Promise<void> {
  const seen = new Set<string>();
  for (const status of licenseGroupStatuses) {
    const listed = await allOf(session, pkg, status);
    assert.equal(listed.length, pkg.licenseCounts[status] ?? 0, `${pkg.name} ${status}`);
    for (const license of listed) seen.add(license.id);
  }
  assert.equal(seen.size, pkg.licenseTotal, `${pkg.name}: the groups hold every license once`);
}

describe('an LMO with more than 2,000 version-and-status groups and irregular licenses', () => {
  let org: LocalOrg;
  let session: LmoSession;
  before(async () => {
    org = await startLocalOrg({ seed: 10_000, seedShape: { versionsPerPackage: 300, irregular: true } });
    session = await connect(org, org.orgs.lmo.refreshToken, 'real-many-versions');
  });
  after(async () => {
    session?.dispose();
    await org?.close();
  });

  test('the old shape (one aggregate by version and status) is refused here, as on Salesforce', async () => {
    await assert.rejects(
      queryPage(
        session,
        'SELECT sfLma__Package_Version__c, sfLma__Status__c, COUNT(Id) total FROM sfLma__License__c GROUP BY sfLma__Package_Version__c, sfLma__Status__c',
      ),
      (error: { errorCode?: string }) => error.errorCode === 'EXCEEDED_ID_LIMIT',
    );
  });

  test('packages load in 3 requests; Other holds no-Status and unknown-Status licenses; everything adds up', async () => {
    const before = requests;
    const { packages, licensesWithoutPackage } = await loadLmoPackages(session);
    assert.equal(requests - before, 3);
    const sum = packages.reduce((n, pkg) => n + pkg.licenseTotal, 0);
    assert.equal(sum + licensesWithoutPackage, await total(session), 'no license vanishes');
    // LMA 1.20: a license without a version still has its Package, so none is without a package.
    assert.equal(licensesWithoutPackage, 0);
    for (const pkg of packages) {
      const byGroup = Object.values(pkg.licenseCounts).reduce((n, c) => n + c, 0);
      assert.equal(byGroup, pkg.licenseTotal, `${pkg.name}: the groups add up`);
    }
    const [billing] = packages.sort((a, b) => b.licenseTotal - a.licenseTotal);
    assert.ok(billing && (billing.licenseCounts[OTHER_STATUS] ?? 0) > 0, 'an Other group');
    const other = await allOf(session, billing, OTHER_STATUS);
    assert.ok(other.some((l) => l.status === 'Expired'));
    assert.ok(
      other.some((l) => l.status === 'Unknown'),
      'no Status at all',
    );
    assert.ok(other.every((l) => !(licenseStatuses as readonly string[]).includes(l.status)));
    // The bulk change of a group acts on what the group lists.
    assert.equal(
      (await loadLicenseIds(session, { packageId: billing.id, status: OTHER_STATUS })).length,
      other.length,
    );
  });

  test('every group of a package lists exactly what it counts, licenses without a version included', async () => {
    const { packages } = await loadLmoPackages(session);
    const pkg = packages.sort((a, b) => a.licenseTotal - b.licenseTotal)[0]!;
    await assertCountsMatchLists(session, pkg);
    const withoutVersion = await total(
      session,
      `sfLma__Package_Version__c = null AND sfLma__Package__c = '${pkg.id}'`,
    );
    assert.ok(withoutVersion > 0, 'the seed has licenses without a Package Version');
  });

  test("a package's version counts: one request for 300 versions; with the unversioned, they make the total", async () => {
    const { packages } = await loadLmoPackages(session);
    const pkg = packages.sort((a, b) => b.licenseTotal - a.licenseTotal)[0]!;
    assert.equal(pkg.versions.length, 300);
    const before = requests;
    const counts = await loadVersionCounts(session, pkg);
    assert.equal(requests - before, 1);
    const versioned = [...counts.values()].reduce((n, c) => n + c, 0);
    const unversioned = await total(
      session,
      `sfLma__Package_Version__c = null AND sfLma__Package__c = '${pkg.id}'`,
    );
    assert.equal(versioned + unversioned, pkg.licenseTotal);
  });

  test('the tree: counts on the Versions once opened, an Other group, the License Status where it differs', async () => {
    const store = new Map<string, unknown>();
    const model = new LmoTreeModel(
      session,
      { packages: async () => undefined, onDidChange: new Emitter<void>().event },
      new TestInstalls({
        get: <T>(key: string) => store.get(key) as T | undefined,
        update: async (key, value) => void store.set(key, value),
      }),
    );
    try {
      const find = async (parent: LmaNode | undefined, kind: LmaNode['kind']) =>
        (await model.children(parent)).find((n) => n.kind === kind)!;
      const packagesNode = await find(await find(undefined, 'lmo'), 'packages');
      const [pkgNode] = await model.children(packagesNode);
      assert.equal(pkgNode?.kind, 'package');
      const groups = await model.children(pkgNode);
      assert.deepEqual(
        groups.filter((n) => n.kind === 'statusGroup').map((n) => n.kind === 'statusGroup' && n.status),
        ['Active', 'Trial', 'Suspended', 'Uninstalled', 'Other'],
      );
      const versions = await model.children(groups.find((n) => n.kind === 'versions'));
      assert.ok(versions.every((n) => n.kind === 'version' && n.version.licenseTotal !== undefined));
      const trial = groups.find((n) => n.kind === 'statusGroup' && n.status === 'Trial')!;
      const trials = await model.children(trial);
      // Expired trials keep Status Trial; the LMA's own License Status (record type) says Expired.
      assert.ok(trials.some((n) => n.kind === 'license' && n.license.licenseStatus === 'Expired'));
    } finally {
      model.dispose();
    }
  });
});

describe('an LMO whose packages and Status values make 2,000 groups', () => {
  let org: LocalOrg;
  let session: LmoSession;
  before(async () => {
    org = await startLocalOrg({ seed: 4_000 });
    session = await connect(org, org.orgs.lmo.refreshToken, 'real-many-statuses');
  });
  after(async () => {
    session?.dispose();
    await org?.close();
  });

  test('is counted exactly with a few more requests, and Other still lists what it counts', async () => {
    const { packages } = await loadLmoPackages(session);
    const pkg = packages.sort((a, b) => b.licenseTotal - a.licenseTotal)[0]!;
    // 2,000 licenses of the package get a Status of their own, as a tool writing garbage would.
    const ids = [];
    for (const status of licenseStatuses) ids.push(...(await allOf(session, pkg, status)));
    ids.splice(2000);
    assert.equal(ids.length, 2000);
    for (let i = 0; i < ids.length; i += 200) {
      await session.request('/composite/sobjects', {
        method: 'PATCH',
        body: {
          allOrNone: true,
          records: ids.slice(i, i + 200).map((l, j) => ({
            attributes: { type: 'sfLma__License__c' },
            id: l.id,
            sfLma__Status__c: `Legacy ${i + j}`,
          })),
        },
      });
    }
    const before = requests;
    const { packages: after, licensesWithoutPackage } = await loadLmoPackages(session);
    // Packages, versions, the aggregate that reached 2,000 rows, then two exact ones and the count
    // of licenses without a package.
    assert.equal(requests - before, 6);
    const fresh = after.find((p) => p.id === pkg.id)!;
    assert.equal(fresh.licenseTotal, pkg.licenseTotal);
    assert.ok((fresh.licenseCounts.Other ?? 0) >= 2000);
    assert.equal(licensesWithoutPackage, 0);
    await assertCountsMatchLists(session, fresh);
  });
});

describe('a user without access to the LMA', () => {
  let org: LocalOrg;
  before(async () => {
    org = await startLocalOrg({ seed: 'demo' });
  });
  after(() => org?.close());

  test('is told apart from an org without the LMA, with the permission to ask for', async () => {
    const user = await org.lmo.createUser({ lmaAccess: false });
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: user.refreshToken,
      alias: 'real-no-access',
    });
    const session = newSession();
    try {
      const state = await session.connect('real-no-access');
      assert.equal(state.kind, 'connected');
      assert.ok(state.kind === 'connected' && state.lma.kind === 'noAccess', JSON.stringify(state));
      assert.deepEqual(state.lma.missing, ['License', 'Package', 'Package Version']);
      assert.equal(state.lma.version, '1.20');
      assert.match(
        noAccessAdvice(state.lma.missing),
        /Read permission on License, Package and Package Version/,
      );
      assert.equal(session.lmaFields, undefined);
      // The tree shows nothing, so the view's welcome for this state shows instead.
      const model = new LmoTreeModel(
        session,
        { packages: async () => undefined, onDidChange: new Emitter<void>().event },
        new TestInstalls({ get: () => undefined, update: async () => undefined }),
      );
      assert.deepEqual(await model.children(undefined), []);
      model.dispose();
    } finally {
      session.dispose();
    }
    // The org's admin, on the same LMO, has the LMA.
    const admin = await connect(org, org.orgs.lmo.refreshToken, 'real-admin');
    assert.ok(admin.state.kind === 'connected' && admin.state.lma.kind === 'installed');
    admin.dispose();
    // The Dev Hub has no LMA at all.
    const hub = await connect(org, org.orgs.devhub.refreshToken, 'real-hub');
    assert.ok(hub.state.kind === 'connected' && hub.state.lma.kind === 'notInstalled');
    hub.dispose();
  });
});

describe('an LMO with an older LMA (no License → Package, no org fields, no version numbers)', () => {
  let org: LocalOrg;
  let session: LmoSession;
  before(async () => {
    org = await startLocalOrg({ seed: 'demo', lma: { version: 'older' }, seedShape: { irregular: true } });
    session = await connect(org, org.orgs.lmo.refreshToken, 'real-older');
  });
  after(async () => {
    session?.dispose();
    await org?.close();
  });

  test('the describe at connect is the field list every query uses', () => {
    const fields = session.lmaFields!;
    assert.ok(fields.license.includes('sfLma__Status__c'));
    for (const missing of ['sfLma__Package__c', 'sfLma__Org_Instance__c', 'sfLma__Version_Number__c'])
      assert.ok(!fields.license.includes(missing), missing);
    assert.ok(!fields.packageVersion.includes('sfLma__Version_Number__c'));
  });

  test('packages, groups, pages, search, dashboard, edits and test-install lookups all work', async () => {
    const { packages, licensesWithoutPackage } = await loadLmoPackages(session);
    assert.equal(packages.filter((p) => p.licenseTotal > 0).length, 2);
    // Without License → Package, a license without a version belongs to no package: counted apart.
    assert.equal(licensesWithoutPackage, await total(session, 'sfLma__Package_Version__c = null'));
    assert.ok(licensesWithoutPackage > 0);
    const sum = packages.reduce((n, pkg) => n + pkg.licenseTotal, 0);
    assert.equal(sum + licensesWithoutPackage, await total(session));
    for (const pkg of packages.filter((p) => p.licenseTotal > 0)) await assertCountsMatchLists(session, pkg);
    const pkg = packages.find((p) => p.licenseTotal > 0)!;
    assert.ok(
      pkg.versions.every((v) => v.versionNumber),
      'version numbers from sfLma__Version__c',
    );
    const [license] = (await loadLicensePage(session, { packageId: pkg.id, status: 'Active' })).licenses;
    assert.ok(license);
    assert.equal(license.orgInstance, undefined);
    assert.ok((await findLicenses(session, license.subscriberOrgId!)).some((l) => l.id === license.id));
    const dashboard = await loadDashboard(session, { packageRecordId: pkg.id, packageName: pkg.name });
    assert.equal(
      dashboard.byStatus.reduce((n, s) => n + s.count, 0),
      pkg.licenseTotal,
    );
    const [editable] = await loadEditableLicenses(session, [license.id]);
    assert.equal(editable?.id, license.id);
    const recorded = await findRecordedLicense(session, license.subscriberOrgId!, pkg.packageId!);
    assert.equal(recorded?.id, license.id);
    assert.equal(recorded?.isSandbox, false);
  });
});
