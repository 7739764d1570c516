import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CsvStream, UsageSummaryAggregator } from '../../../src/lma/rules/appAnalytics';
import { orgPackageUsage, orgUsageQuestion } from '../../../src/lma/rules/orgUsage';

const COLUMNS = [
  'month',
  'organization_id',
  'user_id_token',
  'num_events',
  'custom_entity',
  'custom_entity_type',
];

/** The rows read as the usage file is: through the panel's CSV reader into its aggregator. */
function report(rows: string[][], threshold = 0.5) {
  const sum = new UsageSummaryAggregator();
  const csv = new CsvStream(COLUMNS, (row) => sum.add(row));
  csv.push(`${COLUMNS.join(',')}\n`);
  for (const r of rows) csv.push(`${r.join(',')}\n`);
  csv.end();
  return sum.report(threshold);
}

test("the usage panel's question, about one org (its 15-character id)", () => {
  const q = orgUsageQuestion('033000000000001AAA', '00D000000000001AAA', new Date('2026-12-05T00:00:00Z'));
  assert.deepEqual(q, {
    dataType: 'PackageUsageSummary',
    packageId: '033000000000001AAA',
    start: '2026-01',
    end: '2026-12',
    orgIds: ['00D000000000001'],
  });
});

test("an org's users per month, its objects, and at risk by the panel's rule and threshold", () => {
  const org = '00D000000000001';
  const rows: string[][] = [];
  const users = [4, 4, 4, 1, 1, 1];
  users.forEach((n, m) => {
    for (let u = 0; u < n; u++)
      rows.push([`2026-0${m + 1}`, org, `user${u}`, '5', 'ns__Invoice__c', 'CustomObject']);
  });
  rows.push(['2026-06', org, 'user0', '1', 'ns__Page', 'VisualforcePage']);
  const r = report(rows);
  const usage = orgPackageUsage(r, `${org}AAA`, 0.5);
  assert.deepEqual(
    usage.months.map((m) => m.users),
    users,
  );
  assert.equal(usage.months[0]!.month, '2026-01');
  assert.deepEqual(usage.objects, [{ name: 'ns__Invoice__c', type: 'CustomObject', events: 75 }]);
  assert.equal(usage.decline, 0.75);
  assert.equal(usage.atRisk, true);
  assert.equal(orgPackageUsage(r, org, 0.8).atRisk, false, 'the threshold is the setting’s');
  // Another org's report: nothing of this org.
  const other = orgPackageUsage(r, '00D000000000002', 0.5);
  assert.deepEqual(
    other.months.map((m) => m.users),
    [0, 0, 0, 0, 0, 0],
  );
  assert.deepEqual(other.objects, []);
  assert.equal(other.atRisk, false);
});
