// A table read from the snapshot is held column by column (data/store/columns.ts), its rows read-only
// views of the columns. Each must read exactly as the row object that was written: the same fields
// in the same order, the same values (nulls, numbers, booleans, objects, text of any script, ids
// minted here and ids from elsewhere), found by 15- and 18-character id, in the same order, and a
// row written again in a later line of the snapshot wins in its first place, as in a Map.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import { openStore } from '../../data/store/store';
import { decodeChunks } from '../../data/store/codec';
import type { PutOp } from '../../data/store/codec';
import { readLines } from '../../data/store/journal';
import { mintId } from '../../data/ids';
import type { Row } from '../../data/schema/types';
import { ORG, tempDirs } from './compactedStore';

const tempDir = tempDirs('columns');

/** 20,000 rows of many kinds of values: enough that each column kind is chosen (dictionary, ids, text, anything). */
function rowsOfEveryKind(): Row[] {
  const rows: Row[] = [];
  for (let i = 1; i <= 20_000; i++) {
    const row: Row = {
      Id: mintId('a0L', 1000 + i),
      IsDeleted: i % 97 === 0,
      Status: ['Active', 'Trial', 'Suspended', 'Uninstalled'][i % 4],
      Seats: i % 5 === 0 ? null : i % 11,
      Lead: mintId('00Q', 500_000 + i),
      Account: i % 3 === 0 ? null : i % 7 === 0 ? '001000000000001' : mintId('001', 900_000 + (i % 6000)),
      OrgId: `00D${String(i).padStart(12, 'x')}`,
      Name:
        i % 13 === 0
          ? `Société Générale ${i} — 株式会社`
          : i === 4242
            ? 'half a pair \ud800'
            : `Customer ${i}`,
      Empty: i % 17 === 0 ? '' : `e${i}`,
      Score: i % 19 === 0 ? i / 7 : i,
      Unique: i % 23 === 0 ? { nested: i } : `u-${i}`,
      Mixed: i % 2 === 0 ? i : `m${i}`,
    };
    if (i % 10 === 0) delete row.Empty; // rows of another shape
    if (i % 31 === 0) row.Extra = `only some ${i}`;
    rows.push(row);
  }
  return rows;
}

const put = (row: Row): PutOp => ['p', ORG, 'Thing', row];

/** The table's rows as the snapshot's lines decode to objects, in a Map by 15-character id (as tables held them before). */
function decodedRows(dir: string): Row[] {
  const rows = new Map<string, Row>();
  readLines(path.join(dir, 'snapshot.jsonl'), (value) => {
    if (Array.isArray(value))
      decodeChunks(value, (_o, t, row) => t === 'Thing' && rows.set(String(row.Id).slice(0, 15), row));
  });
  return [...rows.values()];
}

test('rows read from the snapshot column by column read exactly as the rows written', async () => {
  const dir = tempDir();
  const rows = rowsOfEveryKind();
  const store = await openStore({ dir, bulkSnapshotRows: 100 });
  store.writeBulk(rows.map(put));
  store.close();
  // Written again while the table is unread: a compaction copies its lines and then the row again.
  const again: Row = { ...rows[41]!, Status: 'Written again', Seats: 999 };
  delete again.Unique;
  const writer = await openStore({ dir });
  writer.write([put(again)]);
  assert.equal(writer.table(ORG, 'Thing').deferred, true);
  writer.compact();
  writer.close();
  const expected = decodedRows(dir);
  assert.equal(
    expected[41]!.Status,
    'Written again',
    'the snapshot holds the row twice, the later line wins',
  );

  const reopened = await openStore({ dir });
  const table = reopened.table(ORG, 'Thing');
  assert.equal(table.deferred, true);
  const read = table.list();
  assert.equal(table.columnar, true, 'read column by column');
  assert.equal(read.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i]!;
    const got = read[i]!;
    assert.deepStrictEqual({ ...got }, want, `row ${i}`);
    assert.deepStrictEqual(Object.keys(got), Object.keys(want), `row ${i}'s field order`);
    assert.equal(JSON.stringify(got), JSON.stringify(want));
    assert.equal('Extra' in got, 'Extra' in want);
    assert.equal(got.Extra, want.Extra);
  }
  const some = expected[12_345]!;
  const id18 = String(some.Id);
  assert.equal(table.get(id18), read[12_345], 'found by its 18-character id, the same object each time');
  assert.equal(table.get(id18.slice(0, 15)), read[12_345], 'and by its 15-character id');
  assert.equal(table.get(mintId('a0L', 999_999)), undefined);
  assert.equal(table.get(String(again.Id))?.Status, 'Written again');
  assert.equal(table.size, 20_000);
  reopened.close();
});

test('a row read from the snapshot cannot be changed in place; writing it anew replaces it', async () => {
  const dir = tempDir();
  const store = await openStore({ dir, bulkSnapshotRows: 100 });
  store.writeBulk(rowsOfEveryKind().slice(0, 500).map(put));
  store.close();
  const reopened = await openStore({ dir, indexes: () => [{ field: 'Status', idLike: false }] });
  const table = reopened.table(ORG, 'Thing');
  const row = table.list()[7]!;
  assert.throws(() => {
    row.Status = 'Changed';
  }, /read-only/);
  assert.throws(() => delete row.Status, /read-only/);
  assert.equal(row.Status, 'Active');
  reopened.write([put({ ...row, Status: 'Changed' })]);
  assert.equal(row.Status, 'Active', 'a row read before a write keeps its values');
  assert.equal(table.get(String(row.Id))?.Status, 'Changed');
  assert.equal(table.list()[7]!.Status, 'Changed', 'the written row takes its place');
  assert.equal(table.list().length, 500);
  assert.deepStrictEqual(
    [...(table.lookup('Status', 'Changed') ?? [])].map((r) => r.Id),
    [row.Id],
    'indexes see the write',
  );
  reopened.close();
});
