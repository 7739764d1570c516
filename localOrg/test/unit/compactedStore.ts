// The stores the snapshot tests start from: a temporary folder per test (removed after it), and a store
// of many Licenses compacted into a snapshot of several lines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'node:test';
import { openDatabase } from '../../data';

export const ORG = '00D000000000009EAA';

/** A new temporary folder named `lma-<prefix>-…` each call; every one is removed after each test. */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), `lma-${prefix}-`));
    dirs.push(d);
    return d;
  };
}

/**
 * A compacted store in `dir` of the LMO `ORG`: the Accounts named, then a Package and `licenses` Active
 * Licenses of it with 1, 2, 3… seats. Returns the snapshot's path.
 */
export async function compactedLicenses(
  dir: string,
  { licenses, packageName, accounts = [] }: { licenses: number; packageName: string; accounts?: string[] },
): Promise<string> {
  const db = await openDatabase({ dir });
  const org = db.org(ORG, { kind: 'lmo' });
  for (const name of accounts) await org.create('Account', { Name: name });
  const pkg = await org.create('sfLma__Package__c', { Name: packageName });
  await org.bulkInsert(
    'sfLma__License__c',
    Array.from({ length: licenses }, (_, i) => ({
      sfLma__Status__c: 'Active',
      sfLma__Seats__c: i + 1,
      sfLma__Package__c: pkg.id,
    })),
  );
  db.compact();
  db.close();
  return path.join(dir, 'snapshot.jsonl');
}
