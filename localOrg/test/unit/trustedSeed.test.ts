// A seed writes its rows through the trusted bulk path (`bulkInsert(…, { trusted: true })`: what the
// checks decide per field name is decided once per shape of the rows). It must store exactly the
// records the checked path (every row through `prepareCreate`) stores: the same seed through both,
// at the same frozen clock, compared record by record in every table of every org.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRows } from './frozenSeed';

const seeded = (licenses: number, checked: boolean) =>
  seededRows(licenses, { irregular: true, versionsPerPackage: 7, checked });

test('a seed through the trusted bulk path stores exactly the records of the checked path', async () => {
  const checked = await seeded(3000, true);
  const trusted = await seeded(3000, false);
  assert.deepEqual([...trusted.keys()].sort(), [...checked.keys()].sort(), 'the same tables');
  let compared = 0;
  for (const [table, rows] of checked) {
    const other = trusted.get(table) ?? [];
    assert.equal(other.length, rows.length, `${table}: as many rows`);
    // Keys in the same order too (entries): the snapshot's layout follows them.
    rows.forEach((row, i) => {
      assert.equal(other[i], row, `${table}: row ${i}`);
      compared++;
    });
  }
  assert.ok(compared > 3000 * 3, `every seeded row compared (${compared})`);
});
