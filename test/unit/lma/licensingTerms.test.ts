import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkEntry,
  checkTerms,
  describeTerms,
  expirationFor,
  fromEntry,
  licenseSeats,
  toEntry,
  type LicensingTerms,
} from '../../../src/lma/rules/licensingTerms';

const codes = (entry: unknown) => checkEntry(entry).map((problem) => problem.code);

test('a trial runs 1 to 90 days', () => {
  assert.deepEqual(codes({ status: 'Trial', trialDays: 1, seats: 1 }), []);
  assert.deepEqual(codes({ status: 'Trial', trialDays: 90, seats: 1 }), []);
  assert.deepEqual(codes({ status: 'Trial', trialDays: 91, seats: 1 }), ['trialDays']);
  assert.deepEqual(codes({ status: 'Trial', trialDays: 0, seats: 1 }), ['trialDays']);
  assert.deepEqual(codes({ status: 'Trial', trialDays: 2.5, seats: 1 }), ['trialDays']);
  assert.deepEqual(codes({ status: 'Trial', trialDays: '30', seats: 1 }), ['trialDays']);
  assert.deepEqual(codes({ status: 'Trial', seats: 1 }), ['trialDaysMissing']);
});

test('an active license runs a number of days or does not expire, and a trial has no active length', () => {
  assert.deepEqual(codes({ status: 'Active', activeDays: 365, seats: 'site' }), []);
  assert.deepEqual(codes({ status: 'Active', activeDays: 'unlimited', seats: 'site' }), []);
  assert.deepEqual(codes({ status: 'Active', activeDays: 'forever', seats: 'site' }), ['activeDays']);
  assert.deepEqual(codes({ status: 'Active', seats: 'site' }), ['activeDaysMissing']);
  assert.deepEqual(codes({ status: 'Active', activeDays: 10, trialDays: 10, seats: 2 }), [
    'trialDaysOnActive',
  ]);
  assert.deepEqual(codes({ status: 'Trial', trialDays: 10, activeDays: 10, seats: 2 }), [
    'activeDaysOnTrial',
  ]);
});

test('seats are 1 to 99,000,000 or a site license; unknown keys and statuses are named', () => {
  assert.deepEqual(codes({ status: 'Trial', trialDays: 5, seats: 99_000_000 }), []);
  assert.deepEqual(codes({ status: 'Trial', trialDays: 5, seats: 99_000_001 }), ['seats']);
  assert.deepEqual(codes({ status: 'Trial', trialDays: 5, seats: 0 }), ['seats']);
  assert.deepEqual(
    codes({ status: 'Trial', trialDays: 5, seats: -1 }),
    ['seats'],
    'the file says "site", not -1',
  );
  assert.deepEqual(codes({ status: 'Trial', trialDays: 5 }), ['seatsMissing']);
  assert.deepEqual(codes({ status: 'Suspended', seats: 5 }), ['status']);
  assert.deepEqual(codes({ status: 'Trial', trialDays: 5, seats: 5, seat: 5 }), ['unknownKey']);
  assert.deepEqual(codes([]), ['notAnObject']);
  assert.deepEqual(codes(null), ['notAnObject']);
});

test('entries and terms convert both ways', () => {
  const trial: LicensingTerms = { status: 'Trial', lengthDays: 30, seats: 25 };
  const perpetual: LicensingTerms = { status: 'Active', lengthDays: null, seats: 'site' };
  assert.deepEqual(toEntry(trial), { status: 'Trial', trialDays: 30, seats: 25 });
  assert.deepEqual(toEntry(perpetual), { status: 'Active', activeDays: 'unlimited', seats: 'site' });
  for (const terms of [trial, perpetual, { status: 'Active', lengthDays: 365, seats: 1 } as LicensingTerms])
    assert.deepEqual(fromEntry(toEntry(terms)), { terms });
  assert.ok('problems' in fromEntry({ status: 'Trial', trialDays: 120, seats: 1 }));
});

test('the Partner Console shape is checked by the same rules', () => {
  assert.deepEqual(checkTerms({ status: 'Trial', lengthDays: 30, seats: 10 }), []);
  assert.deepEqual(checkTerms({ status: 'Active', lengthDays: null, seats: 'site' }), []);
  assert.match(checkTerms({ status: 'Trial', lengthDays: 120, seats: 10 })[0]!.message, /1 to 90 days/);
  assert.match(checkTerms({ status: 'Trial', lengthDays: null, seats: 10 })[0]!.message, /needs "trialDays"/);
  assert.equal(checkTerms({ status: 'Active', lengthDays: 30, seats: 10, extra: 1 })[0]!.code, 'unknownKey');
});

test('the summary says what the next install gets', () => {
  assert.equal(
    describeTerms({ status: 'Trial', lengthDays: 30, seats: 25 }),
    'New installs get a 30-day trial for 25 seats.',
  );
  assert.equal(
    describeTerms({ status: 'Active', lengthDays: null, seats: 'site' }),
    'New installs get an active license that does not expire, as a site license (every user of the subscriber org).',
  );
  assert.equal(
    describeTerms({ status: 'Active', lengthDays: 1, seats: 1 }),
    'New installs get an active license for 1 day, for 1 seat.',
  );
});

test('an install gets its Expiration and Seats from the terms; sandboxes always get a site license', () => {
  const day = new Date('2026-12-30T23:59:00Z');
  assert.equal(expirationFor({ status: 'Trial', lengthDays: 3, seats: 5 }, day), '2027-01-02');
  assert.equal(expirationFor({ status: 'Active', lengthDays: null, seats: 5 }, day), null);
  assert.equal(licenseSeats({ status: 'Trial', lengthDays: 3, seats: 5 }, false), 5);
  assert.equal(licenseSeats({ status: 'Trial', lengthDays: 3, seats: 5 }, true), -1);
  assert.equal(licenseSeats({ status: 'Trial', lengthDays: 3, seats: 'site' }, false), -1);
});
