import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkValue,
  directionOf,
  isExistingDate,
  planFeatureChange,
  type FeatureParameterValue,
} from '../../../src/lma/rules/featureParameters';

const license = {
  id: 'a0L1',
  name: 'L-00007',
  customerName: 'Acme Corp',
  subscriberOrgId: '00D000000000001',
};
const param = (over: Partial<FeatureParameterValue>): FeatureParameterValue => ({
  id: 'a0I1',
  parameterId: 'a0F1',
  fullName: 'MaxProjects',
  label: 'Max Projects',
  type: 'Integer',
  direction: 'LmoToSubscriber',
  value: 10,
  introducedIn: '1.0.0',
  lastModifiedDate: '2026-01-01T00:00:00.000+0000',
  ...over,
});

test('integers: whole numbers of at most 9 digits', () => {
  assert.deepEqual(checkValue('Integer', 999_999_999), { ok: true, value: 999_999_999 });
  assert.deepEqual(checkValue('Integer', -999_999_999), { ok: true, value: -999_999_999 });
  assert.equal(checkValue('Integer', 1_000_000_000).ok, false);
  assert.equal(checkValue('Integer', 1.5).ok, false);
  assert.equal(checkValue('Integer', '12').ok, false);
});

test('dates: only days that exist, from 1700 to 4000', () => {
  assert.ok(isExistingDate('2028-02-29'));
  assert.ok(!isExistingDate('2026-02-29'));
  assert.ok(!isExistingDate('2026-02-30'));
  assert.ok(!isExistingDate('2026-13-01'));
  assert.ok(!isExistingDate('1699-12-31'));
  assert.ok(!isExistingDate('26-01-01'));
  assert.equal(checkValue('Date', '2026-04-31').ok, false);
  assert.equal(checkValue('Boolean', 'true').ok, false);
});

test('the direction picklist reads in any case (the FMA’s own rule writes "Subscriber To LMO")', () => {
  assert.equal(directionOf('Subscriber To LMO'), 'SubscriberToLmo');
  assert.equal(directionOf('LMO to Subscriber'), 'LmoToSubscriber');
  assert.equal(directionOf('sideways'), undefined);
});

test('a lower number, a Boolean turned off or a value cleared asks a confirmation naming the customer', () => {
  const lower = planFeatureChange(license, param({}), 5);
  assert.equal(lower.kind, 'ready');
  assert.ok(lower.kind === 'ready' && lower.confirmation.kind === 'confirm');
  assert.match(
    lower.confirmation.kind === 'confirm' ? lower.confirmation.message : '',
    /Acme Corp \(org 00D000000000001\), L-00007/,
  );
  const higher = planFeatureChange(license, param({}), 50);
  assert.ok(higher.kind === 'ready' && higher.confirmation.kind === 'none');
  const off = planFeatureChange(license, param({ type: 'Boolean', value: true }), false);
  assert.ok(off.kind === 'ready' && off.confirmation.kind === 'confirm');
  const cleared = planFeatureChange(license, param({ type: 'Date', value: '2027-01-01' }), null);
  assert.ok(cleared.kind === 'ready' && cleared.confirmation.kind === 'confirm');
  assert.equal(planFeatureChange(license, param({}), 10).kind, 'unchanged');
});

test('a subscriber-to-LMO value is never planned for a write', () => {
  const plan = planFeatureChange(license, param({ direction: 'SubscriberToLmo' }), 11);
  assert.equal(plan.kind, 'refused');
});
