// Push upgrades in a package's owner org, through jsforce as a real client: PackageSubscriber from the
// world's installs (with aggregates), a request and its jobs inserted (sObject Collections), started,
// watched to completion; the errors Salesforce gives; which transitions are allowed; the seeded
// failures and a retry; a 1GP package pushed from its packaging org.
import './isolatedHome';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Connection } from '@jsforce/jsforce-node';
import type { LocalOrg } from '../../index';
import { eventually, raw, startTestOrg } from './helpers';

const connect = (org: LocalOrg, accessToken: string | null): Connection =>
  new Connection({ instanceUrl: org.instanceUrl, accessToken: accessToken as string, version: '62.0' });

type Rec = Record<string, unknown>;
interface SaveOutcome {
  id?: string;
  success: boolean;
  errors: Array<{ statusCode?: string; errorCode?: string; message: string }>;
}

const codeOf = async (p: PromiseLike<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    return (e as { errorCode?: string; name?: string }).errorCode ?? (e as Error).name;
  }
  return 'no error';
};

describe('push upgrades in the Dev Hub (demo world)', () => {
  let org: LocalOrg;
  let hub: Connection;
  let lmo: Connection;
  let billing: { id: string; versions: Array<{ id: string; major: number; minor: number; isBeta: boolean }> };
  let latest: string;
  const admin = (method: string, path: string, body?: unknown) =>
    raw(org, org.adminSecret, method, `/_local/${path}`, body);

  before(async () => {
    org = await startTestOrg();
    hub = connect(org, org.orgs.devhub.accessToken);
    lmo = connect(org, org.orgs.lmo.accessToken);
    billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
    latest = billing.versions.filter((v) => !v.isBeta).at(-1)!.id;
  });
  after(() => org?.close());
  beforeEach(() => org.timing({ pushStartMs: 0, pushJobMs: 0 }));

  /** Production subscribers of Acme Billing below the latest version with no seeded failure. */
  async function plainSubscribers(n: number): Promise<Rec[]> {
    const { records } = await hub.query<Rec>(
      `SELECT OrgKey, MetadataPackageVersionId FROM PackageSubscriber WHERE MetadataPackageId = '${billing.id}' AND MetadataPackageVersionId != '${latest}' AND OrgStatus = 'Active' AND HasRestrictionEnabled = false AND InstalledStatus = 'i' ORDER BY OrgKey DESC LIMIT ${n + 20}`,
    );
    const seeded = new Set(Object.keys(((await admin('GET', 'push-outcomes')).body ?? {}) as Rec));
    return records.filter((r) => !seeded.has(String(r.OrgKey))).slice(0, n);
  }

  async function schedule(versionId: string, keys: string[]): Promise<string> {
    const req = (await hub
      .sobject('PackagePushRequest')
      .create({ PackageVersionId: versionId })) as SaveOutcome;
    assert.ok(req.success);
    const jobs = (await hub.sobject('PackagePushJob').create(
      keys.map((k) => ({ PackagePushRequestId: req.id, SubscriberOrganizationKey: k })),
      {
        allOrNone: true,
      },
    )) as SaveOutcome[];
    assert.ok(
      jobs.every((j) => j.success),
      JSON.stringify(jobs),
    );
    return req.id!;
  }

  const waitEnded = (id: string): Promise<Rec> =>
    eventually(async () => {
      const r = await hub.sobject('PackagePushRequest').retrieve(id);
      return ['Succeeded', 'Failed', 'Canceled'].includes(String(r.Status)) ? (r as Rec) : undefined;
    }, 30_000);

  it('answers PackageSubscriber from the installed Licenses, with COUNT() GROUP BY and the version relationship', async () => {
    const installed = await lmo.query<Rec>(
      "SELECT COUNT() FROM sfLma__License__c WHERE sfLma__Status__c != 'Uninstalled' AND sfLma__Package_Version__c != null",
    );
    const subs = await hub.query<Rec>('SELECT COUNT() FROM PackageSubscriber');
    assert.equal(subs.totalSize, installed.totalSize);
    assert.ok(subs.totalSize > 200, `a few hundred subscribers, got ${subs.totalSize}`);
    const byVersion = await hub.query<Rec>(
      `SELECT MetadataPackageVersionId, OrgType, COUNT(Id) n FROM PackageSubscriber WHERE MetadataPackageId = '${billing.id}' GROUP BY MetadataPackageVersionId, OrgType`,
    );
    assert.ok(
      new Set(byVersion.records.map((r) => r.MetadataPackageVersionId)).size >= 3,
      'several versions',
    );
    assert.deepEqual(new Set(byVersion.records.map((r) => r.OrgType)), new Set(['Production', 'Sandbox']));
    const one = await hub.query<Rec>(
      'SELECT OrgKey, OrgName, OrgType, OrgStatus, InstanceName, InstalledStatus, MetadataPackageVersion.Name, MetadataPackage.NamespacePrefix FROM PackageSubscriber LIMIT 1',
    );
    const r = one.records[0]!;
    assert.match(String(r.OrgKey), /^00D\w{15}$/);
    assert.equal(r.InstalledStatus, 'i');
    assert.ok((r.MetadataPackageVersion as Rec).Name);
    assert.match(String((r.MetadataPackage as Rec).NamespacePrefix), /^acme/);
    // Inactive orgs and customers who block pushes are seeded.
    const inactive = await hub.query<Rec>(
      "SELECT COUNT() FROM PackageSubscriber WHERE OrgStatus = 'Inactive'",
    );
    const blocked = await hub.query<Rec>(
      'SELECT COUNT() FROM PackageSubscriber WHERE HasRestrictionEnabled = true',
    );
    assert.ok(inactive.totalSize >= 3);
    assert.equal(blocked.totalSize, 2);
    // Read only, and only in the owner org.
    assert.equal(
      await codeOf(hub.sobject('PackageSubscriber').create({ OrgKey: '00D000000000001' })),
      'INVALID_TYPE',
    );
    assert.equal(await codeOf(lmo.query('SELECT Id FROM PackagePushRequest')), 'INVALID_TYPE');
  });

  it('runs a started request: In Progress, each job upgrades the subscriber and its License, then Succeeded with times', async () => {
    await org.timing({ pushStartMs: 0, pushJobMs: 86_400_000 });
    const subs = await plainSubscribers(3);
    const keys = subs.map((s) => String(s.OrgKey));
    const id = await schedule(latest, keys);
    assert.match(id, /^0DV/);
    let r = (await hub.sobject('PackagePushRequest').retrieve(id)) as Rec;
    assert.equal(r.Status, 'Created');
    await hub.sobject('PackagePushRequest').update({ Id: id, Status: 'Pending' });
    r = (await eventually(async () => {
      const x = await hub.sobject('PackagePushRequest').retrieve(id);
      return x.Status === 'In Progress' ? x : undefined;
    })) as typeof r;
    assert.ok(r.StartTime);
    assert.equal(r.EndTime, null);
    // The test drives the pace: one job now.
    const counts = (await admin('POST', `pushes/${id}/advance`, { count: 1 })).body as Rec;
    assert.deepEqual(counts, { Succeeded: 1, Created: 2 });
    const during = await hub.query<Rec>(
      `SELECT Status, COUNT(Id) n FROM PackagePushJob WHERE PackagePushRequestId = '${id}' GROUP BY Status`,
    );
    assert.equal(during.records.length, 2);
    await admin('POST', `pushes/${id}/advance`, { count: 2 });
    r = await waitEnded(id);
    assert.equal(r.Status, 'Succeeded');
    assert.ok(r.EndTime && typeof r.DurationSeconds === 'number');
    for (const key of keys) {
      const s = await hub.query<Rec>(
        `SELECT MetadataPackageVersionId FROM PackageSubscriber WHERE OrgKey = '${key}' AND MetadataPackageId = '${billing.id}'`,
      );
      assert.equal(s.records[0]!.MetadataPackageVersionId, latest);
      const l = await lmo.query<Rec>(
        `SELECT sfLma__Package_Version__r.sfLma__Version_ID__c FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${key.slice(0, 15)}' AND sfLma__Status__c != 'Uninstalled'`,
      );
      for (const rec of l.records)
        assert.equal((rec.sfLma__Package_Version__r as Rec).sfLma__Version_ID__c, latest);
    }
    const jobs = await hub.query<Rec>(
      `SELECT Status, StartTime, EndTime, DurationSeconds FROM PackagePushJob WHERE PackagePushRequestId = '${id}'`,
    );
    assert.ok(jobs.records.every((j) => j.Status === 'Succeeded' && j.StartTime && j.EndTime));
    // Ended: no more transitions.
    assert.equal(
      await codeOf(hub.sobject('PackagePushRequest').update({ Id: id, Status: 'Canceled' })),
      'FIELD_INTEGRITY_EXCEPTION',
    );
  });

  it('the seeded orgs fail with each error type, are ineligible when blocked or inactive, and the one that fails once passes on retry', async () => {
    const { records } = await hub.query<Rec>(
      `SELECT OrgKey FROM PackageSubscriber WHERE MetadataPackageId = '${billing.id}' AND MetadataPackageVersionId != '${latest}' AND OrgType = 'Production'`,
    );
    const outcomes = (await admin('GET', 'push-outcomes')).body as Record<string, Rec>;
    assert.equal(Object.keys(outcomes).length, 9);
    const blockedOrInactive = await hub.query<Rec>(
      `SELECT OrgKey FROM PackageSubscriber WHERE MetadataPackageId = '${billing.id}' AND (HasRestrictionEnabled = true OR OrgStatus = 'Inactive') AND MetadataPackageVersionId != '${latest}'`,
    );
    const keys = [
      ...new Set([...Object.keys(outcomes), ...blockedOrInactive.records.map((r) => String(r.OrgKey))]),
    ];
    assert.ok(
      keys.every(
        (k) => records.some((r) => r.OrgKey === k) || blockedOrInactive.records.some((r) => r.OrgKey === k),
      ),
    );
    const id = await schedule(latest, keys);
    await hub.sobject('PackagePushRequest').update({ Id: id, Status: 'Pending' });
    const r = await waitEnded(id);
    assert.equal(r.Status, 'Failed');
    const byType = await hub.query<Rec>(
      `SELECT ErrorType, COUNT(Id) n FROM PackagePushError WHERE PackagePushJob.PackagePushRequestId = '${id}' GROUP BY ErrorType`,
    );
    const types = Object.fromEntries(byType.records.map((x) => [x.ErrorType, x.n]));
    for (const t of [
      'ApexTestFailure',
      'DeployError',
      'FeatureMissing',
      'LimitExceeded',
      'PACError',
      'UnclassifiedError',
    ])
      assert.equal(types[t], 1, t);
    assert.equal(types.LockingFailure, 2); // one always, one only once
    assert.ok(Number(types.IneligibleUpgrade) >= 1 + 2 + 3); // seeded, blocked, inactive
    const failed = await hub.query<Rec>(
      `SELECT SubscriberOrganizationKey FROM PackagePushJob WHERE PackagePushRequestId = '${id}' AND Status = 'Failed'`,
    );
    assert.equal(failed.totalSize, keys.length);
    // The CLI's report query (PackagePushError through its job) answers too.
    const report = await hub.query<Rec>(
      `SELECT ErrorMessage, ErrorDetails, ErrorTitle, ErrorSeverity, ErrorType FROM PackagePushError WHERE PackagePushJob.PackagePushRequestId = '${id}'`,
    );
    assert.equal(report.totalSize, keys.length);
    // Retry only the failed orgs: the one that fails once now passes, the others fail again.
    const retry = await schedule(
      latest,
      failed.records.map((f) => String(f.SubscriberOrganizationKey)),
    );
    await hub.sobject('PackagePushRequest').update({ Id: retry, Status: 'Pending' });
    await waitEnded(retry);
    const passed = await hub.query<Rec>(
      `SELECT COUNT() FROM PackagePushJob WHERE PackagePushRequestId = '${retry}' AND Status = 'Succeeded'`,
    );
    assert.equal(passed.totalSize, 1);
  });

  it('refuses what Salesforce refuses, and changes nothing', async () => {
    const before = (await hub.query('SELECT COUNT() FROM PackagePushRequest')).totalSize;
    const beta = billing.versions.find((v) => v.isBeta)!.id;
    assert.equal(
      await codeOf(hub.sobject('PackagePushRequest').create({ PackageVersionId: beta })),
      'FIELD_INTEGRITY_EXCEPTION',
    );
    assert.equal(await codeOf(hub.sobject('PackagePushRequest').create({})), 'REQUIRED_FIELD_MISSING');
    assert.equal(
      await codeOf(hub.sobject('PackagePushRequest').create({ PackageVersionId: latest, Status: 'Pending' })),
      'FIELD_INTEGRITY_EXCEPTION',
    );
    // A deprecated version.
    const old = billing.versions[0]!.id;
    await admin('POST', `console/versions/${old}/deprecate`);
    assert.equal(
      await codeOf(hub.sobject('PackagePushRequest').create({ PackageVersionId: old })),
      'FIELD_INTEGRITY_EXCEPTION',
    );
    // A package whose managed push isn't enabled by Salesforce.
    const closed = org.console.createPackage({
      name: 'Closed Pkg',
      namespace: 'closed',
      pushEnabled: false,
    });
    const cv = await org.console.createVersion(closed.id, { version: '1.0.0', visibleAfterSeconds: 0 });
    assert.equal(
      await codeOf(hub.sobject('PackagePushRequest').create({ PackageVersionId: cv.id })),
      'INSUFFICIENT_ACCESS_OR_READONLY',
    );
    assert.equal((await hub.query('SELECT COUNT() FROM PackagePushRequest')).totalSize, before);

    // Jobs: a wrong org id, an org that isn't a subscriber, the same org twice, a started request.
    const [sub] = await plainSubscribers(1);
    const id = await schedule(latest, [String(sub!.OrgKey)]);
    const job = (k: string) =>
      hub.sobject('PackagePushJob').create({ PackagePushRequestId: id, SubscriberOrganizationKey: k });
    assert.equal(await codeOf(job('00X000000000001')), 'INVALID_ID_FIELD');
    assert.equal(await codeOf(job('00D12345')), 'INVALID_ID_FIELD');
    assert.equal(await codeOf(job('00D000000000001AAA')), 'INVALID_CROSS_REFERENCE_KEY');
    assert.equal(await codeOf(job(String(sub!.OrgKey))), 'DUPLICATE_VALUE');
    // allOrNone in one collection: the good job is rolled back with the bad one.
    const [other] = (await plainSubscribers(3)).filter((s) => s.OrgKey !== sub!.OrgKey);
    const mixed = (await hub.sobject('PackagePushJob').create(
      [
        { PackagePushRequestId: id, SubscriberOrganizationKey: String(other!.OrgKey) },
        { PackagePushRequestId: id, SubscriberOrganizationKey: '00D000000000001AAA' },
      ],
      { allOrNone: true },
    )) as SaveOutcome[];
    assert.deepEqual(
      mixed.map((m) => m.success),
      [false, false],
    );
    assert.equal(
      (await hub.query(`SELECT COUNT() FROM PackagePushJob WHERE PackagePushRequestId = '${id}'`)).totalSize,
      1,
    );
    // Read only errors and jobs.
    assert.equal(await codeOf(hub.sobject('PackagePushError').create({ ErrorMessage: 'x' })), 'INVALID_TYPE');
    await org.timing({ pushStartMs: 86_400_000, pushJobMs: 0 });
    await hub.sobject('PackagePushRequest').update({ Id: id, Status: 'Pending' });
    assert.equal(await codeOf(job(String(other!.OrgKey))), 'FIELD_INTEGRITY_EXCEPTION');
    // A user without the push permission.
    const user = (await admin('POST', `orgs/${org.orgs.devhub.id}/users`, { pushAccess: false })).body as Rec;
    const noPush = connect(org, String(user.accessToken));
    assert.equal(
      await codeOf(noPush.sobject('PackagePushRequest').create({ PackageVersionId: latest })),
      'INSUFFICIENT_ACCESS_OR_READONLY',
    );
    assert.equal(
      await codeOf(noPush.sobject('PackagePushRequest').update({ Id: id, Status: 'Canceled' })),
      'INSUFFICIENT_ACCESS_OR_READONLY',
    );
    await hub.sobject('PackagePushRequest').update({ Id: id, Status: 'Canceled' });
  });

  it('cancels only from Created or Pending; the jobs of a canceled request are canceled', async () => {
    const subs = (await plainSubscribers(4)).map((s) => String(s.OrgKey));
    const created = await schedule(latest, subs.slice(0, 1));
    await hub.sobject('PackagePushRequest').update({ Id: created, Status: 'Canceled' });
    const jobs = await eventually(async () => {
      const j = await hub.query<Rec>(
        `SELECT Status FROM PackagePushJob WHERE PackagePushRequestId = '${created}'`,
      );
      return j.records[0]?.Status === 'Canceled' ? j : undefined;
    });
    assert.equal(jobs.totalSize, 1);
    assert.equal(
      await codeOf(hub.sobject('PackagePushRequest').update({ Id: created, Status: 'Pending' })),
      'FIELD_INTEGRITY_EXCEPTION',
    );

    await org.timing({ pushStartMs: 86_400_000, pushJobMs: 0 });
    const pending = await schedule(latest, subs.slice(1, 2));
    await hub.sobject('PackagePushRequest').update({ Id: pending, Status: 'Pending' });
    await hub.sobject('PackagePushRequest').update({ Id: pending, Status: 'Canceled' });
    assert.equal((await hub.sobject('PackagePushRequest').retrieve(pending)).Status, 'Canceled');

    await org.timing({ pushStartMs: 0, pushJobMs: 86_400_000 });
    const running = await schedule(latest, subs.slice(2, 4));
    await hub.sobject('PackagePushRequest').update({ Id: running, Status: 'Pending' });
    await eventually(async () =>
      (await hub.sobject('PackagePushRequest').retrieve(running)).Status === 'In Progress' ? true : undefined,
    );
    assert.equal(
      await codeOf(hub.sobject('PackagePushRequest').update({ Id: running, Status: 'Canceled' })),
      'FIELD_INTEGRITY_EXCEPTION',
    );
    assert.equal(
      await codeOf(hub.sobject('PackagePushRequest').update({ Id: running, Status: 'Succeeded' })),
      'FIELD_INTEGRITY_EXCEPTION',
    );
    await admin('POST', `pushes/${running}/advance`, { count: 2 });
    assert.equal((await waitEnded(running)).Status, 'Succeeded');
  });

  it('the admin API lists and shows push requests with their jobs and errors', async () => {
    const list = (await admin('GET', 'pushes')).body as Rec[];
    assert.ok(list.length >= 4);
    assert.ok(list.every((r) => String(r.id).startsWith('0DV') && r.packageName));
    const failed = list.find((r) => r.status === 'Failed')!;
    const shown = (await admin('GET', `pushes/${String(failed.id)}`)).body as {
      jobList: Array<{ status: string; errors: Rec[]; orgName: string }>;
    };
    const bad = shown.jobList.filter((j) => j.status === 'Failed');
    assert.ok(bad.length > 0 && bad.every((j) => j.errors.length === 1 && j.orgName));
    assert.equal(
      (await admin('GET', 'pushes?status=canceled')).body &&
        ((await admin('GET', 'pushes?status=Canceled')).body as Rec[]).length >= 2,
      true,
    );
    assert.equal((await admin('GET', 'pushes/0DVnotanid')).status, 400);
  });
});

describe('a 1GP package pushed from its packaging org', () => {
  let org: LocalOrg;
  before(async () => {
    org = await startTestOrg({ seed: 'none', timing: { pushStartMs: 0, pushJobMs: 0, licenseDelayMs: 0 } });
  });
  after(() => org?.close());

  it('owns its package, lists the installs as subscribers, and pushes; the Dev Hub sees none of it', async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      raw(org, org.adminSecret, method, `/_local/${path}`, body);
    const packaging = (await admin('POST', 'packaging-orgs', { name: 'Classic Packaging Org' })).body as Rec;
    const pkg = org.console.createPackage({
      name: 'Acme Classic',
      namespace: 'acmeclassic',
      owner: String(packaging.id),
    });
    await org.console.associate(pkg.id, { status: 'Active', lengthDays: null, seats: 10 });
    const v1 = await org.console.createVersion(pkg.id, { version: '1.0.0', visibleAfterSeconds: 0 });
    const v2 = await org.console.createVersion(pkg.id, { version: '1.1.0', visibleAfterSeconds: 0 });
    const test = await org.createTestOrg({ name: 'Classic Customer' });
    const sub = connect(org, test.accessToken);
    const install = (await sub.tooling.create('PackageInstallRequest', {
      SubscriberPackageVersionKey: v1.id,
      SecurityType: 'none',
    })) as { id: string };
    await eventually(async () => {
      const r = (await sub.tooling.retrieve('PackageInstallRequest', install.id)) as Rec;
      return r.Status === 'SUCCESS' ? true : undefined;
    });
    const owner = connect(org, String(packaging.accessToken));
    const subs = await owner.query<Rec>(
      'SELECT OrgKey, OrgName, OrgType, MetadataPackageVersionId FROM PackageSubscriber',
    );
    assert.equal(subs.totalSize, 1);
    assert.equal(subs.records[0]!.OrgName, 'Classic Customer');
    assert.equal(String(subs.records[0]!.MetadataPackageVersionId).slice(0, 15), v1.id.slice(0, 15));
    // Not a Dev Hub; and the Dev Hub can't push another org's package.
    assert.equal(await codeOf(owner.query('SELECT Id FROM ScratchOrgInfo')), 'INVALID_TYPE');
    const hub = connect(org, org.orgs.devhub.accessToken);
    assert.equal(
      await codeOf(hub.sobject('PackagePushRequest').create({ PackageVersionId: v2.id })),
      'INVALID_CROSS_REFERENCE_KEY',
    );
    assert.equal((await hub.query('SELECT COUNT() FROM PackageSubscriber')).totalSize, 0);

    const req = (await owner
      .sobject('PackagePushRequest')
      .create({ PackageVersionId: v2.id })) as SaveOutcome;
    await owner
      .sobject('PackagePushJob')
      .create({ PackagePushRequestId: req.id, SubscriberOrganizationKey: test.id.slice(0, 15) });
    await owner.sobject('PackagePushRequest').update({ Id: req.id!, Status: 'Pending' });
    const done = await eventually(async () => {
      const r = await owner.sobject('PackagePushRequest').retrieve(req.id!);
      return r.Status === 'Succeeded' || r.Status === 'Failed' ? r : undefined;
    }, 10_000);
    assert.equal(done.Status, 'Succeeded');
    // The test org has the new version installed, and its License follows.
    const installed = await sub.tooling.query<Rec>(
      'SELECT SubscriberPackageVersionId FROM InstalledSubscriberPackage',
    );
    assert.equal(String(installed.records[0]!.SubscriberPackageVersionId), v2.id);
    const lmo = connect(org, org.orgs.lmo.accessToken);
    const lic = await lmo.query<Rec>(
      `SELECT sfLma__Version_Number__c FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${test.id.slice(0, 15)}'`,
    );
    assert.equal(lic.records[0]!.sfLma__Version_Number__c, '1.1.0');
  });
});

describe('a push request across a restart', () => {
  it('a request In Progress when the server stops goes on when it starts again on the same data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lma-push-restart-'));
    try {
      let org = await startTestOrg({ dataDir: dir, timing: { pushStartMs: 0, pushJobMs: 86_400_000 } });
      let hub = connect(org, org.orgs.devhub.accessToken);
      const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
      const latest = billing.versions.filter((v) => !v.isBeta).at(-1)!.id;
      const { records } = await hub.query<Rec>(
        `SELECT OrgKey FROM PackageSubscriber WHERE MetadataPackageId = '${billing.id}' AND MetadataPackageVersionId != '${latest}' AND OrgStatus = 'Active' AND HasRestrictionEnabled = false ORDER BY OrgKey DESC LIMIT 2`,
      );
      const req = (await hub
        .sobject('PackagePushRequest')
        .create({ PackageVersionId: latest })) as SaveOutcome;
      await hub.sobject('PackagePushJob').create(
        records.map((r) => ({ PackagePushRequestId: req.id, SubscriberOrganizationKey: String(r.OrgKey) })),
        { allOrNone: true },
      );
      await hub.sobject('PackagePushRequest').update({ Id: req.id!, Status: 'Pending' });
      await eventually(async () =>
        (await hub.sobject('PackagePushRequest').retrieve(req.id!)).Status === 'In Progress'
          ? true
          : undefined,
      );
      assert.deepEqual(await org.pushes.advance(req.id!, 1), { Succeeded: 1, Created: 1 });
      await org.close();
      org = await startTestOrg({ dataDir: dir, timing: { pushStartMs: 0, pushJobMs: 0 } });
      try {
        hub = connect(org, org.orgs.devhub.accessToken);
        const done = await eventually(async () => {
          const r = await hub.sobject('PackagePushRequest').retrieve(req.id!);
          return r.Status === 'Succeeded' || r.Status === 'Failed' ? r : undefined;
        }, 20_000);
        assert.equal(done.Status, 'Succeeded');
        assert.deepEqual(org.pushes.show(req.id!).jobs, { Succeeded: 2 });
      } finally {
        await org.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
