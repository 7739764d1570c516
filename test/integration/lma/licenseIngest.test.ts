// A bulk License change past its ingest threshold, on the local org through the real session: one Bulk
// API 2.0 ingest job with the same guard rails and the same report as the sObject Collections path (a
// License a rule refuses, one changed meanwhile, one deleted meanwhile, one Salesforce refuses), Cancel
// in the middle of the job, and a job the org fails.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LocalOrg } from 'lma-local-org';
import { planBulkChange, type EditableLicense } from '../../../src/lma/rules/licenseChanges';
import {
  applyBulkChange,
  loadEditableLicenses,
  writesThroughIngest,
  type BulkResult,
} from '../../../src/lma/workflows/licenseEdits';
import type { LmoSession } from '../../../src/org/lmoSession';
import { LicensePicker, openDemoLmo } from './demoLmo';
import { ingestLedger } from './ingestLedger';

let org: LocalOrg;
let session: LmoSession;
const lines: string[] = [];

before(async () => {
  ({ org, session } = await openDemoLmo('ingest-lmo', (line) => lines.push(line)));
});
after(async () => {
  org?.bulk.release();
  session?.dispose();
  await org?.close();
});

const jobsInOrg = () => org.bulk.list(org.orgs.lmo.id);
/** Polls without waiting: the job's own state is the condition (the local org runs it at once). */
const ingest = { pollMs: 0, sleep: () => new Promise<void>((r) => setImmediate(r)) };

const picker = new LicensePicker(() => session);
const licenseIds = (status: string, count: number) => picker.inStatus(status, count, 300);

/**
 * Six Licenses: first one in a status outside its record type (the org's rules refuse it), two that will
 * be written, one changed and one deleted between preview and apply, one Uninstalled (a rule refuses it).
 * The change runs with `ingestThreshold`; the report comes back by position, times and names left out.
 */
async function mixedRun(ingestThreshold: number | undefined) {
  const active = await licenseIds('Active', 5);
  const [uninstalled] = await licenseIds('Uninstalled', 1);
  const ids = [...active, uninstalled!];
  await org.faults.tamper('lmo', 'sfLma__License__c', active[0]!, { sfLma__Status__c: 'Expired' });
  const licenses = await loadEditableLicenses(session, ids);
  const plan = planBulkChange(licenses, { kind: 'addSeats', seats: 3 }, new Date());
  assert.equal(plan.ready, 5);
  await session.request(`/sobjects/sfLma__License__c/${active[3]}`, {
    method: 'PATCH',
    body: { sfLma__Seats__c: 777 },
  });
  await session.request(`/sobjects/sfLma__License__c/${active[4]}`, { method: 'DELETE' });
  org.lmo.customize({ licenseRules: true });
  const from = lines.length;
  let result: BulkResult;
  try {
    result = await applyBulkChange(session, plan, { confirmed: true, ingestThreshold, ingest });
  } finally {
    org.lmo.customize({ licenseRules: false });
  }
  const position = (l: EditableLicense) => ids.indexOf(l.id);
  const clean = (reason: string) =>
    reason.replace(/\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d{4})/g, '<time>').replace(/\bL-\d+/g, '<name>');
  const report = {
    applied: result.applied.map(position).sort(),
    failed: result.failed
      .map((f) => [position(f.license), clean(f.reason)] as const)
      .sort((a, b) => a[0] - b[0]),
    raced: result.raced.length,
    unknown: result.unknown.length,
    notAttempted: result.notAttempted.length,
  };
  const byId = new Map(licenses.map((l) => [l.id, l.seats!]));
  for (const l of result.applied) assert.equal(l.seats, byId.get(l.id)! + 3);
  const seatsNow = new Map((await loadEditableLicenses(session, ids)).map((l) => [l.id, l.seats]));
  assert.equal(seatsNow.get(active[3]!), 777, 'the change made meanwhile is kept');
  return { report, requests: lines.slice(from) };
}

test('past the threshold a bulk change writes through one ingest job and reports exactly as sObject Collections do', async () => {
  const rest = await mixedRun(undefined);
  // Results in another order than the upload's: the rows are matched by what they echo, not by position.
  org.bulk.switches.reverseIngestResults = true;
  const bulk = await mixedRun(1).finally(() => (org.bulk.switches.reverseIngestResults = false));
  assert.deepEqual(rest.report.applied, [1, 2]);
  assert.deepEqual(
    rest.report.failed.map(([p]) => p),
    [0, 3, 4, 5],
  );
  assert.match(rest.report.failed[0]![1], /INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST|FIELD_CUSTOM_VALIDATION/);
  assert.match(rest.report.failed[1]![1], /Changed meanwhile/);
  assert.match(rest.report.failed[2]![1], /Deleted meanwhile/);
  assert.match(rest.report.failed[3]![1], /Uninstalled/);
  assert.deepEqual(bulk.report, rest.report);

  assert.ok(rest.requests.some((l) => /^PATCH .*\/composite\/sobjects/.test(l)));
  assert.ok(!rest.requests.some((l) => l.includes('/jobs/ingest')));
  assert.ok(!bulk.requests.some((l) => /\/composite\/sobjects/.test(l)), bulk.requests.join('\n'));
  const job = bulk.requests.filter((l) => l.includes('/jobs/ingest'));
  assert.match(job[0]!, /^POST .*\/jobs\/ingest /);
  assert.match(job[1]!, /^PUT .*\/jobs\/ingest\/\w+\/batches /);
  assert.match(job[2]!, /^PATCH .*\/jobs\/ingest\/\w+ /);
  assert.match(job.at(-1)!, /^DELETE .*\/jobs\/ingest\/\w+ /);
  assert.deepEqual(jobsInOrg(), [], 'the job is deleted');
});

test('the threshold: more Licenses than it go through ingest; 0 or none never', () => {
  assert.equal(writesThroughIngest(2_001, 2_000), true);
  assert.equal(writesThroughIngest(2_000, 2_000), false);
  assert.equal(writesThroughIngest(5_000, 0), false);
  assert.equal(writesThroughIngest(5_000, undefined), false);
});

test('Cancel in the middle of the job aborts it: what it wrote is reported changed, the rest not attempted, the job deleted', async () => {
  const ids = await licenseIds('Active', 5);
  const licenses = await loadEditableLicenses(session, ids);
  const plan = planBulkChange(licenses, { kind: 'addSeats', seats: 1 }, new Date());
  org.bulk.switches.holdIngestJobsAfter = 2;
  const cancel = new AbortController();
  let result: BulkResult;
  try {
    result = await applyBulkChange(session, plan, {
      confirmed: true,
      ingestThreshold: 1,
      ingest,
      signal: cancel.signal,
      // The condition: the org says the job has processed two rows (and holds it there).
      onProgress: (done) => {
        if (done === 2) cancel.abort();
      },
    });
  } finally {
    org.bulk.release();
  }
  assert.equal(result.applied.length, 2, JSON.stringify(result.failed));
  assert.equal(result.notAttempted.length, 3);
  assert.equal(result.failed.length + result.unknown.length + result.raced.length, 0);
  assert.deepEqual(jobsInOrg(), [], 'the aborted job is deleted');
  const now = new Map((await loadEditableLicenses(session, ids)).map((l) => [l.id, l.seats]));
  for (const l of licenses) {
    const written = result.applied.some((a) => a.id === l.id);
    assert.equal(
      now.get(l.id),
      l.seats! + (written ? 1 : 0),
      `${l.name} ${written ? 'written' : 'untouched'}`,
    );
  }
});

test('a job the org fails: what it wrote before is reported changed, the rest not written with the job’s message', async () => {
  const ids = await licenseIds('Active', 3);
  const licenses = await loadEditableLicenses(session, ids);
  const plan = planBulkChange(licenses, { kind: 'addSeats', seats: 1 }, new Date());
  org.bulk.switches.failNextIngestJobs = {
    count: 1,
    after: 1,
    message: 'InternalServerError : Try again later',
  };
  const result = await applyBulkChange(session, plan, { confirmed: true, ingestThreshold: 1, ingest });
  assert.equal(result.applied.length, 1);
  assert.equal(result.failed.length, 2);
  for (const f of result.failed)
    assert.equal(f.reason, 'Not written: the Bulk API job failed (InternalServerError : Try again later).');
  assert.deepEqual(jobsInOrg(), []);
  const now = new Map((await loadEditableLicenses(session, ids)).map((l) => [l.id, l.seats]));
  for (const f of result.failed) assert.equal(now.get(f.license.id), f.license.seats, 'not written');
  assert.equal(now.get(result.applied[0]!.id), result.applied[0]!.seats);
});

/** What a crashed run leaves: an ingest job created, recorded, uploaded and closed, then nobody. */
async function crashedJob(ids: string[], jobs: ReturnType<typeof ingestLedger>): Promise<string> {
  const licenses = await loadEditableLicenses(session, ids);
  const job = await session.request<{ id: string }>('/jobs/ingest', {
    method: 'POST',
    body: { object: 'sfLma__License__c', operation: 'update', contentType: 'CSV', lineEnding: 'LF' },
  });
  jobs.add(job.id);
  const csv = ['Id,sfLma__Seats__c', ...licenses.map((l) => `${l.id},${l.seats! + 1}`)].join('\n') + '\n';
  await session.request(`/jobs/ingest/${job.id}/batches`, {
    method: 'PUT',
    text: { contentType: 'text/csv', content: csv },
  });
  await session.request(`/jobs/ingest/${job.id}`, { method: 'PATCH', body: { state: 'UploadComplete' } });
  return job.id;
}

/** Until the org says the job has processed this many rows (the condition; the local org runs it at once). */
async function processed(id: string, rows: number): Promise<void> {
  for (;;) {
    const info = await session.request<{ numberRecordsProcessed: number }>(`/jobs/ingest/${id}`);
    if (info.numberRecordsProcessed >= rows) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

test('ingest jobs left by a crash are found by the next bulk change: a running one aborted, each reported with what it wrote, and deleted', async () => {
  const jobs = ingestLedger();
  // One job the crash left running (held after 2 of its 3 rows), one it left finished (3 of 3 written).
  org.bulk.switches.holdIngestJobsAfter = 2;
  let running: string;
  try {
    running = await crashedJob(await licenseIds('Active', 3), jobs);
    await processed(running, 2);
  } finally {
    org.bulk.switches.holdIngestJobsAfter = null;
  }
  const finished = await crashedJob(await licenseIds('Active', 3), jobs);
  await processed(finished, 3);
  assert.equal(jobsInOrg().length, 2);

  // The next bulk change on the same LMO, through ingest: it records its own job and forgets it.
  const ids = await licenseIds('Active', 2);
  const plan = planBulkChange(
    await loadEditableLicenses(session, ids),
    { kind: 'addSeats', seats: 1 },
    new Date(),
  );
  let result: BulkResult;
  try {
    result = await applyBulkChange(session, plan, {
      confirmed: true,
      ingestThreshold: 1,
      ingest,
      ingestJobs: jobs,
    });
  } finally {
    org.bulk.release();
  }
  assert.equal(result.applied.length, 2);
  assert.equal(result.abandoned?.length, 2, JSON.stringify(result.abandoned));
  const [first, second] = result.abandoned!;
  assert.match(
    first!,
    new RegExp(`${running}.*was still running; it was aborted now, after it had written 2 records`),
  );
  assert.match(second!, new RegExp(`${finished}.*had finished: it wrote 3 records`));
  assert.deepEqual(jobsInOrg(), [], 'every job deleted in the org');
  assert.deepEqual(jobs.ids, [], 'and forgotten');
  assert.equal(jobs.added.length, 3, "the change's own job was recorded before its upload");
});
