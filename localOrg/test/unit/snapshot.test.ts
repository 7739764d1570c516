// The snapshot as users meet it: a snapshot cut short (even at a line boundary) or damaged stops the
// start loudly; a table is read from it only when first used, and stays right across journals and
// compactions meanwhile; a snapshot of the older format is read once and rewritten in the new one.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../data';
import { compactedLicenses, ORG, tempDirs } from './compactedStore';
import { encodeOps } from '../../data/store/codec';
import type { PutOp } from '../../data/store/codec';
import { encodeLine } from '../../data/store/journal';

const tempDir = tempDirs('snapshot');

/** A compacted store of `n` Licenses (several snapshot lines) and one Package. */
const compacted = (dir: string, n = 2500): Promise<string> =>
  compactedLicenses(dir, { licenses: n, packageName: 'Snap' });

const licenseCount = async (dir: string): Promise<number> =>
  (await openDatabase({ dir })).org(ORG, { kind: 'lmo' }).query('SELECT COUNT() FROM sfLma__License__c')
    .totalSize;

test('a snapshot cut at a line boundary stops the start, naming the file and where it ends', async () => {
  const dir = tempDir();
  const snapshot = await compacted(dir);
  assert.equal(await licenseCount(dir), 2500);
  const text = fs.readFileSync(snapshot);
  for (const cut of [text.lastIndexOf(10, text.length - 2) + 1, text.indexOf(10) + 1]) {
    fs.writeFileSync(snapshot, text.subarray(0, cut));
    await assert.rejects(openDatabase({ dir }), (e: Error) => {
      assert.match(
        e.message,
        new RegExp(`^${snapshot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is (cut short|damaged)`),
      );
      return true;
    });
  }
  fs.writeFileSync(snapshot, text);
  assert.equal(await licenseCount(dir), 2500, 'the whole file opens again');
});

test('a snapshot cut mid-line stops the start (a snapshot is never torn by a crash)', async () => {
  const dir = tempDir();
  const snapshot = await compacted(dir);
  const text = fs.readFileSync(snapshot);
  const cut = text.length - 100;
  fs.writeFileSync(snapshot, text.subarray(0, cut));
  await assert.rejects(openDatabase({ dir }), (e: Error) =>
    e.message.startsWith(`${snapshot} is damaged at byte offset ${text.lastIndexOf(10, cut) + 1}`),
  );
  assert.equal(fs.statSync(snapshot).size, cut, 'nothing trimmed');
});

test('a table is read on first use: ids minted before never repeat, and writes made meanwhile survive compactions', async () => {
  const dir = tempDir();
  await compacted(dir);
  const db = await openDatabase({ dir });
  const licenses = db.store.table(ORG, 'sfLma__License__c');
  assert.equal(licenses.deferred, true, 'not read at start');
  const org = db.org(ORG, { kind: 'lmo' });
  const account = await org.create('Account', { Name: 'After' });
  assert.equal(licenses.deferred, true, 'still not read');
  assert.equal(licenses.pendingRows().length, 0);
  db.close();
  assert.throws(
    () => licenses.load(),
    /store is closed/,
    'never read through a closed (reusable) descriptor',
  );
  const db2 = await openDatabase({ dir });
  const some = db2.store.table(ORG, 'sfLma__License__c');
  assert.equal(some.deferred, true);
  const anId = String(some.list()[7]!.Id);
  const row = some.get(anId)!;
  db2.store.write([['p', ORG, 'sfLma__License__c', { ...row, sfLma__Seats__c: 9999 }]]);
  db2.close();
  // Reopened: the table is unread, the journal's write waits for it; compact copies both.
  const db3 = await openDatabase({ dir });
  const t3 = db3.store.table(ORG, 'sfLma__License__c');
  assert.equal(t3.deferred, true);
  assert.equal(t3.pendingRows().length, 1, "the journal's write waits for the table");
  db3.compact();
  assert.equal(t3.deferred, true, 'compaction copies the unread table without reading it');
  await db3.org(ORG, { kind: 'lmo' }).create('Account', { Name: 'Later' });
  db3.close();
  const org4 = (await openDatabase({ dir })).org(ORG, { kind: 'lmo' });
  assert.equal(org4.query('SELECT COUNT() FROM sfLma__License__c').totalSize, 2500);
  assert.equal(org4.retrieve('sfLma__License__c', row.Id as string).sfLma__Seats__c, 9999);
  assert.equal(
    org4.query('SELECT SUM(sfLma__Seats__c) s FROM sfLma__License__c').records[0]!.s,
    (2500 * 2501) / 2 - 8 + 9999,
  );
  assert.deepEqual(
    org4.query('SELECT Name FROM Account ORDER BY Name').records.map((r) => r.Name),
    ['After', 'Later'],
  );
  // Ids minted after a start never repeat one of a table not read yet.
  const ids = new Set([
    account.id.slice(0, 15),
    ...org4.query('SELECT Id FROM sfLma__License__c').records.map((r) => String(r.Id).slice(0, 15)),
  ]);
  const created = await org4.create('sfLma__License__c', { sfLma__Status__c: 'Trial' });
  assert.ok(!ids.has(created.id.slice(0, 15)));
});

test("damage to a table's lines found when it is first read fails that read loudly, and again on the next", async () => {
  const dir = tempDir();
  const snapshot = await compacted(dir);
  const db = await openDatabase({ dir });
  const org = db.org(ORG, { kind: 'lmo' });
  // The file changes under the running org (a disk fault, another program): checked again on reading.
  const text = fs.readFileSync(snapshot);
  const at = text.indexOf('"Active"', text.lastIndexOf(10, text.length - 2));
  assert.ok(at > 0);
  text[at + 1] = 'X'.charCodeAt(0);
  fs.writeFileSync(snapshot, text);
  const lineStart = text.lastIndexOf(10, at) + 1;
  for (let i = 0; i < 2; i++)
    assert.throws(
      () => org.query('SELECT COUNT() FROM sfLma__License__c'),
      (e: Error) => e.message.startsWith(`${snapshot} is damaged at byte offset ${lineStart}`),
    );
  db.close();
});

test('a snapshot of the older format is read once and rewritten in the current one, nothing lost', async () => {
  const dir = tempDir();
  // The older format: a {gen} header, then lines of rows of any table (as the previous version wrote).
  const rows = (n: number, from: number): PutOp[] =>
    Array.from({ length: n }, (_, i) => [
      'p',
      ORG,
      'Account',
      { Id: `00100000000${String(from + i).padStart(4, '0')}AAA`, Name: `A${from + i}`, IsDeleted: false },
    ]);
  fs.writeFileSync(
    path.join(dir, 'snapshot.jsonl'),
    encodeLine({ gen: 3 }) + encodeLine(encodeOps(rows(600, 0))) + encodeLine(encodeOps(rows(400, 600))),
  );
  fs.writeFileSync(path.join(dir, 'journal-00000003.jsonl'), encodeLine(encodeOps(rows(1, 1000))));
  const warnings: string[] = [];
  const org = (await openDatabase({ dir, warn: (m) => warnings.push(m) })).org(ORG, { kind: 'lmo' });
  assert.equal(org.query('SELECT COUNT() FROM Account').totalSize, 1001);
  assert.deepEqual(warnings, [
    `${path.join(dir, 'snapshot.jsonl')}: rewritten in the current snapshot format.`,
  ]);
  const header = JSON.parse(
    fs.readFileSync(path.join(dir, 'snapshot.jsonl'), 'utf8').split('\n')[0]!.slice(9),
  );
  assert.equal(header.v, 2);
  assert.equal(header.gen, 4);
  const again: string[] = [];
  const org2 = (await openDatabase({ dir, warn: (m) => again.push(m) })).org(ORG, { kind: 'lmo' });
  assert.equal(org2.query('SELECT COUNT() FROM Account').totalSize, 1001);
  assert.deepEqual(again, []);
});

test('a snapshot of a newer format is refused, saying which', async () => {
  const dir = tempDir();
  const snapshot = path.join(dir, 'snapshot.jsonl');
  fs.writeFileSync(snapshot, encodeLine({ v: 3, gen: 1, counter: 1, tables: 0 }));
  await assert.rejects(openDatabase({ dir }), (e: Error) =>
    e.message.startsWith(`${snapshot} is in snapshot format 3, which this version`),
  );
});
