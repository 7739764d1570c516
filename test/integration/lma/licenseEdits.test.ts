// Modifying Licenses on the local org through the real session: saves, conflicts, deletions, refusals
// that send nothing, many concurrent writers, and bulk changes where some Licenses fail.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LocalOrg } from 'lma-local-org';
import { planBulkChange, type EditableLicense } from '../../../src/lma/rules/licenseChanges';
import {
  applyBulkChange,
  loadEditableLicense,
  loadEditableLicenses,
  loadLicenseHistory,
  saveLicenseChange,
} from '../../../src/lma/workflows/licenseEdits';
import { queryAll } from '../../../src/lma/records/lmoApi';
import type { LmoSession } from '../../../src/org/lmoSession';
import { LicensePicker, openDemoLmo } from './demoLmo';

let org: LocalOrg;
let session: LmoSession;
let requests = 0;
const lines: string[] = [];

before(async () => {
  ({ org, session } = await openDemoLmo('edit-lmo', (line) => {
    requests++;
    lines.push(line);
  }));
});
after(async () => {
  session?.dispose();
  await org?.close();
});

/** Licenses no other test here uses. */
const picker = new LicensePicker(() => session);
const licenseIds = (status: string, count: number) => picker.inStatus(status, count, 200);

async function load(id: string): Promise<EditableLicense> {
  const license = await loadEditableLicense(session, id);
  assert.ok(license);
  return license;
}

/** Someone else's change, made behind the form's back. */
function patch(id: string, fields: Record<string, unknown>): Promise<unknown> {
  return session.request(`/sobjects/sfLma__License__c/${id}`, { method: 'PATCH', body: fields });
}

test('a seat change is saved, read back, and shows in the License history with who made it', async () => {
  const [id] = await licenseIds('Active', 1);
  const license = await load(id!);
  const outcome = await saveLicenseChange(
    session,
    license,
    { seats: license.seats! + 5 },
    { confirmed: false },
  );
  assert.equal(outcome.kind, 'saved', JSON.stringify(outcome));
  assert.equal(outcome.kind === 'saved' && outcome.license.seats, license.seats! + 5);
  const history = await loadLicenseHistory(session, id!);
  const newest = history[0]!;
  assert.deepEqual(
    newest.changes.map((c) => [c.label, c.oldValue, c.newValue]),
    [['Seats', String(license.seats), String(license.seats! + 5)]],
  );
  assert.ok(newest.by, 'the history names the user');
});

test('a change made after the form loaded is reported with its values, and nothing is overwritten', async () => {
  const [id] = await licenseIds('Active', 1);
  const license = await load(id!);
  await patch(id!, { sfLma__Seats__c: 777 });
  const outcome = await saveLicenseChange(session, license, { seats: 12_345 }, { confirmed: false });
  assert.equal(outcome.kind, 'conflict');
  assert.equal(outcome.kind === 'conflict' && outcome.current.seats, 777);
  assert.match(outcome.kind === 'conflict' ? outcome.message : '', /changed .*after this form loaded it/);
  assert.equal((await load(id!)).seats, 777);
});

test('a License deleted meanwhile is reported, and nothing is written', async () => {
  const [id] = await licenseIds('Trial', 1);
  const license = await load(id!);
  await session.request(`/sobjects/sfLma__License__c/${id}`, { method: 'DELETE' });
  const outcome = await saveLicenseChange(session, license, { seats: 3 }, { confirmed: false });
  assert.equal(outcome.kind, 'deleted');
});

test('bad seats, a bad date and a missing confirmation are refused before any request', async () => {
  const [id] = await licenseIds('Active', 1);
  const license = await load(id!);
  const before = requests;
  for (const seats of [0, -5, 1.5, 100_000_000]) {
    const outcome = await saveLicenseChange(session, license, { seats }, { confirmed: true });
    assert.equal(outcome.kind, 'refused', `seats ${seats}`);
  }
  const bad = await saveLicenseChange(session, license, { expiration: '2026-02-30' }, { confirmed: true });
  assert.equal(bad.kind, 'refused');
  const back = await saveLicenseChange(session, license, { status: 'Trial' }, { confirmed: true });
  assert.equal(back.kind, 'refused');
  // An Active license expiring yesterday blocks a paying customer: the org id must be typed.
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  for (const confirmed of [false, true, 'yes', 'someone else']) {
    const outcome = await saveLicenseChange(session, license, { expiration: yesterday }, { confirmed });
    assert.equal(outcome.kind, 'needsConfirmation', `confirmed: ${String(confirmed)}`);
  }
  assert.equal(requests, before, 'no request was sent');
  const typed = license.subscriberOrgId!.slice(0, 15).toLowerCase();
  const done = await saveLicenseChange(session, license, { expiration: yesterday }, { confirmed: typed });
  assert.equal(done.kind, 'saved');
  assert.equal((await load(id!)).expiration, yesterday);
});

test('20 concurrent writers: every acknowledged increment is kept, none is lost', async () => {
  const [id] = await licenseIds('Active', 1);
  const start = (await load(id!)).seats!;
  let acknowledged = 0;
  let conflicts = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const license = await load(id!);
        const outcome = await saveLicenseChange(
          session,
          license,
          { seats: license.seats! + 1 },
          { confirmed: false },
        );
        if (outcome.kind === 'saved') {
          acknowledged++;
          return;
        }
        assert.equal(outcome.kind, 'conflict', JSON.stringify(outcome));
        conflicts++;
      }
    }),
  );
  const end = (await load(id!)).seats!;
  assert.ok(acknowledged >= 1 && conflicts >= 1, `acknowledged ${acknowledged}, conflicts ${conflicts}`);
  assert.equal(
    end - start,
    acknowledged,
    `acknowledged ${acknowledged} increments, seats went ${start} → ${end}`,
  );
});

test('a bulk change applies what it can and reports each License that failed, and why', async () => {
  const ids = await licenseIds('Active', 4);
  const [uninstalled] = await licenseIds('Uninstalled', 1);
  const licenses = await loadEditableLicenses(session, [...ids, uninstalled!]);
  const plan = planBulkChange(licenses, { kind: 'addSeats', seats: 2 }, new Date());
  assert.equal(plan.ready, 4);
  // More seats for paying customers asks a plain confirmation (issue 24), given here.
  assert.equal(plan.confirmation.kind, 'confirm');
  // Between preview and apply: one License changes, one is deleted.
  await patch(ids[0]!, { sfLma__Seats__c: 999 });
  await session.request(`/sobjects/sfLma__License__c/${ids[1]}`, { method: 'DELETE' });
  const before = requests;
  const result = await applyBulkChange(session, plan, { confirmed: true });
  // Re-read (2), write (1), read back and check History for races (3).
  assert.equal(requests - before, 6, lines.slice(before).join('\n'));
  assert.deepEqual(result.applied.map((l) => l.id).sort(), [ids[2], ids[3]].sort());
  const byId = new Map(licenses.map((l) => [l.id, l]));
  for (const applied of result.applied) assert.equal(applied.seats, byId.get(applied.id)!.seats! + 2);
  const reasons = new Map(result.failed.map((f) => [f.license.id, f.reason]));
  assert.match(reasons.get(ids[0]!)!, /Changed meanwhile/);
  assert.match(reasons.get(ids[1]!)!, /Deleted meanwhile/);
  assert.match(reasons.get(uninstalled!)!, /Uninstalled/);
  assert.equal((await load(ids[0]!)).seats, 999, 'the change made meanwhile is kept');
});

test('a bulk suspension of Active licenses needs the typed count of licenses', async () => {
  const ids = await licenseIds('Active', 5);
  const licenses = await loadEditableLicenses(session, ids);
  const plan = planBulkChange(licenses, { kind: 'status', status: 'Suspended' }, new Date());
  assert.equal(plan.confirmation.kind, 'typed');
  await assert.rejects(applyBulkChange(session, plan, { confirmed: 'yes' }), /needs its confirmation/);
  const result = await applyBulkChange(session, plan, { confirmed: '5 licenses' });
  assert.equal(result.applied.length, 5);
  assert.ok(result.applied.every((l) => l.status === 'Suspended'));
});

test('250 licenses are written in two sObject Collections requests, each License once', async () => {
  const ids = await picker.where("sfLma__Status__c IN ('Active', 'Trial') AND sfLma__Seats__c > 0", 250, {
    among: 400,
    order: 'Id DESC',
  });
  const licenses = await loadEditableLicenses(session, ids);
  const plan = planBulkChange(licenses, { kind: 'addSeats', seats: 1 }, new Date());
  const before = lines.length;
  let progress: number[] = [];
  const result = await applyBulkChange(session, plan, {
    confirmed: true,
    onProgress: (done) => (progress = [...progress, done]),
  });
  const writes = lines
    .slice(before)
    .filter((l) => l.startsWith('PATCH') && l.includes('/composite/sobjects'));
  assert.equal(writes.length, 2);
  assert.deepEqual(progress, [200, 250]);
  assert.equal(result.applied.length, 250, JSON.stringify(result.failed.slice(0, 3)));
  const byId = new Map(licenses.map((l) => [l.id, l.seats!]));
  for (const l of result.applied) assert.equal(l.seats, byId.get(l.id)! + 1);
});

test('with the LMO enforcing its own rules, a License Salesforce refuses is reported with its error; the rest is applied', async () => {
  const ids = await licenseIds('Active', 3);
  // A status outside the License's record type: the org's rules refuse any write to it.
  await org.faults.tamper('lmo', 'sfLma__License__c', ids[0]!, { sfLma__Status__c: 'Expired' });
  org.lmo.customize({ licenseRules: true });
  try {
    const licenses = await loadEditableLicenses(session, ids);
    const plan = planBulkChange(licenses, { kind: 'addSeats', seats: 1 }, new Date());
    assert.equal(plan.ready, 3, 'the extension has no rule against it');
    const result = await applyBulkChange(session, plan, { confirmed: true });
    assert.deepEqual(result.applied.map((l) => l.id).sort(), [ids[1], ids[2]].sort());
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0]!.license.id, ids[0]);
    assert.match(
      result.failed[0]!.reason,
      /INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST|FIELD_CUSTOM_VALIDATION_EXCEPTION/,
    );
  } finally {
    org.lmo.customize({ licenseRules: false });
  }
});

test('a bulk change whose reads fail writes nothing and reports every License as not written', async () => {
  const ids = await licenseIds('Trial', 2);
  const licenses = await loadEditableLicenses(session, ids);
  const plan = planBulkChange(licenses, { kind: 'addSeats', seats: 1 }, new Date());
  // Until cleared: the client retries a 503 on its own.
  org.faults.respondWith(503, null);
  const result = await applyBulkChange(session, plan, { confirmed: false }).finally(() => org.faults.clear());
  assert.equal(result.applied.length, 0);
  assert.equal(result.failed.length, 2);
  assert.match(result.failed[0]!.reason, /Not written/);
  for (const license of licenses) assert.equal((await load(license.id)).seats, license.seats);
});

test("a Status write that leaves the LMA's record type behind is reported, with the Modify License page to finish it", async () => {
  // The local org's default: an API write of Status leaves the record type where it was.
  assert.equal(org.lmo.lma().recordTypeFollowsStatus, false);
  // A running trial (expired ones are on the Expired record type).
  const [row] = await queryAll<{ Id: string }>(
    session,
    "SELECT Id FROM sfLma__License__c WHERE sfLma__Status__c = 'Trial' AND sfLma__License_Status__c = 'Trial' AND sfLma__Seats__c > 0 ORDER BY Id DESC LIMIT 1",
  );
  const id = row!.Id;
  picker.keep([id]);
  const license = await load(id);
  assert.equal(license.lmaStatus, 'Trial');
  const outcome = await saveLicenseChange(session, license, { status: 'Active' }, { confirmed: true });
  assert.equal(outcome.kind, 'saved', JSON.stringify(outcome));
  if (outcome.kind !== 'saved') return;
  // Re-read after the save: Status is Active, the LMA's own License Status still says Trial.
  assert.equal(outcome.license.status, 'Active');
  assert.equal(outcome.license.lmaStatus, 'Trial');
  assert.match(outcome.lmaStatusBehind ?? '', /The LMA still shows .* as Trial/);
  assert.match(outcome.lmaStatusBehind ?? '', /Modify License page/);
  assert.match(outcome.message, /The LMA still shows/);
});

test('with the record type following Status (the other reading), the same write reports nothing behind', async () => {
  org.lmo.customize({ recordTypeFollowsStatus: true });
  try {
    const [id] = await licenseIds('Trial', 1);
    const license = await load(id!);
    const outcome = await saveLicenseChange(session, license, { status: 'Active' }, { confirmed: true });
    assert.equal(outcome.kind, 'saved', JSON.stringify(outcome));
    if (outcome.kind !== 'saved') return;
    assert.equal(outcome.license.lmaStatus, 'Active');
    assert.equal(outcome.lmaStatusBehind, undefined);
    assert.doesNotMatch(outcome.message, /still shows/);
  } finally {
    org.lmo.customize({ recordTypeFollowsStatus: false });
  }
});

test('History shows a tracked field outside the four by its label from describe, never its API name', async () => {
  const tracked = org.lmo.lma().trackedFields;
  org.lmo.customize({ trackedFields: [...tracked, 'sfLma__Used_Licenses__c', 'sfLma__License_Type__c'] });
  try {
    const [id] = await licenseIds('Active', 1);
    const before = await queryAll<{ sfLma__License_Type__c: string | null }>(
      session,
      `SELECT sfLma__License_Type__c FROM sfLma__License__c WHERE Id = '${id}'`,
    );
    await patch(id!, {
      sfLma__Used_Licenses__c: 4,
      sfLma__License_Type__c: `${before[0]?.sfLma__License_Type__c ?? ''} (renewed)`,
    });
    const history = await loadLicenseHistory(session, id!);
    const labels = history.flatMap((entry) => entry.changes.map((c) => c.label));
    assert.ok(labels.includes('Used Licenses'), labels.join(', '));
    assert.ok(labels.includes('License Type'), labels.join(', '));
    for (const label of labels) assert.doesNotMatch(label, /__c$|^sfLma__/, label);
  } finally {
    org.lmo.customize({ trackedFields: [...tracked] });
  }
});

test('a bulk change reads the Licenses back and lists those whose LMA License Status stayed behind', async () => {
  const ids = await picker.where(
    "sfLma__Status__c = 'Active' AND sfLma__License_Status__c = 'Active' AND sfLma__Seats__c > 0",
    2,
    { among: 2000 },
  );
  const licenses = await loadEditableLicenses(session, ids);
  const plan = planBulkChange(licenses, { kind: 'status', status: 'Suspended' }, new Date());
  const confirmation = plan.confirmation.kind === 'typed' ? plan.confirmation.accepts[0]! : true;
  const result = await applyBulkChange(session, plan, { confirmed: confirmation });
  assert.equal(result.applied.length, 2, JSON.stringify(result.failed));
  assert.deepEqual(result.lmaStatusBehind.map((f) => f.license.id).sort(), [...ids].sort());
  for (const f of result.lmaStatusBehind) assert.match(f.reason, /still shows .* as Active.*Modify License/);
});
