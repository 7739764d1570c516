import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  doesNotExpire,
  formatExpiration,
  formatSeats,
  isExpired,
  licenseRowSummary,
  validateSeats,
} from '../../../src/lma/rules/encodings';

test('seats: -1 is a site license, others are counts', () => {
  assert.equal(formatSeats(-1), 'Site License');
  assert.equal(formatSeats(1), '1 seat');
  assert.equal(formatSeats(25000), '25,000 seats');
  assert.equal(formatSeats(undefined), 'No seats set');
});

test('seats must be 1 to 99,000,000 or -1', () => {
  assert.equal(validateSeats(-1), undefined);
  assert.equal(validateSeats(1), undefined);
  assert.equal(validateSeats(99_000_000), undefined);
  assert.match(validateSeats(0)!, /between 1 and 99,000,000/);
  assert.match(validateSeats(99_000_001)!, /between/);
  assert.match(validateSeats(-2)!, /between/);
  assert.match(validateSeats(2.5)!, /whole number/);
});

test('null and 1970-01-01 both mean "does not expire"', () => {
  assert.ok(doesNotExpire(null));
  assert.ok(doesNotExpire(undefined));
  assert.ok(doesNotExpire('1970-01-01'));
  assert.ok(!doesNotExpire('2027-03-01'));
  assert.equal(formatExpiration('1970-01-01'), 'Does not expire');
  const today = new Date('2026-11-28T12:00:00Z');
  assert.equal(formatExpiration('2027-03-01', today), 'Expires 2027-03-01');
  // The diff and bulk previews say a past date as the tree does.
  assert.equal(formatExpiration('2026-11-27', today), 'Expired 2026-11-27');
});

test('a license is expired only after its last day', () => {
  const today = new Date('2026-11-28T12:00:00Z');
  assert.ok(isExpired('2026-11-27', today));
  assert.ok(!isExpired('2026-11-28', today));
  assert.ok(!isExpired('1970-01-01', today));
  assert.ok(!isExpired(null, today));
});

test('a license row says seats and expiration short enough for the default side-bar width', () => {
  const today = '2026-11-29';
  assert.equal(
    licenseRowSummary({ seats: 25, expiration: '2027-01-03' }, today),
    '25 seats · exp 2027-01-03',
  );
  assert.equal(licenseRowSummary({ seats: -1, expiration: undefined }, today), 'site · no expiry');
  assert.equal(licenseRowSummary({ seats: 1, expiration: '1970-01-01' }, today), '1 seat · no expiry');
  assert.equal(
    licenseRowSummary({ seats: 1200, expiration: '2026-11-28' }, today),
    '1,200 seats · expired 2026-11-28',
  );
  assert.equal(
    licenseRowSummary({ seats: undefined, expiration: '2026-11-29' }, today),
    'no seats · exp 2026-11-29',
  );
});
