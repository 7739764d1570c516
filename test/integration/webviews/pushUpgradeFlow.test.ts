// The push upgrade panel's host core (src/webviews/pushUpgradeFlow.ts) against the local org, as the page
// drives it: counts that follow the filters with only the newest answer shown, a pasted list with a bad
// id refused per line before anything is created, the preview, a schedule refused for a time in the
// past, a stale preview or a dismissed confirmation (no request created), then scheduled with the typed
// confirmation naming the production orgs, handed over to the watch flow; and a schedule cancelled while
// its jobs are created, then aborted from the panel; and a schedule that first cleans the ingest job a
// crashed schedule left in the owner org, said in its result.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LocalOrg } from 'lma-local-org';
import { raw } from 'lma-local-org/testing';
import type { BulkJobLedger } from '../../../src/lma/records/bulkQuery';
import { queryAll, type LmoApi } from '../../../src/lma/records/lmoApi';
import { countSelection, type PushScope } from '../../../src/lma/records/pushUpgrade';
import { toId18 } from '../../../src/lma/records/soql';
import { formOfSelection } from '../../../src/lma/rules/pushSelection';
import type { Confirmation } from '../../../src/lma/rules/licenseChanges';
import { DEFAULT_SELECTION } from '../../../src/lma/rules/pushUpgrade';
import type { LmoSession } from '../../../src/org/lmoSession';
import { silentLog } from '../../../src/org/log';
import type { HostMessage, ScheduleOutcome } from '../../../src/protocol/pushUpgrade';
import { PushUpgradeFlow, type Progress, type PushFlowPorts } from '../../../src/webviews/pushUpgradeFlow';
import { closePushWorld, openPushWorld } from '../lma/pushWorld';

let org: LocalOrg;
let session: LmoSession;
let owner: LmoApi;
let scope: PushScope;

before(async () => {
  // Jobs never run here: the test looks at what was created, not at a push's end.
  ({ org, session, owner, scope } = await openPushWorld('panel', {
    pushStartMs: 3_600_000,
    pushJobMs: 3_600_000,
  }));
});
after(() => closePushWorld({ org, session }));

/** A flow whose posts, confirmations and hand-overs are recorded; `answer` answers the confirmation. */
function panel(
  answer: (confirmation: Confirmation) => string | boolean | undefined,
  abortSteps = false,
  ingestJobs?: BulkJobLedger,
) {
  const posted: HostMessage[] = [];
  const asked: Confirmation[] = [];
  const watched: string[] = [];
  const shownRequests: string[] = [];
  /** How many times the flow said its package's push requests changed (the tree reads them again). */
  const changes = { count: 0 };
  const progress: Progress = (_title, task) => {
    const controller = new AbortController();
    if (abortSteps) controller.abort();
    return task(controller.signal, () => undefined);
  };
  const ports: PushFlowPorts = {
    lmo: session,
    owner: async () => owner,
    post: async (message) => void posted.push(message),
    askConfirmation: async (confirmation) => {
      asked.push(confirmation);
      return answer(confirmation);
    },
    run: (_title, step) => step(progress),
    watch: async (_owner, _scope, requestId) => void watched.push(requestId),
    showRequest: async (_scope, requestId) => void shownRequests.push(requestId),
    requestsChanged: () => void changes.count++,
    ...(ingestJobs && { ingest: () => ({ ingestJobs }) }),
    log: silentLog,
  };
  return { flow: new PushUpgradeFlow(scope, ports), posted, asked, watched, shownRequests, changes };
}

const outcomes = (posted: HostMessage[]): ScheduleOutcome[] =>
  posted.flatMap((m) => (m.kind === 'scheduleResult' ? [m.outcome] : []));

/** Installed, active, unblocked subscribers on an older version that the LMO has an Active License for. */
async function plainOrgs(n: number, sandbox: boolean): Promise<string[]> {
  const seeded = new Set(
    Object.keys((await raw(org, org.adminSecret, 'GET', '/_local/push-outcomes')).body as object),
  );
  const subscribers = await queryAll<{ OrgKey: string; OrgType: string }>(
    owner,
    `SELECT OrgKey, OrgType FROM PackageSubscriber WHERE MetadataPackageId = '${scope.target.packageId}' AND MetadataPackageVersionId != '${scope.target.versionId}' AND OrgStatus = 'Active' AND HasRestrictionEnabled = false AND InstalledStatus = 'i' ORDER BY OrgKey`,
  );
  const licensed = new Set(
    (
      await queryAll<{ sfLma__Subscriber_Org_ID__c: string }>(
        session,
        `SELECT sfLma__Subscriber_Org_ID__c FROM sfLma__License__c WHERE sfLma__Status__c = 'Active' AND sfLma__Subscriber_Org_ID__c != null`,
      )
    ).map((r) => toId18(r.sfLma__Subscriber_Org_ID__c)),
  );
  const chosen = subscribers
    .filter((s) => (s.OrgType === 'Sandbox') === sandbox)
    .map((s) => toId18(s.OrgKey))
    .filter((k) => !seeded.has(k) && licensed.has(k))
    .slice(-n);
  assert.equal(
    chosen.length,
    n,
    `the demo world has ${n} plain ${sandbox ? 'sandboxes' : 'production orgs'}`,
  );
  return chosen;
}

test('counts follow the filters through the one aggregate, and an answer older than the newest question is never posted', async () => {
  const { flow, posted } = panel(() => undefined);
  const all = formOfSelection(DEFAULT_SELECTION);
  const production = { ...all, orgType: 'production' as const };
  // Both asked before either is answered: the first answer comes after the second question.
  await Promise.all([
    flow.receive({ kind: 'count', seq: 1, form: all }),
    flow.receive({ kind: 'count', seq: 2, form: production }),
  ]);
  // A question that arrives after a newer one is not even asked.
  await flow.receive({ kind: 'count', seq: 1, form: all });
  assert.deepEqual(
    posted.map((m) => [m.kind, 'seq' in m ? m.seq : undefined]),
    [['counts', 2]],
  );
  // A page built again (the panel hidden and shown) counts from 1 again, and is answered.
  flow.pageReady();
  await flow.receive({ kind: 'count', seq: 1, form: production });
  assert.deepEqual(
    posted.map((m) => [m.kind, 'seq' in m ? m.seq : undefined]),
    [
      ['counts', 2],
      ['counts', 1],
    ],
  );
  posted.splice(1);
  const expected = await countSelection(session, scope, { ...DEFAULT_SELECTION, orgType: 'production' });
  assert.deepEqual((posted[0] as HostMessage & { kind: 'counts' }).counts, expected);
  assert.equal(expected.sandbox, 0);
  assert.ok(expected.production > 0);

  // A customer search with a quote and a % in it is counted safely (no match, no error).
  await flow.receive({ kind: 'count', seq: 3, form: { ...all, customer: "O'Brien 100% _x" } });
  const searched = posted.at(-1) as HostMessage & { kind: 'counts' };
  assert.equal(searched.kind, 'counts', JSON.stringify(searched));
  assert.equal(searched.counts.total, 0);

  // A pasted list with a bad id is named per line, and not counted.
  await flow.receive({ kind: 'count', seq: 4, form: { ...all, orgIdsText: '00D000000000001\n00D12' } });
  const listed = posted.at(-1) as HostMessage & { kind: 'countError' };
  assert.equal(listed.kind, 'countError');
  assert.match(listed.message, /line 2: “00D12” has 5 characters/);
});

test('a pasted list with a wrong id is refused per line before anything is created', async () => {
  const before = org.pushes.list().length;
  const { flow, posted } = panel(() => true);
  await flow.receive({
    kind: 'preview',
    form: { ...formOfSelection(), orgIdsText: '00D000000000001\n001000000000001' },
  });
  assert.deepEqual(
    posted.map((m) => m.kind),
    ['previewError'],
  );
  assert.match(
    (posted[0] as { message: string }).message,
    /line 2: “001000000000001” doesn't start with 00D/,
  );
  // Nothing was previewed, so nothing can be scheduled.
  await flow.receive({ kind: 'schedule', previewId: 1, when: '' });
  assert.equal(outcomes(posted).at(-1)?.kind, 'notScheduled');
  assert.equal(org.pushes.list().length, before);
});

test('preview, then a schedule refused in the past, for a stale preview and when not confirmed; then scheduled and handed to the watch', async () => {
  const [production] = await plainOrgs(1, false);
  const [sandbox] = await plainOrgs(1, true);
  let confirm = false;
  const { flow, posted, asked, watched, changes } = panel((c) =>
    confirm && c.kind === 'typed' ? c.accepts[0] : undefined,
  );
  const before = org.pushes.list().length;
  await flow.receive({
    kind: 'preview',
    form: { ...formOfSelection(), orgIdsText: `${production}\n${sandbox}` },
  });
  const preview = posted.at(-1) as HostMessage & { kind: 'preview' };
  assert.equal(preview.kind, 'preview', JSON.stringify(preview));
  assert.equal(preview.preview.jobs, 2);
  assert.equal(preview.preview.productionOrgs, 1);
  assert.deepEqual(preview.preview.byOrgType, { Production: 1, Sandbox: 1 });
  assert.equal(preview.preview.problem, undefined);

  await flow.receive({ kind: 'schedule', previewId: preview.previewId, when: '2001-01-01T09:30Z' });
  assert.match((outcomes(posted).at(-1) as { message: string }).message, /has passed/);
  await flow.receive({ kind: 'schedule', previewId: preview.previewId + 1, when: '' });
  assert.match((outcomes(posted).at(-1) as { message: string }).message, /preview changed/);
  await flow.receive({ kind: 'schedule', previewId: preview.previewId, when: '' });
  assert.match((outcomes(posted).at(-1) as { message: string }).message, /Not confirmed/);
  assert.equal(org.pushes.list().length, before, 'nothing was created');
  assert.equal(changes.count, 0, 'a preview and a schedule refused change no push request');
  // The confirmation is typed and names the production orgs.
  assert.equal(asked.length, 1);
  assert.equal(asked[0]!.kind, 'typed');
  assert.deepEqual((asked[0] as Confirmation & { kind: 'typed' }).accepts, ['1 production']);

  confirm = true;
  const later = new Date(Date.now() + 3 * 3_600_000);
  later.setSeconds(0, 0);
  const laterText = later.toISOString().slice(0, 16) + 'Z';
  await flow.receive({ kind: 'schedule', previewId: preview.previewId, when: laterText });
  const started = outcomes(posted).at(-1)!;
  assert.equal(started.kind, 'started', JSON.stringify(started));
  assert.equal(started.jobs, 2);
  assert.match(started.scheduledFor?.utc ?? '', new RegExp(laterText.slice(0, 16).replace('T', ' ')));
  assert.equal(changes.count, 1, 'the schedule changed the push requests once');
  const request = org.pushes.show(started.requestId);
  assert.deepEqual(
    request.jobList.map((j) => toId18(j.orgKey)).sort(),
    [production, sandbox].sort(),
    'the jobs are exactly the previewed orgs',
  );
  // The same preview is scheduled once.
  await flow.receive({ kind: 'schedule', previewId: preview.previewId, when: '' });
  assert.match((outcomes(posted).at(-1) as { message: string }).message, /preview changed/);

  await flow.receive({ kind: 'watch' });
  assert.deepEqual(watched, [started.requestId]);

  // A page built again (the panel hidden and shown) is given the preview and the result again; its
  // first count is its start, a later one an edit that drops them.
  const shown = flow.pageReady();
  assert.deepEqual(
    shown.map((m) => m.kind),
    ['preview', 'scheduleResult'],
  );
  // The last of each, as the page showed them.
  assert.deepEqual(shown[0], posted.filter((m) => m.kind === 'preview').at(-1));
  assert.deepEqual(shown[1], posted.filter((m) => m.kind === 'scheduleResult').at(-1));
  const form = formOfSelection();
  await flow.receive({ kind: 'count', seq: 1, form });
  assert.equal(flow.pageReady().length, 2);
  await flow.receive({ kind: 'count', seq: 1, form });
  await flow.receive({ kind: 'count', seq: 2, form: { ...form, orgType: 'sandbox' } });
  assert.deepEqual(flow.pageReady(), []);
});

test('a schedule cancelled while its jobs are created leaves the request not started; the panel aborts it', async () => {
  const [orgId] = await plainOrgs(1, true);
  const { flow, posted, changes } = panel(() => true, true);
  await flow.receive({ kind: 'preview', form: { ...formOfSelection(), orgIdsText: orgId! } });
  assert.equal(changes.count, 0, 'a preview changes no push request');
  const preview = posted.at(-1) as HostMessage & { kind: 'preview' };
  assert.equal(preview.kind, 'preview', JSON.stringify(preview));
  await flow.receive({ kind: 'schedule', previewId: preview.previewId, when: '' });
  const interrupted = outcomes(posted).at(-1)!;
  assert.equal(interrupted.kind, 'interrupted', JSON.stringify(interrupted));
  assert.equal(org.pushes.show(interrupted.requestId).status, 'Created');
  assert.equal(changes.count, 1, 'the interrupted schedule created a request');
  await flow.receive({ kind: 'abort' });
  assert.equal(changes.count, 2, 'the abort changed it');
  const aborted = outcomes(posted).at(-1)!;
  assert.equal(aborted.kind, 'aborted', JSON.stringify(aborted));
  assert.equal(org.pushes.show(interrupted.requestId).status, 'Canceled');
});

test('a schedule first cleans the ingest job a crashed schedule left in the owner org, and its result says what that job created and in which request', async () => {
  const [crashedOrg, orgId] = await plainOrgs(3, true);
  const ids: string[] = [];
  const ledger: BulkJobLedger = {
    list: () => ids,
    add: (id) => void ids.push(id),
    remove: (id) => void ids.splice(ids.indexOf(id), 1),
  };
  // What a crash after the upload leaves: the request Created, its ingest job recorded and finished.
  const crashedRequest = (
    await owner.request<{ id: string }>('/sobjects/PackagePushRequest', {
      method: 'POST',
      body: { PackageVersionId: scope.target.versionId },
    })
  ).id;
  const job = await owner.request<{ id: string }>('/jobs/ingest', {
    method: 'POST',
    body: { object: 'PackagePushJob', operation: 'insert', contentType: 'CSV', lineEnding: 'LF' },
  });
  ledger.add(job.id);
  await owner.request(`/jobs/ingest/${job.id}/batches`, {
    method: 'PUT',
    text: {
      contentType: 'text/csv',
      content: `PackagePushRequestId,SubscriberOrganizationKey\n${crashedRequest},${crashedOrg}\n`,
    },
  });
  await owner.request(`/jobs/ingest/${job.id}`, { method: 'PATCH', body: { state: 'UploadComplete' } });
  while ((await owner.request<{ state: string }>(`/jobs/ingest/${job.id}`)).state !== 'JobComplete')
    await new Promise<void>((resolve) => setImmediate(resolve));

  const { flow, posted, shownRequests } = panel(() => true, false, ledger);
  await flow.receive({ kind: 'showRequest', requestId: crashedRequest });
  assert.deepEqual(shownRequests, [], 'no result has named the request yet');
  await flow.receive({ kind: 'preview', form: { ...formOfSelection(), orgIdsText: orgId! } });
  const preview = posted.at(-1) as HostMessage & { kind: 'preview' };
  assert.equal(preview.kind, 'preview', JSON.stringify(preview));
  await flow.receive({ kind: 'schedule', previewId: preview.previewId, when: '' });
  const started = outcomes(posted).at(-1)!;
  assert.equal(started.kind, 'started', JSON.stringify(started));
  assert.equal(started.abandoned?.length, 1, JSON.stringify(started));
  assert.match(
    started.abandoned![0]!,
    new RegExp(
      `${job.id}.*had finished: it created 1 push job\\..*Push request ${crashedRequest} may hold jobs`,
    ),
  );
  await assert.rejects(owner.request(`/jobs/ingest/${job.id}`), { errorCode: 'NOT_FOUND' });
  assert.deepEqual(ids, [], 'the ledger is empty');
  // The next step: the crashed request's view, offered for that request only.
  assert.deepEqual(started.abandonedRequests, [crashedRequest]);
  await flow.receive({ kind: 'showRequest', requestId: started.requestId });
  await flow.receive({ kind: 'showRequest', requestId: crashedRequest });
  assert.deepEqual(shownRequests, [crashedRequest]);
});
