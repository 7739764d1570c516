import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { openDatabase } from '../../data';

const ORG = '00D000000000009EAA';
const dirs: string[] = [];
const tempDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lma-store-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const journalFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('journal-'))
    .sort();

test('acknowledged writes survive a reopen', async () => {
  const dir = tempDir();
  const db = await openDatabase({ dir });
  const org = db.org(ORG, { kind: 'lmo' });
  const pkg = await org.create('sfLma__Package__c', { Name: 'Durable' });
  const lic = await org.create('sfLma__License__c', {
    sfLma__Status__c: 'Active',
    sfLma__Seats__c: 3,
    sfLma__Package__c: pkg.id,
  });
  await org.update('sfLma__License__c', lic.id, { sfLma__Seats__c: 4 });
  // No close(): a kill leaves the files as they are.
  const db2 = await openDatabase({ dir });
  const org2 = db2.org(ORG, { kind: 'lmo' });
  const rec = org2.retrieve('sfLma__License__c', lic.id);
  assert.equal(rec.sfLma__Seats__c, 4);
  assert.equal(rec.sfLma__License_Status__c, 'Active');
  assert.equal(
    org2.query("SELECT COUNT() FROM sfLma__License__History WHERE Field = 'sfLma__Seats__c'").totalSize,
    1,
  );
  // Ids keep being unique after a reopen.
  const next = await org2.create('sfLma__Package__c', { Name: 'After' });
  assert.notEqual(next.id, pkg.id);
  assert.equal(org2.query('SELECT COUNT() FROM sfLma__Package__c').totalSize, 2);
  assert.equal(org2.query('SELECT Name FROM sfLma__License__c').records[0]!.Name, 'L-00001');
});

test('a torn trailing line is ignored and truncated; earlier writes are intact', async () => {
  const dir = tempDir();
  const db = await openDatabase({ dir });
  const org = db.org(ORG, { kind: 'lmo' });
  for (let i = 0; i < 5; i++) await org.create('sfLma__Package__c', { Name: `P${i}` });
  const journal = path.join(dir, journalFiles(dir).at(-1)!);
  const good = fs.statSync(journal).size;
  // A crash mid-write: half a line, no newline.
  fs.appendFileSync(journal, '1234abcd [["p","00D000000000009EAA","sfLma__Package__c",{"Id":"a0P');
  const db2 = await openDatabase({ dir });
  const org2 = db2.org(ORG, { kind: 'lmo' });
  assert.equal(org2.query('SELECT COUNT() FROM sfLma__Package__c').totalSize, 5);
  assert.equal(fs.statSync(journal).size, good);
  await org2.create('sfLma__Package__c', { Name: 'P5' });
  const db3 = await openDatabase({ dir });
  assert.equal(db3.org(ORG, { kind: 'lmo' }).query('SELECT COUNT() FROM sfLma__Package__c').totalSize, 6);
});

test('a complete last line with a bad checksum is damage, not a torn write: the start refuses', async () => {
  const dir = tempDir();
  const db = await openDatabase({ dir });
  const org = db.org(ORG, { kind: 'lmo' });
  await org.create('sfLma__Package__c', { Name: 'Kept' });
  db.close();
  const journal = path.join(dir, journalFiles(dir).at(-1)!);
  const lines = fs.readFileSync(journal, 'utf8');
  const last = lines.trimEnd().split('\n').at(-1)!;
  fs.appendFileSync(journal, last.replace('Kept', 'Evil') + '\n');
  const size = fs.statSync(journal).size;
  await assert.rejects(openDatabase({ dir }), /is damaged at byte offset/);
  assert.equal(fs.statSync(journal).size, size, 'nothing trimmed');
});

test('compaction writes a snapshot, drops old journals, and keeps every row', async () => {
  const dir = tempDir();
  const db = await openDatabase({ dir, compactBytes: 20_000 });
  const org = db.org(ORG, { kind: 'lmo' });
  const pkg = await org.create('sfLma__Package__c', { Name: 'Big' });
  await org.bulkInsert(
    'sfLma__License__c',
    Array.from({ length: 300 }, (_, i) => ({
      sfLma__Status__c: 'Active',
      sfLma__Seats__c: i + 1,
      sfLma__Package__c: pkg.id,
    })),
  );
  assert.ok(fs.existsSync(path.join(dir, 'snapshot.jsonl')), 'snapshot written');
  const journals = journalFiles(dir);
  assert.equal(journals.length, 1);
  assert.notEqual(journals[0], 'journal-00000000.jsonl');
  await org.update('sfLma__Package__c', pkg.id, { Name: 'Bigger' });
  const org2 = (await openDatabase({ dir })).org(ORG, { kind: 'lmo' });
  assert.equal(org2.query('SELECT COUNT() FROM sfLma__License__c').totalSize, 300);
  assert.equal(
    org2.query('SELECT SUM(sfLma__Seats__c) s FROM sfLma__License__c').records[0]!.s,
    (300 * 301) / 2,
  );
  assert.equal(org2.retrieve('sfLma__Package__c', pkg.id).Name, 'Bigger');
  // A leftover temp snapshot from a crash mid-compaction is ignored.
  fs.writeFileSync(path.join(dir, 'snapshot.jsonl.tmp'), 'garbage');
  const org3 = (await openDatabase({ dir })).org(ORG, { kind: 'lmo' });
  assert.equal(org3.query('SELECT COUNT() FROM sfLma__License__c').totalSize, 300);
});

test('explicit compact then more writes then reopen', async () => {
  const dir = tempDir();
  const db = await openDatabase({ dir });
  const org = db.org(ORG, { kind: 'lmo' });
  await org.create('Account', { Name: 'A' });
  db.compact();
  await org.create('Account', { Name: 'B' });
  db.close();
  const org2 = (await openDatabase({ dir })).org(ORG, { kind: 'lmo' });
  assert.deepEqual(
    org2.query('SELECT Name FROM Account ORDER BY Name').records.map((r) => r.Name),
    ['A', 'B'],
  );
});

test('many orgs in one store are isolated', async () => {
  const db = await openDatabase({});
  const a = db.org('00D00000000000A', { kind: 'lmo' });
  const b = db.org('00D00000000000B', { kind: 'subscriber' });
  await a.create('Account', { Name: 'In A' });
  await b.create('Account', { Name: 'In B' });
  assert.deepEqual(
    a.query('SELECT Name FROM Account').records.map((r) => r.Name),
    ['In A'],
  );
  assert.deepEqual(
    b.query('SELECT Name FROM Account').records.map((r) => r.Name),
    ['In B'],
  );
  assert.throws(() => b.query('SELECT Id FROM sfLma__License__c'), /not supported/);
  assert.equal(b.query('SELECT COUNT() FROM Organization').totalSize, 1);
});

test('SIGKILL at any moment loses no acknowledged write (with compactions running)', async () => {
  const { spawn } = await import('node:child_process');
  const dir = tempDir();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'killWriter.ts'), dir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let acked = -1;
  let buffer = '';
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const l of lines) acked = Number(l.slice(4));
      if (acked >= 300) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await new Promise((r) => child.on('exit', r));
  const org = (await openDatabase({ dir })).org(ORG, { kind: 'lmo' });
  const names = new Set(org.query('SELECT Name FROM Account').records.map((r) => r.Name));
  for (let i = 0; i <= acked; i++) assert.ok(names.has(`A${i}`), `acknowledged write A${i} lost`);
  assert.ok(fs.existsSync(path.join(dir, 'snapshot.jsonl')), 'compaction ran during the test');
});
