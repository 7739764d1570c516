// Standard objects store only the fields a record has (a Lead leaves most of its 60 empty): an empty
// field still reads as null everywhere, before and after a reopen.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../data';

const ORG = '00D000000000077';

test('empty standard fields read as null in retrieve and SOQL, also after a reopen and an update', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lma-sparse-'));
  try {
    let db = await openDatabase({ dir });
    let org = db.org(ORG, { kind: 'lmo' });
    const { id } = await org.create('Lead', { LastName: 'Sparse', Company: 'Few Fields Ltd' });
    const check = (website: string | null) => {
      const rec = org.retrieve('Lead', id, [
        'Website',
        'Industry',
        'AnnualRevenue',
        'IsConverted',
        'Address',
      ]);
      assert.deepEqual(
        [rec.Website, rec.Industry, rec.AnnualRevenue, rec.IsConverted, rec.Address],
        [website, null, null, false, null],
      );
      const count = (where: string) => org.query(`SELECT COUNT() FROM Lead WHERE ${where}`).totalSize;
      assert.equal(count('Website = null'), website === null ? 1 : 0);
      assert.equal(count('Website != null'), website === null ? 0 : 1);
      assert.equal(count('AnnualRevenue < 10'), 0);
      const [row] = org.query('SELECT Name, Website, Industry, City FROM Lead').records;
      assert.deepEqual([row?.Name, row?.Website, row?.Industry, row?.City], ['Sparse', website, null, null]);
    };
    check(null);
    db.close();
    db = await openDatabase({ dir });
    org = db.org(ORG, { kind: 'lmo' });
    check(null);
    await org.update('Lead', id, { Website: 'https://few.example' });
    check('https://few.example');
    await org.update('Lead', id, { Website: null });
    check(null);
    db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
