// Benchmark (not a test) of the local org over HTTP with jsforce, on a
// 100,000-license world: status-by-package aggregate, lookup by subscriber org
// id, a 2,000-row page; store start-up time and resident memory.
//   node --import tsx bench/emulator-api.ts [licenses]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@jsforce/jsforce-node';
import { startLocalOrg } from '../emulator/index';

const BUILD = process.argv[2] === '--build';
const LICENSES = Number(process.argv[BUILD ? 4 : 2] ?? 100_000);
const RUNS = 30;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function timed(runs: number, fn: (i: number) => PromiseLike<unknown>): Promise<number> {
  await fn(0); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Child process: seed the world, so the measuring process holds only an opened store. */
async function build(dir: string): Promise<void> {
  const t = performance.now();
  const seeded = await startLocalOrg({ dataDir: dir, seed: LICENSES });
  await seeded.close();
  console.log(JSON.stringify({ seedMs: performance.now() - t }));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lma-bench-'));
  try {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, __filename, '--build', dir, String(LICENSES)],
      { encoding: 'utf8' },
    );
    if (child.status !== 0) throw new Error(`seeding failed: ${child.stderr}`);
    const { seedMs } = JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as { seedMs: number };

    // Start-up of an existing store: what the extension pays on every start.
    const t = performance.now();
    const org = await startLocalOrg({ dataDir: dir });
    const startupMs = performance.now() - t;
    const conn = new Connection({
      instanceUrl: org.instanceUrl,
      accessToken: org.orgs.lmo.accessToken as string,
      version: '62.0',
    });

    const total = await conn.query('SELECT COUNT() FROM sfLma__License__c');
    const sample = await conn.query<{ sfLma__Subscriber_Org_ID__c: string }>(
      'SELECT sfLma__Subscriber_Org_ID__c FROM sfLma__License__c LIMIT 200',
    );
    const orgIds = sample.records.map((r) => r.sfLma__Subscriber_Org_ID__c);

    const aggregate = await timed(RUNS, () =>
      conn.query(
        'SELECT sfLma__Package__c, sfLma__Status__c, COUNT(Id) n FROM sfLma__License__c GROUP BY sfLma__Package__c, sfLma__Status__c',
      ),
    );
    const lookup = await timed(RUNS * 3, (i) =>
      conn.query(
        `SELECT Id, Name, sfLma__Status__c, sfLma__Seats__c, sfLma__Expiration__c, sfLma__Package__r.Name FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${orgIds[i % orgIds.length]}'`,
      ),
    );
    const soql =
      'SELECT Id, Name, sfLma__Status__c, sfLma__Seats__c, sfLma__Expiration__c, sfLma__Subscriber_Org_ID__c, sfLma__Package__r.Name FROM sfLma__License__c';
    const firstPage = await timed(10, () => conn.query(soql));
    const first = await conn.query(soql);
    const nextPage = await timed(RUNS, () => conn.queryMore(first.nextRecordsUrl as string));
    const rssMb = process.memoryUsage().rss / 1024 / 1024;
    await org.close();

    const rows: Array<[string, string, string, boolean]> = [
      ['licenses in the LMO', String(total.totalSize), '100,000', total.totalSize >= LICENSES],
      ['seed (bulk insert, once, separate process)', `${seedMs.toFixed(0)} ms`, '-', true],
      ['store start-up (reopen)', `${startupMs.toFixed(0)} ms`, '< 2000 ms', startupMs < 2000],
      ['status-by-package aggregate (median)', `${aggregate.toFixed(1)} ms`, '< 50 ms', aggregate < 50],
      ['lookup by subscriber org id (median)', `${lookup.toFixed(2)} ms`, '< 5 ms', lookup < 5],
      ['2,000-row first page (median)', `${firstPage.toFixed(1)} ms`, '< 30 ms', firstPage < 30],
      ['2,000-row next page, queryMore (median)', `${nextPage.toFixed(1)} ms`, '< 30 ms', nextPage < 30],
      ['resident memory (server + client)', `${rssMb.toFixed(0)} MB`, '< 300 MB', rssMb < 300],
    ];
    console.log(
      `\nLocal org API benchmark (${LICENSES.toLocaleString('en-US')} licenses, jsforce over HTTP, Node ${process.version})\n`,
    );
    console.log(`| measure | result | target | ok |\n|---|---|---|---|`);
    for (const [name, value, target, ok] of rows)
      console.log(`| ${name} | ${value} | ${target} | ${ok ? 'yes' : 'NO'} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (BUILD) void build(process.argv[3] as string);
else void main();
