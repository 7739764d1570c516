// A seed's bulk write goes straight into a new snapshot (its rows encoded once, not for the journal
// and again for the compaction its growth causes), all or nothing; and compaction copies a table
// that has not changed since it was written or read instead of encoding its rows again.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { openStore } from '../../data/store/store';
import { openDatabase } from '../../data';
import type { PutOp } from '../../data/store/codec';

const ORG = '00D000000000009EAA';
const dirs: string[] = [];
const tempDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lma-bulk-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const id = (prefix: string, n: number): string => `${prefix}${String(n).padStart(12, '0')}AAA`;
const rows = (sobject: string, prefix: string, from: number, n: number): PutOp[] =>
  Array.from({ length: n }, (_, i) => [
    'p',
    ORG,
    sobject,
    { Id: id(prefix, from + i), Name: `Row ${from + i}`, IsDeleted: false },
  ]);
const journalBytes = (dir: string): number =>
  fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('journal-'))
    .reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);

test('a bulk write of many rows lands in a new snapshot, not in the journal, and reads back whole', async () => {
  const dir = tempDir();
  const store = await openStore({ dir, bulkSnapshotRows: 100 });
  store.write(rows('Account', '001', 1, 3));
  assert.ok(journalBytes(dir) > 0, 'a single write is journalled');
  store.writeBulk(rows('Account', '001', 4, 500));
  assert.equal(journalBytes(dir), 0, 'the bulk write and the journal before it are in the snapshot');
  assert.equal(store.table(ORG, 'Account').get(id('001', 250))?.Name, 'Row 250', 'in memory at once');
  store.writeBulk(rows('Account', '001', 1, 2)); // below the threshold: journalled
  assert.ok(journalBytes(dir) > 0);
  store.close();
  const reopened = await openStore({ dir });
  const accounts = reopened.table(ORG, 'Account');
  assert.equal(accounts.size, 503);
  assert.equal(accounts.get(id('001', 503))?.Name, 'Row 503');
  reopened.close();
});

test('a bulk write whose snapshot cannot be written is not kept, and the store goes on', async () => {
  const dir = tempDir();
  const store = await openStore({ dir, bulkSnapshotRows: 100 });
  store.write(rows('Account', '001', 1, 1));
  // The snapshot's temporary file can't be created: a directory holds its name.
  fs.mkdirSync(path.join(dir, 'snapshot.jsonl.tmp'));
  assert.throws(() => store.writeBulk(rows('Contact', '003', 1, 200)), /EISDIR|illegal operation/);
  assert.equal(store.table(ORG, 'Contact').get(id('003', 5)), undefined, 'nothing of it in memory');
  fs.rmdirSync(path.join(dir, 'snapshot.jsonl.tmp'));
  store.write(rows('Account', '001', 2, 1));
  store.close();
  const reopened = await openStore({ dir });
  assert.equal(reopened.table(ORG, 'Contact').size, 0, 'nothing of it on disk');
  assert.equal(reopened.table(ORG, 'Account').size, 2, 'the writes around it are');
  reopened.close();
});

test('compaction copies a table unchanged since it was written or read, and encodes it again once changed', async () => {
  const dir = tempDir();
  const store = await openStore({ dir, bulkSnapshotRows: 100 });
  store.writeBulk(rows('Lead', '00Q', 1, 300));
  const leads = store.table(ORG, 'Lead');
  assert.equal(leads.deferred, false, 'written in this process: in memory');
  // Encoding the table would read its rows: make that fail, so only a copy passes.
  const unread = (): never => assert.fail('compaction read the rows of an unchanged table');
  Object.defineProperty(leads, 'list', { value: unread, configurable: true });
  store.write(rows('Account', '001', 1, 1));
  store.compact();
  store.writeBulk(rows('Contact', '003', 1, 150));
  delete (leads as { list?: unknown }).list; // the prototype's method again
  store.write([['p', ORG, 'Lead', { Id: id('00Q', 7), Name: 'Changed', IsDeleted: false }]]);
  store.compact(); // changed: encoded again
  store.close();

  // Read after a start: unchanged, it is copied too.
  const again = await openStore({ dir });
  const read = again.table(ORG, 'Lead');
  assert.equal(read.get(id('00Q', 7))?.Name, 'Changed');
  Object.defineProperty(read, 'list', { value: unread, configurable: true });
  again.compact();
  again.close();
  const last = await openStore({ dir });
  assert.equal(last.table(ORG, 'Lead').size, 300);
  assert.equal(last.table(ORG, 'Lead').get(id('00Q', 7))?.Name, 'Changed');
  assert.equal(last.table(ORG, 'Contact').size, 150);
  assert.equal(last.table(ORG, 'Account').size, 1);
  last.close();
});

test('a bulk write into an empty table holds its rows column by column at once, as a start reads them', async () => {
  const dir = tempDir();
  const store = await openStore({ dir, bulkSnapshotRows: 100 });
  const bulk = rows('Lead', '00Q', 1, 300);
  // Rows of two shapes (a field on some rows only), and an id written twice (the last row wins).
  for (let i = 0; i < bulk.length; i += 3) bulk[i]![3].Email = `lead${i}@example.com`;
  bulk.push(['p', ORG, 'Lead', { Id: id('00Q', 5), Name: 'Again', IsDeleted: false }]);
  store.writeBulk(bulk);
  const leads = store.table(ORG, 'Lead');
  assert.equal(leads.columnar, true, 'held in columns, not as the row objects written');
  assert.equal(leads.size, 300);
  assert.equal(leads.get(id('00Q', 5))?.Name, 'Again');
  const entries = (t: typeof leads): string =>
    JSON.stringify([...t.list()].map((row) => Object.entries(row)));
  const before = entries(leads);
  store.close();
  const reopened = await openStore({ dir });
  assert.equal(entries(reopened.table(ORG, 'Lead')), before, 'the same rows a start reads, in order');
  reopened.close();

  // Written over and added to afterwards, as any table read from the snapshot.
  const again = await openStore({ dir: tempDir(), bulkSnapshotRows: 100 });
  again.writeBulk(rows('Lead', '00Q', 1, 300));
  again.write([['p', ORG, 'Lead', { Id: id('00Q', 7), Name: 'Changed', IsDeleted: false }]]);
  again.writeBulk(rows('Lead', '00Q', 301, 200)); // not empty now: added beside the columns
  const table = again.table(ORG, 'Lead');
  assert.equal(table.get(id('00Q', 7))?.Name, 'Changed');
  assert.equal(table.get(id('00Q', 8))?.Name, 'Row 8');
  assert.equal(table.get(id('00Q', 450))?.Name, 'Row 450');
  assert.equal(table.size, 500);
  again.close();
});

test('a bulk write made a batch at a time asks for at most a line of rows at once, and a throw keeps none', async () => {
  const dir = tempDir();
  const store = await openStore({ dir, bulkSnapshotRows: 100 });
  store.write(rows('Account', '001', 1, 1));
  const made = rows('Lead', '00Q', 1, 2500).map((op) => op[3]);
  const asked: number[] = [];
  let at = 0;
  store.writeBulkBatches(ORG, 'Lead', made.length, (batch, max) => {
    asked.push(max);
    for (const end = at + max; at < end; at++) batch.push(made[at]!);
  });
  assert.deepEqual(asked, [1000, 1000, 500], 'a line of rows at a time');
  const leads = store.table(ORG, 'Lead');
  assert.equal(leads.columnar, true);
  assert.equal(leads.size, 2500);
  assert.equal(journalBytes(dir), 0, 'in the snapshot');

  // A throw while the rows are made (a row failing its checks): none of them is kept.
  let batches = 0;
  assert.throws(
    () =>
      store.writeBulkBatches(ORG, 'Contact', 2500, (batch, max) => {
        if (++batches === 3) throw new Error('row 2001 is bad');
        batch.push(...rows('Contact', '003', batches * 1000, max).map((op) => op[3]));
      }),
    /row 2001 is bad/,
  );
  assert.equal(store.table(ORG, 'Contact').size, 0, 'nothing of it in memory');
  // Fewer rows than promised is refused too, before anything is kept.
  assert.throws(
    () => store.writeBulkBatches(ORG, 'Contact', 2500, (batch) => void batch.push(made[0]!)),
    /a bulk write of 2500 rows was given 1 or more/,
  );
  store.write(rows('Account', '001', 2, 1));
  store.close();
  const reopened = await openStore({ dir });
  assert.equal(reopened.table(ORG, 'Contact').size, 0, 'nothing of it on disk');
  assert.equal(reopened.table(ORG, 'Lead').size, 2500);
  assert.equal(reopened.table(ORG, 'Account').size, 2, 'the writes around it are');
  reopened.close();
});

test("a seed's bulk insert with a row that fails its checks past the first batches keeps none of its rows", async () => {
  const dir = tempDir();
  const db = await openDatabase({ dir });
  const org = db.org(ORG, { kind: 'lmo' });
  const pkg = await org.create('sfLma__Package__c', { Name: 'Big' });
  const licenses = Array.from({ length: 12_000 }, (_, i) => ({
    sfLma__Status__c: 'Active',
    sfLma__Seats__c: i + 1,
    sfLma__Package__c: pkg.id,
  }));
  // No such Package (its prefix is right, the record isn't there).
  licenses[11_500]!.sfLma__Package__c = `${pkg.id.slice(0, 9)}zzzzzz`;
  for (const trusted of [true, false])
    await assert.rejects(
      org.bulkInsert('sfLma__License__c', licenses, { trusted }),
      /INVALID_CROSS_REFERENCE_KEY|invalid cross reference/,
    );
  assert.equal(org.query('SELECT COUNT() FROM sfLma__License__c').totalSize, 0, 'none in memory');
  licenses[11_500]!.sfLma__Package__c = pkg.id;
  assert.equal((await org.bulkInsert('sfLma__License__c', licenses, { trusted: true })).length, 12_000);
  db.close();
  const again = (await openDatabase({ dir })).org(ORG, { kind: 'lmo' });
  assert.equal(again.query('SELECT COUNT() FROM sfLma__License__c').totalSize, 12_000, 'all of the second');
});
