// Push upgrades through the real session and an owner org that is not the LMO (the local Dev Hub, from
// the CLI auth store): the preview's exclusions one per reason; scheduling and completion with a
// seeded failure; the failures grouped; a retry of only the failed orgs; abort; a request with no
// valid job; a connection lost while jobs are created, then finished; the preview's requests (its
// number against the jobs created: pushUpgradePages.test.ts); jobs through a Bulk API 2.0 ingest job; an owner org whose user
// doesn't see HasRestrictionEnabled.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LocalOrg } from 'lma-local-org';
import { eventually, raw } from 'lma-local-org/testing';
import { queryAll, queryAllInFew, type LmoApi } from '../../../src/lma/records/lmoApi';
import { loadPackages } from '../../../src/lma/records/packages';
import { ownsPackage } from '../../../src/lma/records/pushOwner';
import { scopeForVersion, type PushScope } from '../../../src/lma/records/pushUpgrade';
import { toId18 } from '../../../src/lma/records/soql';
import { buildPreview, DEFAULT_SELECTION, groupFailures } from '../../../src/lma/rules/pushUpgrade';
import {
  abortPush,
  finishSchedule,
  planPush,
  planRetry,
  readFailures,
  readPushRequest,
  schedulePush,
  watchPush,
} from '../../../src/lma/workflows/pushUpgrade';
import type { LmoSession } from '../../../src/org/lmoSession';
import { silentLog } from '../../../src/org/log';
import { OwnerOrgConnections } from '../../../src/org/ownerOrgs';
import { authorizeWithRefreshToken, openConnection } from '../../../src/org/salesforce';
import { closePushWorld, openPushWorld } from './pushWorld';
import { ingestLedger } from './ingestLedger';

let org: LocalOrg;
let session: LmoSession;
let owner: LmoApi;
let scope: PushScope;
const fast = { delay: () => 50 };

before(async () => {
  ({ org, session, owner, scope } = await openPushWorld('push', { pushStartMs: 0, pushJobMs: 0 }));
});
after(() => closePushWorld({ org, session }));

const admin = async (method: string, path: string, body?: unknown) => {
  const response = await raw(org, org.adminSecret, method, `/_local/${path}`, body);
  assert.ok(response.status < 300, `${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
};

interface SubscriberRow {
  OrgKey: string;
  MetadataPackageVersionId: string;
}
const used = new Set<string>();
/** Active, installed, unblocked subscribers of the package on an older version, with no seeded outcome. */
async function plainOrgs(n: number): Promise<string[]> {
  const seeded = new Set(Object.keys((await admin('GET', 'push-outcomes')) as object));
  const rows = await queryAll<SubscriberRow>(
    owner,
    `SELECT OrgKey, MetadataPackageVersionId FROM PackageSubscriber WHERE MetadataPackageId = '${scope.target.packageId}' AND MetadataPackageVersionId != '${scope.target.versionId}' AND OrgStatus = 'Active' AND HasRestrictionEnabled = false AND InstalledStatus = 'i' ORDER BY OrgKey`,
  );
  const orgs = rows.map((r) => toId18(r.OrgKey)).filter((k) => !seeded.has(k) && !used.has(k));
  // Only orgs the LMO has an Active or Trial License for (a pasted list is checked against the LMO too).
  const licensed = new Set(
    (
      await queryAll<{ sfLma__Subscriber_Org_ID__c: string }>(
        session,
        `SELECT sfLma__Subscriber_Org_ID__c FROM sfLma__License__c WHERE sfLma__Status__c IN ('Active', 'Trial') AND sfLma__Subscriber_Org_ID__c != null`,
      )
    ).map((r) => toId18(r.sfLma__Subscriber_Org_ID__c)),
  );
  const chosen = orgs.filter((k) => licensed.has(k)).slice(0, n);
  assert.equal(chosen.length, n, `the demo world has ${n} more plain subscribers`);
  chosen.forEach((k) => used.add(k));
  return chosen;
}

test('the owner org is not the LMO: the Dev Hub owns the package, the LMO does not', async () => {
  assert.equal(await ownsPackage(session, scope.target.packageId!), false);
  assert.equal(await ownsPackage(owner, scope.target.packageId!), true);
});

test('the preview leaves each org out for its one reason, and the rest get a job', async () => {
  const [plain, inactive, blocking] = await plainOrgs(3);
  await admin('PUT', 'push-subscribers', { org: inactive, orgStatus: 'Inactive' });
  await admin('PUT', 'push-subscribers', { org: blocking, blocksPushes: true });
  const onTarget = await queryAll<SubscriberRow>(
    owner,
    `SELECT OrgKey, MetadataPackageVersionId FROM PackageSubscriber WHERE MetadataPackageId = '${scope.target.packageId}' AND MetadataPackageVersionId = '${scope.target.versionId}' LIMIT 1`,
  );
  const uninstalled = await queryAll<{ sfLma__Subscriber_Org_ID__c: string }>(
    session,
    `SELECT sfLma__Subscriber_Org_ID__c FROM sfLma__License__c WHERE sfLma__Status__c = 'Uninstalled' AND sfLma__Package__c = '${scope.packageRecordId}' AND sfLma__Subscriber_Org_ID__c != null LIMIT 1`,
  );
  assert.ok(
    onTarget.length && uninstalled.length,
    'the demo world has an org on the latest version and an uninstalled one',
  );
  const stranger = '00D0000000STRAN';
  const orgIds = [
    plain!,
    inactive!,
    blocking!,
    toId18(onTarget[0]!.OrgKey),
    toId18(uninstalled[0]!.sfLma__Subscriber_Org_ID__c),
    toId18(stranger),
  ];
  const preview = await planPush(session, owner, scope, { ...DEFAULT_SELECTION, orgIds });
  assert.deepEqual(
    preview.jobs.map((j) => j.orgId),
    [plain],
  );
  assert.deepEqual(Object.fromEntries(preview.excluded.map((e) => [e.orgId, e.reason])), {
    [inactive!]: 'orgInactive',
    [blocking!]: 'blocksPushes',
    [toId18(onTarget[0]!.OrgKey)]: 'alreadyOnTarget',
    [toId18(uninstalled[0]!.sfLma__Subscriber_Org_ID__c)]: 'uninstalled',
    [toId18(stranger)]: 'notSubscriber',
  });
  // The default selection: every job is an org on an older version, none of the excluded among them.
  const all = await planPush(session, owner, scope);
  assert.ok(all.jobs.length > 0);
  assert.ok(!all.jobs.some((j) => j.orgId === inactive || j.orgId === blocking));
});

test('schedule, watch to the end with one seeded failure, failures grouped, retry only the failed org', async () => {
  const orgIds = await plainOrgs(3);
  await admin('PUT', 'push-outcomes', {
    org: orgIds[0],
    errorType: 'DeployError',
    title: 'Deployment error',
    message: 'Field exists',
    times: 1,
  });
  const preview = await planPush(session, owner, scope, { ...DEFAULT_SELECTION, orgIds });
  assert.equal(preview.jobs.length, 3);
  const scheduled = await schedulePush(owner, preview);
  assert.equal(scheduled.kind, 'started', JSON.stringify(scheduled));
  if (scheduled.kind !== 'started') return;
  assert.equal(scheduled.jobs, 3);
  const updates: string[] = [];
  const done = await watchPush(owner, scheduled.requestId, {
    ...fast,
    onUpdate: (s) => updates.push(s.status),
  });
  assert.equal(done.jobs.Failed, 1, JSON.stringify(done));
  assert.equal(done.jobs.Succeeded, 2, JSON.stringify(done));
  const failures = await readFailures(owner, scheduled.requestId, session);
  const groups = groupFailures(failures);
  assert.equal(groups.length, 1);
  assert.equal(groups[0]!.errorType, 'DeployError');
  assert.deepEqual(
    groups[0]!.failures.map((f) => f.orgId),
    [orgIds[0]],
  );
  assert.ok(groups[0]!.failures[0]!.customer, 'the customer name from the LMO');
  const retry = await planRetry(session, owner, scope, scheduled.requestId);
  assert.deepEqual(
    retry.jobs.map((j) => j.orgId),
    [orgIds[0]],
  );
  const again = await schedulePush(owner, retry);
  assert.equal(again.kind, 'started');
  if (again.kind !== 'started') return;
  const second = await watchPush(owner, again.requestId, fast);
  assert.equal(second.status, 'Succeeded', JSON.stringify(second));
});

test('abort: a scheduled request is canceled; a canceled one cannot be aborted again', async () => {
  const orgIds = await plainOrgs(1);
  const preview = await planPush(session, owner, scope, { ...DEFAULT_SELECTION, orgIds });
  const later = new Date(Date.now() + 3_600_000);
  const scheduled = await schedulePush(owner, preview, { when: later });
  assert.equal(scheduled.kind, 'started');
  if (scheduled.kind !== 'started') return;
  const pending = await readPushRequest(owner, scheduled.requestId);
  assert.equal(pending?.status, 'Pending');
  // ScheduledStartTime is the time asked for (to the second at least).
  assert.ok(
    Math.abs(new Date(pending!.scheduledStartTime!).getTime() - later.getTime()) < 1000,
    pending!.scheduledStartTime,
  );
  assert.deepEqual(await abortPush(owner, scheduled.requestId), {
    kind: 'aborted',
    requestId: scheduled.requestId,
  });
  const refused = await abortPush(owner, scheduled.requestId);
  assert.equal(refused.kind, 'refused');
  assert.match(
    (refused as { message: string }).message,
    /The request is Canceled: only a request that is Created or Pending/,
  );
});

test('a request whose every job Salesforce refuses is not started and says why', async () => {
  const preview = buildPreview(
    [
      {
        orgId: toId18('00D0000000NOSUB'),
        customer: undefined,
        licenseStatus: 'Active',
        isSandbox: false,
        versionNumber: '1.0',
      },
    ],
    [
      {
        orgKey: toId18('00D0000000NOSUB'),
        orgName: 'x',
        orgType: 'Production',
        orgStatus: 'Active',
        installedStatus: 'i',
        versionId: undefined,
        blocksPushes: false,
      },
    ],
    scope.target,
    new Map(),
  );
  const report = await schedulePush(owner, preview);
  assert.equal(report.kind, 'notStarted', JSON.stringify(report));
  if (report.kind !== 'notStarted') return;
  assert.equal(report.refused.length, 1);
  assert.match(report.message, /refused every job \(1\), so the request was not started/);
  const request = await readPushRequest(owner, report.requestId!);
  assert.notEqual(request?.status, 'Pending');
  assert.notEqual(request?.status, 'In Progress');
});

test('a connection lost while jobs are created: the request is left not started; finishing it starts it', async () => {
  const orgIds = await plainOrgs(2);
  // 200 more orgs the owner org refuses one by one, so that the jobs take two batches.
  const strangers = Array.from({ length: 200 }, (_, i) => toId18(`00D00000${String(i).padStart(4, '0')}XYZ`));
  const preview = buildPreview(
    [...strangers, ...orgIds].map((orgId) => ({
      orgId,
      customer: undefined,
      licenseStatus: 'Active',
      isSandbox: false,
      versionNumber: '1.0',
    })),
    [...strangers, ...orgIds].map((orgKey) => ({
      orgKey,
      orgName: 'x',
      orgType: 'Sandbox',
      orgStatus: 'Active',
      installedStatus: 'i',
      versionId: undefined,
      blocksPushes: false,
    })),
    scope.target,
    new Map(),
  );
  // The local org answers the second batch with a 503, as a lost connection's gateway would.
  let batches = 0;
  const flaky: LmoApi = {
    request: async <T>(path: string, options?: Parameters<LmoApi['request']>[1]) => {
      if (path === '/composite/sobjects' && ++batches === 2) await org.faults.respondWith(503, 1);
      return owner.request<T>(path, options);
    },
  };
  const report = await schedulePush(flaky, preview);
  assert.equal(report.kind, 'interrupted', JSON.stringify(report).slice(0, 500));
  if (report.kind !== 'interrupted') return;
  assert.deepEqual(report.remaining, orgIds);
  assert.match(report.message, /the request is not started\. Finish it or abort it\./);
  assert.equal((await readPushRequest(owner, report.requestId))?.status, 'Created');
  const finished = await finishSchedule(owner, report.requestId, report.remaining);
  assert.equal(finished.kind, 'started', JSON.stringify(finished));
  const done = await watchPush(owner, report.requestId, fast);
  assert.equal(done.jobs.Succeeded, 2, JSON.stringify(done));
});

test('a deprecated target: a clear message before anything is created', async () => {
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  const older = billing.versions.filter((v) => !v.isBeta).at(-2)!.id;
  const found = scopeForVersion(await loadPackages(session), older);
  assert.ok('scope' in found);
  await admin('POST', `console/versions/${older}/deprecate`);
  await assert.rejects(
    planPush(session, owner, found.scope),
    /is deprecated: a deprecated version can't be pushed/,
  );
});

test('a 1GP package pushed from its packaging org, chosen as the owner org', async () => {
  const packaging = (await admin('POST', 'packaging-orgs', { name: 'Classic Packaging Org' })) as {
    id: string;
    refreshToken: string;
  };
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: packaging.refreshToken,
    alias: 'push-1gp',
  });
  const pkg = org.console.createPackage({
    name: 'Acme Classic',
    namespace: 'acmeclassic',
    owner: packaging.id,
  } as never);
  await org.console.associate(pkg.id, { status: 'Active', lengthDays: null, seats: 10 });
  const v1 = await org.console.createVersion(pkg.id, { version: '1.0.0', visibleAfterSeconds: 0 });
  const v2 = await org.console.createVersion(pkg.id, { version: '1.1.0', visibleAfterSeconds: 0 });
  const customer = await org.createTestOrg({ name: 'Classic Customer' });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: customer.refreshToken,
    alias: 'push-1gp-customer',
  });
  const subscriber = await openConnection('push-1gp-customer', () => {});
  await subscriber.request('/tooling/sobjects/PackageInstallRequest', {
    method: 'POST',
    body: { SubscriberPackageVersionKey: v1.id, SecurityType: 'none' },
  });
  const classicOwner = await new OwnerOrgConnections({ log: silentLog, open: openConnection }).connect(
    'push-1gp',
  );
  assert.equal(await ownsPackage(classicOwner, pkg.id), true);
  assert.equal(await ownsPackage(owner, pkg.id), false, 'the Dev Hub does not own a 1GP package');
  // Wait for the install to reach the LMO (its License) and the packaging org (its subscriber).
  const scope1gp = await eventually(async () => {
    const found = scopeForVersion(await loadPackages(session), v2.id);
    if ('problem' in found) return undefined;
    const preview = await planPush(session, classicOwner, found.scope);
    return preview.jobs.length ? found.scope : undefined;
  }, 30_000);
  const preview = await planPush(session, classicOwner, scope1gp);
  assert.deepEqual(
    preview.jobs.map((j) => j.orgId),
    [toId18(customer.id)],
  );
  const scheduled = await schedulePush(classicOwner, preview);
  assert.equal(scheduled.kind, 'started', JSON.stringify(scheduled));
  if (scheduled.kind !== 'started') return;
  const done = await watchPush(classicOwner, scheduled.requestId, fast);
  assert.equal(done.status, 'Succeeded', JSON.stringify(done));
});

/** `api` with its requests counted (a composite is one request, as Salesforce counts it). */
function counted(api: LmoApi): { api: LmoApi; requests: string[] } {
  const requests: string[] = [];
  return {
    requests,
    api: {
      get lmaFields() {
        return api.lmaFields;
      },
      request: <T>(path: string, options?: Parameters<LmoApi['request']>[1]) => {
        requests.push(`${options?.method ?? 'GET'} ${path.slice(0, 40)}`);
        return api.request<T>(path, options);
      },
    },
  };
}

test('a query read in few requests: the pages after the first in one composite, the same rows as page by page', async () => {
  const soql = 'SELECT OrgKey, OrgStatus FROM PackageSubscriber';
  const byPage = await queryAll<{ OrgKey: string }>(owner, soql);
  assert.ok(byPage.length > 400, `the demo world's Dev Hub has ${byPage.length} subscribers`);
  const few = counted(owner);
  const rows = await queryAllInFew<{ OrgKey: string }>(few.api, soql, 200);
  assert.deepEqual(rows.map((r) => r.OrgKey).sort(), byPage.map((r) => r.OrgKey).sort());
  assert.deepEqual(
    few.requests.map((r) => r.split(' ')[0] + ' ' + r.split(' ')[1]!.split('?')[0]),
    ['GET /query', 'POST /composite'],
  );
});

test('the preview reads in at most 2 LMO and 2 owner-org requests', async () => {
  const lmo = counted(session);
  const hub = counted(owner);
  // A pasted list with orgs the owner org refuses a job for: strangers (INVALID_CROSS_REFERENCE_KEY).
  const orgIds = await plainOrgs(3);
  const strangers = [toId18('00D0000000STRA1'), toId18('00D0000000STRA2')];
  const listed = await planPush(lmo.api, hub.api, scope, {
    ...DEFAULT_SELECTION,
    orgIds: [...orgIds, ...strangers],
  });
  assert.equal(listed.jobs.length, 3);
  assert.deepEqual(
    listed.excluded.map((e) => [e.orgId, e.reason]),
    strangers.map((s) => [s, 'notSubscriber']),
  );
  assert.ok(
    lmo.requests.length <= 2 && hub.requests.length <= 2,
    [...lmo.requests, ...hub.requests].join('\n'),
  );
  lmo.requests.length = hub.requests.length = 0;
  const whole = await planPush(lmo.api, hub.api, scope, DEFAULT_SELECTION);
  assert.ok(
    lmo.requests.length <= 2 && hub.requests.length <= 2,
    [...lmo.requests, ...hub.requests].join('\n'),
  );
  assert.ok(whole.jobs.length > 0);
  // That its number is the number of jobs created, over more than one page: pushUpgradePages.test.ts.
});

/** A hand-made preview of these orgs, every one a job (the owner org decides which it refuses). */
const previewOf = (orgIds: string[]) =>
  buildPreview(
    orgIds.map((orgId) => ({
      orgId,
      customer: undefined,
      licenseStatus: 'Active',
      isSandbox: false,
      versionNumber: '1.0',
    })),
    orgIds.map((orgKey) => ({
      orgKey,
      orgName: 'x',
      orgType: 'Sandbox',
      orgStatus: 'Active',
      installedStatus: 'i',
      versionId: undefined,
      blocksPushes: false,
    })),
    scope.target,
    new Map(),
  );

test('jobs through a Bulk API 2.0 ingest job from the threshold on (0: never): the same report as through Collections, a refused org with its error', async () => {
  const stranger = toId18('00D0000000BULK1');
  const reports = [];
  for (const ingestThreshold of [1, 10_000, 0]) {
    const orgIds = await plainOrgs(3);
    const hub = counted(owner);
    const report = await schedulePush(hub.api, previewOf([...orgIds, stranger]), {
      when: new Date(Date.now() + 86_400_000),
      ingestThreshold,
    });
    assert.equal(report.kind, 'started', JSON.stringify(report));
    if (report.kind !== 'started') return;
    assert.equal(report.jobs, 3);
    const jobs = await queryAll<{ SubscriberOrganizationKey: string }>(
      owner,
      `SELECT SubscriberOrganizationKey FROM PackagePushJob WHERE PackagePushRequestId = '${report.requestId}'`,
    );
    assert.deepEqual(jobs.map((j) => toId18(j.SubscriberOrganizationKey)).sort(), [...orgIds].sort());
    assert.equal((await readPushRequest(owner, report.requestId))?.status, 'Pending');
    assert.equal(
      hub.requests.some((r) => r.startsWith('POST /jobs/ingest')),
      ingestThreshold === 1,
      hub.requests.join('\n'),
    );
    // The request's jobs are what was created: no query counts them again (the CLI makes none either).
    assert.deepEqual(
      hub.requests.filter((r) => /\/query/.test(r)),
      [],
      hub.requests.join('\n'),
    );
    reports.push(report.refused);
    await abortPush(owner, report.requestId);
  }
  assert.equal(reports[0]!.length, 1);
  assert.equal(reports[0]![0]!.orgId, stranger);
  assert.match(reports[0]![0]!.message, /^INVALID_CROSS_REFERENCE_KEY: /);
  assert.deepEqual(reports[0], reports[1]);
  assert.deepEqual(reports[0], reports[2]);
});

test('a connection lost during the ingest job: the request is left Created with its orgs; finishing it adds none twice and starts it', async () => {
  const orgIds = await plainOrgs(3);
  let lostOnce = false;
  const flaky: LmoApi = {
    request: async <T>(path: string, options?: Parameters<LmoApi['request']>[1]) => {
      if (/\/failedResults$/.test(path) && !lostOnce) {
        lostOnce = true;
        await org.faults.respondWith(503, 1);
      }
      return owner.request<T>(path, options);
    },
  };
  const report = await schedulePush(flaky, previewOf(orgIds), { ingestThreshold: 1 });
  assert.equal(report.kind, 'interrupted', JSON.stringify(report).slice(0, 500));
  if (report.kind !== 'interrupted') return;
  assert.deepEqual(report.remaining, orgIds);
  assert.match(report.message, /the request is not started\. Finish it or abort it\./);
  assert.equal((await readPushRequest(owner, report.requestId))?.status, 'Created');
  const finished = await finishSchedule(owner, report.requestId, report.remaining, { ingestThreshold: 1 });
  assert.equal(finished.kind, 'started', JSON.stringify(finished));
  if (finished.kind !== 'started') return;
  assert.equal(finished.jobs, 3);
  assert.deepEqual(finished.refused, []);
  const done = await watchPush(owner, report.requestId, fast);
  assert.equal(done.jobs.Succeeded, 3, JSON.stringify(done));
});

test('an owner org whose user does not see HasRestrictionEnabled (the other reading): the preview reads without it, and a blocking customer gets a job', async () => {
  const blocked = await queryAll<{ OrgKey: string }>(
    owner,
    `SELECT OrgKey FROM PackageSubscriber WHERE MetadataPackageId = '${scope.target.packageId}' AND HasRestrictionEnabled = true AND OrgStatus = 'Active' AND InstalledStatus = 'i' AND MetadataPackageVersionId != '${scope.target.versionId}'`,
  );
  assert.ok(blocked.length > 0, 'the demo world has a customer blocking pushes');
  const orgIds = [toId18(blocked[0]!.OrgKey), ...(await plainOrgs(1))];
  const selection = { ...DEFAULT_SELECTION, orgIds };
  const seen = await planPush(session, owner, scope, selection);
  assert.deepEqual(
    seen.excluded.map((e) => e.reason),
    ['blocksPushes'],
  );
  const user = (await admin('POST', `orgs/${org.orgs.devhub.id}/users`, {
    subscriberRestrictionAccess: false,
  })) as { refreshToken: string };
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: user.refreshToken,
    alias: 'push-hub-no-restriction',
  });
  const blind = await new OwnerOrgConnections({ log: silentLog, open: openConnection }).connect(
    'push-hub-no-restriction',
  );
  await assert.rejects(
    queryAll(blind, 'SELECT HasRestrictionEnabled FROM PackageSubscriber LIMIT 1'),
    /INVALID_FIELD|No such column/,
  );
  const unseen = await planPush(session, blind, scope, selection);
  assert.equal(unseen.excluded.length, 0, JSON.stringify(unseen.excluded));
  assert.deepEqual(unseen.jobs.map((j) => j.orgId).sort(), [...orgIds].sort());
});

const ingestJobsInOwner = () => org.bulk.list(org.orgs.devhub.id).filter((j) => j.kind === 'ingest');

/** Until the owner org says the ingest job has processed this many rows (the condition; the local org runs it at once). */
async function processed(id: string, rows: number): Promise<void> {
  for (;;) {
    const info = await owner.request<{ numberRecordsProcessed: number }>(`/jobs/ingest/${id}`);
    if (info.numberRecordsProcessed >= rows) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

test('a successful schedule through ingest leaves no ingest job in the owner org and an empty ledger', async () => {
  const jobs = ingestLedger();
  const orgIds = await plainOrgs(2);
  assert.deepEqual(ingestJobsInOwner(), []);
  const report = await schedulePush(owner, previewOf(orgIds), {
    when: new Date(Date.now() + 86_400_000),
    ingestThreshold: 1,
    ingestJobs: jobs,
  });
  assert.equal(report.kind, 'started', JSON.stringify(report));
  if (report.kind !== 'started') return;
  assert.equal(report.jobs, 2);
  assert.equal(jobs.added.length, 1, 'the ingest job was recorded before its upload');
  assert.deepEqual(ingestJobsInOwner(), [], 'the finished ingest job is deleted in the owner org');
  assert.deepEqual(jobs.ids, [], 'and forgotten');
  await abortPush(owner, report.requestId);
});

test('an ingest job left by a crash mid-schedule is found by the next schedule to the same owner org: aborted, reported with its request, and deleted', async () => {
  const jobs = ingestLedger();
  const crashedOrgs = await plainOrgs(3);
  // What a crashed schedule leaves: its request Created, its ingest job recorded, uploaded, closed, and
  // held running after 2 of its 3 rows.
  const crashedRequest = (
    await owner.request<{ id: string }>('/sobjects/PackagePushRequest', {
      method: 'POST',
      body: { PackageVersionId: scope.target.versionId },
    })
  ).id;
  org.bulk.switches.holdIngestJobsAfter = 2;
  let crashed: string;
  try {
    crashed = (
      await owner.request<{ id: string }>('/jobs/ingest', {
        method: 'POST',
        body: { object: 'PackagePushJob', operation: 'insert', contentType: 'CSV', lineEnding: 'LF' },
      })
    ).id;
    jobs.add(crashed);
    await owner.request(`/jobs/ingest/${crashed}/batches`, {
      method: 'PUT',
      text: {
        contentType: 'text/csv',
        content:
          [
            'PackagePushRequestId,SubscriberOrganizationKey',
            ...crashedOrgs.map((o) => `${crashedRequest},${o}`),
          ].join('\n') + '\n',
      },
    });
    await owner.request(`/jobs/ingest/${crashed}`, { method: 'PATCH', body: { state: 'UploadComplete' } });
    await processed(crashed, 2);
  } finally {
    org.bulk.switches.holdIngestJobsAfter = null;
  }
  assert.equal(ingestJobsInOwner().length, 1);

  // The next schedule to the same owner org, through ingest.
  let report;
  try {
    report = await schedulePush(owner, previewOf(await plainOrgs(2)), {
      when: new Date(Date.now() + 86_400_000),
      ingestThreshold: 1,
      ingestJobs: jobs,
    });
  } finally {
    org.bulk.release();
  }
  assert.equal(report.kind, 'started', JSON.stringify(report));
  if (report.kind !== 'started') return;
  assert.equal(report.abandoned?.length, 1, JSON.stringify(report));
  assert.match(
    report.abandoned![0]!,
    new RegExp(
      `${crashed}.*was still running; it was aborted now, after it had created 2 push jobs.*push request ${crashedRequest}.*abort it`,
      'i',
    ),
  );
  // Gone in the owner org, as its Bulk API says, and forgotten.
  await assert.rejects(owner.request(`/jobs/ingest/${crashed}`), { errorCode: 'NOT_FOUND' });
  assert.deepEqual(ingestJobsInOwner(), []);
  assert.deepEqual(jobs.ids, []);
  assert.equal(jobs.added.length, 2, "the schedule's own job was recorded before its upload");
  // The crashed request holds the 2 jobs it wrote, which the user can abort from the push request view.
  const stray = await queryAll<{ Id: string }>(
    owner,
    `SELECT Id FROM PackagePushJob WHERE PackagePushRequestId = '${crashedRequest}'`,
  );
  assert.equal(stray.length, 2);
  await abortPush(owner, report.requestId);
});
