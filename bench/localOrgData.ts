// Benchmark of the local org's data layer on a 100,000-license LMO.
// Builds the world in a temp dir, then measures in a fresh process (so the
// resident memory is that of an opened store, not of the build):
//   node --import tsx bench/localOrgData.ts [--licenses 100000]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from 'lma-local-org/data';

const LMO = '00D000000000LMO';
const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

async function build(dir: string, count: number): Promise<string[]> {
  const rand = rng(42);
  const db = await openDatabase({ dir, compactBytes: 1 << 30 });
  const org = db.org(LMO, { kind: 'lmo' }).system();
  const packages: string[] = [];
  const versions: { id: string; pkg: string; number: string }[] = [];
  for (const name of ['Acme CPQ', 'Acme Billing', 'Acme Insights', 'Acme Connect']) {
    const pkg = (await org.create('sfLma__Package__c', { Name: name, sfLma__Latest_Version__c: '3.0.0' })).id;
    packages.push(pkg);
    for (let v = 0; v < 3; v++) {
      const number = `${v + 1}.0.0`;
      const id = (
        await org.create('sfLma__Package_Version__c', {
          Name: `${name} ${number}`,
          sfLma__Package__c: pkg,
          sfLma__Version_Number__c: number,
          sfLma__Sequence__c: v + 1,
        })
      ).id;
      versions.push({ id, pkg, number });
    }
  }
  const statuses = [
    'Active',
    'Active',
    'Active',
    'Active',
    'Active',
    'Active',
    'Trial',
    'Trial',
    'Suspended',
    'Uninstalled',
  ];
  const orgIds: string[] = [];
  const BATCH = 10_000;
  for (let start = 0; start < count; start += BATCH) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      let tail = '';
      for (let k = 0; k < 10; k++) tail += BASE62[Math.floor(rand() * 62)];
      // The LMA documents Subscriber Org ID as the 15-character org id.
      const subscriber = `00D5g${tail}`;
      orgIds.push(subscriber);
      const v = versions[Math.floor(rand() * versions.length)]!;
      const status = statuses[Math.floor(rand() * statuses.length)]!;
      const day = new Date(Date.UTC(2023, 0, 1) + Math.floor(rand() * 1000) * 86_400_000)
        .toISOString()
        .slice(0, 10);
      rows.push({
        sfLma__Status__c: status,
        sfLma__Seats__c: rand() < 0.2 ? -1 : 1 + Math.floor(rand() * 500),
        sfLma__Expiration__c:
          rand() < 0.3 ? null : `202${6 + Math.floor(rand() * 3)}-0${1 + Math.floor(rand() * 9)}-15`,
        sfLma__Install_Date__c: day,
        sfLma__Package__c: v.pkg,
        sfLma__Package_Version__c: v.id,
        sfLma__Version_Number__c: v.number,
        sfLma__Subscriber_Org_ID__c: subscriber,
        sfLma__Subscriber_Org_Is_Sandbox__c: rand() < 0.15,
        sfLma__Org_Instance__c: `NA${100 + Math.floor(rand() * 90)}`,
        sfLma__Org_Type__c: rand() < 0.7 ? 'Enterprise Edition' : 'Unlimited Edition',
        sfLma__Org_Status_Formula__c: 'ACTIVE',
        sfLma__Used_Licenses__c: Math.floor(rand() * 50),
      });
    }
    await org.bulkInsert('sfLma__License__c', rows);
  }
  db.close();
  return orgIds;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(runs: number, fn: () => unknown): number {
  fn(); // warm-up
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = performance.now();
    fn();
    t.push(performance.now() - a);
  }
  return median(t);
}

async function measure(dir: string, subscriber: string, label: string): Promise<void> {
  const t0 = performance.now();
  const db = await openDatabase({ dir, compactBytes: 1 << 30 });
  const org = db.org(LMO, { kind: 'lmo' });
  const openMs = performance.now() - t0;
  globalThis.gc?.();
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
  const total = org.query('SELECT COUNT() FROM sfLma__License__c').totalSize;
  const agg = time(
    20,
    () =>
      org.query(
        'SELECT sfLma__Package__c, sfLma__Status__c, COUNT(Id) FROM sfLma__License__c GROUP BY sfLma__Package__c, sfLma__Status__c',
      ).records,
  );
  const lookup = time(200, () => {
    const r = org.query(
      `SELECT Id, Name, sfLma__Status__c, sfLma__Package__r.Name FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${subscriber}'`,
    );
    if (r.totalSize < 1) throw new Error('lookup found nothing');
    return r.records;
  });
  const soql =
    'SELECT Id, Name, sfLma__Status__c, sfLma__Seats__c, sfLma__Package__r.Name FROM sfLma__License__c ORDER BY sfLma__Install_Date__c, Name';
  const firstPage = time(10, () => org.query(soql).page(0, 2000));
  const cached = org.query(soql);
  const laterPage = time(50, () => cached.page(20_000, 2000));
  const offsetPage = time(10, () => org.query(`${soql} LIMIT 2000 OFFSET 2000`).records);
  const unordered = time(20, () =>
    org.query('SELECT Id, Name, sfLma__Status__c FROM sfLma__License__c').page(0, 2000),
  );
  const rows: [string, string][] = [
    ['licenses in store', String(total)],
    [`store open (${label})`, `${openMs.toFixed(0)} ms`],
    ['resident memory after open', `${rssMb.toFixed(0)} MB (heap ${heapMb.toFixed(0)} MB)`],
    ['status-by-package aggregate (median)', `${agg.toFixed(1)} ms`],
    ['lookup by subscriber org id (median)', `${lookup.toFixed(3)} ms`],
    ['first 2,000-row page, full ORDER BY query (median)', `${firstPage.toFixed(1)} ms`],
    ['2,000-row page at row 20,000 of a run query (median)', `${laterPage.toFixed(2)} ms`],
    ['ORDER BY ... LIMIT 2000 OFFSET 2000 (median)', `${offsetPage.toFixed(1)} ms`],
    ['first 2,000-row page, no ORDER BY (median)', `${unordered.toFixed(1)} ms`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
  db.close();
}

async function main(): Promise<void> {
  const measureDir = arg('--measure');
  if (measureDir) {
    if (argv.includes('--compact')) {
      const db = await openDatabase({ dir: measureDir });
      db.compact();
      db.close();
      return;
    }
    await measure(measureDir, arg('--subscriber')!, arg('--label') ?? 'journal replay');
    return;
  }
  const count = Number(arg('--licenses') ?? 100_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lma-bench-'));
  try {
    const t0 = performance.now();
    const orgIds = await build(dir, count);
    const buildMs = performance.now() - t0;
    const bytes = fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    console.log(
      `built ${count} licenses in ${(buildMs / 1000).toFixed(1)} s (bulk insert, one fsync per 10,000), ${(bytes / 2 ** 20).toFixed(0)} MB on disk\n`,
    );
    const subscriber = orgIds[Math.floor(orgIds.length / 2)]!.slice(0, 15);
    const run = (...extra: string[]): void => {
      const child = spawnSync(
        process.execPath,
        [
          '--expose-gc',
          '--import',
          'tsx',
          __filename,
          '--measure',
          dir,
          '--subscriber',
          subscriber,
          ...extra,
        ],
        { stdio: 'inherit' },
      );
      if (child.status !== 0) throw new Error(`measure failed: ${child.status}`);
    };
    run('--label', 'journal replay');
    console.log('');
    run('--compact');
    run('--label', 'snapshot after compaction');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
