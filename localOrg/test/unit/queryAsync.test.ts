// A query that yields (OrgData.queryAsync, what the server runs) answers exactly as the same query run
// at once, and keeps the rows of its start when writes land between its slices; SOQL statements are
// bounded at 100,000 characters as on Salesforce.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { runQueryAsync } from '../../data/soql/query';
import { lmoFixture } from './fixture';

const QUERIES = [
  'SELECT Id, sfLma__Status__c FROM sfLma__License__c WHERE sfLma__Seats__c > 1 ORDER BY sfLma__Seats__c DESC',
  "SELECT Id FROM sfLma__License__c WHERE sfLma__Status__c != 'Active' ORDER BY Id LIMIT 2",
  "SELECT Id FROM sfLma__License__c WHERE sfLma__Status__c LIKE '%a%' ORDER BY Id DESC LIMIT 2 OFFSET 1",
  "SELECT COUNT() FROM sfLma__License__c WHERE sfLma__Status__c = 'Active'",
  'SELECT sfLma__Status__c, COUNT(Id) n FROM sfLma__License__c WHERE sfLma__Seats__c >= 0 GROUP BY sfLma__Status__c',
  'SELECT Id, (SELECT Id FROM sfLma__R00N30000001JvQxEAK__r) FROM sfLma__Package_Version__c WHERE Name != null',
  "SELECT Id FROM sfLma__License__c WHERE sfLma__Package_Version__r.sfLma__Package__r.Name = 'Alpha'",
  'SELECT Id FROM sfLma__License__c WHERE sfLma__Lead__c IN (SELECT Id FROM Lead WHERE LastName != null)',
  'SELECT Id FROM sfLma__License__c',
];

test('queryAsync answers as query does', async () => {
  const { org } = await lmoFixture();
  for (const soql of QUERIES) {
    const at = org.query(soql);
    const sliced = await org.queryAsync(soql);
    assert.deepEqual([sliced.totalSize, sliced.records], [at.totalSize, at.records], soql);
  }
});

test('a sliced query keeps the rows of its start when another request writes between slices', async () => {
  const { org } = await lmoFixture();
  await org.bulkInsert(
    'sfLma__License__c',
    Array.from({ length: 1000 }, (_, i) => ({ sfLma__Status__c: `Active ${i}`, sfLma__Seats__c: 1 })),
  );
  const before = org.query("SELECT Id FROM sfLma__License__c WHERE sfLma__Status__c != 'x'").totalSize;
  let wrote = false;
  const pause = async (): Promise<void> => {
    if (!wrote) {
      wrote = true;
      await org.create('sfLma__License__c', { sfLma__Status__c: 'Active', sfLma__Seats__c: 1 });
    }
    await nextTurn();
  };
  // A WHERE slow enough per row to be cut into slices.
  const slow = Array.from({ length: 200 }, (_, i) => `sfLma__Status__c LIKE '%q%q%q%${i}'`).join(' OR ');
  const r = await runQueryAsync(
    (org as unknown as { source(): Parameters<typeof runQueryAsync>[0] }).source(),
    `SELECT Id FROM sfLma__License__c WHERE ${slow} OR sfLma__Status__c != 'x'`,
    {},
    pause,
  );
  assert.ok(wrote, 'the query paused between slices');
  assert.equal(r.totalSize, before);
  assert.equal(org.query('SELECT COUNT() FROM sfLma__License__c').totalSize, before + 1);
});

test('a SOQL statement over 100,000 characters is refused with MALFORMED_QUERY', async () => {
  const { org } = await lmoFixture();
  const soql = `SELECT Id FROM sfLma__License__c WHERE Name IN (${Array.from({ length: 9500 }, (_, i) => `'L-${String(i).padStart(6, '0')}'`).join(',')})`;
  assert.ok(soql.length > 100_000);
  assert.throws(
    () => org.query(soql),
    (e: { errorCode?: string }) => e.errorCode === 'MALFORMED_QUERY',
  );
  await assert.rejects(
    org.queryAsync(soql),
    (e: { errorCode?: string }) => e.errorCode === 'MALFORMED_QUERY',
  );
  const fits = `SELECT Id FROM sfLma__License__c WHERE Name IN (${Array.from({ length: 8000 }, (_, i) => `'L-${String(i).padStart(6, '0')}'`).join(',')})`;
  assert.ok(fits.length <= 100_000);
  assert.equal(org.query(fits).totalSize, 0);
});
