// Damage to the durable store as users meet it: a flipped byte mid-journal stops the start with the
// file and the offset (and the documented truncate recovers what precedes it); a torn tail is trimmed
// with a message saying what was trimmed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { openDatabase } from '../../data';

const ORG = '00D000000000009EAA';
const dirs: string[] = [];
const tempDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lma-corrupt-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const journalOf = (dir: string): string =>
  path.join(
    dir,
    fs
      .readdirSync(dir)
      .filter((f) => f.startsWith('journal-'))
      .sort()
      .at(-1)!,
  );

async function writePackages(dir: string, n: number): Promise<void> {
  const db = await openDatabase({ dir });
  const org = db.org(ORG, { kind: 'lmo' });
  for (let i = 0; i < n; i++) await org.create('sfLma__Package__c', { Name: `P${i}` });
  db.close();
}

test('a flipped byte mid-journal stops the start, naming the file and the offset; truncating there recovers the rest', async () => {
  const dir = tempDir();
  await writePackages(dir, 20);
  const journal = journalOf(dir);
  const text = fs.readFileSync(journal);
  const tenth = text.indexOf('"P10"');
  const lineStart = text.lastIndexOf(10, tenth) + 1;
  text[tenth + 2] = '9'.charCodeAt(0); // P10 → P19 without fixing the checksum
  fs.writeFileSync(journal, text);
  const size = text.length;

  await assert.rejects(openDatabase({ dir }), (e: Error) => {
    assert.equal(
      e.message,
      `${journal} is damaged at byte offset ${lineStart} (of ${size}); the local org will not start, so that ` +
        `nothing after the damage is dropped silently. The ${lineStart} bytes before it are intact: to start ` +
        `with them alone, keep a copy of the file, then truncate it at that offset ` +
        `(truncate -s ${lineStart} '${journal}'); the records after the offset are then lost.`,
    );
    return true;
  });
  assert.equal(fs.statSync(journal).size, size, 'the damaged journal is left as it was');

  // The documented recovery.
  execFileSync('truncate', ['-s', String(lineStart), journal]);
  const warnings: string[] = [];
  const db = await openDatabase({ dir, warn: (m) => warnings.push(m) });
  const names = db
    .org(ORG, { kind: 'lmo' })
    .query('SELECT Name FROM sfLma__Package__c')
    .records.map((r) => r.Name);
  assert.deepEqual(
    names,
    Array.from({ length: 10 }, (_, i) => `P${i}`),
  );
  assert.deepEqual(warnings, []);
});

test('a torn tail is trimmed with a message saying how much and where', async () => {
  const dir = tempDir();
  await writePackages(dir, 3);
  const journal = journalOf(dir);
  const good = fs.statSync(journal).size;
  const torn = '1234abcd [{"o":"00D0000';
  fs.appendFileSync(journal, torn);
  const warnings: string[] = [];
  const db = await openDatabase({ dir, warn: (m) => warnings.push(m) });
  assert.equal(db.org(ORG, { kind: 'lmo' }).query('SELECT COUNT() FROM sfLma__Package__c').totalSize, 3);
  assert.deepEqual(warnings, [
    `${journal}: trimmed ${torn.length} bytes of an incomplete last write at offset ${good} (a crash before it was acknowledged).`,
  ]);
  assert.equal(fs.statSync(journal).size, good);
});

test('a damaged snapshot stops the start, naming the file and the offset', async () => {
  const dir = tempDir();
  const db = await openDatabase({ dir });
  const org = db.org(ORG, { kind: 'lmo' });
  await org.create('sfLma__Package__c', { Name: 'Snap' });
  db.compact();
  db.close();
  const snapshot = path.join(dir, 'snapshot.jsonl');
  const text = fs.readFileSync(snapshot);
  const at = text.indexOf('Snap');
  text[at] = 'X'.charCodeAt(0);
  fs.writeFileSync(snapshot, text);
  const lineStart = text.lastIndexOf(10, at) + 1;
  await assert.rejects(openDatabase({ dir }), (e: Error) =>
    e.message.startsWith(`${snapshot} is damaged at byte offset ${lineStart} (of ${text.length})`),
  );
});

/** The byte offset where the last complete line of `file` starts (the file ends with a newline). */
const lastLineStart = (text: Buffer): number => text.lastIndexOf(10, text.length - 2) + 1;

test('a damaged complete last line of the newest journal stops the start: only a line without its newline is torn', async () => {
  const dir = tempDir();
  await writePackages(dir, 5);
  const journal = journalOf(dir);
  const text = fs.readFileSync(journal);
  assert.equal(text.at(-1), 10);
  const start = lastLineStart(text);
  const at = text.indexOf('"P4"', start);
  text[at + 2] = '7'.charCodeAt(0); // P4 → P7 without fixing the checksum
  fs.writeFileSync(journal, text);
  const warnings: string[] = [];
  await assert.rejects(openDatabase({ dir, warn: (m) => warnings.push(m) }), (e: Error) =>
    e.message.startsWith(`${journal} is damaged at byte offset ${start} (of ${text.length})`),
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(fs.readFileSync(journal), text, 'nothing trimmed');
});

test('damage to the last line of an older journal (a newer one follows it) stops the start, and a torn tail there too', async () => {
  for (const damage of ['flip', 'tear'] as const) {
    const dir = tempDir();
    await writePackages(dir, 6);
    // Two journals, as a compaction that failed after switching to the next journal leaves them.
    const older = journalOf(dir);
    const text = fs.readFileSync(older);
    const split = text.indexOf(10, text.indexOf('"P2"')) + 1;
    const newer = older.replace(
      /journal-(\d+)/,
      (_, g: string) => `journal-${String(Number(g) + 1).padStart(8, '0')}`,
    );
    fs.writeFileSync(newer, text.subarray(split));
    const head = Buffer.from(text.subarray(0, split));
    if (damage === 'flip') head[head.indexOf('"P2"') + 2] = '8'.charCodeAt(0);
    const olderText = damage === 'flip' ? head : head.subarray(0, head.length - 5); // cut inside its last line
    fs.writeFileSync(older, olderText);
    const start = damage === 'flip' ? lastLineStart(olderText) : olderText.lastIndexOf(10) + 1;
    const warnings: string[] = [];
    await assert.rejects(openDatabase({ dir, warn: (m) => warnings.push(m) }), (e: Error) =>
      e.message.startsWith(`${older} is damaged at byte offset ${start} (of ${olderText.length})`),
    );
    assert.deepEqual(warnings, [], damage);
    assert.deepEqual(fs.readFileSync(older), olderText, `${damage}: nothing trimmed`);
    assert.deepEqual(fs.readFileSync(newer), text.subarray(split));
  }
});
