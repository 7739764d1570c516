// A seed as the tests that compare what seeds store take it: seeded into a new folder at a frozen clock
// with ids from a fixed start, then read back from disk as a restart reads it.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mock } from 'node:test';
import { startLocalOrg } from '../../index';
import { openStore } from '../../data/store/store';
import type { Row } from '../../data/schema/types';
import type { SeedShape } from '../../world/seed';

/**
 * Every row a seed of `licenses` stores, by `<org n> sObject` (orgs in the order they were made), each
 * row as its entries in order (JSON), sorted by Id; the usernames' random tag is written `<tag>`.
 */
export async function seededRows(licenses: number, shape: SeedShape): Promise<Map<string, string[]>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lma-frozen-seed-'));
  try {
    mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-03-02T10:11:12.345Z') });
    // A new world's ids start at a random counter (world.ts): a fixed start.
    const randomInt = mock.method(crypto, 'randomInt', () => 12_345);
    try {
      const org = await startLocalOrg({ dataDir: dir, seed: licenses, seedShape: shape });
      await org.close();
    } finally {
      mock.timers.reset();
      randomInt.mock.restore();
    }
    const store = await openStore({ dir });
    const tag = /admin@lmo-([0-9a-f]{6})\./.exec(fs.readFileSync(path.join(dir, 'world.json'), 'utf8'))?.[1];
    assert.ok(tag, 'the world has a username tag');
    const out = new Map<string, string[]>();
    store.orgIds().forEach((o, n) => {
      for (const [sobject, table] of store.tablesOf(o)) {
        const rows = [...table.list()].sort((a, b) => String(a.Id).localeCompare(String(b.Id)));
        out.set(
          `<org ${n}> ${sobject}`,
          (rows as Row[]).map((row) => JSON.stringify(Object.entries(row)).replaceAll(tag, '<tag>')),
        );
      }
    });
    store.close();
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
