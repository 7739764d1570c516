// The number in the preview is the number of jobs created, never more, in a world whose candidates span
// more than one page of a query (a sized world of 8,000 Licenses: the demo's few hundred fit one page, so
// a preview that read only the first page would still pass there): every License the selection counts
// (the LMO's aggregate) is a job or a reason left out, and the request holds exactly the preview's jobs.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LocalOrg } from 'lma-local-org';
import { queryAll, queryPage, type LmoApi } from '../../../src/lma/records/lmoApi';
import { countSelection, type PushScope } from '../../../src/lma/records/pushUpgrade';
import { DEFAULT_SELECTION } from '../../../src/lma/rules/pushUpgrade';
import { abortPush, planPush, schedulePush } from '../../../src/lma/workflows/pushUpgrade';
import type { LmoSession } from '../../../src/org/lmoSession';
import { closePushWorld, openPushWorld } from './pushWorld';

let org: LocalOrg;
let session: LmoSession;
let owner: LmoApi;
let scope: PushScope;

before(async () => {
  ({ org, session, owner, scope } = await openPushWorld(
    'pages',
    { pushStartMs: 3_600_000, pushJobMs: 3_600_000 },
    8_000,
  ));
});
after(() => closePushWorld({ org, session }));

test('over more than one page of candidates, the number in the preview is the number of jobs created', async () => {
  const counts = await countSelection(session, scope, DEFAULT_SELECTION);
  // A query's page holds 2,000 rows: the candidates take more than one.
  const firstPage = await queryPage<{ Id: string }>(
    session,
    `SELECT Id FROM sfLma__License__c WHERE sfLma__Package__c = '${scope.packageRecordId}'`,
  );
  assert.ok(
    counts.total > firstPage.records.length && !firstPage.done,
    `${counts.total} candidates, a page of ${firstPage.records.length}`,
  );

  const preview = await planPush(session, owner, scope, DEFAULT_SELECTION);
  assert.equal(
    preview.jobs.length + preview.excluded.length,
    counts.total,
    'each License the selection counts is a job or left out with its reason',
  );
  assert.ok(preview.jobs.length > 0);
  assert.equal(new Set(preview.jobs.map((j) => j.orgId)).size, preview.jobs.length, 'one job per org');

  const report = await schedulePush(owner, preview, { when: new Date(Date.now() + 86_400_000) });
  assert.equal(report.kind, 'started', JSON.stringify(report).slice(0, 500));
  if (report.kind !== 'started') return;
  const jobs = await queryAll<{ SubscriberOrganizationKey: string }>(
    owner,
    `SELECT SubscriberOrganizationKey FROM PackagePushJob WHERE PackagePushRequestId = '${report.requestId}'`,
  );
  assert.equal(jobs.length, preview.jobs.length);
  assert.equal(report.jobs, preview.jobs.length);
  assert.deepEqual(report.refused, []);
  assert.equal((await abortPush(owner, report.requestId)).kind, 'aborted');
});
