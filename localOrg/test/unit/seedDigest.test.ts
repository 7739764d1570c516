// A seed of N stores exactly the same records whatever way its writes take to the store: a digest of
// every row of every table of every org (keys in order, the clock frozen, ids from a fixed start),
// checked against the value the seed gave before its bulk writes were made cheaper (issue 25, commit
// 0d0c9ae). 12,000 Licenses: the Leads, Licenses and PackageSubscribers (10,000 rows or more) take the
// bulk path into the snapshot, the Accounts and Contacts (3,000) the journal. A different digest means
// the seed now stores different records: find the table with the per-table digests printed on failure.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, mock, test } from 'node:test';
import { startLocalOrg } from '../../index';
import { openStore } from '../../data/store/store';
import type { Row } from '../../data/schema/types';

const dirs: string[] = [];
afterEach(() => {
  mock.timers.reset();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Each table's digest (rows by Id, each as its entries in order), by `<org n> sObject`, sorted. */
async function seedDigests(licenses: number): Promise<Array<[string, number, string]>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lma-seed-digest-'));
  dirs.push(dir);
  mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-03-02T10:11:12.345Z') });
  // A new world's ids start at a random counter (world.ts): a fixed start.
  const randomInt = mock.method(crypto, 'randomInt', () => 12_345);
  try {
    const org = await startLocalOrg({
      dataDir: dir,
      seed: licenses,
      seedShape: { irregular: true, versionsPerPackage: 7 },
    });
    await org.close();
  } finally {
    mock.timers.reset();
    randomInt.mock.restore();
  }
  // Read back from disk: what a restart serves.
  const store = await openStore({ dir });
  const tag = /admin@lmo-([0-9a-f]{6})\./.exec(fs.readFileSync(path.join(dir, 'world.json'), 'utf8'))?.[1];
  assert.ok(tag, 'the world has a username tag');
  const out: Array<[string, number, string]> = [];
  store.orgIds().forEach((o, n) => {
    for (const [sobject, table] of store.tablesOf(o)) {
      const rows = [...table.list()].sort((a, b) => String(a.Id).localeCompare(String(b.Id)));
      const hash = crypto.createHash('sha256');
      for (const row of rows as Row[])
        hash.update(`${JSON.stringify(Object.entries(row)).replaceAll(tag, '<tag>')}\n`);
      out.push([`<org ${n}> ${sobject}`, rows.length, hash.digest('hex').slice(0, 16)]);
    }
  });
  store.close();
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

test('a seed of 12,000 Licenses stores the same records as before its writes were made cheaper', async () => {
  const tables = await seedDigests(12_000);
  const all = crypto.createHash('sha256').update(JSON.stringify(tables)).digest('hex').slice(0, 16);
  assert.ok(
    tables.some(([name, n]) => name.endsWith(' sfLma__License__c') && n === 12_000),
    'the Licenses are there',
  );
  assert.equal(
    all,
    '022cd8235d42a88e',
    `the seed's records changed; per table:\n${JSON.stringify(tables, null, 1)}`,
  );
});
