// Push upgrades' pure rules and the SOQL of their reads: the selection, one exclusion reason per org,
// the target, a pasted list of org ids, the batches, the confirmation, the schedule and the failures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LMA_1_20_FIELDS, OLDER_LMA_FIELDS, PUSH_OBJECTS } from '../../../src/lma/records/objects';
import {
  countSelection,
  selectionConditions,
  versionsById,
  type PushScope,
} from '../../../src/lma/records/pushUpgrade';
import type { LmoApi } from '../../../src/lma/records/lmoApi';
import { choosePushOwner, describePushOwner } from '../../../src/lma/records/pushOwner';
import { toId18 } from '../../../src/lma/records/soql';
import type { PackageVersion } from '../../../src/lma/records/types';
import {
  buildPreview,
  DEFAULT_SELECTION,
  describePreview,
  describeSchedule,
  exclusionReason,
  failuresCsv,
  groupFailures,
  inBatches,
  isAbortable,
  parseOrgIdList,
  parseSchedule,
  pollDelay,
  previewMarkdown,
  previewProblem,
  pushConfirmation,
  targetProblem,
  type PushCandidate,
  type PushTarget,
  type Subscriber,
} from '../../../src/lma/rules/pushUpgrade';

const version = (id: string, versionNumber: string, isBeta = false): PackageVersion => ({
  id: toId18(`a01${id.padStart(12, '0')}`),
  packageId: 'a00000000000000001',
  name: versionNumber,
  versionNumber,
  versionId: toId18(`04t${id.padStart(12, '0')}`),
  releaseDate: undefined,
  isBeta,
  sequence: undefined,
});
const v1 = version('1', '1.0.0.1');
const v2 = version('2', '1.1.0.1');
const v3 = version('3', '1.2.0.1');
const beta = version('4', '1.3.0.1', true);
const versions = [v1, v2, v3, beta];
const known = versionsById(versions);
const target: PushTarget = {
  versionId: v3.versionId!,
  versionNumber: '1.2.0.1',
  isBeta: false,
  packageId: '033000000000001AAA',
};
const scope: PushScope = { packageRecordId: 'a00000000000000001', versions, target };

const orgId = (n: number) => `00D${String(n).padStart(12, '0')}`;
const candidate = (n: number, over: Partial<PushCandidate> = {}): PushCandidate => ({
  orgId: orgId(n),
  customer: `Customer ${n}`,
  licenseStatus: 'Active',
  isSandbox: false,
  versionNumber: '1.0.0.1',
  ...over,
});
const subscriber = (n: number, over: Partial<Subscriber> = {}): Subscriber => ({
  orgKey: orgId(n),
  orgName: `Org ${n}`,
  orgType: 'Production',
  orgStatus: 'Active',
  installedStatus: 'i',
  versionId: v1.versionId,
  blocksPushes: false,
  ...over,
});

test('one exclusion reason per org, the first that applies', () => {
  const reason = (c: Partial<PushCandidate> | undefined, s: Subscriber | undefined, t = target) =>
    exclusionReason(c as PushCandidate, s, t, known);
  assert.equal(reason({ licenseStatus: 'Active' }, subscriber(1)), undefined);
  assert.equal(reason({ licenseStatus: 'Active' }, subscriber(1), { ...target, isBeta: true }), 'betaTarget');
  assert.equal(reason({ licenseStatus: 'Uninstalled' }, subscriber(1)), 'uninstalled');
  assert.equal(reason({ licenseStatus: 'Active' }, subscriber(1, { installedStatus: 'u' })), 'uninstalled');
  assert.equal(reason({ licenseStatus: 'Active' }, undefined), 'notSubscriber');
  assert.equal(reason(undefined, undefined), 'notSubscriber');
  assert.equal(reason({ licenseStatus: 'Active' }, subscriber(1, { orgStatus: 'Inactive' })), 'orgInactive');
  assert.equal(reason({ licenseStatus: 'Active' }, subscriber(1, { blocksPushes: true })), 'blocksPushes');
  assert.equal(reason({ licenseStatus: 'Active' }, subscriber(1, { versionId: beta.versionId })), 'onBeta');
  assert.equal(
    reason({ licenseStatus: 'Active' }, subscriber(1, { versionId: v3.versionId })),
    'alreadyOnTarget',
  );
  // A 15-character 04t of the target is the target.
  assert.equal(reason({}, subscriber(1, { versionId: v3.versionId!.slice(0, 15) })), 'alreadyOnTarget');
  const newer = versionsById([...versions, version('5', '2.0.0.1')]);
  assert.equal(
    exclusionReason(
      candidate(1),
      subscriber(1, { versionId: version('5', '2.0.0.1').versionId }),
      target,
      newer,
    ),
    'alreadyOnTarget',
  );
});

test('the preview: jobs by version, status and org type; the excluded with their reason; duplicates once', () => {
  const preview = buildPreview(
    [
      candidate(1),
      candidate(1), // the same org twice (two Licenses): one job
      candidate(2, { licenseStatus: 'Trial', isSandbox: true }),
      candidate(3),
      candidate(4, { licenseStatus: 'Uninstalled' }),
      candidate(5),
      candidate(6, { customer: undefined }),
    ],
    [
      subscriber(1),
      subscriber(2, { orgType: 'Sandbox', versionId: v2.versionId }),
      subscriber(3, { orgStatus: 'Inactive' }),
      subscriber(4),
      subscriber(5, { versionId: v3.versionId }),
    ],
    target,
    known,
  );
  assert.deepEqual(
    preview.jobs.map((j) => j.orgId),
    ['00D000000000001EAA', '00D000000000002EAA'].map((id) => id),
  );
  assert.deepEqual(preview.byVersion, { '1.0.0.1': 1, '1.1.0.1': 1 });
  assert.deepEqual(preview.byStatus, { Active: 1, Trial: 1 });
  assert.deepEqual(preview.byOrgType, { Production: 1, Sandbox: 1 });
  assert.equal(preview.productionOrgs, 1);
  assert.deepEqual(
    preview.excluded.map((e) => [e.orgId.slice(0, 15), e.reason]),
    [
      [orgId(3), 'orgInactive'],
      [orgId(4), 'uninstalled'],
      [orgId(5), 'alreadyOnTarget'],
      [orgId(6), 'notSubscriber'],
    ],
  );
  assert.equal(
    describePreview(preview),
    "2 orgs will get a job (1 production, 1 sandbox); 4 left out: 1 the package is uninstalled, 1 not found among the package's subscribers, 1 the org is inactive, 1 already on the target version or above.",
  );
  assert.equal(previewProblem(preview), undefined);
});

test('a preview with no job may not be scheduled, and says why', () => {
  const none = buildPreview([candidate(5)], [subscriber(5, { versionId: v3.versionId })], target, known);
  assert.match(previewProblem(none)!, /No org can get a job: 0 orgs .*1 already on the target/);
  assert.match(previewProblem(buildPreview([], [], target, known))!, /No org matches the selection/);
  const betaPreview = buildPreview([candidate(1)], [subscriber(1)], { ...target, isBeta: true }, known);
  assert.match(previewProblem(betaPreview)!, /beta: only released versions can be pushed/);
});

test('the target: released, not deprecated, with its 04t and 033 ids', () => {
  assert.equal(targetProblem(target), undefined);
  assert.match(targetProblem({ ...target, isBeta: true })!, /1\.2\.0\.1 is a beta/);
  assert.match(targetProblem({ ...target, isDeprecated: true })!, /deprecated/);
  assert.match(targetProblem({ ...target, versionId: '' })!, /no package version id/);
  assert.match(targetProblem({ ...target, versionId: 'a01000000000000001' })!, /no package version id/);
  assert.match(targetProblem({ ...target, packageId: undefined })!, /no package id/);
});

test('a pasted list: 15 or 18 characters, prefix 00D, a checked suffix, duplicates once, a header skipped', () => {
  const { ids, problems } = parseOrgIdList(
    [
      'Org ID',
      '00D000000000001',
      '00D000000000001EAA, 00D000000000002EAA',
      '',
      '00D00000000003',
      '001000000000001',
      '00D000000000004ZZZ',
      '00D-00000000005',
    ].join('\n'),
  );
  assert.deepEqual(ids, ['00D000000000001EAA', '00D000000000002EAA']);
  assert.deepEqual(
    problems.map((p) => [p.line, p.value]),
    [
      [5, '00D00000000003'],
      [6, '001000000000001'],
      [7, '00D000000000004ZZZ'],
      [8, '00D-00000000005'],
    ],
  );
  assert.match(problems[0]!.message, /14 characters: an org id has 15 or 18/);
  assert.match(problems[1]!.message, /doesn't start with 00D/);
  assert.match(problems[2]!.message, /last three characters/);
  assert.match(problems[3]!.message, /only letters and digits/);
});

test('the selection in SOQL: package, statuses, org type, customer (escaped), older versions only', () => {
  const where = selectionConditions(LMA_1_20_FIELDS, scope, {
    ...DEFAULT_SELECTION,
    orgType: 'sandbox',
    customer: "O'Brien 50%",
  }).join(' AND ');
  assert.match(where, /sfLma__Status__c IN \('Active', 'Trial'\)/);
  assert.match(where, /sfLma__Subscriber_Org_Is_Sandbox__c = true/);
  assert.match(where, /sfLma__Account__r\.Name LIKE '%O\\'Brien 50\\%%'/);
  assert.match(where, new RegExp(`sfLma__Package_Version__c IN \\('${v1.id}', '${v2.id}'\\)`));
  assert.doesNotMatch(where, new RegExp(v3.id));
  // The oldest version as the target: nothing is older.
  const none = selectionConditions(
    LMA_1_20_FIELDS,
    { ...scope, target: { ...target, versionNumber: '1.0.0.1' } },
    DEFAULT_SELECTION,
  );
  assert.ok(none.includes('Id = null'));
  // A pasted list: exactly those orgs, in both id forms, and no other filter.
  const listed = selectionConditions(LMA_1_20_FIELDS, scope, {
    ...DEFAULT_SELECTION,
    orgIds: ['00D000000000001EAA'],
  });
  assert.match(
    listed.join(' AND '),
    /sfLma__Subscriber_Org_ID__c IN \('00D000000000001', '00D000000000001EAA'\)/,
  );
  assert.equal(listed.length, 2);
  // An older LMA can't tell sandboxes: a clear message, not a failing query.
  assert.throws(
    () => selectionConditions(OLDER_LMA_FIELDS, scope, { ...DEFAULT_SELECTION, orgType: 'production' }),
    /Subscriber Org Is Sandbox/,
  );
});

test('the live counts are one aggregate request, grouped by version, status and org type', async () => {
  const asked: string[] = [];
  const api: LmoApi = {
    lmaFields: LMA_1_20_FIELDS,
    request: async <T>(path: string) => {
      asked.push(decodeURIComponent(path));
      return {
        totalSize: 3,
        done: true,
        records: [
          { version: v1.id, status: 'Active', sandbox: false, total: 7 },
          { version: v1.id, status: 'Trial', sandbox: true, total: 2 },
          { version: v2.id, status: 'Active', sandbox: true, total: 3 },
        ],
      } as T;
    },
  };
  const counts = await countSelection(api, scope, DEFAULT_SELECTION);
  assert.equal(asked.length, 1);
  assert.match(
    asked[0]!,
    /COUNT\(Id\) total FROM sfLma__License__c WHERE .* GROUP BY sfLma__Package_Version__c, sfLma__Status__c, sfLma__Subscriber_Org_Is_Sandbox__c/,
  );
  assert.deepEqual(counts, {
    total: 12,
    byVersion: { '1.0.0.1': 9, '1.1.0.1': 3 },
    byStatus: { Active: 10, Trial: 2 },
    sandbox: 5,
    production: 7,
  });
});

test('the confirmation names the number of production orgs; sandboxes only ask a plain one', () => {
  const preview = buildPreview(
    [candidate(1), candidate(2), candidate(3, { isSandbox: true })],
    [subscriber(1), subscriber(2), subscriber(3, { orgType: 'Sandbox' })],
    target,
    known,
  );
  const typed = pushConfirmation(preview, undefined);
  assert.equal(typed.kind, 'typed');
  if (typed.kind === 'typed') {
    assert.match(typed.message, /Push version 1\.2\.0\.1 to 3 orgs now\? 2 of them are production orgs/);
    assert.deepEqual(typed.accepts, ['2 production']);
  }
  const sandboxes = buildPreview([candidate(3)], [subscriber(3, { orgType: 'Sandbox' })], target, known);
  assert.equal(pushConfirmation(sandboxes, undefined).kind, 'confirm');
});

test('jobs go in batches of 200; the schedule in local time and UTC; polls back off to 30 s', () => {
  assert.deepEqual(
    inBatches(Array.from({ length: 401 }, (_, i) => i)).map((b) => b.length),
    [200, 200, 1],
  );
  const when = new Date('2026-12-24T09:30:00Z');
  const shown = describeSchedule(when);
  assert.equal(shown.utc, '2026-12-24 09:30 UTC');
  assert.match(shown.local, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} \(UTC[+-]\d{2}:\d{2}\)$/);
  const now = new Date('2026-12-01T00:00:00Z');
  assert.deepEqual(parseSchedule('now', now), { when: undefined });
  assert.deepEqual(parseSchedule('2026-12-24T09:30Z', now), { when });
  assert.match((parseSchedule('2025-01-01T00:00Z', now) as { problem: string }).problem, /has passed/);
  assert.match((parseSchedule('tomorrow', now) as { problem: string }).problem, /is not a time/);
  assert.deepEqual([0, 1, 2, 3, 4, 10].map(pollDelay), [2000, 4000, 8000, 16000, 30000, 30000]);
  assert.ok(isAbortable('Created') && isAbortable('Pending'));
  assert.ok(!isAbortable('In Progress') && !isAbortable('Succeeded'));
});

test('failures grouped by error type and title, largest first; CSV quotes and defuses formulas', () => {
  const failure = (n: number, errorType: string, title: string, details = '') => ({
    orgId: orgId(n),
    customer: `Customer ${n}`,
    errorType,
    title,
    message: 'm',
    details,
    severity: 'Error',
  });
  const groups = groupFailures([
    failure(3, 'DeployError', 'Field missing'),
    failure(1, 'ApexTestFailure', 'Test failed'),
    failure(2, 'DeployError', 'Field missing'),
  ]);
  assert.deepEqual(
    groups.map((g) => [g.errorType, g.failures.map((f) => f.orgId)]),
    [
      ['DeployError', [orgId(2), orgId(3)]],
      ['ApexTestFailure', [orgId(1)]],
    ],
  );
  const csv = failuresCsv([failure(1, 'DeployError', 'a, "b"', '=HYPERLINK()')]);
  assert.equal(
    csv,
    `Org ID,Customer,Error Type,Severity,Title,Message,Details\r\n${orgId(1)},Customer 1,DeployError,Error,"a, ""b""",m,'=HYPERLINK()\r\n`,
  );
});

test('the push objects are declared once with their API names', () => {
  assert.deepEqual(PUSH_OBJECTS, {
    pushRequest: 'PackagePushRequest',
    pushJob: 'PackagePushJob',
    pushError: 'PackagePushError',
    packageSubscriber: 'PackageSubscriber',
  });
});

test("the owner org: the LMO when it owns the package, else the one remembered, else the project's Dev Hub as a suggestion", () => {
  assert.deepEqual(choosePushOwner({ lmoOwns: true, remembered: 'hub', projectDevHub: 'dh' }), {
    kind: 'lmo',
  });
  assert.deepEqual(choosePushOwner({ lmoOwns: false, remembered: 'hub', projectDevHub: 'dh' }), {
    kind: 'other',
    target: 'hub',
    source: 'remembered',
  });
  const unknown = choosePushOwner({ lmoOwns: false, remembered: undefined, projectDevHub: 'dh' });
  assert.deepEqual(unknown, { kind: 'unknown', suggestion: 'dh' });
  assert.equal(describePushOwner(unknown), "Pushes run in the package's owner org (suggested: dh)");
  assert.equal(describePushOwner({ kind: 'lmo' }), 'Pushes run in this LMO');
});

test('the preview as a Markdown report: tables, and a pipe in a name escaped', () => {
  const preview = buildPreview(
    [candidate(1), candidate(5, { customer: 'A | B' })],
    [subscriber(1), subscriber(5, { versionId: v3.versionId })],
    { ...target, packageName: 'Acme' },
    known,
  );
  const text = previewMarkdown(preview);
  assert.match(
    text,
    /^# Push Acme 1\.2\.0\.1\n\n1 org will get a job \(1 production, 0 sandbox\); 1 left out/,
  );
  assert.match(text, /\| Current version \| Orgs \|\n\| --- \| ---: \|\n\| 1\.0\.0\.1 \| 1 \|/);
  assert.match(text, /\| 00D000000000005EAA \| A \\\| B \| already on the target version or above \|/);
});

test('refusalMessage words a Bulk API 2.0 sf__Error as the Collections path does', async () => {
  const { refusalMessage } = await import('../../../src/lma/workflows/pushUpgrade');
  const { parseIngestError } = await import('../../../src/lma/records/bulkIngest');
  const failed = (text: string) => refusalMessage({ kind: 'failed', ...parseIngestError(text) });
  assert.equal(
    failed(
      "INVALID_CROSS_REFERENCE_KEY:The organization 00D0000000BULK1 isn't a subscriber of this package.:SubscriberOrganizationKey --",
    ),
    "INVALID_CROSS_REFERENCE_KEY: The organization 00D0000000BULK1 isn't a subscriber of this package.",
  );
  assert.equal(failed('DUPLICATE_VALUE:dup: 1 --'), 'DUPLICATE_VALUE: dup');
  assert.equal(failed('something else'), 'something else');
  assert.equal(failed(''), 'Salesforce did not say why.');
  assert.match(refusalMessage({ kind: 'unprocessed' }), /^Not processed/);
});
