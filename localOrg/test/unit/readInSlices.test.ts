// A big table's first read does not hold the org: a query that needs it reads it in slices, and
// requests on other objects are answered between them; the table's rows are the same whichever way
// they are read, a read whole meanwhile or a compaction overtakes the sliced read, and damage fails
// it loudly, again on the next use.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { openDatabase } from '../../data';
import { compactedLicenses, ORG, tempDirs } from './compactedStore';

const LICENSES = 3500; // 4 snapshot lines: 4 slices when a slice is one line
const tempDir = tempDirs('slices');

/** A compacted store of Licenses and two Accounts; returns the snapshot's path. */
const compacted = (dir: string): Promise<string> =>
  compactedLicenses(dir, { licenses: LICENSES, packageName: 'Slices', accounts: ['Acme', 'Globex'] });

/** A pause between slices that the test releases: the read waits there until then. */
function gate(): {
  pause: () => Promise<void>;
  paused: Promise<void>;
  release: () => void;
  count: () => number;
} {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let reached!: () => void;
  const paused = new Promise<void>((r) => (reached = r));
  let n = 0;
  return {
    pause: () => {
      n++;
      reached();
      return held;
    },
    paused,
    release,
    count: () => n,
  };
}

const SUM = (LICENSES * (LICENSES + 1)) / 2;

test('while a query reads a big table in slices, a query on another object is answered first', async () => {
  const dir = tempDir();
  await compacted(dir);
  const g = gate();
  const db = await openDatabase({ dir, readSlices: { ms: 0, pause: g.pause } });
  const org = db.org(ORG, { kind: 'lmo' });
  const licenses = db.store.table(ORG, 'sfLma__License__c');
  assert.equal(licenses.deferred, true);
  const answered: string[] = [];
  const sum = org.queryAsync('SELECT SUM(sfLma__Seats__c) s FROM sfLma__License__c').then((r) => {
    answered.push('licenses');
    return r.records[0]!.s;
  });
  const accounts = await org.queryAsync('SELECT Name FROM Account ORDER BY Name');
  answered.push('accounts');
  assert.deepEqual(
    accounts.records.map((r) => r.Name),
    ['Acme', 'Globex'],
  );
  assert.deepEqual(answered, ['accounts'], 'the Accounts are answered while the Licenses are read');
  await g.paused;
  assert.equal(licenses.deferred, true, 'the Licenses are still being read');
  g.release();
  assert.equal(await sum, SUM);
  assert.deepEqual(answered, ['accounts', 'licenses']);
  assert.equal(g.count(), 3, 'a pause between each two of its 4 lines');
  db.close();
});

/** A store whose Licenses' seats a query sums by a sliced read, held at its first pause. */
async function heldSum() {
  const dir = tempDir();
  await compacted(dir);
  const g = gate();
  const db = await openDatabase({ dir, readSlices: { ms: 0, pause: g.pause } });
  const org = db.org(ORG, { kind: 'lmo' });
  const sum = org.queryAsync('SELECT SUM(sfLma__Seats__c) s FROM sfLma__License__c');
  await g.paused;
  return { dir, g, db, org, sum };
}

test('a read whole while the sliced read waits overtakes it, and a write made meanwhile is kept', async () => {
  const { g, db, org, sum } = await heldSum();
  const first = org.query('SELECT Id, sfLma__Seats__c FROM sfLma__License__c ORDER BY Id LIMIT 1')
    .records[0]!;
  await org.update('sfLma__License__c', String(first.Id), { sfLma__Seats__c: 10_001 });
  g.release();
  assert.equal((await sum).records[0]!.s, SUM - Number(first.sfLma__Seats__c) + 10_001);
  assert.equal(org.query('SELECT COUNT() FROM sfLma__License__c').totalSize, LICENSES);
  db.close();
});

test('a compaction while the sliced read waits moves it to the new snapshot; nothing is lost', async () => {
  const { dir, g, db, org, sum } = await heldSum();
  await org.create('Account', { Name: 'Initech' });
  db.compact(); // closes the snapshot the read was reading
  g.release();
  assert.equal((await sum).records[0]!.s, SUM);
  db.close();
  const again = (await openDatabase({ dir })).org(ORG, { kind: 'lmo' });
  assert.equal(again.query('SELECT COUNT() FROM sfLma__License__c').totalSize, LICENSES);
  assert.equal(again.query('SELECT COUNT() FROM Account').totalSize, 3);
});

test('damage met by the sliced read fails the query loudly, and again on the next', async () => {
  const dir = tempDir();
  const snapshot = await compacted(dir);
  const db = await openDatabase({ dir, readSlices: { ms: 0 } });
  const org = db.org(ORG, { kind: 'lmo' });
  const text = fs.readFileSync(snapshot);
  const at = text.indexOf('"Active"', text.lastIndexOf(10, text.length - 2));
  assert.ok(at > 0);
  text[at + 1] = 'X'.charCodeAt(0);
  fs.writeFileSync(snapshot, text);
  const lineStart = text.lastIndexOf(10, at) + 1;
  for (let i = 0; i < 2; i++)
    await assert.rejects(org.queryAsync('SELECT COUNT() FROM sfLma__License__c'), (e: Error) =>
      e.message.startsWith(`${snapshot} is damaged at byte offset ${lineStart}`),
    );
  assert.equal(db.store.table(ORG, 'sfLma__License__c').deferred, true);
  db.close();
});
