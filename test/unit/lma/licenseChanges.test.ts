import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  convertToActive,
  extendTrial,
  isConfirmed,
  planBulkChange,
  bulkActionLabel,
  planLicenseChange,
  reactivate,
  statusChoices,
  suspend,
  trialDaysLeft,
  type ChangePlan,
  type EditableLicense,
} from '../../../src/lma/rules/licenseChanges';

const today = new Date('2026-11-29T12:00:00Z');

function license(overrides: Partial<EditableLicense> = {}): EditableLicense {
  return {
    id: 'a0L000000000001AAA',
    name: 'L-00001',
    status: 'Active',
    seats: 10,
    expiration: '2027-06-30',
    customerName: 'Globex',
    subscriberOrgId: '00D5W0000012345AAA',
    packageName: 'Acme Billing',
    versionNumber: '2.0.0',
    trialStart: '2026-11-01',
    licenseType: undefined,
    wasEverActive: true,
    lastModifiedDate: '2026-11-20T10:00:00.000+0000',
    lastModifiedBy: 'Admin',
    ...overrides,
  };
}

const trial = () => license({ status: 'Trial', wasEverActive: false, expiration: '2026-12-01' });

function problems(plan: ChangePlan): string {
  assert.equal(plan.kind, 'refused');
  return plan.kind === 'refused' ? plan.problems.map((p) => p.message).join(' ') : '';
}

function ready(plan: ChangePlan) {
  assert.equal(plan.kind, 'ready', JSON.stringify(plan));
  if (plan.kind !== 'ready') throw new Error('not ready');
  return plan;
}

test('Uninstalled and read-only licenses refuse every change', () => {
  assert.match(
    problems(planLicenseChange(license({ status: 'Uninstalled' }), { seats: 5 }, today)),
    /Uninstalled/,
  );
  assert.match(
    problems(planLicenseChange(license({ licenseType: 'Read-Only' }), { seats: 5 }, today)),
    /read-only/,
  );
  assert.match(
    problems(planLicenseChange(license({ licenseType: 'Uneditable' }), { seats: 5 }, today)),
    /read-only/,
  );
  assert.equal(planLicenseChange(license({ licenseType: 'Editable' }), { seats: 5 }, today).kind, 'ready');
});

test('a license that was ever Active never returns to Trial; one that never was may stay a Trial', () => {
  assert.match(problems(planLicenseChange(license(), { status: 'Trial' }, today)), /can’t return to a trial/);
  const suspendedAfterActive = license({ status: 'Suspended', wasEverActive: true });
  assert.match(
    problems(planLicenseChange(suspendedAfterActive, { status: 'Trial' }, today)),
    /return to a trial/,
  );
  assert.deepEqual(statusChoices(license()), ['Active', 'Suspended']);
  assert.deepEqual(statusChoices(trial()), ['Active', 'Trial', 'Suspended']);
  const suspendedTrial = license({ status: 'Suspended', wasEverActive: false, expiration: '2026-12-10' });
  assert.equal(planLicenseChange(suspendedTrial, { status: 'Trial' }, today).kind, 'ready');
});

test('seats must be whole, 1 to 99,000,000, or -1 for a site license', () => {
  for (const seats of [0, -5, 1.5, 100_000_000, Number.NaN])
    assert.match(problems(planLicenseChange(license(), { seats }, today)), /Seats must/, `seats ${seats}`);
  for (const seats of [1, 99_000_000, -1])
    assert.equal(planLicenseChange(license(), { seats }, today).kind, 'ready');
  const site = ready(planLicenseChange(license(), { seats: -1 }, today));
  assert.deepEqual(site.changes, [
    { field: 'seats', label: 'Seats', before: '10 seats', after: 'Site License' },
  ]);
});

test('expiration must be a real date after 1970-01-01; "does not expire" is written as 1970-01-01', () => {
  for (const expiration of ['2026-02-30', '29/11/2026', 'tomorrow', '1970-01-01', '1969-12-31'])
    assert.match(
      problems(planLicenseChange(license(), { expiration }, today)),
      /Expiration must/,
      expiration,
    );
  const forever = ready(planLicenseChange(license(), { expiration: null }, today));
  assert.equal(forever.fields.sfLma__Expiration__c, '1970-01-01');
  assert.equal(forever.changes[0]!.after, 'Does not expire');
});

test('a trial runs at most 90 days from its start and must expire', () => {
  assert.equal(planLicenseChange(trial(), { expiration: '2027-01-30' }, today).kind, 'ready');
  assert.match(problems(planLicenseChange(trial(), { expiration: '2027-01-31' }, today)), /until 2027-01-30/);
  assert.match(problems(planLicenseChange(trial(), { expiration: null }, today)), /A trial must expire/);
  // Converting lifts the limit.
  assert.equal(planLicenseChange(trial(), convertToActive(null), today).kind, 'ready');
  // A change of seats alone leaves the expiration as it is.
  assert.equal(planLicenseChange(trial(), { seats: 20 }, today).kind, 'ready');
});

test('only what changes is written, with a before/after diff; no change is "unchanged"', () => {
  assert.equal(planLicenseChange(license(), { seats: 10, status: 'Active' }, today).kind, 'unchanged');
  const plan = ready(
    planLicenseChange(license(), { seats: 12, status: 'Active', expiration: '2027-07-01' }, today),
  );
  assert.deepEqual(plan.fields, { sfLma__Seats__c: 12, sfLma__Expiration__c: '2027-07-01' });
  assert.deepEqual(
    plan.changes.map((c) => `${c.label}: ${c.before} → ${c.after}`),
    ['Seats: 10 seats → 12 seats', 'Expiration: Expires 2027-06-30 → Expires 2027-07-01'],
  );
  assert.equal(plan.confirmation.kind, 'none');
});

test('suspending or backdating an Active license needs the customer name or org id typed', () => {
  for (const change of [suspend, { expiration: '2026-11-28' }]) {
    const plan = ready(planLicenseChange(license(), change, today));
    assert.equal(plan.confirmation.kind, 'typed');
    assert.match(
      plan.confirmation.kind === 'typed' ? plan.confirmation.message : '',
      /Globex \(org 00D5W0000012345AAA\)/,
    );
    for (const typed of ['globex', ' GLOBEX ', '00D5W0000012345AAA', '00d5w0000012345'])
      assert.ok(isConfirmed(plan.confirmation, typed), typed);
    for (const typed of [undefined, '', 'Glob', 'yes', 'L-00001'])
      assert.ok(!isConfirmed(plan.confirmation, typed), typed);
  }
  // Today is not in the past: the customer keeps access through its last day.
  assert.equal(
    ready(planLicenseChange(license(), { expiration: '2026-11-29' }, today)).confirmation.kind,
    'none',
  );
});

test('blocking a Trial or Suspended license asks a plain confirmation that names the customer', () => {
  const plan = ready(planLicenseChange(trial(), suspend, today));
  assert.equal(plan.confirmation.kind, 'confirm');
  assert.match(
    plan.confirmation.kind === 'confirm' ? plan.confirmation.message : '',
    /Suspending .* Customer: Globex/,
  );
  const expired = ready(
    planLicenseChange(license({ status: 'Suspended' }), { expiration: '2026-01-01' }, today),
  );
  assert.equal(expired.confirmation.kind, 'confirm');
  assert.equal(
    ready(planLicenseChange(license({ status: 'Suspended' }), reactivate, today)).confirmation.kind,
    'none',
  );
});

test('Extend Trial counts from the later of today and the expiration, within 90 days in total', () => {
  assert.deepEqual(extendTrial(trial(), 14, today), { expiration: '2026-12-15' });
  const lapsed = license({ status: 'Trial', wasEverActive: false, expiration: '2026-11-10' });
  assert.deepEqual(extendTrial(lapsed, 7, today), { expiration: '2026-12-06' });
  assert.equal(trialDaysLeft(trial(), today), 60);
  const tooFar = extendTrial(trial(), 61, today);
  assert.ok(!('message' in tooFar));
  assert.match(problems(planLicenseChange(trial(), tooFar, today)), /at most 90 days/);
  assert.match(String((extendTrial(license(), 5, today) as { message: string }).message), /not a trial/);
  assert.match(String((extendTrial(trial(), 0, today) as { message: string }).message), /whole number/);
});

test('a bulk plan checks each license and asks one confirmation for all it blocks', () => {
  const licenses = [
    license({ id: 'a1', customerName: 'Globex' }),
    license({ id: 'a2', customerName: 'Initech', status: 'Trial', wasEverActive: false }),
    license({ id: 'a3', status: 'Uninstalled' }),
    license({ id: 'a4', status: 'Suspended', customerName: 'Hooli' }),
  ];
  const plan = planBulkChange(licenses, { kind: 'status', status: 'Suspended' }, today);
  assert.deepEqual(
    plan.items.map((i) => i.plan.kind),
    ['ready', 'ready', 'refused', 'unchanged'],
  );
  assert.equal(plan.ready, 2);
  assert.equal(plan.confirmation.kind, 'typed');
  assert.ok(isConfirmed(plan.confirmation, '2 licenses'));
  assert.ok(!isConfirmed(plan.confirmation, 'Globex'));
  assert.match(
    plan.confirmation.kind === 'typed' ? plan.confirmation.message : '',
    /Globex, Initech.*1 of them is Active/,
  );
  const trialsOnly = planBulkChange([licenses[1]!], { kind: 'status', status: 'Suspended' }, today);
  assert.equal(trialsOnly.confirmation.kind, 'confirm');

  const seats = planBulkChange(
    [license({ seats: -1 }), license({ seats: 5 })],
    { kind: 'addSeats', seats: 3 },
    today,
  );
  assert.match(problems(seats.items[0]!.plan), /site license/);
  assert.deepEqual(ready(seats.items[1]!.plan).fields, { sfLma__Seats__c: 8 });
  const extend = planBulkChange(
    [license({ expiration: undefined }), license()],
    { kind: 'extendExpiration', days: 30 },
    today,
  );
  assert.match(problems(extend.items[0]!.plan), /does not expire/);
  assert.deepEqual(ready(extend.items[1]!.plan).fields, { sfLma__Expiration__c: '2027-07-30' });
});

test('a bulk change that adds seats or extends the term of paying customers asks a confirmation that names them', () => {
  const active = license({ id: 'a1', customerName: 'Globex', seats: 5 });
  const trial = license({
    id: 'a2',
    customerName: 'Initech',
    status: 'Trial',
    wasEverActive: false,
    seats: 5,
  });
  const seats = planBulkChange([active, trial], { kind: 'addSeats', seats: 3 }, today);
  assert.equal(seats.ready, 2);
  assert.equal(seats.confirmation.kind, 'confirm');
  const message = seats.confirmation.kind === 'confirm' ? seats.confirmation.message : '';
  assert.match(
    message,
    /Add 3 seats gives 1 paying customer \(an Active License\) more than they have now: Globex\./,
  );
  assert.doesNotMatch(message, /Initech/);

  const extend = planBulkChange([active], { kind: 'extendExpiration', days: 30 }, today);
  assert.equal(extend.confirmation.kind, 'confirm');
  const perpetual = planBulkChange([active], { kind: 'expiration', expiration: null }, today);
  assert.equal(perpetual.confirmation.kind, 'confirm');
  // Fewer seats or a trial's extension raise nothing a customer pays for: no confirmation.
  assert.equal(planBulkChange([active], { kind: 'seats', seats: 2 }, today).confirmation.kind, 'none');
  assert.equal(planBulkChange([trial], { kind: 'addSeats', seats: 3 }, today).confirmation.kind, 'none');
  // Blocking paying customers still asks the typed confirmation, and says what else it raises.
  const both = planBulkChange([active], { kind: 'expiration', expiration: '2026-01-01' }, today);
  assert.equal(both.confirmation.kind, 'typed');

  assert.equal(bulkActionLabel(3), 'Change 3 Licenses');
  assert.equal(bulkActionLabel(1), 'Change 1 License');
});
