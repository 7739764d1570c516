// The tree's "Push Upgrades" node (src/views/pushRequestsModel.ts, through LmoTreeModel, no VS Code) over
// a real session and an owner org that is not the LMO (the local Dev Hub): shown only when the owner org
// is known; its requests newest first with jobs by status from one aggregate (two requests in all);
// polled while a request runs, at the pace the local org's jobs advance, and no more once none runs or
// the view is hidden. Then the customer view's push history of the org that failed (customerPushJobs.ts):
// one query per owner org, one more for the failed job's error, and what it says without an owner org.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { eventually } from 'lma-local-org/testing';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { queryAll, type LmoApi } from '../../../src/lma/records/lmoApi';
import { toId18 } from '../../../src/lma/records/soql';
import { DEFAULT_SELECTION } from '../../../src/lma/rules/pushUpgrade';
import { scopeForVersion } from '../../../src/lma/records/pushUpgrade';
import { loadPackages } from '../../../src/lma/records/packages';
import { jobCountsOf, loadPushRequestView } from '../../../src/lma/workflows/pushRequests';
import { loadCustomerPushJobs, readOrgPushJobs } from '../../../src/lma/workflows/customerPushJobs';
import {
  finishSchedule,
  planPush,
  readPushRequest,
  schedulePush,
} from '../../../src/lma/workflows/pushUpgrade';
import { isRunning, pushRequestActions } from '../../../src/lma/rules/pushRequests';
import { TestInstalls } from '../../../src/lma/workflows/testInstallHistory';
import { Emitter } from '../../../src/base/emitter';
import { LmoSession } from '../../../src/org/lmoSession';
import { silentLog } from '../../../src/org/log';
import { OwnerOrgConnections } from '../../../src/org/ownerOrgs';
import { authorizeWithRefreshToken, openConnection } from '../../../src/org/salesforce';
import { LmoTreeModel } from '../../../src/views/lmoTreeModel';
import type { LmaNode, PackageNode, PushRequestNode, PushRequestsNode } from '../../../src/views/nodes';

let org: LocalOrg;
let session: LmoSession;
let owner: LmoApi;
let model: LmoTreeModel;
/** Requests made to the owner org through the tree. */
let ownerRequests: string[] = [];
const redraws = new Emitter<string | undefined>();

before(async () => {
  org = await startLocalOrg({ seed: 'demo' });
  // Jobs run only when the test advances them.
  await org.timing({ pushStartMs: 0, pushJobMs: 3_600_000 } as never);
  for (const [token, alias] of [
    [org.orgs.lmo.refreshToken, 'watch-lmo'],
    [org.orgs.devhub.refreshToken, 'watch-hub'],
  ] as const)
    await authorizeWithRefreshToken({ loginUrl: org.instanceUrl, refreshToken: token, alias });
  session = new LmoSession({ log: silentLog, checkLma: (request) => checkLmaPresence({ request }) });
  await session.connect('watch-lmo');
  const hub = await new OwnerOrgConnections({ log: silentLog, open: openConnection }).connect('watch-hub');
  owner = hub;
  const counted: LmoApi = {
    request: (path, options) => {
      ownerRequests.push(path);
      return hub.request(path, options);
    },
  };
  const store = new Map<string, unknown>();
  model = new LmoTreeModel(
    session,
    { packages: async () => undefined, onDidChange: new Emitter<void>().event },
    new TestInstalls({
      get: <T>(key: string) => store.get(key) as T | undefined,
      update: async (key, value) => void store.set(key, value),
    }),
    // The Dev Hub owns Acme Billing's pushes; no other package's owner org is known.
    async (pkg) =>
      pkg.name === 'Acme Billing'
        ? { label: 'Pushes run in watch-hub', connect: async () => counted }
        : undefined,
    () => 10,
  );
  model.onDidChange((node) => redraws.fire(node?.id));
});
after(async () => {
  model?.dispose();
  session?.dispose();
  await org?.close();
});

async function packageNode(name: string): Promise<PackageNode> {
  const [lmo] = await model.children();
  const packages = (await model.children(lmo)).find((n) => n.kind === 'packages')!;
  const found = (await model.children(packages)).find(
    (n): n is PackageNode => n.kind === 'package' && n.pkg.name === name,
  );
  assert.ok(found, `no package ${name}`);
  return found;
}

async function pushesNode(): Promise<PushRequestsNode> {
  const found = (await model.children(await packageNode('Acme Billing'))).find(
    (n): n is PushRequestsNode => n.kind === 'pushRequests',
  );
  assert.ok(found, 'no Push Upgrades node under Acme Billing');
  return found;
}

/** The next redraw of this node: what makes VS Code ask for its children again. */
function nextRedraw(node: LmaNode): Promise<void> {
  return new Promise((resolve) => {
    const subscription = redraws.event((id) => {
      if (id !== node.id && id !== undefined) return;
      subscription.dispose();
      resolve();
    });
  });
}

/** Schedules a push of `n` plain orgs to Acme Billing's latest version; its request id. */
async function schedule(n: number, first?: string): Promise<string> {
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  const latest = billing.versions.filter((v) => !v.isBeta).at(-1)!.id;
  const found = scopeForVersion(await loadPackages(session), latest);
  assert.ok('scope' in found);
  const rows = await queryAll<{ OrgKey: string }>(
    owner,
    `SELECT OrgKey FROM PackageSubscriber WHERE MetadataPackageId = '${found.scope.target.packageId}' AND MetadataPackageVersionId != '${latest}' AND OrgStatus = 'Active' AND HasRestrictionEnabled = false AND InstalledStatus = 'i' ORDER BY OrgKey`,
  );
  const preview = await planPush(session, owner, found.scope, {
    ...DEFAULT_SELECTION,
    orgIds: rows.map((r) => toId18(r.OrgKey)),
  });
  assert.ok(preview.jobs.length >= n, `${preview.jobs.length} jobs`);
  const jobs = [
    ...preview.jobs.filter((j) => j.orgId === first),
    ...preview.jobs.filter((j) => j.orgId !== first),
  ].slice(0, n);
  if (first) assert.equal(jobs[0]?.orgId, first, 'the seeded org gets a job');
  // The demo seeds orgs whose pushes fail: only the test's own org (`first`) may fail here.
  for (const job of jobs)
    if (job.orgId !== first) await org.pushes.setOutcome({ org: job.orgId, clear: true });
  const report = await schedulePush(owner, { ...preview, jobs });
  assert.equal(report.kind, 'started', JSON.stringify(report));
  return (report as { requestId: string }).requestId;
}

test('the Push Upgrades node shows only where the owner org is known, after Versions', async () => {
  const billing = await model.children(await packageNode('Acme Billing'));
  assert.deepEqual(
    billing.slice(0, 2).map((n) => n.kind),
    ['versions', 'pushRequests'],
  );
  const others = org.console.packages().filter((p) => p.name !== 'Acme Billing');
  assert.ok(others.length > 0);
  const other = await model.children(await packageNode(others[0]!.name));
  assert.ok(!other.some((n) => n.kind === 'pushRequests'), 'no owner org known: no node');
  const empty = await model.children(await pushesNode());
  assert.equal(empty[0]?.kind, 'message');
  assert.match((empty[0] as { label: string }).label, /No push requests yet/);
});

test('a running request is listed with its jobs by status and polled until it ends; then polling stops', async () => {
  const requestId = await schedule(2);
  model.pushRequestsChanged();
  const node = await pushesNode();
  // Wait until the local org has started it (Pending → In Progress), through the tree's own polls.
  const running = await eventually(async () => {
    const redrawn = nextRedraw(node);
    const [first] = (await model.children(node)) as PushRequestNode[];
    if (first?.request.status === 'In Progress') return first;
    await redrawn;
    return undefined;
  });
  assert.equal(toId18(running.request.id), toId18(requestId));
  assert.equal(running.request.jobs.Succeeded ?? 0, 0, JSON.stringify(running.request.jobs));
  assert.ok(model.isPolling(node), 'a running request is polled');

  // Two requests per read: the requests, and one aggregate of their jobs (never one per request or job).
  ownerRequests = [];
  const redrawn = nextRedraw(node);
  await redrawn;
  await model.children(node);
  assert.equal(ownerRequests.length, 2, ownerRequests.join('\n'));

  await org.pushes.advance(requestId, 2);
  const done = await eventually(async () => {
    const again = nextRedraw(node);
    const [first] = (await model.children(node)) as PushRequestNode[];
    // Ended (Succeeded or not): no poll follows, so the loop must not wait for one.
    if (first && !isRunning(first.request.status)) return first;
    await again;
    return undefined;
  });
  assert.deepEqual(done.request.jobs, { Succeeded: 2 });
  assert.ok(!model.isPolling(node), 'nothing runs: no more polls');
});

test('a hidden view polls nothing; shown again, it reads the running request at once', async () => {
  const requestId = await schedule(1);
  model.pushRequestsChanged();
  const node = await pushesNode();
  await model.children(node);
  assert.ok(model.isPolling(node));
  model.setVisible(false);
  assert.ok(!model.isPolling(node), 'hidden: the poll is stopped');
  const redrawn = nextRedraw(node);
  model.setVisible(true);
  await redrawn;
  await model.children(node);
  assert.ok(model.isPolling(node), 'shown again: polled again');
  await org.pushes.advance(requestId, 1);
});

test('jobCountsOf counts the jobs of a request in one aggregate; the request view groups its failure with the customer', async () => {
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  const latest = billing.versions.filter((v) => !v.isBeta).at(-1)!.id;
  const licensed = new Set(
    (
      await queryAll<{ sfLma__Subscriber_Org_ID__c: string }>(
        session,
        `SELECT sfLma__Subscriber_Org_ID__c FROM sfLma__License__c WHERE sfLma__Status__c = 'Active' AND sfLma__Subscriber_Org_ID__c != null`,
      )
    ).map((r) => toId18(r.sfLma__Subscriber_Org_ID__c)),
  );
  const rows = await queryAll<{ OrgKey: string }>(
    owner,
    `SELECT OrgKey FROM PackageSubscriber WHERE MetadataPackageId = '${billing.id}' AND MetadataPackageVersionId != '${latest}' AND OrgStatus = 'Active' AND HasRestrictionEnabled = false AND InstalledStatus = 'i' ORDER BY OrgKey DESC`,
  );
  const failing = rows.map((r) => toId18(r.OrgKey)).find((id) => licensed.has(id));
  assert.ok(failing, 'an Active licensed subscriber on an older version');
  await org.pushes.setOutcome({
    org: failing,
    errorType: 'ApexTestFailure',
    title: 'Apex test failed',
    message: 'Assertion failed',
  });
  const requestId = await schedule(3, failing);
  const counts = await jobCountsOf(owner, [requestId]);
  assert.equal(
    Object.values(counts.get(toId18(requestId)) ?? {}).reduce((a, b) => a + b, 0),
    3,
  );
  await eventually(
    async () =>
      (await loadPushRequestView(owner, requestId, session))?.state.status === 'In Progress' || undefined,
  );
  await org.pushes.advance(requestId, 3);
  const view = await eventually(async () => {
    const v = await loadPushRequestView(owner, requestId, session);
    return v && v.state.status !== 'In Progress' ? v : undefined;
  });
  assert.equal(view.state.status, 'Failed');
  assert.deepEqual(view.state.jobs, { Succeeded: 2, Failed: 1 });
  assert.equal(view.groups.length, 1);
  assert.equal(view.groups[0]!.errorType, 'ApexTestFailure');
  assert.deepEqual(
    view.groups[0]!.failures.map((f) => f.orgId),
    [failing],
  );
  assert.ok(view.groups[0]!.failures[0]!.customer, 'the customer name from the LMO');
  failedPush = { orgId: failing, requestId };
});

let failedPush: { orgId: string; requestId: string } | undefined;

test("the customer view's push history: the org's jobs from one query per owner org, the failure's error; no owner org: said", async () => {
  assert.ok(failedPush, 'the test before failed a push');
  const packages = await loadPackages(session);
  const billing = packages.find((p) => p.name === 'Acme Billing')!;
  const other = packages.find((p) => p.name !== 'Acme Billing' && p.packageId)!;
  const versions = new Map(
    packages.flatMap((pkg) =>
      pkg.versions.flatMap((v) =>
        v.versionId
          ? [[v.versionId.slice(0, 15), { packageName: pkg.name, versionNumber: v.versionNumber }] as const]
          : [],
      ),
    ),
  );
  const asked: string[] = [];
  const counted: LmoApi = {
    request: (path, options) => {
      asked.push(path);
      return owner.request(path, options);
    },
  };
  const pkgOf = (p: typeof billing) => ({
    id: p.id,
    name: p.name,
    packageId: p.packageId,
    lastLicenseRefresh: undefined,
    nextAvailableRefresh: undefined,
  });
  const history = await loadCustomerPushJobs(
    failedPush.orgId,
    [pkgOf(billing), pkgOf(billing), pkgOf(other)],
    async (p) =>
      p.packageId === billing.packageId
        ? { label: 'Pushes run in watch-hub', connect: async () => counted }
        : undefined,
    versions,
  );
  assert.deepEqual(history.withoutOwner, [other.name]);
  assert.equal(history.owners.length, 1);
  const [hub] = history.owners;
  assert.deepEqual(hub!.packages, ['Acme Billing'], 'one package asked once');
  const job = hub!.jobs.find((j) => toId18(j.requestId) === toId18(failedPush!.requestId));
  assert.ok(job, JSON.stringify(hub));
  assert.equal(job.status, 'Failed');
  assert.equal(job.packageName, 'Acme Billing');
  assert.ok(job.versionNumber, 'the target version named');
  assert.match(job.errors.join(), /ApexTestFailure: Apex test failed: Assertion failed/);
  // The jobs, then the failed jobs' errors: two requests, however many jobs.
  assert.equal(asked.length, 2, asked.join('\n'));
});

test('an owner org that refuses the PackagePushRequest relationship (UNCONFIRMED name): the requests are read by id instead', async () => {
  assert.ok(failedPush, 'a push failed before');
  // The local org serves the relationship; this proxy answers its query as an org without it would.
  const asked: string[] = [];
  const refusing: LmoApi = {
    request: async (path, options) => {
      asked.push(path);
      if (decodeURIComponent(path).includes('PackagePushRequest.'))
        throw new Error("INVALID_FIELD: Didn't understand relationship 'PackagePushRequest' in field path.");
      return owner.request(path, options);
    },
  };
  const jobs = await readOrgPushJobs(refusing, failedPush.orgId);
  const job = jobs.find((j) => toId18(j.requestId) === toId18(failedPush!.requestId));
  assert.ok(job);
  assert.equal(job.requestStatus, 'Failed');
  assert.ok(job.versionId, 'the version read from the request');
  assert.equal(asked.length, 4, 'refused, jobs, requests by id, errors');
});

test('a request left Created with its jobs offers Finish Scheduling, which starts it with the jobs it has', async () => {
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  const latest = billing.versions.filter((v) => !v.isBeta).at(-1)!.id;
  const [subscriber] = await queryAll<{ OrgKey: string }>(
    owner,
    `SELECT OrgKey FROM PackageSubscriber WHERE MetadataPackageId = '${billing.id}' AND MetadataPackageVersionId != '${latest}' AND OrgStatus = 'Active' AND HasRestrictionEnabled = false AND InstalledStatus = 'i' ORDER BY OrgKey LIMIT 1`,
  );
  assert.ok(subscriber);
  // As a lost connection leaves it: the request and a job, never set Pending.
  const created = await owner.request<{ id: string }>('/sobjects/PackagePushRequest', {
    method: 'POST',
    body: { PackageVersionId: latest },
  });
  await owner.request('/composite/sobjects', {
    method: 'POST',
    body: {
      allOrNone: true,
      records: [
        {
          attributes: { type: 'PackagePushJob' },
          PackagePushRequestId: created.id,
          SubscriberOrganizationKey: subscriber.OrgKey,
        },
      ],
    },
  });
  const left = await readPushRequest(owner, created.id);
  assert.equal(left?.status, 'Created');
  assert.deepEqual(pushRequestActions(left!), { abort: true, retry: false, finish: true });
  const report = await finishSchedule(owner, created.id, []);
  assert.equal(report.kind, 'started', JSON.stringify(report));
  assert.equal((report as { jobs: number }).jobs, 1);
  const started = await readPushRequest(owner, created.id);
  assert.notEqual(started?.status, 'Created');
  assert.equal(pushRequestActions(started!).finish, false);
});
