import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HEALTH_CHECKS,
  checkLmoHealth,
  hasStateCountryPicklists,
  healthPaths,
  requiredFieldsWithoutDefault,
  sortFindings,
  summarize,
  type DescribeField,
  type HealthCheckResult,
  type HealthFinding,
} from '../../../src/lma/workflows/healthCheck';
import { LmoError } from '../../../src/base/lmoError';

const field = (name: string, over: Partial<DescribeField> = {}): DescribeField => ({
  name,
  label: name,
  custom: name.endsWith('__c'),
  nillable: true,
  createable: true,
  defaultedOnCreate: false,
  ...over,
});

test('requiredFieldsWithoutDefault: custom, createable, not nillable, no default; never the LMA’s own', () => {
  const fields = [
    field('Region__c', { nillable: false }),
    field('Tier__c', { nillable: false, defaultedOnCreate: true }), // has a default
    field('Score__c', { nillable: false, createable: false }), // formula or system-set
    field('Notes__c'), // optional
    field('LastName', { nillable: false }), // standard: the LMA sets it
    field('Active__c', { nillable: false, defaultedOnCreate: true }), // checkbox
    field('sfLma__Package__c', { nillable: false }), // the LMA's master-detail: it sets it
    field('SFLMA__Other__c', { nillable: false }),
  ];
  assert.deepEqual(
    requiredFieldsWithoutDefault(fields).map((f) => f.name),
    ['Region__c'],
  );
});

test('hasStateCountryPicklists: either code field counts, the text fields alone do not', () => {
  assert.equal(hasStateCountryPicklists([{ name: 'State' }, { name: 'Country' }]), false);
  assert.equal(hasStateCountryPicklists([{ name: 'Country' }, { name: 'CountryCode' }]), true);
  assert.equal(hasStateCountryPicklists([{ name: 'StateCode' }]), true);
  // Only the standard address fields: a custom field of that name is something else.
  assert.equal(hasStateCountryPicklists([{ name: 'CountryCode__c' }]), false);
});

test('record paths: Setup pages take the id as an encoded address, records their Lightning page', () => {
  assert.equal(
    healthPaths.apexTrigger('01q000000000001AAA'),
    '/lightning/setup/ApexTriggers/page?address=%2F01q000000000001AAA',
  );
  assert.equal(
    healthPaths.validationRule('sfLma__License__c', '03d000000000001AAA'),
    '/lightning/setup/ObjectManager/sfLma__License__c/ValidationRules/03d000000000001AAA/view',
  );
  assert.equal(healthPaths.record('User', '005000000000001AAA'), '/lightning/r/User/005000000000001AAA/view');
  assert.equal(healthPaths.fields('Lead'), '/lightning/setup/ObjectManager/Lead/FieldsAndRelationships/view');
});

const finding = (severity: HealthFinding['severity'], title: string): HealthFinding => ({
  id: title,
  check: 'beforeTriggers',
  severity,
  title,
  breaks: '',
  fix: '',
  path: '/',
});

test('sortFindings: errors, then warnings, then info; by title within each', () => {
  const sorted = sortFindings([
    finding('info', 'a'),
    finding('warning', 'b'),
    finding('error', 'z'),
    finding('warning', 'a'),
    finding('error', 'c'),
  ]);
  assert.deepEqual(
    sorted.map((f) => `${f.severity}:${f.title}`),
    ['error:c', 'error:z', 'warning:a', 'warning:b', 'info:a'],
  );
});

const checks = (skipped: number): HealthCheckResult[] =>
  HEALTH_CHECKS.map(({ check, title }, i) => ({
    check,
    title,
    status: i < skipped ? 'skipped' : 'clean',
    ...(i < skipped ? { reason: 'no access' } : {}),
  }));

test('summarize says plainly when nothing was found, and which checks could not run', () => {
  assert.equal(
    summarize([], checks(0)),
    'Nothing found: none of the 8 checks that ran found anything known to block Lead or License creation.',
  );
  assert.equal(
    summarize([finding('error', 'x'), finding('warning', 'y'), finding('warning', 'z')], checks(1)),
    '3 findings (1 error, 2 warnings) that can block Lead or License creation. 1 check could not run: Before-insert and before-update triggers on Lead and License.',
  );
  assert.equal(summarize([], checks(HEALTH_CHECKS.length)), 'No check could run.');
});

test('checkLmoHealth: a refused request skips its check; an expired session ends the report', async () => {
  const refused = new LmoError('salesforce', 'no', 'INSUFFICIENT_ACCESS', 403);
  const report = await checkLmoHealth({ request: () => Promise.reject(refused) });
  assert.deepEqual(
    report.checks.map((c) => c.status),
    HEALTH_CHECKS.map(() => 'skipped'),
  );
  assert.equal(report.summary, 'No check could run.');
  assert.equal(report.clean, false);

  const expired = new LmoError('sessionExpired', 'Session expired or invalid', 'INVALID_SESSION_ID', 401);
  await assert.rejects(checkLmoHealth({ request: () => Promise.reject(expired) }), expired);
});
