// A seed writes its rows through the trusted bulk path (`bulkInsert(…, { trusted: true })`: what the
// checks decide per field name is decided once per shape of the rows). It must store exactly the
// records the checked path (every row through `prepareCreate`) stores: the same seed through both,
// at the same frozen clock, compared record by record in every table of every org.
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

/**
 * Seed a world of `licenses` into a new folder, the clock frozen; every stored row by org (in the
 * order the orgs were made) and table, as JSON. Its usernames' random tag is written `<tag>`.
 */
async function seeded(licenses: number, checked: boolean): Promise<Map<string, string[]>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lma-trusted-'));
  dirs.push(dir);
  mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-03-02T10:11:12.345Z') });
  // A new world's ids start at a random counter (world.ts): the same start for both.
  const randomInt = mock.method(crypto, 'randomInt', () => 12_345);
  try {
    const org = await startLocalOrg({
      dataDir: dir,
      seed: licenses,
      seedShape: { irregular: true, versionsPerPackage: 7, checked },
    });
    await org.close();
  } finally {
    mock.timers.reset();
    randomInt.mock.restore();
  }
  const store = await openStore({ dir });
  const orgs = store.orgIds();
  const tag = /admin@lmo-([0-9a-f]{6})\./.exec(fs.readFileSync(path.join(dir, 'world.json'), 'utf8'))?.[1];
  assert.ok(tag, 'the world has a username tag');
  const plain = (row: Row): string => {
    return JSON.stringify(Object.entries(row)).replaceAll(tag, '<tag>');
  };
  const out = new Map<string, string[]>();
  orgs.forEach((o, n) => {
    for (const [sobject, table] of store.tablesOf(o)) {
      const rows = [...table.list()].sort((a, b) => String(a.Id).localeCompare(String(b.Id)));
      out.set(`<org ${n}> ${sobject}`, rows.map(plain));
    }
  });
  store.close();
  return out;
}

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
